import test, { type ExecutionContext } from 'ava';
import { adminCall, verifyMerchant } from '../../testkit/merchant.js';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { AdminRole } from '../../typings/admin-access.js';
import type {
  AdminCouponPage,
  AdminCouponView,
  AdminFlashSalePage,
  AdminFlashSaleView,
  AdminGroupBuyView,
  MemberSettingsView,
} from '../../typings/admin-promotions.js';
import type { Envelope, ErrorCode } from '../../typings/common.js';
import type { ClaimableCoupon, CouponView } from '../../typings/coupon.js';
import type { ActivityView } from '../../typings/groupbuy.js';
import { DEFAULT_MEMBER_SETTINGS, type MemberSummary } from '../../typings/member.js';
import type { OrderView } from '../../typings/order.js';

/**
 * The back office's promotions and member settings through the real `admin` function on the seeded demo shop, each
 * checked from the other side too: the flash sale bought with `flashsale.buy`, the coupon claimed with the `coupon`
 * function and spent on an order, the group-buy seen by the `groupbuy` function, the settings read by `member`. SKU
 * stock, the stored documents and the audit trail are read back from the database.
 */
const shop = await startShop({ only: ['admin', 'flashsale', 'coupon', 'order', 'pay', 'user', 'groupbuy', 'member', 'jobs'] });
test.after.always(() => shop.close());
const { stockOf } = shop.inspect;

type Rec = Record<string, any>;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();

const admin = <T>(route: string, params: Rec = {}, role: AdminRole = 'owner'): Promise<Envelope<T>> =>
  adminCall<T>(shop, route, params, { role });
const doc = async (collection: string, id: string): Promise<Rec | undefined> =>
  (await shop.db.collection(collection).doc(id).get()).data[0] as Rec | undefined;
const auditOf = async (target: string): Promise<Rec[]> =>
  (await shop.db.collection('audit_logs').where({ target }).orderBy('seq', 'asc').get()).data as Rec[];
const count = async (collection: string, filter: Rec = {}): Promise<number> =>
  (await shop.db.collection(collection).where(filter).count()).total as number;

/** Expects a refusal with `code` (and a Chinese message). */
function refused(t: ExecutionContext, answer: Envelope<unknown>, code: ErrorCode): string {
  if (answer.ok) {
    t.fail(`expected ${code}, got ok`);
    return '';
  }
  t.is(answer.code, code, answer.message);
  t.regex(answer.message, /[\u4e00-\u9fff]/, 'the message is Chinese');
  return answer.message;
}

let seq = 0;
const key = () => `promo-key-${process.pid}-${++seq}`;

const saleInput = (skuId: string, fields: Rec = {}): Rec => ({
  skuId,
  title: '后台秒杀',
  price: 990,
  units: 10,
  perUser: 2,
  startAt: isoIn(-60_000),
  endAt: isoIn(HOUR),
  ...fields,
});

