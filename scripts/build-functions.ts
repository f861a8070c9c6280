import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Bundles each `cloudfunctions/<name>/index.ts` into `build/functions/<name>/` as CloudBase deploys it: `index.js`
 * exporting `main` (CommonJS), a `package.json` that lists only wx-server-sdk (left external, installed by the
 * platform), and the function's `config.json`. Shared domain code, tcb-router and zod are bundled in.
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
const SDK_VERSION = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['wx-server-sdk']!;

/** A function is a folder with an `index.ts`; `shared/` and folders starting with `_` hold code the functions import. */
export function functionNames(sourceDir: string): string[] {
  if (!fs.existsSync(sourceDir)) return [];
  return fs
    .readdirSync(sourceDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'shared' && !d.name.startsWith('_') && fs.existsSync(path.join(sourceDir, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

export async function buildFunctions(options: BuildOptions): Promise<BuiltFunction[]> {
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

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const built = await buildFunctions({ sourceDir: path.join(root, 'cloudfunctions'), outDir: path.join(root, 'build/functions'), only: process.argv.slice(2) });
  for (const f of built) console.log(`built ${f.name.padEnd(16)} ${(f.bytes / 1024).toFixed(1)} KiB  ${path.relative(root, f.dir)}`);
  if (!built.length) console.log('no functions in cloudfunctions/ yet');
}
