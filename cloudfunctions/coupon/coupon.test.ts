import test from 'ava';
import { couponTemplate, dataOf, startShop } from '../../testkit/shop.js';
import type { Envelope } from '../../typings/common.js';
import { CouponCreateInput } from '../../typings/admin-promotions.js';
import type { ClaimableCoupon, CouponPage, CouponView, ForCartResult } from '../../typings/coupon.js';

/** The coupon function through the gateway on the seeded demo shop; outcomes are read back from the database. */
const shop = await startShop({ only: ['coupon'] });
test.after.always(() => shop.close());

const DAY = 86_400_000;
type Doc = Record<string, any>;

let templates = 0;
/** A template of our own (claimable now, ¥5 off everything, 7 days after claiming), with `fields` changed. */
async function makeTemplate(fields: Record<string, unknown> = {}): Promise<string> {
  const _id = `ct-test-${++templates}`;
  const now = Date.now();
  await shop.db.collection('coupon_templates').add(couponTemplate(_id, fields, now));
  return _id;
}

async function templateDoc(id: string): Promise<Doc> {
  return (await shop.db.collection('coupon_templates').doc(id).get()).data[0] as Doc;
}

async function couponsWhere(filter: Record<string, unknown>): Promise<Doc[]> {
  return (await shop.db.collection('user_coupons').where(filter).limit(1000).get()).data as Doc[];
}

async function claimsWhere(filter: Record<string, unknown>): Promise<Doc[]> {
  return (await shop.db.collection('coupon_claims').where(filter).limit(1000).get()).data as Doc[];
}

const claim = (templateId: string, openid: string) => shop.call<CouponView>('coupon', 'claim', { templateId }, openid);

async function skuPrice(skuId: string): Promise<number> {
  return ((await shop.db.collection('skus').doc(skuId).get()).data[0] as Doc).price as number;
}

test.serial(
  '1,000 concurrent claims of a coupon with 100 left: exactly 100 issued, nobody above the per-user limit',
  async (t) => {
    const templateId = await makeTemplate({ total: 500, issued: 400, perUser: 2 });
    const shoppers = Array.from({ length: 200 }, (_v, i) => `o-rush-${i}`);
    // Start the instances first (the emulator runs up to 10), so the figure is the claims' and not the cold starts'.
    await Promise.all(Array.from({ length: 10 }, (_v, i) => shop.call('coupon', 'claimable', {}, `o-warm-${i}`)));
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 1000 }, (_v, i) => claim(templateId, shoppers[i % shoppers.length]!)));
    const seconds = (performance.now() - started) / 1000;
    t.log(`1,000 claims in ${seconds.toFixed(2)} s: ${Math.round(1000 / seconds)} attempts/s`);

    const ok = answers.filter((a) => a.ok);
    const refused = answers.filter((a): a is Extract<Envelope<CouponView>, { ok: false }> => !a.ok);
    t.is(ok.length, 100);
    const codes = new Set(refused.map((a) => `${a.code} ${a.message}`));
    t.true(
      [...codes].every((c) => c === 'OUT_OF_STOCK 已抢光' || c === 'INVALID_STATE 已达领取上限（每人限领 2 张）'),
      [...codes].join(' | '),
    );

    t.is((await templateDoc(templateId)).issued, 500, 'the template counted exactly 100 more');
    const issued = await couponsWhere({ templateId });
    t.is(issued.length, 100, 'exactly 100 coupons exist');
    const perShopper = new Map<string, number>();
    for (const c of issued) perShopper.set(c.openid, (perShopper.get(c.openid) ?? 0) + 1);
    t.true(
      [...perShopper.values()].every((n) => n <= 2),
      'nobody holds more than 2',
    );
    const counters = await claimsWhere({ templateId });
    t.true(
      counters.every((c) => c.claimed === (perShopper.get(c.openid) ?? 0)),
      'each counter equals what its shopper holds (refused slots given back)',
    );
  },
);

test.serial(
  '1,000 concurrent claims where the per-user limit binds first: every shopper ends with exactly the limit',
  async (t) => {
    const templateId = await makeTemplate({ total: 500, issued: 400, perUser: 2 });
    const shoppers = Array.from({ length: 40 }, (_v, i) => `o-crowd-${i}`);
    const answers = await Promise.all(Array.from({ length: 1000 }, (_v, i) => claim(templateId, shoppers[i % shoppers.length]!)));
    t.is(answers.filter((a) => a.ok).length, 80);
    t.true(
      answers.every((a) => a.ok || a.code === 'INVALID_STATE'),
      'stock never ran out, so every refusal is the limit',
    );
    const issued = await couponsWhere({ templateId });
    t.is(issued.length, 80);
    t.is((await templateDoc(templateId)).issued, 480);
    for (const openid of shoppers) t.is(issued.filter((c) => c.openid === openid).length, 2, openid);
  },
);