test.serial(
  'a flash sale created in the back office takes its units from the SKU, sells to a shopper, and ends early giving back exactly the unsold units once',
  async (t) => {
    const skuId = 'spu-010-01';
    const before = await stockOf(skuId);
    const created = dataOf(await admin<AdminFlashSaleView>('flashsales.create', saleInput(skuId)));
    const saleId = created.flashSaleId;
    t.like(created, { skuId, price: 990, stock: 10, remaining: 10, sold: 0, status: 'active', state: 'running', version: 1 });
    t.is(await stockOf(skuId), before - 10, "the sale's 10 units came out of the SKU's stock");
    t.like(await doc('flash_sales', saleId), { stock: 10, remaining: 10, version: 1, status: 'active' });
    const [createdEntry] = await auditOf(saleId);
    t.like(createdEntry, {
      action: 'flashsales.create',
      actor: 'o-test-merchant',
      after: { skuId, stock: 10, remaining: 10 },
      detail: { skuStockBefore: before, skuStockAfter: before - 10 },
    });

    // A shopper buys 2 with the flash sale function.
    const openid = 'o-promo-flash-buyer';
    const addressId = await shop.addressFor(openid);
    const order = dataOf(
      await shop.call<OrderView>(
        'flashsale',
        'buy',
        { flashSaleId: saleId, quantity: 2, addressId, idempotencyKey: key() },
        openid,
      ),
    );
    t.is(order.amounts.payable, 2 * 990 + order.amounts.freight);
    t.is(await stockOf(skuId), before - 10, "the buy takes from the sale, not from the SKU's own stock");
    const listed = dataOf(await admin<AdminFlashSalePage>('flashsales.list', {}));
    t.like(
      listed.items.find((s) => s.flashSaleId === saleId),
      { sold: 2, remaining: 8, returned: 0 },
    );

    const ended = dataOf(await admin<AdminFlashSaleView>('flashsales.endEarly', { flashSaleId: saleId, version: 1 }));
    t.like(ended, { status: 'ended', state: 'ended', remaining: 0, returned: 8, sold: 2, version: 2 });
    t.truthy(ended.endedEarlyAt);
    t.is(await stockOf(skuId), before - 2, 'the 8 unsold units went back to the SKU');
    const entries = await auditOf(saleId);
    t.like(entries[1], {
      action: 'flashsales.endEarly',
      before: { status: 'active', remaining: 8, version: 1 },
      after: { status: 'ended', remaining: 0, returned: 8, version: 2 },
      detail: { returned: 8, sold: 2 },
    });

    // Once: neither a second endEarly nor the jobs timer gives anything more; shoppers can no longer buy.
    refused(t, await admin('flashsales.endEarly', { flashSaleId: saleId, version: 2 }), 'INVALID_STATE');
    refused(t, await admin('flashsales.endEarly', { flashSaleId: saleId, version: 1 }), 'CONFLICT');
    await shop.db
      .collection('flash_sales')
      .doc(saleId)
      .update({ endAt: new Date(Date.now() - 1000) });
    const fired = await shop.control('POST', '/timers/jobs/run');
    t.true(fired.outcome?.ok, JSON.stringify(fired));
    t.is(await stockOf(skuId), before - 2, 'the timer found the sale settled');
    refused(
      t,
      await shop.call('flashsale', 'buy', { flashSaleId: saleId, quantity: 1, addressId, idempotencyKey: key() }, 'o-promo-late'),
      'INVALID_STATE',
    );
    t.is((await auditOf(saleId)).length, 2, 'refusals leave no audit entry');
  },
);

test.serial(
  'ending a sale early while shoppers buy, or while the jobs timer settles it, keeps every unit in exactly one place',
  async (t) => {
    // Shoppers buy while the merchant ends the sale.
    const skuId = 'spu-003-02';
    const before = await stockOf(skuId);
    const sale = dataOf(await admin<AdminFlashSaleView>('flashsales.create', saleInput(skuId, { units: 20, perUser: 1 })));
    const shoppers = Array.from({ length: 12 }, (_v, i) => `o-promo-race-${i}`);
    const addresses = await Promise.all(shoppers.map((openid) => shop.addressFor(openid)));
    const buys = shoppers.map((openid, i) =>
      shop.call<OrderView>(
        'flashsale',
        'buy',
        { flashSaleId: sale.flashSaleId, quantity: 1, addressId: addresses[i], idempotencyKey: key() },
        openid,
      ),
    );
    const ending = admin<AdminFlashSaleView>('flashsales.endEarly', { flashSaleId: sale.flashSaleId, version: 1 });
    const [answers, ended] = await Promise.all([Promise.all(buys), ending]);
    t.true(ended.ok, JSON.stringify(ended));
    const orders = (await shop.db.collection('orders').where({ 'promotion.flashSaleId': sale.flashSaleId }).get()).data as Rec[];
    const settled = (await doc('flash_sales', sale.flashSaleId))!;
    t.like(settled, { status: 'ended', remaining: 0 });
    t.is(orders.length, answers.filter((a) => a.ok).length, 'one order per successful buy');
    t.is(settled.returned + orders.length, 20, 'the returned units and the sold ones make up the sale');
    t.is(await stockOf(skuId), before - orders.length, 'the SKU got back exactly the unsold units');

    // The merchant ends a sale whose end has just passed while the timer settles it: the units come back once.
    const stock = await stockOf(skuId);
    const late = dataOf(await admin<AdminFlashSaleView>('flashsales.create', saleInput(skuId, { units: 10, perUser: 1 })));
    t.is(await stockOf(skuId), stock - 10);
    await shop.db
      .collection('flash_sales')
      .doc(late.flashSaleId)
      .update({ endAt: new Date(Date.now() - 1000) });
    const [byMerchant, fired] = await Promise.all([
      admin<AdminFlashSaleView>('flashsales.endEarly', { flashSaleId: late.flashSaleId, version: 1 }),
      shop.control('POST', '/timers/jobs/run'),
    ]);
    t.true(fired.outcome?.ok, JSON.stringify(fired));
    if (!byMerchant.ok) t.is(byMerchant.code, 'INVALID_STATE', 'the timer was first');
    t.like(await doc('flash_sales', late.flashSaleId), { status: 'ended', remaining: 0, returned: 10 });
    t.is(await stockOf(skuId), stock, 'the 10 units came back once');
    t.is(
      (await auditOf(late.flashSaleId)).filter((e) => e.action === 'flashsales.endEarly').length,
      byMerchant.ok ? 1 : 0,
      'an audit entry only for the settlement the merchant made',
    );
  },
);

