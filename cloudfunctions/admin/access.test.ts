import test from 'ava';
import { AdminBrowser, ADMIN_PATH, Authenticator } from '../../testkit/admin-web.js';
import { adminCall, TEST_MERCHANT, verifyMerchant } from '../../testkit/merchant.js';
import { dataOf, startShop, until } from '../../testkit/shop.js';
import type { AdminMe, SignInResult, StaffView } from '../../typings/admin-access.js';
import type { RefundApproval } from '../../typings/admin.js';
import type { CreatedPayment } from '../../typings/pay.js';

/**
 * Signing in to the back office from a browser, over the HTTP access service as the admin web page does: staff
 * accounts with password and TOTP, session cookies, CSRF, lockout, sign-out, and second verification (二次验证). Every
 * outcome is read back from the database: sessions, accounts and the audit trail.
 */
const shop = await startShop({ only: ['admin', 'order', 'pay', 'cart', 'product', 'user'] });
test.after.always(() => shop.close());

type Rec = Record<string, any>;
const PASSWORD = 'correct horse battery';

const auditOf = async (target: string): Promise<Rec[]> =>
  (await shop.db.collection('audit_logs').where({ target }).orderBy('seq', 'asc').get()).data as Rec[];
const sessionsOf = async (staffId: string): Promise<Rec[]> =>
  (await shop.db.collection('admin_sessions').where({ staffId }).get()).data as Rec[];
const account = async (id: string): Promise<Rec | undefined> => (await shop.db.collection('admins').doc(id).get()).data[0] as Rec;

/** A staff account created by the owner in WeChat, with the owner's second verification. */
async function newStaff(username: string, role: StaffView['role'] = 'operator'): Promise<StaffView> {
  await verifyMerchant(shop);
  return dataOf(
    await adminCall<StaffView>(shop, 'staff.create', { username, name: `员工${username}`, role, password: PASSWORD }),
  );
}

/** A browser signed in as a new staff account. */
async function signedIn(username: string, role: StaffView['role'] = 'operator'): Promise<AdminBrowser> {
  await newStaff(username, role);
  const browser = new AdminBrowser(shop);
  const answer = await browser.signIn(username, PASSWORD);
  if (!answer.envelope.ok) throw new Error(`${username}: ${answer.envelope.code} ${answer.envelope.message}`);
  return browser;
}

test('staff.create needs the owner’s second verification; an owner without a fresh code is refused and nothing is created', async (t) => {
  const owner = 'o-access-fresh-owner';
  const answer = await adminCall(
    shop,
    'staff.create',
    { username: 'never', name: '不会有', role: 'service', password: PASSWORD },
    {
      role: 'owner',
      openid: owner,
    },
  );
  t.like(answer, { ok: false, code: 'VERIFICATION_REQUIRED' });
  t.is(await account('staff:never'), undefined);
  t.deepEqual(await auditOf('staff:never'), []);
  // A wrong code does not verify, and says so.
  t.like(await adminCall(shop, 'auth.verify', { code: '000000' }, { openid: owner }), { ok: false });
});

