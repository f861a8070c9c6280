import test from 'ava';
import { type CouponCreateInput } from '../../../typings/admin-promotions.js';
import type { ErrorCode } from '../../../typings/common.js';
import { DEFAULT_MEMBER_SETTINGS } from '../../../typings/member.js';
import { ShopError } from './errors.js';
import {
  applyMemberSettings,
  changedSections,
  COUPON_STATUS_TRANSITIONS,
  couponStatusAfter,
  couponTemplateRefusal,
  flashSaleCreateRefusal,
  flashSaleEndRefusal,
  flashSaleSold,
  groupBuyEndRefusal,
  groupBuyRefusal,
  newCouponTemplate,
} from './promotion-edits.js';

const NOW = new Date('2026-06-01T04:00:00Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR);
const isoAt = (hours: number) => at(hours).toISOString();

const coupon = (fields: Partial<CouponCreateInput> = {}): CouponCreateInput => ({
  name: '满99减10',
  rule: { kind: 'threshold', threshold: 9900, off: 1000 },
  scope: { type: 'all' },
  validity: { type: 'relative', days: 7 },
  claimStartAt: isoAt(-1),
  claimEndAt: isoAt(24),
  total: 100,
  perUser: 1,
  ...fields,
});

test('coupon templates: the claim window, the per-user limit and a fixed validity are checked', (t) => {
  t.is(couponTemplateRefusal(coupon(), NOW), undefined);
  const cases: Array<[Partial<CouponCreateInput>, string]> = [
    [{ claimEndAt: isoAt(-1) }, '领取结束时间必须晚于领取开始时间'],
    [{ claimStartAt: isoAt(-3), claimEndAt: isoAt(-1) }, '领取结束时间已过'],
    [{ perUser: 5, total: 3 }, '每人限领数量不能超过发放总量'],
    [{ validity: { type: 'fixed', startAt: isoAt(48), endAt: isoAt(47) } }, '有效期结束时间必须晚于开始时间'],
    [{ validity: { type: 'fixed', startAt: isoAt(0), endAt: isoAt(12) } }, '有效期结束时间不能早于领取结束时间'],
  ];
  for (const [fields, message] of cases) {
    const refusal = couponTemplateRefusal(coupon(fields), NOW);
    t.is(refusal?.code, 'VALIDATION', message);
    t.is(refusal?.message, message);
  }
  t.is(couponTemplateRefusal(coupon({ validity: { type: 'fixed', startAt: isoAt(0), endAt: isoAt(24) } }), NOW), undefined);
});

test('a new coupon template is the stored shape the coupon function reads, at version 1 with nothing issued', (t) => {
  const doc = newCouponTemplate('ct-1', coupon({ validity: { type: 'fixed', startAt: isoAt(0), endAt: isoAt(48) } }), NOW);
  t.deepEqual(doc, {
    _id: 'ct-1',
    name: '满99减10',
    description: '',
    rule: { kind: 'threshold', threshold: 9900, off: 1000 },
    scope: { type: 'all' },
    validity: { type: 'fixed', startAt: at(0), endAt: at(48) },
    claimStartAt: at(-1),
    claimEndAt: at(24),
    total: 100,
    perUser: 1,
    issued: 0,
    status: 'active',
    createdAt: NOW,
    updatedAt: NOW,
    version: 1,
  });
  t.is(newCouponTemplate('ct-2', coupon({ status: 'paused' }), NOW).status, 'paused');
});

test('coupon status changes follow their table; every other start is INVALID_STATE', (t) => {
  const statuses = ['active', 'paused', 'ended'] as const;
  for (const [action, { from, to }] of Object.entries(COUPON_STATUS_TRANSITIONS)) {
    for (const status of statuses) {
      const run = () => couponStatusAfter(status, action as keyof typeof COUPON_STATUS_TRANSITIONS);
      if (from.includes(status)) t.is(run(), to, `${action} from ${status}`);
      else t.is(t.throws(run, { instanceOf: ShopError })?.code, 'INVALID_STATE', `${action} from ${status}`);
    }
  }
  t.is(t.throws(() => couponStatusAfter('ended', 'resume'))?.message, '优惠券已结束，不能恢复');
});

const terms = { skuId: 'sku-1', price: 990, units: 10, perUser: 2, startAt: at(1), endAt: at(2) };

test('flash sales: the terms, the per-user limit and a price below the SKU', (t) => {
  t.is(flashSaleCreateRefusal(terms, 1990, NOW), undefined);
  const cases: Array<[Partial<typeof terms>, string]> = [
    [{ endAt: at(0.5) }, '秒杀结束时间必须晚于开始时间'],
    [{ startAt: at(-3), endAt: at(-1) }, '秒杀结束时间已过'],
    [{ perUser: 11 }, '每人限购数量不能超过秒杀数量'],
    [{ price: 1990 }, '秒杀价必须低于商品售价（1990 分）'],
  ];
  for (const [fields, message] of cases) {
    const refusal = flashSaleCreateRefusal({ ...terms, ...fields }, 1990, NOW);
    t.is(refusal?.code, 'VALIDATION', message);
    t.is(refusal?.message, message);
  }
});

test('flash sales: only a sale holding its units ends early; sold counts what its orders took', (t) => {
  t.is(flashSaleEndRefusal({ status: 'active' }), undefined);
  t.is(flashSaleEndRefusal({ status: 'disabled' }), undefined);
  t.is(flashSaleEndRefusal({ status: 'ended' })?.code, 'INVALID_STATE');
  t.is(flashSaleEndRefusal({ status: 'cancelled' })?.message, '秒杀活动已取消');
  t.is(flashSaleSold({ stock: 10, remaining: 7 }), 3);
  t.is(flashSaleSold({ stock: 10, remaining: 0, returned: 7 }), 3);
});

const skus = [
  { _id: 'sku-1', spuId: 'spu-1', price: 6900 },
  { _id: 'sku-2', spuId: 'spu-1', price: 7900 },
  { _id: 'sku-9', spuId: 'spu-9', price: 100 },
];
const ladder = {
  spuId: 'spu-1',
  skuIds: ['sku-1', 'sku-2'],
  tiers: [
    { minMembers: 2, price: 5900 },
    { minMembers: 3, price: 4900 },
  ],
  targetSize: 3,
  startAt: at(0),
  endAt: at(48),
};

test('group-buys: a ladder rising in members and falling in price, reachable, below every SKU price', (t) => {
  t.is(groupBuyRefusal(ladder, skus, NOW), undefined);
  const cases: Array<[Partial<typeof ladder>, ErrorCode, string]> = [
    [{ endAt: at(0) }, 'VALIDATION', '活动结束时间必须晚于开始时间'],
    [{ startAt: at(-5), endAt: at(-1) }, 'VALIDATION', '活动结束时间已过'],
    [{ skuIds: ['sku-1', 'sku-1'] }, 'VALIDATION', '商品规格不能重复'],
    [
      {
        tiers: [
          { minMembers: 3, price: 5900 },
          { minMembers: 3, price: 4900 },
        ],
      },
      'VALIDATION',
      '阶梯的成团人数必须递增',
    ],
    [
      {
        tiers: [
          { minMembers: 2, price: 4900 },
          { minMembers: 3, price: 5900 },
        ],
      },
      'VALIDATION',
      '阶梯价必须随人数增加而降低',
    ],
    [{ targetSize: 2 }, 'VALIDATION', '最后一档的人数不能超过成团人数'],
    [{ skuIds: ['sku-1', 'sku-x'] }, 'NOT_FOUND', '商品规格 sku-x 不存在'],
    [{ skuIds: ['sku-9'] }, 'VALIDATION', '商品规格 sku-9 不属于该商品'],
    [{ tiers: [{ minMembers: 2, price: 6900 }] }, 'VALIDATION', '拼团价必须低于商品售价（规格 sku-1 售价 6900 分）'],
  ];
  for (const [fields, code, message] of cases) {
    const refusal = groupBuyRefusal({ ...ladder, ...fields }, skus, NOW);
    t.is(refusal?.code, code, message);
    t.is(refusal?.message, message);
  }
  t.is(groupBuyEndRefusal({ status: 'active' }), undefined);
  t.is(groupBuyEndRefusal({ status: 'disabled' })?.code, 'INVALID_STATE');
});

test('member settings: given sections replace the current ones whole; the others stay', (t) => {
  const referral = { commissionBp: 800, refundWindowDays: 10, minWithdrawFen: 2000 };
  const next = applyMemberSettings(DEFAULT_MEMBER_SETTINGS, { referral });
  t.deepEqual(next, { ...DEFAULT_MEMBER_SETTINGS, referral });
  t.deepEqual(changedSections(DEFAULT_MEMBER_SETTINGS, { referral, earn: DEFAULT_MEMBER_SETTINGS.earn }), ['referral']);
  t.deepEqual(changedSections(DEFAULT_MEMBER_SETTINGS, {}), []);
});

test('member settings: rules across fields are refused with VALIDATION', (t) => {
  const levels = DEFAULT_MEMBER_SETTINGS.levels;
  const refuse = (patch: Parameters<typeof applyMemberSettings>[1]) =>
    t.throws(() => applyMemberSettings(DEFAULT_MEMBER_SETTINGS, patch), { instanceOf: ShopError });
  const worse = refuse({ levels: [levels[0]!, { ...levels[1]!, discountBp: 9500 }, { ...levels[2]!, discountBp: 9800 }] });
  t.is(worse?.code, 'VALIDATION');
  t.is(worse?.message, '高等级的折扣不能少于低等级（折扣比例须随等级递减或持平）');
  t.is(refuse({ levels: [levels[0]!, { ...levels[1]!, name: levels[0]!.name }] })?.message, '等级名称不能重复');
  t.is(
    refuse({ checkin: { points: 5, cycleDays: 7, streakBonuses: [{ day: 10, points: 30 }] } })?.message,
    '连续签到奖励的天数不能超过签到周期（7 天）',
  );
  t.notThrows(() =>
    applyMemberSettings(DEFAULT_MEMBER_SETTINGS, {
      checkin: { points: 5, cycleDays: 0, streakBonuses: [{ day: 10, points: 30 }] },
    }),
  );
});
