import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * `npm run size:admin`: what the merchant's browser downloads, gzipped as static hosting's CDN sends it. Builds the
 * page as `npm run build:admin` does (into build/admin-size, with Vite's manifest to follow the chunks' imports) and
 * prints the JavaScript and CSS of the first screen (登录: the entry, the router's 登录 chunk and everything they
 * import), then what each page adds on top of the signed-in frame. The budget: first screen ≤ 300 KB of gzipped JS.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = path.join(root, 'build', 'admin-size');
export const FIRST_SCREEN_BUDGET_KB = 300;

interface Chunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}
type Manifest = Record<string, Chunk>;

/** A chunk and everything it imports statically (what the browser must load before it runs), as output files. */
export function closure(manifest: Manifest, keys: string[]): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is not in the manifest`);
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  keys.forEach(visit);
  return files;
}

export interface SizeReport {
  firstScreen: { jsKB: number; cssKB: number; files: number };
  /** Each page's own chunk and what it imports beyond the signed-in frame (entry + layout). */
  pages: Array<{ page: string; jsKB: number }>;
}

export function measure(dir: string): SizeReport {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  const gz = (files: Iterable<string>, ext: string) =>
    [...files].filter((f) => f.endsWith(ext)).reduce((sum, f) => sum + gzipSync(fs.readFileSync(path.join(dir, f))).length, 0) /
    1024;
  const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
  const keyOf = (src: string) => {
    const key = Object.keys(manifest).find((k) => k.endsWith(src));
    if (!key) throw new Error(`${src} was not built`);
    return key;
  };
  const first = closure(manifest, [entry, keyOf('src/pages/SignInPage.vue')]);
  const frame = closure(manifest, [entry, keyOf('src/layouts/AdminLayout.vue')]);
  const pages = Object.keys(manifest)
    .filter((k) => /src\/pages\/.+Page\.vue$/.test(k) && !k.endsWith('SignInPage.vue') && !k.endsWith('NotFoundPage.vue'))
    .map((k) => {
      const own = [...closure(manifest, [k])].filter((f) => !frame.has(f));
      return { page: k.replace(/^.*src\/pages\//, ''), jsKB: gz(own, '.js') };
    })
    .sort((a, b) => b.jsKB - a.jsKB);
  return { firstScreen: { jsKB: gz(first, '.js'), cssKB: gz(first, '.css'), files: first.size }, pages };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { build } = await import('vite');
  await build({
    configFile: path.join(root, 'admin', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: OUT, emptyOutDir: true, manifest: true },
  });
  const report = measure(OUT);
  const within = report.firstScreen.jsKB <= FIRST_SCREEN_BUDGET_KB;
  console.log(
    `Admin page (gzipped, as static hosting serves it)

  First screen (登录)      JS ${report.firstScreen.jsKB.toFixed(1)} KB   CSS ${report.firstScreen.cssKB.toFixed(1)} KB   ` +
      `${report.firstScreen.files} files   budget ≤ ${FIRST_SCREEN_BUDGET_KB} KB JS: ${within ? 'within' : 'OVER'}

  Each page adds, beyond the signed-in frame (JS):
${report.pages.map((p) => `    ${p.page.padEnd(40)} ${p.jsKB.toFixed(1).padStart(7)} KB`).join('\n')}`,
  );
  if (!within) process.exitCode = 1;
}