test('first sign-in: password, then a TOTP set up from a QR code; the session cookie is HttpOnly, Secure, SameSite=Strict', async (t) => {
  const created = await newStaff('lily', 'operator');
  t.like(created, {
    id: 'staff:lily',
    username: 'lily',
    role: 'operator',
    roleLabel: '运营',
    active: true,
    totpEnabled: false,
    version: 1,
  });
  t.like((await auditOf('staff:lily'))[0], {
    action: 'staff.create',
    actor: TEST_MERCHANT,
    after: { username: 'lily', totpEnabled: false },
  });
  t.is((await auditOf('staff:lily'))[0]!.after.password, undefined, 'no hash in the trail');

  const browser = new AdminBrowser(shop);
  const first = await browser.post<SignInResult>('auth.signIn', { username: 'lily', password: PASSWORD });
  t.is(first.setCookie, undefined, 'no session before the second factor');
  const setup = dataOf(first.envelope);
  if (setup.signedIn) return t.fail('signed in without a second factor');
  t.regex(setup.totpSetup.qrDataUrl, /^data:image\/png;base64,/);
  t.regex(setup.totpSetup.otpauthUrl, /^otpauth:\/\/totp\/.*secret=/);
  t.truthy((await account('staff:lily'))?.totpPending, 'pending until a code proves the app has it');
  t.notRegex(JSON.stringify(await account('staff:lily')), new RegExp(setup.totpSetup.secret), 'the secret is stored sealed');

  browser.authenticator = new Authenticator(setup.totpSetup.secret);
  const code = await browser.authenticator.nextCode();
  const second = await browser.post<SignInResult>('auth.signIn', { username: 'lily', password: PASSWORD, code });
  const result = dataOf(second.envelope);
  if (!result.signedIn) return t.fail('not signed in');
  browser.csrfToken = result.csrfToken;
  t.like(result.me, { id: 'staff:lily', role: 'operator', via: 'password', totpEnabled: true });
  t.regex(
    second.setCookie ?? '',
    new RegExp(`^shop_admin_session=[\\w-]{43}; Path=${ADMIN_PATH}; Max-Age=43200; HttpOnly; Secure; SameSite=Strict$`),
  );
  const [session] = await sessionsOf('staff:lily');
  t.truthy(session);
  t.not(session!._id, browser.cookie, 'only the hash of the token is stored');
  t.like(session, { userAgent: browser.userAgent });
  t.truthy(session!.ip, 'the address the request came from');

  const me = dataOf(await browser.call<AdminMe>('auth.me'));
  t.like(me, { id: 'staff:lily', name: '员工lily', role: 'operator', totpEnabled: true });
  t.true(me.permissions.includes('catalog.write'));
  t.false(me.permissions.includes('staff.manage'));
  t.like(await account('staff:lily'), { failedSignIns: 0 });
  t.truthy((await account('staff:lily'))?.totp);
  t.deepEqual(
    (await auditOf('staff:lily')).map((a) => a.action),
    ['staff.create', 'auth.signIn'],
  );
  t.like((await auditOf('staff:lily'))[1], { actor: 'staff:lily', role: 'operator', userAgent: browser.userAgent });

  // The code just used cannot sign in again (a replay), even with the right password.
  const replay = await new AdminBrowser(shop).post('auth.signIn', { username: 'lily', password: PASSWORD, code });
  t.like(replay.envelope, { ok: false, code: 'UNAUTHENTICATED' });
});

test('without the CSRF header or the cookie nothing runs; only POST with a JSON body is served', async (t) => {
  const browser = await signedIn('csrf-case');
  const noCsrf = await browser.post(
    'auth.me',
    {},
    { 'content-type': 'application/json', cookie: `shop_admin_session=${browser.cookie}` },
  );
  t.is(noCsrf.status, 403);
  t.like(noCsrf.envelope, { ok: false, code: 'FORBIDDEN' });
  const wrongCsrf = await browser.post(
    'auth.me',
    {},
    {
      'content-type': 'application/json',
      cookie: `shop_admin_session=${browser.cookie}`,
      'x-csrf-token': 'x'.repeat(43),
    },
  );
  t.is(wrongCsrf.status, 403);
  const noCookie = await browser.post('auth.me', {}, { 'content-type': 'application/json', 'x-csrf-token': browser.csrfToken! });
  t.like(noCookie.envelope, { ok: false, code: 'UNAUTHENTICATED' });
  const forged = await new AdminBrowser(shop).post(
    'auth.me',
    {},
    { 'content-type': 'application/json', cookie: 'shop_admin_session=forged', 'x-csrf-token': 'x' },
  );
  t.like(forged.envelope, { ok: false, code: 'UNAUTHENTICATED' });
  t.regex(forged.setCookie ?? '', /Max-Age=0/, 'an unknown cookie is cleared');

  const get = await fetch(`${shop.emulator.url}${ADMIN_PATH}`);
  t.is(get.status, 405);
  const notJson = await fetch(`${shop.emulator.url}${ADMIN_PATH}`, {
    method: 'POST',
    body: 'hello',
    headers: { 'content-type': 'text/plain' },
  });
  t.is(notJson.status, 400);
  t.is((await fetch(`${shop.emulator.url}${ADMIN_PATH}`, { method: 'POST' })).headers.get('cache-control'), 'no-store');
  t.true(dataOf(await browser.call<AdminMe>('auth.me')).totpEnabled, 'the real page still works');
});

