import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the mini-program for WeChat DevTools and for the page tests (miniprogram/README.md):
 *  1. TDesign's `miniprogram_dist` into `miniprogram/miniprogram_npm/tdesign-miniprogram`, as DevTools' 构建 npm lays
 *     it out, with its ES modules turned into CommonJS (miniprogram-simulate requires them with Node's `require`) and
 *     bare requires of the libraries TDesign bundles (`tslib`, `dayjs`, …) pointed at those copies. Redone only when
 *     the TDesign version or this conversion changes.
 *  2. The app into `build/miniprogram/` (or `outDir`): TypeScript compiled file by file to CommonJS, as DevTools'
 *     TypeScript plugin does, `.wxml` / `.wxss` / `.wxs` / `.json` and images copied, and `miniprogram_npm` beside them.
 *   npm run build:mp
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MINIPROGRAM_DIR = path.join(root, 'miniprogram');
export const NPM_DIR = path.join(MINIPROGRAM_DIR, 'miniprogram_npm');
export const DEFAULT_OUT_DIR = path.join(root, 'build', 'miniprogram');

const TDESIGN = 'tdesign-miniprogram';
/** Bump when the conversion below changes, so every checkout converts TDesign again. */
const CONVERSION = 2;
const STAMP = '.converted.json';
/** Folders of miniprogram/ that are not part of the app. */
const NOT_APP = new Set(['miniprogram_npm', 'test', 'node_modules']);
const COPIED = new Set(['.wxml', '.wxss', '.wxs', '.json', '.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp']);
/** Files of miniprogram/ that only the tooling reads. */
const TOOLING = new Set(['tsconfig.json', 'README.md']);

function tdesignVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', TDESIGN, 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function walk(dir: string, skip: (rel: string, isDir: boolean) => boolean = () => false, base = dir): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = path.relative(base, full);
    if (skip(rel, entry.isDirectory())) continue;
    if (entry.isDirectory()) out.push(...walk(full, skip, base));
    else out.push(full);
  }
  return out;
}

/**
 * `require("tslib")` inside TDesign means the copy it bundles in its own `miniprogram_npm/`, which WeChat finds by
 * walking up the folders and Node would not: point it there with a relative path (valid for both).
 */
function pointBareRequires(code: string, file: string, packageRoot: string, scripts: ReadonlySet<string>): string {
  return code.replace(/require\("([^"./][^"]*)"\)/g, (whole, spec: string) => {
    const base = path.join(packageRoot, 'miniprogram_npm', spec);
    const target = [`${base}.js`, path.join(base, 'index.js')].find((candidate) => scripts.has(candidate));
    if (!target) return whole;
    let rel = path.relative(path.dirname(file), target).split(path.sep).join('/').replace(/\.js$/, '');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `require("${rel}")`;
  });
}

/** Converts TDesign into `miniprogram/miniprogram_npm/tdesign-miniprogram` unless it is there already for this version. */
export async function ensureTdesign(): Promise<{ dir: string; converted: boolean }> {
  const dir = path.join(NPM_DIR, TDESIGN);
  const stamp = { version: tdesignVersion(), conversion: CONVERSION };
  const current = (): boolean => {
    try {
      const seen = JSON.parse(fs.readFileSync(path.join(dir, STAMP), 'utf8')) as typeof stamp;
      return seen.version === stamp.version && seen.conversion === stamp.conversion;
    } catch {
      return false;
    }
  };
  if (current()) return { dir, converted: false };

  const dist = path.join(root, 'node_modules', TDESIGN, 'miniprogram_dist');
  // Built beside the target and renamed into place, so test processes building at once never see half a copy.
  const tmp = path.join(NPM_DIR, `.${TDESIGN}-${process.pid}-${Date.now()}`);
  const files = walk(dist).filter((f) => !f.endsWith('.d.ts') && !f.endsWith('.ts'));
  const scripts = files.filter((f) => f.endsWith('.js'));
  for (const file of files.filter((f) => !f.endsWith('.js'))) {
    const to = path.join(tmp, path.relative(dist, file));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(file, to);
  }
  const result = await esbuild.build({
    entryPoints: scripts,
    outbase: dist,
    outdir: tmp,
    bundle: false,
    format: 'cjs',
    platform: 'neutral',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const written = new Set(result.outputFiles.map((out) => out.path));
  for (const out of result.outputFiles) {
    fs.mkdirSync(path.dirname(out.path), { recursive: true });
    fs.writeFileSync(out.path, pointBareRequires(out.text, out.path, tmp, written));
  }
  fs.writeFileSync(path.join(tmp, STAMP), `${JSON.stringify(stamp)}\n`);

  if (current()) {
    fs.rmSync(tmp, { recursive: true, force: true });
    return { dir, converted: false };
  }
  const stale = `${tmp}.stale`;
  if (fs.existsSync(dir)) fs.renameSync(dir, stale);
  try {
    fs.renameSync(tmp, dir);
  } catch (err) {
    // Another process put its copy in place first: keep that one.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!current()) throw err;
  }
  fs.rmSync(stale, { recursive: true, force: true });
  return { dir, converted: true };
}

export interface BuiltMiniProgram {
  outDir: string;
  /** Files written, TDesign's included. */
  files: number;
  ms: number;
}

/** Builds the app into `outDir` (replaced whole), TDesign's converted copy included. */
export async function buildMiniProgram(options: { outDir?: string } = {}): Promise<BuiltMiniProgram> {
  const started = Date.now();
  const outDir = path.resolve(options.outDir ?? DEFAULT_OUT_DIR);
  await ensureTdesign();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });

  const sources = walk(MINIPROGRAM_DIR, (rel, isDir) =>
    isDir ? NOT_APP.has(rel.split(path.sep)[0]!) : TOOLING.has(rel) || rel.split(path.sep)[0] === 'test',
  );
  const scripts = sources.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  for (const file of sources.filter((f) => COPIED.has(path.extname(f)))) {
    const to = path.join(outDir, path.relative(MINIPROGRAM_DIR, file));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(file, to);
  }
  await esbuild.build({
    entryPoints: scripts,
    outbase: MINIPROGRAM_DIR,
    outdir: outDir,
    bundle: false,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2018',
    logLevel: 'warning',
  });
  fs.cpSync(NPM_DIR, path.join(outDir, 'miniprogram_npm'), {
    recursive: true,
    filter: (src) => !path.basename(src).startsWith('.'),
  });
  // The repository is an ES-module package; the built app is CommonJS, as WeChat runs it.
  fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
  return { outDir, files: walk(outDir).length, ms: Date.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const tdesign = await ensureTdesign();
  const built = await buildMiniProgram();
  console.log(
    `${tdesign.converted ? 'converted' : 'kept'} ${path.relative(root, tdesign.dir)} (TDesign ${tdesignVersion()}, CommonJS)`,
  );
  console.log(`built ${path.relative(root, built.outDir)}: ${built.files} files in ${built.ms} ms`);
}
