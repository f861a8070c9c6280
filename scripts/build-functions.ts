import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FunctionDefaults, readDeployConfig } from './deploy/declarations.js';

/**
 * Bundles each `cloudfunctions/<name>/index.ts` into `build/functions/<name>/` as CloudBase deploys it: `index.js`
 * exporting `main` (CommonJS), a `package.json` that lists only wx-server-sdk (left external, installed by the
 * platform), and the function's `config.json`. Shared domain code, tcb-router and zod are bundled in.
 * Building the repository's `cloudfunctions/` into its `functionRoot` also regenerates the `functions` of
 * cloudbaserc.json from the configs, for the cloudbase CLI (`tcb fn deploy`, `tcb framework deploy`).
 *   npm run build:functions [-- name ...]
 */
export interface BuildOptions {
  sourceDir: string;
  outDir: string;
  /** Build only these functions. */
  only?: string[];
}

export interface BuiltFunction {
  name: string;
  dir: string;
  bytes: number;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RC_FILE = path.join(root, 'cloudbaserc.json');
const SDK_VERSION = (
  JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
).dependencies['wx-server-sdk']!;

/**
 * Leaves zod's translations of its messages (about 40 languages, half of zod's 734 KB in every bundle) out of the
 * functions: the routes word their own Chinese messages from the issues (shared/platform/route.ts), and zod's default
 * English stays (its schemas import it directly). Loading a function takes 3–7 ms less, its bundle half the size.
 */
const withoutZodLocales: esbuild.Plugin = {
  name: 'without-zod-locales',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'no-zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'no-zod-locales' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/** A function is a folder with an `index.ts`; `shared/` and folders starting with `_` hold code the functions import. */
export function functionNames(sourceDir: string): string[] {
  if (!fs.existsSync(sourceDir)) return [];
  return fs
    .readdirSync(sourceDir, { withFileTypes: true })
    .filter(
      (d) =>
        d.isDirectory() &&
        d.name !== 'shared' &&
        !d.name.startsWith('_') &&
        fs.existsSync(path.join(sourceDir, d.name, 'index.ts')),
    )
    .map((d) => d.name)
    .sort();
}

export async function buildFunctions(options: BuildOptions): Promise<BuiltFunction[]> {
  // Only the real build: tests build other folders and must leave the repository's file alone.
  if (
    path.resolve(options.sourceDir) === path.join(root, 'cloudfunctions') &&
    path.resolve(options.outDir) === readDeployConfig(RC_FILE).functionRoot
  ) {
    syncCloudbaseRc(RC_FILE, options.sourceDir);
  }
  const names = functionNames(options.sourceDir).filter((n) => !options.only?.length || options.only.includes(n));
  return Promise.all(
    names.map(async (name) => {
      const dir = path.join(options.outDir, name);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      await esbuild.build({
        entryPoints: [path.join(options.sourceDir, name, 'index.ts')],
        outfile: path.join(dir, 'index.js'),
        bundle: true,
        platform: 'node',
        target: 'node18', // the CloudBase runtime Nodejs18.15
        format: 'cjs',
        external: ['wx-server-sdk'],
        sourcemap: 'linked',
        legalComments: 'none',
        charset: 'utf8',
        logLevel: 'warning',
        plugins: [withoutZodLocales],
      });
      fs.writeFileSync(
        path.join(dir, 'package.json'),
        `${JSON.stringify({ name, private: true, main: 'index.js', dependencies: { 'wx-server-sdk': SDK_VERSION.replace(/^\^/, '') } }, null, 2)}\n`,
      );
      const config = path.join(options.sourceDir, name, 'config.json');
      fs.writeFileSync(path.join(dir, 'config.json'), fs.existsSync(config) ? fs.readFileSync(config) : '{}\n');
      return { name, dir, bytes: fs.statSync(path.join(dir, 'index.js')).size };
    }),
  );
}

/** A `functions` entry of cloudbaserc.json in the CLI's flat form, which `tcb fn deploy` and the framework both read. */
export interface CliFunction {
  name: string;
  timeout?: number;
  runtime: string;
  memorySize: number;
  handler: string;
  installDependency: boolean;
  ignore: string[];
  triggers?: Array<{ name: string; type: string; config: string }>;
}

/** What the CLI needs of a config.json; npm run deploy validates it (scripts/deploy/declarations.ts). */
type FunctionConfig = Pick<CliFunction, 'timeout' | 'triggers'>;

/**
 * What npm run deploy deploys, for the CLI: timeout and timers from each config.json, runtime and memory from
 * `functionDefaults`, the platform installing wx-server-sdk, source maps left out (as scripts/deploy/manager.ts).
 * No `envVariables`: the CLI would replace the deployed variables with exactly these, and their values are secrets.
 */
export function cliFunctions(sourceDir: string, defaults: FunctionDefaults): CliFunction[] {
  return functionNames(sourceDir).map((name) => {
    const file = path.join(sourceDir, name, 'config.json');
    let config: FunctionConfig = {};
    try {
      if (fs.existsSync(file)) config = JSON.parse(fs.readFileSync(file, 'utf8')) as FunctionConfig;
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
    return {
      name,
      ...(config.timeout !== undefined ? { timeout: config.timeout } : {}),
      runtime: defaults.runtime,
      memorySize: defaults.memorySize,
      handler: 'index.main',
      installDependency: true,
      ignore: ['*.map'],
      ...(config.triggers?.length
        ? { triggers: config.triggers.map((t) => ({ name: t.name, type: t.type, config: t.config })) }
        : {}),
    };
  });
}

/** Rewrites the `functions` of `rcFile` from the configs under `sourceDir`, keeping every other key. True when it changed. */
export function syncCloudbaseRc(rcFile: string, sourceDir: string): boolean {
  const text = fs.readFileSync(rcFile, 'utf8');
  const rc = JSON.parse(text) as Record<string, unknown>;
  const next = `${JSON.stringify({ ...rc, functions: cliFunctions(sourceDir, readDeployConfig(rcFile).functionDefaults) }, null, 2)}\n`;
  if (next === text) return false;
  fs.writeFileSync(rcFile, next);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const rcBefore = fs.readFileSync(RC_FILE, 'utf8');
  const built = await buildFunctions({
    sourceDir: path.join(root, 'cloudfunctions'),
    outDir: readDeployConfig(RC_FILE).functionRoot,
    only: process.argv.slice(2),
  });
  if (fs.readFileSync(RC_FILE, 'utf8') !== rcBefore)
    console.log('updated the functions of cloudbaserc.json: commit it with the config.json changes');
  for (const f of built)
    console.log(`built ${f.name.padEnd(16)} ${(f.bytes / 1024).toFixed(1)} KiB  ${path.relative(root, f.dir)}`);
  if (!built.length) console.log('no functions in cloudfunctions/ yet');
}