test('five wrong passwords lock the account, even for the right password; each failure and the lock are audited', async (t) => {
  await newStaff('locky', 'service');
  const browser = await signedIn('locky-other');
  const stranger = new AdminBrowser(shop);
  for (let i = 0; i < 5; i++) {
    const wrong = await stranger.post('auth.signIn', { username: 'locky', password: 'wrong password!' });
    t.like(wrong.envelope, { ok: false, code: i < 4 ? 'UNAUTHENTICATED' : 'ACCOUNT_LOCKED' }, `attempt ${i + 1}`);
  }
  const right = await stranger.post('auth.signIn', { username: 'locky', password: PASSWORD });
  t.like(right.envelope, { ok: false, code: 'ACCOUNT_LOCKED' });
  t.regex((right.envelope as { message: string }).message, /锁定/);
  const doc = await account('staff:locky');
  t.true(doc?.lockedUntil > new Date(Date.now() + 14 * 60_000));
  const actions = (await auditOf('staff:locky')).map((a) => `${a.action}:${a.detail.reason ?? ''}`);
  // The fifth failure is the lock's entry.
  t.is(actions.filter((a) => a === 'auth.signInFailed:password').length, 4);
  t.true(actions.includes('auth.locked:password'));
  t.true(actions.includes('auth.signInFailed:locked'));
  // Unknown usernames get the same answer as wrong passwords, and are audited too.
  t.like((await stranger.post('auth.signIn', { username: 'nobody-here', password: PASSWORD })).envelope, {
    ok: false,
    code: 'UNAUTHENTICATED',
    message: '用户名或密码错误',
  });
  t.like((await auditOf('staff:nobody-here'))[0], { action: 'auth.signInFailed', detail: { reason: 'unknown_account' } });

  // Time travel: the lock has run out.
  await shop.db
    .collection('admins')
    .doc('staff:locky')
    .update({ lockedUntil: new Date(Date.now() - 1000) });
  const after = await stranger.signIn('locky', PASSWORD);
  t.true(after.envelope.ok && after.envelope.data.signedIn, 'signed in with password and a new authenticator');
  t.truthy(browser.cookie);
});

test('sessions end after 30 idle minutes and 12 hours in all; sign-out ends one at once', async (t) => {
  const idle = await signedIn('idle-case');
  const [idleSession] = await sessionsOf('staff:idle-case');
  await shop.db
    .collection('admin_sessions')
    .doc(idleSession!._id)
    .update({ lastSeenAt: new Date(Date.now() - 31 * 60_000) });
  t.like(await idle.call('auth.me'), { ok: false, code: 'UNAUTHENTICATED' });
  t.deepEqual(await sessionsOf('staff:idle-case'), [], 'removed');

  const old = await signedIn('absolute-case');
  const [oldSession] = await sessionsOf('staff:absolute-case');
  await shop.db
    .collection('admin_sessions')
    .doc(oldSession!._id)
    .update({ expiresAt: new Date(Date.now() - 1000) });
  t.like(await old.call('auth.me'), { ok: false, code: 'UNAUTHENTICATED' });

  const leaving = await signedIn('signout-case');
  const cookie = leaving.cookie!;
  const out = await leaving.post<{ signedOut: boolean }>('auth.signOut');
  t.like(out.envelope, { ok: true, data: { signedOut: true } });
  t.regex(out.setCookie ?? '', /^shop_admin_session=; .*Max-Age=0/);
  t.deepEqual(await sessionsOf('staff:signout-case'), []);
  leaving.cookie = cookie;
  t.like(await leaving.call('auth.me'), { ok: false, code: 'UNAUTHENTICATED' }, 'the old cookie opens nothing');
  t.deepEqual(
    (await auditOf('staff:signout-case')).map((a) => a.action),
    ['staff.create', 'auth.signIn', 'auth.signOut'],
  );
});

