import test from 'ava';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { buildTestApp, WCC_OPTIONS } from '../../testkit/miniprogram.js';

// Every template and stylesheet of the app goes through WeChat's own compilers (wcc for WXML, wcsc for WXSS, from
// miniprogram-compiler, the ones miniprogram-simulate renders with), TDesign's templates included.

const require = createRequire(import.meta.url);
const compiler = require('miniprogram-compiler') as { wxmlToJs(root: string, options?: Record<string, unknown>): string };
const wcsc = require('miniprogram-compiler/src/wcsc') as (root: string, files: string[]) => Record<string, string> | Error;

const source = path.resolve('miniprogram');
const ownFiles = (ext: string) =>
  fs
    .readdirSync(source, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext) && !f.startsWith('miniprogram_npm') && !f.startsWith('test'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();

let app: Awaited<ReturnType<typeof buildTestApp>>;

test.before(async () => {
  app = await buildTestApp();
});

test.after.always(() => app?.remove());

test('every WXML template of the app compiles with the official compiler', (t) => {
  const templates = ownFiles('.wxml');
  t.true(templates.includes('pages/home/index.wxml'));
  t.true(templates.includes('components/price/index.wxml'));
  // The compiled templates (a function body answering `$gwx`) expect the view layer's `window`; an empty one is enough
  // to look them up.
  const gwx = vm.runInNewContext(`(function () {${compiler.wxmlToJs(app.rootPath, WCC_OPTIONS)}\n})()`, {
    window: { __webview_engine_version__: 0.02 },
  }) as (file: string) => unknown;
  for (const file of templates) t.is(typeof gwx(file), 'function', file);
  t.not(typeof gwx('pages/nowhere/index.wxml'), 'function', 'a template that is not there is not found');
  // TDesign's, which the pages use, too.
  t.is(typeof gwx('miniprogram_npm/tdesign-miniprogram/image/image.wxml'), 'function');
});

test('every WXSS stylesheet of the app compiles with the official compiler', (t) => {
  const sheets = ownFiles('.wxss').map((f) => f.replace(/\.wxss$/, ''));
  t.true(sheets.length >= 5);
  const result = wcsc(app.rootPath, sheets);
  t.false(result instanceof Error, result instanceof Error ? result.message : '');
});

test('the compilers do refuse a broken template and a broken stylesheet', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxml-'));
  try {
    fs.writeFileSync(path.join(dir, 'broken.wxml'), '<view class="a">{{a}}</view>\n<view>');
    t.throws(() => compiler.wxmlToJs(dir, WCC_OPTIONS), { message: /broken\.wxml/ });
    fs.writeFileSync(path.join(dir, 'broken.wxss'), '.a { color: red;\n');
    const result = wcsc(dir, ['broken']);
    t.true(result instanceof Error);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
