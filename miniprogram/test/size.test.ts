import test from 'ava';
import { analyze, ICON_STYLESHEET, LIMITS } from '../../scripts/miniprogram/size.js';
import { buildTestApp } from '../../testkit/miniprogram.js';

// The packages as WeChat would upload them (npm run size:mp prints the figures): within the limits, and only what the
// pages reach of TDesign.

let app: Awaited<ReturnType<typeof buildTestApp>>;

test.before(async () => {
  app = await buildTestApp();
});

test.after.always(() => app?.remove());

test('the main package stays under 500 KB, counting what the pages reach of TDesign and its icon stylesheet', (t) => {
  const report = analyze(app.rootPath);
  const main = report.packages.find((p) => p.name === 'main')!;
  t.true(main.bytes <= LIMITS.mainPackage, `main package ${main.bytes} bytes`);
  t.deepEqual(report.problems, []);

  const reached = [...report.reached.keys()];
  for (const file of ['app.js', 'app.json', 'app.wxss', 'sitemap.json', 'pages/home/index.js', 'pages/home/index.wxml']) {
    t.true(reached.includes(file), file);
  }
  for (const file of ['components/price/index.js', 'components/countdown/index.wxml', 'services/call.js', 'utils/money.js']) {
    t.true(reached.includes(file), file);
  }
  // Reached through t-image's usingComponents (t-icon), a WXSS @import and a bundled library's require.
  t.true(report.reached.get(ICON_STYLESHEET)! > 100_000, 'the icon stylesheet is counted');
  t.true(reached.includes('miniprogram_npm/tdesign-miniprogram/common/style/index.wxss'));
  t.true(reached.includes('miniprogram_npm/tdesign-miniprogram/miniprogram_npm/tslib/index.js'));
  // Components no page uses are not uploaded.
  t.false(reached.some((f) => f.startsWith('miniprogram_npm/tdesign-miniprogram/chat-markdown/')));
  t.false(reached.some((f) => f.startsWith('miniprogram_npm/tdesign-miniprogram/calendar/')));
  t.false(reached.some((f) => f.startsWith('test/') || f.endsWith('.ts') || f.endsWith('.md')));
});
