import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMiniProgram } from './build.js';

/**
 * The mini-program's packages as WeChat would upload them (miniprogram/README.md, "Size"): like DevTools' dependency
 * analysis (上传时过滤无依赖文件), only the files reachable from app.json count: pages and subpackages, the tab bar's
 * icons, `usingComponents` recursively (TDesign's included), WXML `import` / `include` / `wxs` and local image paths,
 * WXSS `@import` and local `url()`, and script `require`s. Measured on the built app (TypeScript compiled to
 * JavaScript, unminified: DevTools' minifying makes our own code a little smaller still). WeChat's limits: the main
 * package 2 MB, every package 2 MB, 20 MB in all; ours for the main package is 500 KB.
 * Also prints the size of the `product.home` answer for the demo shop (the first screen's one call; target < 20 KB).
 *   npm run size:mp
 */

export const LIMITS = { mainPackage: 500 * 1024, anyPackage: 2 * 1024 * 1024, total: 20 * 1024 * 1024 };
export const HOME_ANSWER_LIMIT = 20 * 1024;
export const ICON_STYLESHEET = 'miniprogram_npm/tdesign-miniprogram/icon/icon.wxss';

export interface PackageSize {
  /** `main`, or a subpackage's root. */
  name: string;
  files: string[];
  bytes: number;
}

export interface SizeReport {
  packages: PackageSize[];
  total: number;
  /** Every file reached, relative to the app's root, with its size. */
  reached: Map<string, number>;
  problems: string[];
}

interface AppJson {
  pages?: string[];
  subpackages?: Array<{ root: string; pages?: string[] }>;
  subPackages?: Array<{ root: string; pages?: string[] }>;
  usingComponents?: Record<string, string>;
  tabBar?: { custom?: boolean; list?: Array<{ iconPath?: string; selectedIconPath?: string }> };
  sitemapLocation?: string;
  themeLocation?: string;
}

interface ComponentJson {
  usingComponents?: Record<string, string>;
  componentGenerics?: Record<string, { default?: string } | boolean>;
}

const posix = (p: string) => p.split(path.sep).join('/');

