import test from 'ava';
import { startAdminSite } from '../../testkit/admin-page.js';

/** 登录 on the real page in Chromium: TOTP set up from the QR code, the code, session expiry, sign-out. */
const site = await startAdminSite({ only: ['admin'] });
test.after.always(() => site.close());

test('an owner signs in with password and TOTP and sees every menu group', async (t) => {
  const owner = await site.staff('owner');
  const page = await site.open();
  await site.signIn(page, owner);
  t.regex(page.url(), /#\/dashboard$/);
  t.is(
    await page
      .locator('[data-test="me"]')
      .innerText()
      .then((s) => s.includes('店主')),
    true,
  );
  for (const group of ['概览', '商品', '订单', '营销', '客户', '店铺']) {
    t.true(await page.locator('.t-menu').getByText(group, { exact: true }).isVisible(), group);
  }
  await site.screenshot(page, 'signed-in');
});

test('a wrong code is refused with the server’s message and nothing opens', async (t) => {
  const owner = await site.staff('owner');
  const page = await site.open();
  await page.goto(site.url('/login'));
  await page.getByPlaceholder('用户名').fill(owner.username);
  await page.getByPlaceholder('密码').fill(owner.password);
  await page.getByPlaceholder('6 位验证码').fill('000000');
  await page.getByRole('button', { name: '登录' }).click();
  t.is(await page.locator('[data-test="sign-in-error"]').innerText(), '验证码不正确');
  t.regex(page.url(), /#\/login/);
  await site.screenshot(page, 'sign-in-error');
});

test('a first sign-in shows the QR code, and the first code binds the authenticator', async (t) => {
  const page = await site.open();
  const created = await site.staff('service');
  // Forget the second factor, as an owner's 重置验证器 does: the next sign-in sets it up again.
  await site.shop.db.collection('admins').doc(`staff:${created.username}`).update({ totp: site.shop.db.command.remove() });
  await page.goto(site.url('/login'));
  await page.getByPlaceholder('用户名').fill(created.username);
  await page.getByPlaceholder('密码').fill(created.password);
  await page.getByRole('button', { name: '登录' }).click();
  const setup = page.locator('[data-test="totp-setup"]');
  await setup.waitFor();
  t.true(await setup.locator('img').isVisible());
  const secret = await setup.locator('code').innerText();
  await site.screenshot(page, 'totp-setup');
  const { Authenticator } = await import('../../testkit/admin-web.js');
  const authenticator = new Authenticator(secret);
  await page.getByPlaceholder('6 位验证码').fill(await authenticator.nextCode());
  await page.getByRole('button', { name: '绑定并登录' }).click();
  await page.locator('[data-test="me"]').waitFor();
  t.regex(page.url(), /#\/products$/, '客服 (no figures) lands on the first page their role opens');
  t.false(await page.locator('.t-menu').getByText('员工与权限').isVisible());
});

test('a deep link asks for sign-in and lands where it pointed; sign-out and a dead session go back to 登录', async (t) => {
  const owner = await site.staff('owner');
  const page = await site.open();
  await page.goto(site.url('/audit'));
  await page.waitForURL(/#\/login\?redirect=/);
  await site.signIn(page, owner, '/audit');
  await page.waitForURL(/#\/audit$/);
  await page.reload();
  await page.locator('[data-test="me"]').waitFor();
  t.regex(page.url(), /#\/audit$/, 'a reload keeps the session');

  // The session ends on the server (as after 30 idle minutes): the next request brings the sign-in page back.
  await site.shop.db
    .collection('admin_sessions')
    .where({ staffId: `staff:${owner.username}` })
    .remove();
  await page.locator('.t-menu').getByText('账号设置').click();
  await page.waitForURL(/#\/login/);
  t.regex(await page.locator('[data-test="sign-in-error"]').innerText(), /登录已过期/);

  await site.signIn(page, owner);
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.waitForURL(/#\/login/);
  await page.goto(site.url('/dashboard'));
  await page.waitForURL(/#\/login/);
  t.pass();
});