test.serial('one shopper claiming 20 times at once gets exactly the per-user limit', async (t) => {
  const templateId = await makeTemplate({ perUser: 3 });
  const answers = await Promise.all(Array.from({ length: 20 }, () => claim(templateId, 'o-greedy')));
  t.is(answers.filter((a) => a.ok).length, 3);
  t.true(answers.every((a) => a.ok || a.code === 'INVALID_STATE'));
  t.is((await couponsWhere({ templateId, openid: 'o-greedy' })).length, 3);
  t.is((await templateDoc(templateId)).issued, 3);
  t.is((await claimsWhere({ templateId }))[0]!.claimed, 3);
});

test('claimable lists open templates with what is left and what the caller has claimed and holds', async (t) => {
  const now = Date.now();
  const hidden = await Promise.all([
    makeTemplate({ status: 'paused' }),
    makeTemplate({ claimStartAt: new Date(now + DAY) }),
    makeTemplate({ claimEndAt: new Date(now - 1000) }),
    makeTemplate({ total: 10, issued: 10 }),
    makeTemplate({ validity: { type: 'fixed', startAt: new Date(now - 2 * DAY), endAt: new Date(now - 1000) } }),
  ]);
  const open = await makeTemplate({ perUser: 2, total: 30, name: '新人券' });
  const openid = 'o-claimable';
  const before = dataOf(await shop.call<ClaimableCoupon[]>('coupon', 'claimable', {}, openid));
  const ids = before.map((c) => c.templateId);
  for (const seeded of ['ct-all-99-10', 'ct-food-90', 'ct-free-5'])
    t.true(ids.includes(seeded), `the demo seed's ${seeded} is claimable`);
  t.true(ids.includes(open));
  t.deepEqual(
    hidden.filter((id) => ids.includes(id)),
    [],
    'paused, not started, ended, sold out and expired templates are not listed',
  );
  t.like(
    before.find((c) => c.templateId === open),
    {
      name: '新人券',
      remaining: 30,
      perUser: 2,
      claimed: 0,
      held: 0,
      canClaim: true,
      summary: '无门槛减5元',
      scopeText: '全场通用',
    },
  );
  t.like(
    before.find((c) => c.templateId === 'ct-food-90'),
    { summary: '9折，最高减20元', scopeText: '指定分类可用', validity: { type: 'fixed' } },
  );
  t.like(
    before.find((c) => c.templateId === 'ct-all-99-10'),
    { summary: '满99减10', validity: { type: 'relative', days: 7 } },
  );

  dataOf(await claim(open, openid));
  const after = dataOf(await shop.call<ClaimableCoupon[]>('coupon', 'claimable', {}, openid)).find((c) => c.templateId === open)!;
  const stored = await templateDoc(open);
  t.is(stored.issued, 1);
  t.like(after, { remaining: stored.total - stored.issued, claimed: 1, held: 1, canClaim: true });
  dataOf(await claim(open, openid));
  t.like(
    dataOf(await shop.call<ClaimableCoupon[]>('coupon', 'claimable', {}, openid)).find((c) => c.templateId === open),
    { claimed: 2, held: 2, canClaim: false },
  );
  t.like(await claim(open, openid), { ok: false, code: 'INVALID_STATE', message: '已达领取上限（每人限领 2 张）' });
  t.is((await couponsWhere({ templateId: open, openid })).length, 2);
  t.is((await templateDoc(open)).issued, 2);
});

test("the demo seed's templates are valid templates as the back office creates them", async (t) => {
  const iso = (d: unknown) => new Date(d as string).toISOString();
  for (const id of ['ct-all-99-10', 'ct-food-90', 'ct-free-5']) {
    const { _id, issued, createdAt, updatedAt, ...doc } = await templateDoc(id);
    const validity =
      doc.validity.type === 'fixed'
        ? { ...doc.validity, startAt: iso(doc.validity.startAt), endAt: iso(doc.validity.endAt) }
        : doc.validity;
    const parsed = CouponCreateInput.safeParse({
      ...doc,
      validity,
      claimStartAt: iso(doc.claimStartAt),
      claimEndAt: iso(doc.claimEndAt),
    });
    t.true(parsed.success, `${id}: ${JSON.stringify(parsed.error?.issues)}`);
  }
  t.false(
    CouponCreateInput.shape.rule.safeParse({ kind: 'threshold', threshold: 1000, off: 2000 }).success,
    '满10减20 is refused',
  );
  t.false(CouponCreateInput.shape.rule.safeParse({ kind: 'percent', percent: 100 }).success, '10折 is no discount');
});

