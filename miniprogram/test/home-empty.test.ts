import test from 'ava';
import { type MiniProgram, startMiniProgram, text, waitFor } from '../../testkit/miniprogram.js';

// A shop with nothing in it yet (no demo data): the home page says so instead of showing empty sections.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['product', 'flashsale', 'track'], seed: false });
});

test.after.always(async () => {
  await mp?.close();
});

test.serial('an empty shop shows the empty state instead of empty sections', async (t) => {
  const page = mp.renderPage('pages/home/index');
  await waitFor('the home page to load', () => page.data.status !== 'loading');
  t.is(page.data.status, 'ready');
  t.is(text(page.find('.state--empty')), '店铺正在上新，稍后再来看看');
  t.false(page.has('.banner'));
  t.false(page.has('.products__item'));
  t.false(page.has('.more'));
  page.detach();
});
