import test, { type ExecutionContext } from 'ava';
import type { Page } from 'playwright-core';
import { startAdminSite } from '../../testkit/admin-page.js';
import { Authenticator } from '../../testkit/admin-web.js';
import { until } from '../../testkit/shop.js';

/**
 * 员工与权限 and 操作日志 on the real page in Chromium: the owner creates an account (with 二次验证) that then signs
 * in and binds its authenticator, disables it, and finds the creation in the audit trail, whose chain verifies.
 */
const site = await startAdminSite({ only: ['admin'] });
test.after.always(() => site.close());

/** The page's screenshot at 1440 px, then nothing wider than the viewport at 1024 and 1440 px. */
async function checkLayout(t: ExecutionContext, page: Page, name: string): Promise<void> {
  await page.locator('.t-dialog__mask:visible').waitFor({ state: 'detached' });
  await page.setViewportSize({ width: 1440, height: 900 });
  await site.screenshot(page, name);
  t.true(await site.fitsViewport(page), `${name} fits 1440 px`);
  await page.setViewportSize({ width: 1024, height: 900 });
  t.true(await site.fitsViewport(page), `${name} fits 1024 px`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

const input = (page: Page, hook: string) => page.locator(`[data-test="${hook}"] input`);

test('the owner creates an operator who signs in and binds TOTP, then disables it; the audit log shows it and verifies', async (t) => {
  const owner = await site.staff('owner');
  const page = await site.open();
  await site.signIn(page, owner, '/staff');
  await page.locator('[data-test="staff-row"]').first().waitFor();
  await page.locator('[data-test="role-matrix"] tbody tr').first().waitFor();

  const username = `newop${process.pid % 100000}`;
  const password = '新员工的初始密码-0123';
  await page.locator('[data-test="staff-new"]').click();
  await input(page, 'staff-username').fill(username);
  await input(page, 'staff-name').fill('新来的运营');
  await input(page, 'staff-password').fill(password);
  await page.getByRole('button', { name: '创建' }).click();
  await site.verify(page, owner);
  const row = page.locator('tr', { has: page.locator(`[data-test="staff-row"][data-id="staff:${username}"]`) });
  await row.waitFor();
  t.regex(await row.innerText(), /运营[\s\S]*启用[\s\S]*未绑定/);

  const created = (await site.shop.db.collection('admins').doc(`staff:${username}`).get()).data[0] as Record<string, unknown>;
  t.like(created, { username, name: '新来的运营', role: 'operator', active: true });

  // The new account's first sign-in: password, then the authenticator set up from the secret shown.
  const newcomer = await site.open();
  await newcomer.goto(site.url('/login'));
  await newcomer.getByPlaceholder('用户名').fill(username);
  await newcomer.getByPlaceholder('密码').fill(password);
  await newcomer.getByRole('button', { name: '登录' }).click();
  const setup = newcomer.locator('[data-test="totp-setup"]');
  await setup.waitFor();
  const authenticator = new Authenticator(await setup.locator('code').innerText());
  await newcomer.getByPlaceholder('6 位验证码').fill(await authenticator.nextCode());
  await newcomer.getByRole('button', { name: '绑定并登录' }).click();
  await newcomer.locator('[data-test="me"]').waitFor();
  t.regex(await newcomer.locator('[data-test="me"]').innerText(), /新来的运营[\s\S]*运营/);

  // Disabled by the owner (the 二次验证 above still holds): the account's sessions end at once.
  await page.reload();
  await row.locator('[data-test="staff-edit"]').click();
  await page.locator('[data-test="staff-active"]').click();
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await row.locator('[data-test="staff-active-state"]', { hasText: '停用' }).waitFor();
  await until('disabled', async () => {
    const doc = (await site.shop.db.collection('admins').doc(`staff:${username}`).get()).data[0] as Record<string, unknown>;
    return doc.active === false;
  });
  t.regex(await row.innerText(), /已绑定/, 'the authenticator bound at sign-in shows');
  await checkLayout(t, page, 'staff');

  await newcomer.locator('.t-menu').getByText('账号设置').click();
  await newcomer.waitForURL(/#\/login/);

  // 操作日志: the creation, opened to its record, and the chain checked.
  await page.locator('.t-menu').getByText('操作日志').click();
  await input(page, 'audit-action').fill('staff');
  await page.locator('[data-test="audit-search"]').click();
  const createdEntry = page.locator(`[data-test="audit-row"][data-action="staff.create"][data-target="staff:${username}"]`);
  await createdEntry.waitFor();
  t.true(await page.locator(`[data-test="audit-row"][data-action="staff.update"][data-target="staff:${username}"]`).isVisible());
  await createdEntry.click();
  const detail = page.locator('[data-test="audit-detail"]');
  await detail.waitFor();
  t.regex(await detail.innerText(), new RegExp(`"username": "${username}"`));
  t.notRegex(await detail.innerText(), /password/, 'no password hash in the trail');

  await page.locator('[data-test="audit-verify"]').click();
  t.regex(await page.locator('[data-test="audit-verify-result"]').innerText(), /日志链完整：已校验 \d+ 条/);
  await checkLayout(t, page, 'audit-log');
});

test('an operator does not see 员工与权限 and its link leads elsewhere', async (t) => {
  const operator = await site.staff('operator');
  const page = await site.open();
  await site.signIn(page, operator);
  t.false(await page.locator('.t-menu').getByText('员工与权限').isVisible());
  t.false(await page.locator('.t-menu').getByText('操作日志').isVisible());
  await page.goto(site.url('/staff'));
  await page.waitForURL((url) => !url.hash.startsWith('#/staff') && !url.hash.startsWith('#/login'));
  t.regex(page.url(), /#\/dashboard$/);
  await page.goto(site.url('/audit'));
  await page.waitForURL(/#\/dashboard$/);
  t.pass();
});
