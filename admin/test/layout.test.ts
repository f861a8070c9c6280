import test from 'ava';
import type { Page } from 'playwright-core';
import { startAdminSite } from '../../testkit/admin-page.js';
import { ADMIN_ROLES, ROLE_PERMISSIONS } from '../../typings/admin-roles.js';
import { PAGES } from '../src/nav.js';

/**
 * Every page of the back office, as the demo shop opens it: no error state, nothing wider than the window at 1440 and
 * 1024 px, a screenshot of each at both widths; and each role's menu lists exactly the pages its permissions open.
 */
const site = await startAdminSite({
  only: ['admin', 'product', 'order', 'pay', 'user', 'cart', 'coupon', 'flashsale', 'groupbuy', 'member'],
});
test.after.always(() => site.close());

/** The pages reachable from the menu, and the editor and detail pages at a demo product. */
const paths = [...PAGES.filter((p) => !p.path.includes(':')).map((p) => p.path), '/products/spu-001'];

/** Waits until the page and its panels stopped loading. */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('.t-loading'));
}

test('every page opens without an error and nothing is wider than the window at 1440 and 1024 px', async (t) => {
  const owner = await site.staff('owner');
  const page = await site.open(1440);
  await site.signIn(page, owner);
  for (const path of paths) {
    const entry = PAGES.find((p) => p.path === path) ?? PAGES.find((p) => p.path === '/products/:spuId')!;
    await page.goto(site.url(path));
    await page.reload();
    await settled(page);
    t.is(await page.locator('.admin-layout__title').innerText(), entry.title, path);
    t.is(await page.locator('.page-state__error').count(), 0, `${path} shows no error`);
    const name = `page${path.replaceAll('/', '-')}`;
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      t.true(await site.fitsViewport(page), `${path} fits ${width} px`);
      await site.screenshot(page, `${name}-${width}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  }
});

for (const role of ADMIN_ROLES) {
  test(`the ${role} menu lists exactly the pages its permissions open`, async (t) => {
    const account = await site.staff(role);
    const page = await site.open(1440);
    await site.signIn(page, account);
    const granted = ROLE_PERMISSIONS[role];
    const expected = PAGES.filter((p) => p.group && (!p.permission || granted.includes(p.permission))).map((p) => p.title);
    t.deepEqual(await page.locator('[data-test="menu-item"]').allInnerTexts(), expected);
    const refused = PAGES.find((p) => p.group && p.permission && !granted.includes(p.permission));
    if (refused) {
      await page.goto(site.url(refused.path));
      await page.reload();
      await settled(page);
      t.not(await page.locator('.admin-layout__title').innerText(), refused.title, `${role} cannot open ${refused.path}`);
    }
  });
}
