import test from 'ava';
import type { CouponRule, CouponScope } from '../../../typings/coupon.js';
import { bestCoupon, couponDiscount, rankCoupons, ruleSummary, type CouponLike, type CouponLine } from './coupon-quotes.js';
import { ShopError } from './errors.js';

/** The coupon rules as pure tables: what a coupon takes off which lines, when, and how it reads. */
const DAY = 86_400_000;
const NOW = new Date('2026-06-01T12:00:00+08:00');

function coupon(rule: CouponRule, scope: CouponScope = { type: 'all' }, fields: Partial<CouponLike> = {}): CouponLike {
  return {
    rule,
    scope,
    status: 'available',
    validFrom: new Date(NOW.getTime() - DAY),
    validUntil: new Date(NOW.getTime() + DAY),
    ...fields,
  };
}

// ---- every kind × scope × threshold edge -------------------------------------------------------------------------

const KINDS: Array<{ name: string; rule: CouponRule; edges: Array<[eligible: number, discount: number | null]> }> = [
  // null: does not apply
  {
    name: '满99减10',
    rule: { kind: 'threshold', threshold: 9900, off: 1000 },
    edges: [
      [0, null],
      [9899, null],
      [9900, 1000],
      [9901, 1000],
      [50_000, 1000],
    ],
  },
  {
    name: '满50享9折，最高减20',
    rule: { kind: 'percent', percent: 90, cap: 2000, threshold: 5000 },
    edges: [
      [0, null],
      [4999, null],
      [5000, 500],
      [5009, 500],
      [19_999, 1999],
      [20_000, 2000],
      [50_000, 2000],
    ],
  },
  {
    name: '8.5折不封顶',
    rule: { kind: 'percent', percent: 85 },
    edges: [
      [0, null],
      [6, null],
      [7, 1],
      [10_001, 1500],
      [1_000_000, 150_000],
    ],
  },
  {
    name: '无门槛减5',
    rule: { kind: 'no_threshold', off: 500 },
    edges: [
      [0, null],
      [1, 1],
      [499, 499],
      [500, 500],
      [501, 500],
    ],
  },
];

/** Lines whose in-scope part sums to `eligible` (split over two lines when it can be) plus a line out of scope. */
const SCOPES: Array<{ name: string; scope: CouponScope; lines: (eligible: number) => CouponLine[] }> = [
  {
    name: 'all',
    scope: { type: 'all' },
    lines: (e) => [
      { spuId: 'spu-a', categoryId: 'c-tea', parentCategoryId: 'c-food', subtotal: Math.floor(e / 2) },
      { spuId: 'spu-b', categoryId: 'c-tshirt', parentCategoryId: 'c-apparel', subtotal: e - Math.floor(e / 2) },
    ],
  },
  {
    name: 'categories (a top-level category covers its children)',
    scope: { type: 'categories', ids: ['c-food'] },
    lines: (e) => [
      { spuId: 'spu-a', categoryId: 'c-tea', parentCategoryId: 'c-food', subtotal: Math.floor(e / 2) },
      { spuId: 'spu-c', categoryId: 'c-food', parentCategoryId: null, subtotal: e - Math.floor(e / 2) },
      { spuId: 'spu-b', categoryId: 'c-tshirt', parentCategoryId: 'c-apparel', subtotal: 7777 },
    ],
  },
  {
    name: 'products',
    scope: { type: 'products', ids: ['spu-a', 'spu-c'] },
    lines: (e) => [
      { spuId: 'spu-a', categoryId: 'c-tea', subtotal: Math.floor(e / 2) },
      { spuId: 'spu-c', categoryId: 'c-tea', subtotal: e - Math.floor(e / 2) },
      { spuId: 'spu-b', categoryId: 'c-tea', subtotal: 7777 },
    ],
  },
];

for (const kind of KINDS) {
  for (const scope of SCOPES) {
    test(`couponDiscount: ${kind.name} × ${scope.name}`, (t) => {
      for (const [eligible, discount] of kind.edges) {
        const quote = couponDiscount(coupon(kind.rule, scope.scope), scope.lines(eligible), NOW);
        t.is(quote.eligibleSubtotal, eligible, `eligible ${eligible}`);
        if (discount === null) {
          t.false(quote.applicable, `eligible ${eligible} does not apply`);
          t.is(quote.discount, 0);
          t.truthy(quote.reason);
        } else {
          t.deepEqual(quote, { applicable: true, discount, eligibleSubtotal: eligible }, `eligible ${eligible}`);
          t.true(quote.discount <= eligible);
        }
      }
    });
  }
}

