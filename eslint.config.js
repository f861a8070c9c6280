// Lint for the whole repository: typescript-eslint's recommended type-aware rules, plus the import rules that keep the
// architecture as docs/architecture.md draws it (pure rules apart from I/O; the emulator behind one public entry).
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const emulatorInternals = {
  group: ['**/emulator/src/**', '**/emulator/test/**'],
  message: 'Use emulator/index.ts, the emulator’s public entry.',
};
const sdk = { group: ['wx-server-sdk', '@cloudbase/*'], message: 'Only platform/ and store/ talk to the SDK.' };
const layer = (...names) =>
  names.map((name) => ({
    group: [`../${name}/**`, `./${name}/**`],
    message: `This layer may not import ${name}/ (docs/architecture.md, "The dependency rule").`,
  }));

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', '.cloudbase/', 'scripts/tmp/', 'miniprogram/miniprogram_npm/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-imports': ['error', { patterns: [emulatorInternals] }],
      // Prettier wraps code at 130 columns; this catches the long strings and comments it leaves alone.
      'max-len': ['error', { code: 160, ignoreUrls: true }],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  // Cloud functions as CloudBase runs them (the emulator's fixtures, its worker): CommonJS on Node.
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['emulator/src/ui/browser/**'], languageOptions: { globals: globals.browser } },
  // The merchant admin page (Vue 3): vue-tsc type-checks the single-file components (npm run typecheck), so ESLint
  // reads them with Vue's rules and TypeScript's syntax, without type information; its .ts files keep the typed rules.
  ...pluginVue.configs['flat/recommended'].map((config) => ({ ...config, files: ['admin/src/**/*.vue'] })),
  {
    files: ['admin/src/**/*.vue'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module', projectService: false },
      globals: globals.browser,
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      // Prettier lays templates out; these rules would fight it.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    // The admin page runs in the browser and imports only types from typings/ (its schemas would bundle zod).
    files: ['admin/src/**/*.ts', 'admin/src/**/*.vue'],
    languageOptions: { globals: globals.browser },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/typings/**', '!**/typings/admin-roles', '!**/typings/labels'],
              allowTypeImports: true,
              message:
                'The admin page imports only types from typings/ (import type), and the plain values of typings/admin-roles.ts and typings/labels.ts.',
            },
            { group: ['**/testkit/**', '**/scripts/**', 'node:*'], message: 'The admin page runs in the browser, not Node.' },
          ],
        },
      ],
    },
  },
  {
    files: ['cloudfunctions/shared/model/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [sdk, ...layer('rules', 'store', 'platform', 'workflows')] }] },
  },
  {
    // Pure rules, and their tests: no SDK, no database, no emulator.
    files: ['cloudfunctions/shared/rules/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            sdk,
            ...layer('store', 'platform', 'workflows'),
            { group: ['**/testkit/**'], message: 'Pure rules are tested without an emulator.' },
          ],
        },
      ],
    },
  },
  {
    files: ['cloudfunctions/shared/platform/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...layer('store', 'workflows')] }] },
  },
  {
    files: ['cloudfunctions/shared/store/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...layer('workflows')] }] },
  },
  {
    // The mini-program (miniprogram/tsconfig.json gives it WeChat's API types): WeChat's globals, and only types from
    // typings/ (its schemas would bundle zod into the app); its tests run in Node.
    files: ['miniprogram/**/*.ts'],
    ignores: ['miniprogram/test/**'],
    languageOptions: {
      globals: {
        wx: 'readonly',
        App: 'readonly',
        Page: 'readonly',
        Component: 'readonly',
        Behavior: 'readonly',
        getApp: 'readonly',
        getCurrentPages: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/typings/**'],
              allowTypeImports: true,
              message: 'The mini-program imports only types from typings/ (import type).',
            },
            { group: ['**/testkit/**', '**/scripts/**', 'node:*'], message: 'The mini-program runs in WeChat, not Node.' },
          ],
        },
      ],
    },
  },
  {
    // Tests and benchmarks read documents back through node-sdk, which hands them out untyped.
    files: ['**/*.test.ts', 'testkit/**', 'emulator/test/**', 'scripts/bench/**', 'emulator/bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