test('disabling an account ends its sessions at once; a disabled account cannot sign in', async (t) => {
  const browser = await signedIn('leaver', 'service');
  t.true(dataOf(await browser.call<AdminMe>('auth.me')).permissions.includes('orders.read'));
  await verifyMerchant(shop);
  const staff = dataOf(await adminCall<StaffView[]>(shop, 'staff.list'));
  const leaver = staff.find((s) => s.id === 'staff:leaver')!;
  // A stale version is a CONFLICT, not an overwrite.
  t.like(await adminCall(shop, 'staff.update', { id: leaver.id, version: leaver.version + 1, active: false }), {
    ok: false,
    code: 'CONFLICT',
  });
  t.like(dataOf(await adminCall<StaffView>(shop, 'staff.update', { id: leaver.id, version: leaver.version, active: false })), {
    active: false,
    version: leaver.version + 1,
  });
  t.deepEqual(await sessionsOf('staff:leaver'), []);
  t.like(await browser.call('auth.me'), { ok: false, code: 'UNAUTHENTICATED' });
  t.like((await new AdminBrowser(shop).post('auth.signIn', { username: 'leaver', password: PASSWORD })).envelope, {
    ok: false,
    code: 'UNAUTHENTICATED',
  });
  t.like(
    (await auditOf('staff:leaver')).find((a) => a.action === 'staff.update'),
    { before: { active: true }, after: { active: false } },
  );
});

test('the shop keeps an active owner, and nobody changes their own role', async (t) => {
  await verifyMerchant(shop);
  const me = dataOf(await adminCall<StaffView[]>(shop, 'staff.list')).find((s) => s.id === TEST_MERCHANT)!;
  t.like(await adminCall(shop, 'staff.update', { id: TEST_MERCHANT, version: me.version, role: 'service' }), {
    ok: false,
    code: 'INVALID_STATE',
  });
  t.like(await account(TEST_MERCHANT), { role: 'owner', active: true });
});

test('approving a refund from the web page needs a fresh TOTP code: refused with VERIFICATION_REQUIRED, then done', async (t) => {
  const browser = await signedIn('refunder', 'operator');
  const shopper = 'o-access-refund';
  const order = await shop.orderFor(shopper, 'spu-003-01', 1);
  dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId: order.orderId }, shopper));
  await shop.control('POST', `/pay/orders/${order.orderId}/pay`, { openid: shopper });
  await until('paid', async () => (await shop.inspect.order(order.orderId)).status === 'paid');
  dataOf(await shop.call('order', 'refund', { orderId: order.orderId, reason: '不想要了' }, shopper));

  t.like(await browser.call('refunds.approve', { orderId: order.orderId }), { ok: false, code: 'VERIFICATION_REQUIRED' });
  t.is((await shop.inspect.order(order.orderId)).status, 'refunding', 'unchanged');
  t.deepEqual(
    (await auditOf(order.orderId)).map((a) => a.action),
    [],
  );

  // A wrong code is refused and counted; a replayed one too.
  t.like(await browser.call('auth.verify', { code: await browser.authenticator!.lastCode() }), {
    ok: false,
    code: 'VERIFICATION_REQUIRED',
  });
  const verified = dataOf(await browser.verify());
  t.true(Date.parse(verified.verifiedUntil) > Date.now() + 4 * 60_000);
  t.truthy((await sessionsOf('staff:refunder'))[0]!.verifiedUntil, 'held by this session only');
  t.is((await account('staff:refunder'))?.verifiedUntil, undefined);

  const approval = dataOf(await browser.call<RefundApproval>('refunds.approve', { orderId: order.orderId }));
  t.like(approval.order, { status: 'refund_approved' });
  t.like((await auditOf(order.orderId))[0], {
    action: 'refunds.approve',
    actor: 'staff:refunder',
    role: 'operator',
    userAgent: browser.userAgent,
  });
  t.deepEqual(
    (await auditOf('staff:refunder')).map((a) => a.action),
    ['staff.create', 'auth.signIn', 'auth.verify'],
  );
});