test('couponDiscount explains why a coupon does not apply', (t) => {
  const lines: CouponLine[] = [{ spuId: 'spu-a', categoryId: 'c-tea', parentCategoryId: 'c-food', subtotal: 9000 }];
  const full = { kind: 'threshold', threshold: 9900, off: 1000 } as const;
  t.is(couponDiscount(coupon(full), lines, NOW).reason, '适用商品满¥99.00可用，还差¥9.00');
  t.is(couponDiscount(coupon(full, { type: 'categories', ids: ['c-apparel'] }), lines, NOW).reason, '没有适用此券的商品');
  t.is(couponDiscount(coupon(full), [], NOW).reason, '没有适用此券的商品');
  const five = { kind: 'no_threshold', off: 500 } as const;
  t.is(couponDiscount(coupon(five, undefined, { status: 'used' }), lines, NOW).reason, '优惠券已使用');
  t.is(couponDiscount(coupon(five, undefined, { status: 'locked' }), lines, NOW).reason, '优惠券已被订单占用');
  t.is(couponDiscount(coupon(five, undefined, { status: 'expired' }), lines, NOW).reason, '优惠券已过期');
  t.is(
    couponDiscount(coupon({ kind: 'percent', percent: 99 }), [{ ...lines[0]!, subtotal: 99 }], NOW).reason,
    '金额太小，无法优惠',
  );
});

test('couponDiscount: validity bounds are inclusive, in fixed and relative coupons alike', (t) => {
  const lines: CouponLine[] = [{ spuId: 'spu-a', categoryId: 'c-tea', subtotal: 1000 }];
  const rule = { kind: 'no_threshold', off: 500 } as const;
  const validFrom = new Date(NOW.getTime() - 3 * DAY);
  const validUntil = new Date(NOW.getTime() + 3 * DAY);
  const c = coupon(rule, undefined, { validFrom, validUntil });
  t.true(couponDiscount(c, lines, validFrom).applicable);
  t.true(couponDiscount(c, lines, validUntil).applicable);
  t.like(couponDiscount(c, lines, new Date(validFrom.getTime() - 1)), { applicable: false, reason: '优惠券未到使用时间' });
  t.like(couponDiscount(c, lines, new Date(validUntil.getTime() + 1)), { applicable: false, reason: '优惠券已过期' });
  // Dates as the database or JSON hand them back.
  t.true(
    couponDiscount({ ...c, validFrom: validFrom.toISOString(), validUntil: validUntil.toISOString() }, lines, NOW).applicable,
  );
});

test('couponDiscount refuses lines that are not integer fen', (t) => {
  const c = coupon({ kind: 'no_threshold', off: 500 });
  for (const subtotal of [-1, 1.5, Number.NaN]) {
    t.throws(() => couponDiscount(c, [{ spuId: 'a', categoryId: 'b', subtotal }], NOW), { instanceOf: ShopError });
  }
});

test('bestCoupon takes the largest discount, then the coupon expiring soonest; null when none applies', (t) => {
  const lines: CouponLine[] = [
    { spuId: 'spu-a', categoryId: 'c-tea', parentCategoryId: 'c-food', subtotal: 16_800 },
    { spuId: 'spu-b', categoryId: 'c-tshirt', parentCategoryId: 'c-apparel', subtotal: 5900 },
  ];
  const soon = new Date(NOW.getTime() + DAY);
  const later = new Date(NOW.getTime() + 5 * DAY);
  const coupons = [
    { ...coupon({ kind: 'threshold', threshold: 9900, off: 1000 }), _id: 'full', validUntil: later },
    {
      ...coupon({ kind: 'percent', percent: 90, cap: 2000 }, { type: 'categories', ids: ['c-food'] }),
      _id: 'food',
      validUntil: later,
    },
    { ...coupon({ kind: 'no_threshold', off: 1680 }), _id: 'same-sooner', validUntil: soon },
    { ...coupon({ kind: 'no_threshold', off: 99_999 }, { type: 'products', ids: ['spu-z'] }), _id: 'elsewhere' },
    { ...coupon({ kind: 'no_threshold', off: 99_999 }), _id: 'spent', status: 'used' as const },
  ];
  const best = bestCoupon(coupons, lines, NOW);
  t.is(best?.coupon._id, 'same-sooner', '1680 off either way: the one expiring first');
  t.is(best?.quote.discount, 1680);
  t.deepEqual(
    rankCoupons(coupons, lines, NOW).map((r) => [r.coupon._id, r.quote.discount]),
    [
      ['same-sooner', 1680],
      ['food', 1680],
      ['full', 1000],
      ['elsewhere', 0],
      ['spent', 0],
    ],
  );
  t.is(bestCoupon(coupons.slice(3), lines, NOW), null);
  t.is(bestCoupon([], lines, NOW), null);
});

test('ruleSummary prints what a coupon does as shoppers read it', (t) => {
  t.is(ruleSummary({ kind: 'threshold', threshold: 9900, off: 1000 }), '满99减10');
  t.is(ruleSummary({ kind: 'threshold', threshold: 19_950, off: 2050 }), '满199.5减20.5');
  t.is(ruleSummary({ kind: 'percent', percent: 90, cap: 2000 }), '9折，最高减20元');
  t.is(ruleSummary({ kind: 'percent', percent: 85, threshold: 5000 }), '满50享8.5折');
  t.is(ruleSummary({ kind: 'no_threshold', off: 500 }), '无门槛减5元');
  t.is(ruleSummary({ kind: 'no_threshold', off: 1 }), '无门槛减0.01元');
});