test('a relative coupon is valid for its days from the moment it is claimed, with a snapshot of the rule', async (t) => {
  const rule = { kind: 'percent', percent: 85, cap: 3000, threshold: 5000 };
  const templateId = await makeTemplate({
    rule,
    validity: { type: 'relative', days: 3 },
    scope: { type: 'products', ids: ['spu-003'] },
  });
  const view = dataOf(await claim(templateId, 'o-relative'));
  const [stored] = await couponsWhere({ templateId, openid: 'o-relative' });
  t.truthy(stored);
  t.is(view.couponId, stored!._id);
  t.deepEqual(stored!.rule, rule);
  t.deepEqual(stored!.scope, { type: 'products', ids: ['spu-003'] });
  t.is(stored!.status, 'available');
  t.is(new Date(stored!.validFrom).getTime(), new Date(stored!.claimedAt).getTime());
  t.is(new Date(stored!.validUntil).getTime() - new Date(stored!.claimedAt).getTime(), 3 * DAY);
  t.like(view, {
    status: 'available',
    summary: '满50享8.5折，最高减30元',
    scopeText: '指定商品可用',
    validUntil: new Date(stored!.validUntil).toISOString(),
  });
  t.is((await claimsWhere({ templateId }))[0]!.claimed, 1);

  // Editing the template later does not change the coupon already held.
  await shop.db
    .collection('coupon_templates')
    .doc(templateId)
    .update({ rule: { kind: 'no_threshold', off: 100 } });
  t.deepEqual((await couponsWhere({ _id: stored!._id }))[0]!.rule, rule);
});

test("a fixed coupon is valid between the template's dates, even when claimed before they start", async (t) => {
  const startAt = new Date(Date.now() + 2 * DAY);
  const endAt = new Date(Date.now() + 9 * DAY);
  const templateId = await makeTemplate({ validity: { type: 'fixed', startAt, endAt } });
  const view = dataOf(await claim(templateId, 'o-fixed'));
  const [stored] = await couponsWhere({ templateId });
  t.is(new Date(stored!.validFrom).getTime(), startAt.getTime());
  t.is(new Date(stored!.validUntil).getTime(), endAt.getTime());
  t.is(view.validFrom, startAt.toISOString());
  const available = dataOf(await shop.call<CouponPage>('coupon', 'mine', { status: 'available' }, 'o-fixed'));
  t.deepEqual(
    available.items.map((c) => c.couponId),
    [view.couponId],
    'listed as available before its start',
  );
  const cart = dataOf(
    await shop.call<ForCartResult>('coupon', 'forCart', { lines: [{ skuId: 'spu-001-01', quantity: 1 }] }, 'o-fixed'),
  );
  t.like(cart.coupons[0], { couponId: view.couponId, applicable: false, discount: 0, reason: '优惠券未到使用时间' });
  t.is(cart.bestCouponId, undefined);
});

test('claims that cannot succeed are refused with a clear code and write nothing', async (t) => {
  const now = Date.now();
  const cases: Array<[string, Record<string, unknown> | null, string, string]> = [
    ['unknown', null, 'NOT_FOUND', '优惠券不存在'],
    ['paused', { status: 'paused' }, 'INVALID_STATE', '该优惠券已停止发放'],
    ['not started', { claimStartAt: new Date(now + DAY) }, 'INVALID_STATE', '领取尚未开始'],
    ['ended', { claimEndAt: new Date(now - 1000) }, 'INVALID_STATE', '领取已结束'],
    [
      'validity over',
      { validity: { type: 'fixed', startAt: new Date(now - 2 * DAY), endAt: new Date(now - 1000) } },
      'INVALID_STATE',
      '该优惠券已过期',
    ],
    ['sold out', { total: 5, issued: 5 }, 'OUT_OF_STOCK', '已抢光'],
  ];
  for (const [title, fields, code, message] of cases) {
    const openid = `o-refused-${title.replace(/ /g, '-')}`;
    const templateId = fields ? await makeTemplate(fields) : 'ct-nope';
    t.like(await claim(templateId, openid), { ok: false, code, message }, title);
    t.deepEqual(await couponsWhere({ openid }), [], `${title}: no coupon`);
    t.deepEqual(await claimsWhere({ openid }), [], `${title}: no claim counted`);
    if (fields)
      t.is(
        (await templateDoc(templateId)).issued,
        (fields.issued as number | undefined) ?? 0,
        `${title}: the template count is unchanged`,
      );
  }
});