test('a flash sale larger than the SKU stock is refused with OUT_OF_STOCK and nothing changes', async (t) => {
  const skuId = 'spu-011-01';
  const stock = await stockOf(skuId);
  const sales = await count('flash_sales', { skuId });
  const audits = await count('audit_logs', { action: 'flashsales.create', 'after.skuId': skuId });
  const message = refused(
    t,
    await admin('flashsales.create', saleInput(skuId, { units: stock + 1, perUser: 1 })),
    'OUT_OF_STOCK',
  );
  t.is(message, `库存不足：该规格现有库存 ${stock} 件，无法为活动预留 ${stock + 1} 件`);
  t.is(await stockOf(skuId), stock);
  t.is(await count('flash_sales', { skuId }), sales);
  t.is(await count('audit_logs', { action: 'flashsales.create', 'after.skuId': skuId }), audits);
  // Exactly the stock is fine.
  dataOf(await admin('flashsales.create', saleInput(skuId, { units: stock, perUser: 1 })));
  t.is(await stockOf(skuId), 0);
});

test('bad flash sale terms are refused with VALIDATION and nothing changes', async (t) => {
  const skuId = 'spu-009-01';
  const stock = await stockOf(skuId);
  const sales = await count('flash_sales', { skuId });
  const price = ((await doc('skus', skuId))!.price as number) + 0;
  for (const fields of [
    { price },
    { units: 0 },
    { perUser: 11 },
    { endAt: isoIn(-HOUR), startAt: isoIn(-2 * HOUR) },
    { startAt: isoIn(2 * HOUR) },
    { price: 9.5 },
    { stock: 5 },
  ]) {
    refused(t, await admin('flashsales.create', saleInput(skuId, fields)), 'VALIDATION');
  }
  refused(t, await admin('flashsales.create', saleInput('no-such-sku')), 'NOT_FOUND');
  t.is(await stockOf(skuId), stock);
  t.is(await count('flash_sales', { skuId }), sales);
});

const couponInput = (fields: Rec = {}): Rec => ({
  name: '后台5元券',
  rule: { kind: 'no_threshold', off: 500 },
  scope: { type: 'all' },
  validity: { type: 'relative', days: 7 },
  claimStartAt: isoIn(-HOUR),
  claimEndAt: isoIn(DAY),
  total: 50,
  perUser: 1,
  ...fields,
});
const claim = (templateId: string, openid: string) => shop.call<CouponView>('coupon', 'claim', { templateId }, openid);
const couponRow = async (templateId: string): Promise<AdminCouponView | undefined> =>
  dataOf(await admin<AdminCouponPage>('coupons.list', { pageSize: 50 })).items.find((c) => c.templateId === templateId);

test('a coupon template created in the back office is claimed and spent by a shopper; the counts read back', async (t) => {
  const created = dataOf(await admin<AdminCouponView>('coupons.create', couponInput()));
  const templateId = created.templateId;
  t.like(created, { status: 'active', issued: 0, used: 0, locked: 0, version: 1, summary: '无门槛减5元' });
  const stored = (await doc('coupon_templates', templateId))!;
  t.like(stored, { issued: 0, total: 50, perUser: 1, status: 'active', version: 1, rule: { kind: 'no_threshold', off: 500 } });
  t.true(stored.claimEndAt instanceof Date, 'times are stored as dates, as the coupon function queries them');
  t.like((await auditOf(templateId))[0], { action: 'coupons.create', after: { name: '后台5元券', total: 50 } });

  const openid = 'o-promo-coupon';
  const claimable = dataOf(await shop.call<ClaimableCoupon[]>('coupon', 'claimable', {}, openid));
  t.like(
    claimable.find((c) => c.templateId === templateId),
    { canClaim: true, remaining: 50 },
  );
  const coupon = dataOf(await claim(templateId, openid));
  refused(t, await claim(templateId, openid), 'INVALID_STATE');
  t.like(await couponRow(templateId), { issued: 1, used: 0, locked: 0 });

  const order = await shop.placeOrder(openid, [{ skuId: 'spu-002-01', quantity: 1 }], { couponId: coupon.couponId });
  t.is(order.amounts.discounts?.coupon, 500);
  t.like(await couponRow(templateId), { issued: 1, used: 0, locked: 1 });
  await shop.payFor(openid, order.orderId);
  t.like(await couponRow(templateId), { issued: 1, used: 1, locked: 0 });
});