/** Walks the app in `root` (a built mini-program) from its app.json, as the upload's dependency analysis does. */
export function analyze(root: string): SizeReport {
  const reached = new Map<string, number>();
  const rel = (abs: string) => posix(path.relative(root, abs));
  const queue: string[] = [];

  function add(abs: string | undefined): void {
    if (!abs) return;
    const key = rel(abs);
    if (key.startsWith('..') || reached.has(key) || !fs.existsSync(abs) || !fs.statSync(abs).isFile()) return;
    reached.set(key, fs.statSync(abs).size);
    queue.push(abs);
  }

  /** A page or component: its four files. */
  function addUnit(base: string): void {
    for (const ext of ['.json', '.js', '.wxml', '.wxss']) add(base + ext);
  }

  /** `miniprogram_npm/<spec>` in this folder or any above it, up to the root (WeChat's npm lookup). */
  function fromNpm(fromDir: string, spec: string, exts: string[]): string | undefined {
    for (let dir = fromDir; ; dir = path.dirname(dir)) {
      const base = path.join(dir, 'miniprogram_npm', spec);
      const found = exts.map((ext) => base + ext).find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
      if (found) return found;
      if (path.resolve(dir) === path.resolve(root) || dir === path.dirname(dir)) return undefined;
    }
  }

  /** A path as a file names another: absolute from the root, relative to the file, or (bare) from miniprogram_npm. */
  function resolve(fromFile: string, spec: string, exts: string[]): string | undefined {
    if (/^(plugin|plugin-private):\/\//.test(spec) || /^[a-z]+:/i.test(spec) || spec.includes('{{')) return undefined;
    const dir = path.dirname(fromFile);
    const candidates = (base: string) => exts.map((ext) => base + ext);
    const pick = (base: string) => candidates(base).find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
    if (spec.startsWith('/')) return pick(path.join(root, spec));
    if (spec.startsWith('.')) return pick(path.join(dir, spec));
    return pick(path.join(dir, spec)) ?? fromNpm(dir, spec, exts);
  }

  function componentBase(fromJson: string, spec: string): string | undefined {
    const json = resolve(fromJson, spec, ['.json', '/index.json']);
    return json?.replace(/\.json$/, '');
  }

  const appJsonPath = path.join(root, 'app.json');
  const app = JSON.parse(fs.readFileSync(appJsonPath, 'utf8')) as AppJson;
  add(appJsonPath);
  add(path.join(root, 'app.js'));
  add(path.join(root, 'app.wxss'));
  add(path.join(root, app.sitemapLocation ?? 'sitemap.json'));
  if (app.themeLocation) add(path.join(root, app.themeLocation));
  for (const page of app.pages ?? []) addUnit(path.join(root, page));
  const subpackages = app.subpackages ?? app.subPackages ?? [];
  for (const sub of subpackages) for (const page of sub.pages ?? []) addUnit(path.join(root, sub.root, page));
  for (const item of app.tabBar?.list ?? []) {
    for (const icon of [item.iconPath, item.selectedIconPath]) if (icon) add(path.join(root, icon));
  }
  if (app.tabBar?.custom) addUnit(path.join(root, 'custom-tab-bar', 'index'));

  while (queue.length) {
    const file = queue.shift()!;
    const text = fs.readFileSync(file, 'utf8');
    switch (path.extname(file)) {
      case '.json': {
        const json = JSON.parse(text) as ComponentJson;
        const specs = [
          ...Object.values(json.usingComponents ?? {}),
          ...Object.values(json.componentGenerics ?? {}).flatMap((g) => (typeof g === 'object' && g.default ? [g.default] : [])),
        ];
        for (const spec of specs) {
          const base = componentBase(file, spec);
          if (base) addUnit(base);
        }
        break;
      }
      case '.wxml':
        for (const [, tag, spec] of text.matchAll(/<(import|include|wxs)\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']/g)) {
          add(resolve(file, spec!, tag === 'wxs' ? ['', '.wxs'] : ['', '.wxml']));
        }
        // Local images named in the template (remote and data-bound ones are not files of the package).
        for (const [, spec] of text.matchAll(/\bsrc\s*=\s*["']([^"'{}]+\.(?:png|jpe?g|gif|svg|webp))["']/g))
          add(resolve(file, spec!, ['']));
        break;
      case '.wxss':
        for (const [, spec] of text.matchAll(/@import\s+(?:url\()?\s*["']([^"']+)["']/g))
          add(resolve(file, spec!, ['', '.wxss']));
        for (const [, spec] of text.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
          if (!spec!.startsWith('data:')) add(resolve(file, spec!, ['']));
        }
        break;
      case '.js':
      case '.wxs':
        for (const [, spec] of text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
          add(resolve(file, spec!, ['', '.js', '/index.js', '.wxs']));
        }
        break;
    }
  }

  const packages: PackageSize[] = [{ name: 'main', files: [], bytes: 0 }];
  for (const sub of subpackages) packages.push({ name: sub.root.replace(/\/$/, ''), files: [], bytes: 0 });
  for (const [file, bytes] of reached) {
    const owner = packages.slice(1).find((p) => file.startsWith(`${p.name}/`)) ?? packages[0]!;
    owner.files.push(file);
    owner.bytes += bytes;
  }
  const total = packages.reduce((n, p) => n + p.bytes, 0);
  const problems: string[] = [];
  if (packages[0]!.bytes > LIMITS.mainPackage) problems.push(`the main package is over 500 KB (${kb(packages[0]!.bytes)})`);
  for (const p of packages) if (p.bytes > LIMITS.anyPackage) problems.push(`package ${p.name} is over 2 MB (${kb(p.bytes)})`);
  if (total > LIMITS.total) problems.push(`all packages together are over 20 MB (${kb(total)})`);
  return { packages, total, reached, problems };
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The `product.home` answer for the demo shop, as the gateway sends it: the envelope's bytes and the whole body's. */
export async function homeAnswerBytes(): Promise<{ envelope: number; body: number }> {
  const { startShop } = await import('../../testkit/shop.js');
  const shop = await startShop({ only: ['product'] });
  try {
    const res = await fetch(`${shop.emulator.url}/functions/product`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': 'o-size-check' },
      body: JSON.stringify({ $url: 'home' }),
    });
    const body = await res.text();
    const { result } = JSON.parse(body) as { result: unknown };
    return { envelope: Buffer.byteLength(JSON.stringify(result)), body: Buffer.byteLength(body) };
  } finally {
    await shop.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { outDir } = await buildMiniProgram();
  const report = analyze(outDir);
  const ours = (files: string[]) => files.filter((f) => !f.startsWith('miniprogram_npm/'));
  const sum = (files: string[]) => files.reduce((n, f) => n + report.reached.get(f)!, 0);
  console.log('package                 files      size   (our code / TDesign)');
  for (const p of report.packages) {
    const own = ours(p.files);
    console.log(
      `${p.name.padEnd(22)} ${String(p.files.length).padStart(6)} ${kb(p.bytes).padStart(10)}   (${kb(sum(own))} / ${kb(p.bytes - sum(own))})`,
    );
  }
  console.log(`${'total'.padEnd(22)} ${String(report.reached.size).padStart(6)} ${kb(report.total).padStart(10)}`);
  const icons = report.reached.get(ICON_STYLESHEET);
  console.log(
    icons === undefined
      ? 'TDesign icon stylesheet: not reached'
      : `TDesign icon stylesheet ${ICON_STYLESHEET}: ${kb(icons)} (counted)`,
  );
  const components = [
    ...new Set(
      [...report.reached.keys()].map((f) => /^miniprogram_npm\/tdesign-miniprogram\/([^/]+)\//.exec(f)?.[1]).filter(Boolean),
    ),
  ];
  console.log(`TDesign folders reached (${components.length}): ${components.sort().join(', ')}`);
  console.log(`limits: main package ≤ 500 KB, each package ≤ 2 MB, total ≤ 20 MB`);

  const home = await homeAnswerBytes();
  console.log(
    `product.home answer for the demo shop: ${kb(home.envelope)} (${home.envelope} bytes; ${home.body} bytes with the gateway's wrapper),` +
      ' target < 20 KB',
  );
  if (home.envelope > HOME_ANSWER_LIMIT) report.problems.push(`the product.home answer is over 20 KB (${kb(home.envelope)})`);

  for (const problem of report.problems) console.log(`OVER: ${problem}`);
  if (report.problems.length) process.exitCode = 1;
  else console.log('all within limits');
}