test('mine lists available, used (and locked) and expired coupons; expired is computed from validUntil', async (t) => {
  const openid = 'o-mine';
  const templateId = await makeTemplate({ perUser: 10 });
  const views: CouponView[] = [];
  for (let i = 0; i < 7; i++) views.push(dataOf(await claim(templateId, openid)));
  const [fresh1, fresh2, fresh3, used, locked, lapsed, storedExpired] = views.map((v) => v.couponId) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const coupons = shop.db.collection('user_coupons');
  await coupons.doc(used).update({ status: 'used', orderId: 'order-used', usedAt: new Date() });
  await coupons.doc(locked).update({ status: 'locked', orderId: 'order-locked', lockedAt: new Date() });
  await coupons.doc(lapsed).update({ validUntil: new Date(Date.now() - 60_000) });
  await coupons.doc(storedExpired).update({ status: 'expired', validUntil: new Date(Date.now() - 120_000) });

  const list = async (status: string) => dataOf(await shop.call<CouponPage>('coupon', 'mine', { status }, openid)).items;
  t.deepEqual(
    (await list('available')).map((c) => c.couponId),
    [fresh1, fresh2, fresh3],
    'soonest to expire first',
  );
  const usedList = await list('used');
  t.deepEqual(usedList.map((c) => c.couponId).sort(), [used, locked].sort());
  t.like(
    usedList.find((c) => c.couponId === used),
    { status: 'used', orderId: 'order-used' },
  );
  t.like(
    usedList.find((c) => c.couponId === locked),
    { status: 'locked', orderId: 'order-locked' },
  );
  const expired = await list('expired');
  t.deepEqual(
    expired.map((c) => c.couponId),
    [lapsed, storedExpired],
    'most recently expired first',
  );
  t.true(expired.every((c) => c.status === 'expired'));
  t.is((await couponsWhere({ _id: lapsed }))[0]!.status, 'available', 'stored as claimed; shown as expired');
  t.deepEqual(
    await list('available'),
    await (async () => dataOf(await shop.call<CouponPage>('coupon', 'mine', {}, openid)).items)(),
    'available is the default',
  );
  t.deepEqual(
    dataOf(await shop.call<CouponPage>('coupon', 'mine', { status: 'available' }, 'o-mine-other')).items,
    [],
    'nobody else sees them',
  );
});

test('mine pages with a cursor, without repeats or gaps', async (t) => {
  const openid = 'o-pages';
  const templateId = await makeTemplate({ perUser: 10 });
  const claimed: string[] = [];
  for (let i = 0; i < 5; i++) claimed.push(dataOf(await claim(templateId, openid)).couponId);
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = dataOf(
      await shop.call<CouponPage>('coupon', 'mine', { status: 'available', pageSize: 2, ...(cursor ? { cursor } : {}) }, openid),
    );
    seen.push(...page.items.map((c) => c.couponId));
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 10);
  t.is(pages, 3);
  t.deepEqual(seen, claimed, 'in claiming order, since they expire in that order');
  t.like(await shop.call('coupon', 'mine', { cursor: 'not-a-cursor' }, openid), { ok: false, code: 'VALIDATION' });
});