test('pausing a template stops claims at once; resume and end follow their versions, each audited', async (t) => {
  const { templateId } = dataOf(await admin<AdminCouponView>('coupons.create', couponInput({ perUser: 2 })));
  dataOf(await claim(templateId, 'o-promo-pause-1'));

  const paused = dataOf(await admin<AdminCouponView>('coupons.pause', { templateId, version: 1 }));
  t.like(paused, { status: 'paused', version: 2, issued: 1 });
  t.is(refused(t, await claim(templateId, 'o-promo-pause-2'), 'INVALID_STATE'), '该优惠券已停止发放');
  t.false(
    dataOf(await shop.call<ClaimableCoupon[]>('coupon', 'claimable', {}, 'o-promo-pause-2')).some(
      (c) => c.templateId === templateId,
    ),
  );

  // A stale version: CONFLICT, nothing changed.
  refused(t, await admin('coupons.resume', { templateId, version: 1 }), 'CONFLICT');
  t.like(await doc('coupon_templates', templateId), { status: 'paused', version: 2 });
  refused(t, await admin('coupons.pause', { templateId, version: 2 }), 'INVALID_STATE');

  t.like(dataOf(await admin<AdminCouponView>('coupons.resume', { templateId, version: 2 })), { status: 'active', version: 3 });
  dataOf(await claim(templateId, 'o-promo-pause-2'));
  const ended = dataOf(await admin<AdminCouponView>('coupons.end', { templateId, version: 3 }));
  t.like(ended, { status: 'ended', version: 4, issued: 2 });
  t.truthy(ended.endedAt);
  refused(t, await claim(templateId, 'o-promo-pause-3'), 'INVALID_STATE');
  refused(t, await admin('coupons.resume', { templateId, version: 4 }), 'INVALID_STATE');
  t.like(await doc('coupon_templates', templateId), { status: 'ended', issued: 2, version: 4 });

  const entries = await auditOf(templateId);
  t.deepEqual(
    entries.map((e) => e.action),
    ['coupons.create', 'coupons.pause', 'coupons.resume', 'coupons.end'],
  );
  t.like(entries[1], { before: { status: 'active', version: 1 }, after: { status: 'paused', version: 2 }, role: 'owner' });
  t.like(entries[3], { before: { status: 'active', version: 3 }, after: { status: 'ended', version: 4 } });
});

test('bad coupon templates are refused with VALIDATION and nothing is written', async (t) => {
  // Concurrent tests create templates of their own: these carry a name of their own.
  const name = '不该写入的券';
  for (const fields of [
    { claimEndAt: isoIn(-2 * HOUR) },
    { perUser: 60 },
    { rule: { kind: 'threshold', threshold: 1000, off: 2000 } },
    { rule: { kind: 'percent', percent: 100 } },
    { rule: { kind: 'no_threshold', off: 5.5 } },
    { validity: { type: 'fixed', startAt: isoIn(0), endAt: isoIn(HOUR) } },
    { scope: { type: 'categories', ids: ['c-no-such'] } },
    { scope: { type: 'products', ids: ['spu-001', 'spu-999'] } },
    { total: 0 },
    { issued: 5 },
    { name: '' },
  ]) {
    refused(t, await admin('coupons.create', couponInput({ name, ...fields })), 'VALIDATION');
  }
  t.is(await count('coupon_templates', { name }), 0);
  t.is(await count('audit_logs', { 'after.name': name }), 0);
});

