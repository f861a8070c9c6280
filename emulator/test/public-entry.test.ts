import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as entry from '../index.js';

/**
 * emulator/index.ts is the emulator's only public entry: code outside `emulator/` imports it, never `emulator/src`
 * or `emulator/test`, so the emulator's insides can change without breaking the shop. And the emulator stays
 * self-contained: nothing in it imports from outside `emulator/`.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EMULATOR = path.join(ROOT, 'emulator');

const SKIPPED_FOLDERS = new Set(['node_modules', 'build', '.cloudbase', '.git']);

function typeScriptFiles(dir: string): string[] {
  const files: string[] = [];
  for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
    if (item.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(item.name)) files.push(...typeScriptFiles(path.join(dir, item.name)));
    } else if (item.name.endsWith('.ts')) files.push(path.join(dir, item.name));
  }
  return files;
}

/** Every module a file names: static imports and re-exports, `import()` and `require()`. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/** The files' relative imports that resolve to somewhere `forbidden` holds, as `file: specifier`. */
function importsInto(files: string[], forbidden: (target: string) => boolean): string[] {
  const offences: string[] = [];
  for (const file of files) {
    for (const spec of specifiers(fs.readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      if (forbidden(path.resolve(path.dirname(file), spec))) offences.push(`${path.relative(ROOT, file)}: ${spec}`);
    }
  }
  return offences;
}

const inside = (folder: string) => (target: string) => target === folder || target.startsWith(folder + path.sep);

test('code outside the emulator imports only its public entry', (t) => {
  const outside = typeScriptFiles(ROOT).filter((file) => !inside(EMULATOR)(file));
  const checked = outside;
  t.true(checked.length > 0);
  const internals = [path.join(EMULATOR, 'src'), path.join(EMULATOR, 'test')].map(inside);
  t.deepEqual(
    importsInto(checked, (target) => internals.some((isInside) => isInside(target))),
    [],
    'import from emulator/index.ts instead',
  );
});

test('the emulator imports nothing from outside emulator/', (t) => {
  t.deepEqual(
    importsInto(typeScriptFiles(EMULATOR), (target) => !inside(EMULATOR)(target)),
    [],
  );
});

test('the entry exports what the shop and its scripts use', (t) => {
  for (const name of [
    'startEmulator',
    'allServices',
    'launch',
    'parseLaunchArgs',
    'installFunctionRuntime',
    'installGateways',
    'normalizeIndex',
    'sdkEnvironment',
    'controlClient',
  ] as const) {
    t.is(typeof entry[name], 'function', name);
  }
  t.deepEqual(
    entry.sdkEnvironment({ url: 'http://127.0.0.1:9', envId: 'e1' }).TCB_CONTEXT_CNFG,
    '{"URL":"http://127.0.0.1:9/admin"}',
  );
});