test("forCart prices the caller's coupons against the cart from the database, best first", async (t) => {
  const openid = 'o-cart';
  const everything = await makeTemplate({ rule: { kind: 'threshold', threshold: 9900, off: 1000 } });
  const food = await makeTemplate({
    rule: { kind: 'percent', percent: 90, cap: 2000 },
    scope: { type: 'categories', ids: ['c-food'] },
  });
  const tea = await makeTemplate({ rule: { kind: 'no_threshold', off: 500 }, scope: { type: 'categories', ids: ['c-tea'] } });
  const mugs = await makeTemplate({
    rule: { kind: 'threshold', threshold: 100, off: 100 },
    scope: { type: 'products', ids: ['spu-010'] },
  });
  const big = await makeTemplate({ rule: { kind: 'threshold', threshold: 100_000, off: 10_000 } });
  const ids = new Map<string, string>();
  for (const templateId of [everything, food, tea, mugs, big])
    ids.set(templateId, dataOf(await claim(templateId, openid)).couponId);

  const [teaPrice, shirtPrice] = await Promise.all([skuPrice('spu-009-01'), skuPrice('spu-001-01')]);
  const result = dataOf(
    await shop.call<ForCartResult>(
      'coupon',
      'forCart',
      {
        lines: [
          { skuId: 'spu-009-01', quantity: 1 },
          { skuId: 'spu-001-01', quantity: 2 },
          { skuId: 'nope', quantity: 1 },
        ],
      },
      openid,
    ),
  );
  const total = teaPrice + 2 * shirtPrice;
  const foodOff = Math.min(Math.floor((teaPrice * 10) / 100), 2000);
  const expected = [
    { couponId: ids.get(everything), applicable: true, discount: 1000, eligibleSubtotal: total },
    { couponId: ids.get(food), applicable: true, discount: foodOff, eligibleSubtotal: teaPrice },
    { couponId: ids.get(tea), applicable: true, discount: 500, eligibleSubtotal: teaPrice },
  ].sort((a, b) => b.discount - a.discount);
  t.deepEqual(
    result.coupons.slice(0, 3).map((c) => ({
      couponId: c.couponId,
      applicable: c.applicable,
      discount: c.discount,
      eligibleSubtotal: c.eligibleSubtotal,
    })),
    expected,
  );
  t.is(result.bestCouponId, expected[0]!.couponId);
  const rest = result.coupons.slice(3);
  t.like(
    rest.find((c) => c.couponId === ids.get(mugs)),
    { applicable: false, discount: 0, eligibleSubtotal: 0, reason: '没有适用此券的商品' },
  );
  t.like(
    rest.find((c) => c.couponId === ids.get(big)),
    { applicable: false, discount: 0, eligibleSubtotal: total },
  );
  t.regex(rest.find((c) => c.couponId === ids.get(big))!.reason!, /^适用商品满¥1000\.00可用，还差¥/);

  // A spent coupon is no longer offered; the cart of a shopper without coupons is empty.
  await shop.db.collection('user_coupons').doc(ids.get(everything)!).update({ status: 'used', orderId: 'o-x' });
  const after = dataOf(
    await shop.call<ForCartResult>('coupon', 'forCart', { lines: [{ skuId: 'spu-009-01', quantity: 1 }] }, openid),
  );
  t.false(after.coupons.some((c) => c.couponId === ids.get(everything)));
  t.deepEqual(
    dataOf(
      await shop.call<ForCartResult>('coupon', 'forCart', { lines: [{ skuId: 'spu-009-01', quantity: 1 }] }, 'o-cart-nobody'),
    ),
    { coupons: [] },
  );
});

const malformed: Array<[string, string, Record<string, unknown>]> = [
  ['claim: unknown key', 'claim', { templateId: 'ct-free-5', count: 5 }],
  ['claim: missing template', 'claim', {}],
  ['claim: strange id', 'claim', { templateId: 'ct free 5' }],
  ['claim: id as a query', 'claim', { templateId: { $ne: null } }],
  ['claim: 1,000-character id', 'claim', { templateId: 'x'.repeat(1000) }],
  ['claimable: unknown key', 'claimable', { all: true }],
  ['mine: unknown status', 'mine', { status: 'locked' }],
  ['mine: page size 0', 'mine', { pageSize: 0 }],
  ['mine: page size 1,000', 'mine', { pageSize: 1000 }],
  ['mine: huge cursor', 'mine', { cursor: 'x'.repeat(10_000) }],
  ['forCart: no lines', 'forCart', { lines: [] }],
  ['forCart: a price from the client', 'forCart', { lines: [{ skuId: 'spu-001-01', quantity: 1, price: 1 }] }],
  ['forCart: zero quantity', 'forCart', { lines: [{ skuId: 'spu-001-01', quantity: 0 }] }],
  [
    'forCart: duplicate SKU lines',
    'forCart',
    {
      lines: [
        { skuId: 'spu-001-01', quantity: 1 },
        { skuId: 'spu-001-01', quantity: 2 },
      ],
    },
  ],
  ['forCart: huge array', 'forCart', { lines: Array.from({ length: 1000 }, (_v, i) => ({ skuId: `s${i}`, quantity: 1 })) }],
  ['forCart: wrong type', 'forCart', { lines: 'spu-001-01' }],
];
for (const [title, routeName, params] of malformed) {
  test(`refuses malformed input (${title}) and writes nothing`, async (t) => {
    const openid = `o-hostile-${title.replace(/[^a-z0-9]+/gi, '-')}`;
    const before = (await templateDoc('ct-free-5')).issued;
    t.like(await shop.call('coupon', routeName, params, openid), { ok: false, code: 'VALIDATION' });
    t.deepEqual(await couponsWhere({ openid }), []);
    t.deepEqual(await claimsWhere({ openid }), []);
    t.is((await templateDoc('ct-free-5')).issued, before);
  });
}