test('the service role reads promotions and settings but changes none (FORBIDDEN), nor does the operator change settings', async (t) => {
  dataOf(await admin('coupons.list', {}, 'service'));
  dataOf(await admin('flashsales.list', {}, 'service'));
  dataOf(await admin('groupbuys.list', {}, 'service'));
  dataOf(await admin('settings.member.get', {}, 'service'));
  const skuId = 'spu-012-02';
  const stock = await stockOf(skuId);
  t.regex(
    refused(t, await admin('coupons.create', couponInput({ name: '客服的券' }), 'service'), 'FORBIDDEN'),
    /客服不能管理营销活动/,
  );
  refused(t, await admin('coupons.pause', { templateId: 'ct-all-99-10', version: 0 }, 'service'), 'FORBIDDEN');
  refused(t, await admin('flashsales.create', saleInput(skuId), 'service'), 'FORBIDDEN');
  refused(t, await admin('flashsales.endEarly', { flashSaleId: 'fs-earphone-199', version: 0 }, 'service'), 'FORBIDDEN');
  refused(t, await admin('groupbuys.endEarly', { activityId: 'gb-nuts', version: 0 }, 'service'), 'FORBIDDEN');
  refused(
    t,
    await admin('settings.member.update', { version: 0, earn: { pointsPerYuan: 9, growthPerYuan: 9 } }, 'service'),
    'FORBIDDEN',
  );
  refused(
    t,
    await admin('settings.member.update', { version: 0, earn: { pointsPerYuan: 9, growthPerYuan: 9 } }, 'operator'),
    'FORBIDDEN',
  );
  t.is(await stockOf(skuId), stock);
  t.is(await count('coupon_templates', { name: '客服的券' }), 0);
  t.like(await doc('coupon_templates', 'ct-all-99-10'), { status: 'active' });
  t.like(await doc('flash_sales', 'fs-earphone-199'), { status: 'active' });
  t.like(await doc('group_buy_activities', 'gb-nuts'), { status: 'active' });
  // The operator runs promotions.
  dataOf(await admin('flashsales.create', saleInput(skuId, { units: 1, perUser: 1 }), 'operator'));
  t.is(await stockOf(skuId), stock - 1);
});

test('a group-buy created in the back office is offered to shoppers and stops when ended early', async (t) => {
  const input = {
    spuId: 'spu-008',
    skuIds: ['spu-008-01'],
    title: '后台拼团',
    tiers: [
      { minMembers: 2, price: 1000 },
      { minMembers: 3, price: 900 },
    ],
    targetSize: 3,
    timeLimitMinutes: 60,
    maxQuantity: 2,
    startAt: isoIn(-60_000),
    endAt: isoIn(DAY),
  };
  const activities = await count('group_buy_activities');
  refused(t, await admin('groupbuys.create', { ...input, skuIds: ['spu-001-01'] }), 'VALIDATION');
  refused(t, await admin('groupbuys.create', { ...input, tiers: [{ minMembers: 2, price: 10_000_000 }] }), 'VALIDATION');
  refused(t, await admin('groupbuys.create', { ...input, targetSize: 2 }), 'VALIDATION');
  t.is(await count('group_buy_activities'), activities);

  const created = dataOf(await admin<AdminGroupBuyView>('groupbuys.create', input));
  const activityId = created.activityId;
  t.like(created, { status: 'active', state: 'running', version: 1, targetSize: 3 });
  const seen = dataOf(await shop.call<ActivityView>('groupbuy', 'activity', { activityId }, 'o-promo-gb'));
  t.like(seen, { state: 'running', tiers: input.tiers, targetSize: 3 });

  refused(t, await admin('groupbuys.endEarly', { activityId, version: 0 }), 'CONFLICT');
  const ended = dataOf(await admin<AdminGroupBuyView>('groupbuys.endEarly', { activityId, version: 1 }));
  t.like(ended, { status: 'disabled', state: 'ended', version: 2 });
  refused(t, await shop.call('groupbuy', 'activity', { activityId }, 'o-promo-gb'), 'NOT_FOUND');
  refused(t, await admin('groupbuys.endEarly', { activityId, version: 2 }), 'INVALID_STATE');
  const entries = await auditOf(activityId);
  t.deepEqual(
    entries.map((e) => e.action),
    ['groupbuys.create', 'groupbuys.endEarly'],
  );
  t.like(entries[1], { before: { status: 'active', version: 1 }, after: { status: 'disabled', version: 2 } });
});