test('WeChat merchants keep working without any sign-in; auth.signIn is for the web page only', async (t) => {
  t.like(await adminCall(shop, 'auth.me'), { ok: true, data: { id: TEST_MERCHANT, via: 'wechat', role: 'owner' } });
  t.like(await adminCall(shop, 'auth.signIn', { username: 'lily', password: PASSWORD }), { ok: false, code: 'INVALID_STATE' });
  // A staff id is never an openid, whatever the platform says.
  await newStaff('as-openid', 'owner');
  t.like(await shop.call('admin', 'orders.list', {}, 'staff:as-openid'), { ok: false, code: 'FORBIDDEN' });
});

test('the owner resets a lost authenticator or password: sessions end, the lock lifts, the next sign-in sets up again', async (t) => {
  const browser = await signedIn('forgetful', 'service');
  await verifyMerchant(shop);
  const reset = dataOf(await adminCall<StaffView>(shop, 'staff.resetTotp', { id: 'staff:forgetful' }));
  t.like(reset, { totpEnabled: false, version: 2 });
  t.deepEqual(await sessionsOf('staff:forgetful'), [], 'its sessions ended');
  t.like(await browser.call('auth.me'), { ok: false, code: 'UNAUTHENTICATED' });
  const again = await new AdminBrowser(shop).post<SignInResult>('auth.signIn', { username: 'forgetful', password: PASSWORD });
  t.like(again.envelope, { ok: true, data: { signedIn: false } }, 'a new authenticator to set up');

  // Locked out by wrong passwords, then a new password from the owner.
  for (let i = 0; i < 5; i++)
    await new AdminBrowser(shop).post('auth.signIn', { username: 'forgetful', password: 'not the password' });
  t.truthy((await account('staff:forgetful'))?.lockedUntil);
  const fresh = 'a brand new password';
  t.like(dataOf(await adminCall<StaffView>(shop, 'staff.resetPassword', { id: 'staff:forgetful', password: fresh })), {
    version: 3,
  });
  t.is((await account('staff:forgetful'))?.lockedUntil, undefined);
  t.like((await new AdminBrowser(shop).post('auth.signIn', { username: 'forgetful', password: PASSWORD })).envelope, {
    ok: false,
    code: 'UNAUTHENTICATED',
  });
  t.true((await new AdminBrowser(shop).signIn('forgetful', fresh)).envelope.ok);
  const trail = (await auditOf('staff:forgetful')).filter((a) => a.action.startsWith('staff.'));
  t.deepEqual(
    trail.map((a) => [a.action, a.before?.totpEnabled, a.after?.totpEnabled]),
    [
      ['staff.create', undefined, false],
      ['staff.resetTotp', true, false],
      ['staff.resetPassword', false, false],
    ],
  );
  t.false(JSON.stringify(trail).includes('password"'), 'no password hash in the trail');
  // A WeChat merchant has no password to reset.
  t.like(await adminCall(shop, 'staff.resetPassword', { id: TEST_MERCHANT, password: fresh }), {
    ok: false,
    code: 'INVALID_STATE',
  });
});