test.serial('member settings: read, edited with versions, validated, audited, and applied by the member function', async (t) => {
  const read = dataOf(await admin<MemberSettingsView>('settings.member.get'));
  t.deepEqual(read.settings, DEFAULT_MEMBER_SETTINGS);
  t.is(read.version, 0, 'the seeded document predates versions');

  const redeem = { pointsPerYuan: 50, maxPercentBp: 3000 };
  const updated = dataOf(await admin<MemberSettingsView>('settings.member.update', { version: 0, redeem }));
  t.like(updated, { version: 1, settings: { redeem, earn: DEFAULT_MEMBER_SETTINGS.earn } });
  t.like(await doc('settings', 'member'), { version: 1, redeem, levels: DEFAULT_MEMBER_SETTINGS.levels });
  const summary = dataOf(await shop.call<MemberSummary>('member', 'summary', {}, 'o-promo-member'));
  t.deepEqual(summary.redeem, redeem, 'the member function applies the new rules');
  t.like((await auditOf('settings/member'))[0], {
    action: 'settings.member.update',
    before: { redeem: DEFAULT_MEMBER_SETTINGS.redeem },
    after: { redeem },
    detail: { sections: ['redeem'] },
  });

  // Stale version, bad levels, bad streak days: nothing changes.
  refused(t, await admin('settings.member.update', { version: 0, earn: { pointsPerYuan: 2, growthPerYuan: 2 } }), 'CONFLICT');
  const levels = DEFAULT_MEMBER_SETTINGS.levels;
  refused(
    t,
    await admin('settings.member.update', { version: 1, levels: [levels[0], { ...levels[1], minGrowth: 0 }] }),
    'VALIDATION',
  );
  refused(
    t,
    await admin('settings.member.update', { version: 1, levels: [levels[0], { ...levels[1], discountBp: 9000 }, levels[2]] }),
    'VALIDATION',
  );
  refused(
    t,
    await admin('settings.member.update', {
      version: 1,
      checkin: { points: 5, cycleDays: 7, streakBonuses: [{ day: 8, points: 1 }] },
    }),
    'VALIDATION',
  );
  refused(t, await admin('settings.member.update', { version: 1, referral: { commissionBp: 20_000 } }), 'VALIDATION');

  // The referral commission is money: a second verification first.
  const referral = { commissionBp: 800, refundWindowDays: 10, minWithdrawFen: 2000 };
  refused(t, await admin('settings.member.update', { version: 1, referral }), 'VERIFICATION_REQUIRED');
  t.like(await doc('settings', 'member'), { version: 1, referral: DEFAULT_MEMBER_SETTINGS.referral, redeem });
  t.is((await auditOf('settings/member')).length, 1);
  await verifyMerchant(shop);
  t.like(dataOf(await admin<MemberSettingsView>('settings.member.update', { version: 1, referral })), {
    version: 2,
    settings: { referral },
  });
  t.like(await doc('settings', 'member'), { version: 2, referral, redeem });
  t.like((await auditOf('settings/member'))[1], { before: { referral: DEFAULT_MEMBER_SETTINGS.referral }, after: { referral } });
});

test('lists page newest first without repeating, and filter by status', async (t) => {
  const seen: AdminCouponView[] = [];
  let cursor: string | undefined;
  do {
    const page = dataOf(await admin<AdminCouponPage>('coupons.list', { pageSize: 2, ...(cursor ? { cursor } : {}) }));
    seen.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  t.is(new Set(seen.map((c) => c.templateId)).size, seen.length, 'no template twice');
  t.true(seen.length >= 3, 'the seeded templates are listed');
  t.true(
    seen.every((c, i) => i === 0 || c.createdAt <= seen[i - 1]!.createdAt),
    'newest first',
  );
  t.like(
    seen.find((c) => c.templateId === 'ct-all-99-10'),
    { version: 0, summary: '满99减10', issued: 0, status: 'active' },
  );
  const active = dataOf(await admin<AdminFlashSalePage>('flashsales.list', { status: 'active', pageSize: 50 }));
  t.true(active.items.every((s) => s.status === 'active'));
  t.like(
    active.items.find((s) => s.flashSaleId === 'fs-earphone-199'),
    { stock: 20, remaining: 20, sold: 0, state: 'upcoming', version: 0 },
  );
  refused(t, await admin('coupons.list', { cursor: 'not-a-cursor' }), 'VALIDATION');
});
