import test, { type ExecutionContext } from 'ava';
import type { CouponRule, CouponScope } from '../../../typings/coupon.js';
import { inScope, type CouponLike } from './coupon-quotes.js';
import { ShopError } from './errors.js';
import {
  DISCOUNT_KINDS,
  allocate,
  priceCheckout,
  priceOrder,
  type CheckoutLineInput,
  type DiscountParts,
  type OrderDiscount,
  type PricedOrder,
  type PricingInput,
} from './pricing.js';

const isValidation = { instanceOf: ShopError, code: 'VALIDATION' } as const;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The invariants every priced order keeps, whatever the input. */
function assertInvariants(t: ExecutionContext, input: PricingInput, order: PricedOrder) {
  t.is(order.lines.length, input.lines.length);
  order.lines.forEach((line, i) => {
    t.is(line.subtotal, input.lines[i]!.unitPrice * input.lines[i]!.quantity);
    t.true(line.payable >= 0 && Number.isSafeInteger(line.payable), `line ${i} payable ${line.payable}`);
    t.is(line.payable, line.subtotal - sum(DISCOUNT_KINDS.map((k) => line.discounts[k])));
  });
  t.is(order.subtotal, sum(order.lines.map((l) => l.subtotal)));
  for (const kind of DISCOUNT_KINDS) {
    t.is(sum(order.lines.map((l) => l.discounts[kind])), order.discounts[kind], `${kind} parts sum to the ${kind} discount`);
    const requested = sum((input.discounts ?? []).filter((d) => d.kind === kind).map((d) => d.amount));
    const cap = order.caps.find((c) => c.kind === kind);
    if (cap) t.deepEqual(cap, { kind, requested, applied: order.discounts[kind] });
    else t.is(order.discounts[kind], requested, `${kind} applied in full`);
  }
  t.is(order.discountTotal, sum(DISCOUNT_KINDS.map((k) => order.discounts[k])));
  t.is(
    sum(order.lines.map((l) => sum(DISCOUNT_KINDS.map((k) => l.discounts[k])))),
    order.discountTotal,
    'all parts sum to the total discount',
  );
  t.true(order.discountTotal <= order.subtotal);
  t.is(order.freight, input.freight ?? 0);
  t.is(order.payable, order.subtotal - order.discountTotal + order.freight);
  t.is(order.payable, sum(order.lines.map((l) => l.payable)) + order.freight);
  t.true(order.payable >= 0 && Number.isSafeInteger(order.payable));
}

const parts = (p: Partial<DiscountParts>): DiscountParts => ({ promotion: 0, member: 0, coupon: 0, points: 0, ...p });

interface Case {
  name: string;
  input: PricingInput;
  lines: Array<Partial<DiscountParts>>;
  payable: number;
  caps?: PricedOrder['caps'];
}

const cases: Case[] = [
  {
    name: 'single line, no discount',
    input: { lines: [{ skuId: 'a', unitPrice: 1999, quantity: 2 }] },
    lines: [{}],
    payable: 3998,
  },
  {
    name: 'single line takes the whole coupon',
    input: { lines: [{ skuId: 'a', unitPrice: 1999, quantity: 2 }], discounts: [{ kind: 'coupon', amount: 500 }] },
    lines: [{ coupon: 500 }],
    payable: 3498,
  },
  {
    name: 'many lines, a coupon that divides evenly',
    input: {
      lines: [
        { skuId: 'a', unitPrice: 1000, quantity: 1 },
        { skuId: 'b', unitPrice: 2000, quantity: 1 },
        { skuId: 'c', unitPrice: 500, quantity: 2 },
      ],
      discounts: [{ kind: 'coupon', amount: 400 }],
    },
    lines: [{ coupon: 100 }, { coupon: 200 }, { coupon: 100 }],
    payable: 3600,
  },
  {
    name: 'a discount that does not divide evenly: 100 over 3 equal lines',
    input: {
      lines: [
        { skuId: 'a', unitPrice: 300, quantity: 1 },
        { skuId: 'b', unitPrice: 300, quantity: 1 },
        { skuId: 'c', unitPrice: 300, quantity: 1 },
      ],
      discounts: [{ kind: 'promotion', amount: 100 }],
    },
    lines: [{ promotion: 34 }, { promotion: 33 }, { promotion: 33 }],
    payable: 800,
  },
  {
    name: 'the leftover fen goes to the largest remainder, not the first line',
    input: {
      lines: [
        { skuId: 'a', unitPrice: 100, quantity: 1 },
        { skuId: 'b', unitPrice: 200, quantity: 1 },
        { skuId: 'c', unitPrice: 400, quantity: 1 },
      ],
      discounts: [{ kind: 'member', amount: 100 }],
    },
    // exact shares 14.29, 28.57, 57.14: floors 14 + 28 + 57 = 99, the spare fen goes to .57
    lines: [{ member: 14 }, { member: 29 }, { member: 57 }],
    payable: 600,
  },
  {
    name: '1-fen discount over 3 lines',
    input: {
      lines: [
        { skuId: 'a', unitPrice: 100, quantity: 1 },
        { skuId: 'b', unitPrice: 100, quantity: 1 },
        { skuId: 'c', unitPrice: 100, quantity: 1 },
      ],
      discounts: [{ kind: 'coupon', amount: 1 }],
    },
    lines: [{ coupon: 1 }, {}, {}],
    payable: 299,
  },
  {
    name: 'four 1-fen discounts over 1-fen lines never push a line below 0',
    input: {
      lines: [
        { skuId: 'a', unitPrice: 1, quantity: 1 },
        { skuId: 'b', unitPrice: 1, quantity: 1 },
        { skuId: 'c', unitPrice: 1, quantity: 1 },
      ],
      discounts: [
        { kind: 'promotion', amount: 1 },
        { kind: 'member', amount: 1 },
        { kind: 'coupon', amount: 1 },
        { kind: 'points', amount: 1 },
      ],
    },
    lines: [{ promotion: 1 }, { member: 1 }, { coupon: 1 }],
    payable: 0,
    caps: [{ kind: 'points', requested: 1, applied: 0 }],
  },
  {
    name: 'a coupon over the subtotal is capped and reported; freight is still paid',
    input: {
      lines: [
        { skuId: 'a', unitPrice: 300, quantity: 1 },
        { skuId: 'b', unitPrice: 100, quantity: 2 },
      ],
      discounts: [{ kind: 'coupon', amount: 1000 }],
      freight: 800,
    },
    lines: [{ coupon: 300 }, { coupon: 200 }],
    payable: 800,
    caps: [{ kind: 'coupon', requested: 1000, applied: 500 }],
  },
  {
    name: 'discounts apply promotion, member, coupon, points; the last ones are capped first',
    input: {
      lines: [{ skuId: 'a', unitPrice: 1000, quantity: 1 }],
      discounts: [
        { kind: 'points', amount: 500 },
        { kind: 'coupon', amount: 300 },
        { kind: 'promotion', amount: 400 },
      ],
    },
    lines: [{ promotion: 400, coupon: 300, points: 300 }],
    payable: 0,
    caps: [{ kind: 'points', requested: 500, applied: 300 }],
  },
  {
    name: 'two discounts of one kind add up',
    input: {
      lines: [{ skuId: 'a', unitPrice: 1000, quantity: 1 }],
      discounts: [
        { kind: 'promotion', amount: 100 },
        { kind: 'promotion', amount: 50 },
      ],
    },
    lines: [{ promotion: 150 }],
    payable: 850,
  },
  {
    name: 'zero-priced lines (gifts) take no part of a discount',
    input: {
      lines: [
        { skuId: 'gift', unitPrice: 0, quantity: 1 },
        { skuId: 'a', unitPrice: 999, quantity: 1 },
        { skuId: 'gift2', unitPrice: 0, quantity: 3 },
      ],
      discounts: [{ kind: 'coupon', amount: 100 }],
      freight: 0,
    },
    lines: [{}, { coupon: 100 }, {}],
    payable: 899,
  },
  {
    name: 'an order of gifts only: every discount is capped to 0, freight is what is paid',
    input: {
      lines: [{ skuId: 'gift', unitPrice: 0, quantity: 2 }],
      discounts: [{ kind: 'member', amount: 10 }],
      freight: 600,
    },
    lines: [{}],
    payable: 600,
    caps: [{ kind: 'member', requested: 10, applied: 0 }],
  },
  {
    name: 'freight is added after discounts and never discounted',
    input: {
      lines: [
        { skuId: 'a', unitPrice: 2500, quantity: 1 },
        { skuId: 'b', unitPrice: 1250, quantity: 2 },
      ],
      discounts: [
        { kind: 'member', amount: 333 },
        { kind: 'points', amount: 101 },
      ],
      freight: 1000,
    },
    lines: [
      // points follow what is left to pay (2333 / 2334), so the spare fen evens the lines out
      { member: 167, points: 50 },
      { member: 166, points: 51 },
    ],
    payable: 5566,
  },
];

for (const c of cases) {
  test(`pricing: ${c.name}`, (t) => {
    const order = priceOrder(c.input);
    assertInvariants(t, c.input, order);
    t.deepEqual(
      order.lines.map((l) => l.discounts),
      c.lines.map(parts),
    );
    t.is(order.payable, c.payable);
    t.deepEqual(order.caps, c.caps ?? []);
  });
}

test('pricing keeps the line fields in the shape the order stores', (t) => {
  const order = priceOrder({
    lines: [{ skuId: 'sku-1', unitPrice: 1250, quantity: 3 }],
    discounts: [{ kind: 'coupon', amount: 50 }],
    freight: 10,
  });
  t.deepEqual(order, {
    lines: [{ skuId: 'sku-1', quantity: 3, unitPrice: 1250, subtotal: 3750, discounts: parts({ coupon: 50 }), payable: 3700 }],
    subtotal: 3750,
    discounts: parts({ coupon: 50 }),
    discountTotal: 50,
    caps: [],
    freight: 10,
    payable: 3710,
  });
});

const refused: Array<[string, PricingInput]> = [
  ['no lines', { lines: [] }],
  ['fractional price', { lines: [{ skuId: 'a', unitPrice: 9.9, quantity: 1 }] }],
  ['negative price', { lines: [{ skuId: 'a', unitPrice: -1, quantity: 1 }] }],
  ['fractional quantity', { lines: [{ skuId: 'a', unitPrice: 100, quantity: 1.5 }] }],
  ['zero quantity', { lines: [{ skuId: 'a', unitPrice: 100, quantity: 0 }] }],
  ['negative quantity', { lines: [{ skuId: 'a', unitPrice: 100, quantity: -2 }] }],
  ['NaN price', { lines: [{ skuId: 'a', unitPrice: Number.NaN, quantity: 1 }] }],
  ['negative discount', { lines: [{ skuId: 'a', unitPrice: 100, quantity: 1 }], discounts: [{ kind: 'coupon', amount: -10 }] }],
  ['fractional discount', { lines: [{ skuId: 'a', unitPrice: 100, quantity: 1 }], discounts: [{ kind: 'coupon', amount: 0.5 }] }],
  [
    'unknown discount kind',
    { lines: [{ skuId: 'a', unitPrice: 100, quantity: 1 }], discounts: [{ kind: 'cashback' } as unknown as OrderDiscount] },
  ],
  ['negative freight', { lines: [{ skuId: 'a', unitPrice: 100, quantity: 1 }], freight: -1 }],
  ['fractional freight', { lines: [{ skuId: 'a', unitPrice: 100, quantity: 1 }], freight: 0.01 }],
  ['a subtotal beyond safe integers', { lines: [{ skuId: 'a', unitPrice: Number.MAX_SAFE_INTEGER, quantity: 2 }] }],
];

for (const [name, input] of refused) {
  test(`pricing refuses ${name}`, (t) => {
    t.throws(() => priceOrder(input), isValidation);
  });
}

const allocations: Array<[number, number[], number[]]> = [
  [0, [1, 2, 3], [0, 0, 0]],
  [0, [], []],
  [10, [1], [10]],
  [1, [1, 1, 1], [1, 0, 0]],
  [2, [1, 1, 1], [1, 1, 0]],
  [100, [1, 1, 1], [34, 33, 33]],
  [100, [1, 2, 4], [14, 29, 57]],
  [5, [0, 3, 0, 3], [0, 3, 0, 2]],
  [7, [5, 0, 5], [4, 0, 3]],
  [1000, [3, 3], [500, 500]],
  [10, [2, 1], [7, 3]],
  [Number.MAX_SAFE_INTEGER, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], [4503599627370496, 4503599627370495]],
];

for (const [total, weights, expected] of allocations) {
  test(`allocate(${total}, [${weights.join(', ')}])`, (t) => {
    const result = allocate(total, weights);
    t.deepEqual(result, expected);
    t.is(sum(result), total);
  });
}

test('allocate refuses what it cannot split', (t) => {
  t.throws(() => allocate(1, [0, 0]), isValidation);
  t.throws(() => allocate(1, []), isValidation);
  t.throws(() => allocate(1.5, [1]), isValidation);
  t.throws(() => allocate(-1, [1]), isValidation);
  t.throws(() => allocate(1, [1, -1, 3]), isValidation);
  t.throws(() => allocate(1, [0.5]), isValidation);
});

/** mulberry32: a tiny seeded generator, so every run checks the same carts. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

test('property: 3000 seeded random carts keep every invariant', (t) => {
  const random = prng(20240611);
  const int = (max: number) => Math.floor(random() * (max + 1));
  const pick = <T>(items: readonly T[]) => items[int(items.length - 1)]!;
  let capped = 0;
  for (let n = 0; n < 3000; n++) {
    const lines = Array.from({ length: 1 + int(7) }, (_, i) => ({
      skuId: `sku-${i}`,
      unitPrice: pick([0, 1, 2, 3, 99, 1999, int(50_000), int(9)]),
      quantity: 1 + int(pick([0, 2, 10, 99])),
    }));
    const subtotal = sum(lines.map((l) => l.unitPrice * l.quantity));
    const discounts: OrderDiscount[] = Array.from({ length: int(5) }, () => ({
      kind: pick(DISCOUNT_KINDS),
      amount: pick([0, 1, 2, int(100), int(subtotal), int(subtotal * 2 + 10)]),
    }));
    const input: PricingInput = { lines, discounts, freight: pick([0, 0, 600, int(2000)]) };
    const order = priceOrder(input);
    assertInvariants(t, input, order);
    if (order.caps.length > 0) capped++;
    for (const kind of DISCOUNT_KINDS) {
      const weights = order.lines.map((l) => l.subtotal);
      if (kind === 'promotion' && order.discounts.promotion > 0) {
        t.deepEqual(
          order.lines.map((l) => l.discounts.promotion),
          allocate(order.discounts.promotion, weights),
          'the first discount follows the subtotals exactly',
        );
      }
      order.lines.forEach((line, i) => {
        if (line.subtotal === 0) t.is(line.discounts[kind], 0, 'a free line takes no discount');
        const exact = (order.discounts[kind] * weights[i]!) / order.subtotal || 0;
        t.true(Math.abs(line.discounts[kind] - exact) < DISCOUNT_KINDS.length + 1, `${kind} on line ${i} stays proportional`);
      });
    }
  }
  t.true(capped > 100, `the carts exercise the cap (${capped})`);
});

// ---- discounts over some lines (a category or product coupon) ---------------------------------------------------

const masked: Case[] = [
  {
    name: 'a coupon over the second line only',
    input: {
      lines: [
        { skuId: 'a', unitPrice: 1000, quantity: 1 },
        { skuId: 'b', unitPrice: 500, quantity: 2 },
      ],
      discounts: [{ kind: 'coupon', amount: 300, lines: [false, true] }],
    },
    lines: [{}, { coupon: 300 }],
    payable: 1700,
  },
  {
    name: 'a masked coupon is capped at what its lines still cost, not at the order',
    input: {
      lines: [
        { skuId: 'a', unitPrice: 5000, quantity: 1 },
        { skuId: 'b', unitPrice: 100, quantity: 1 },
      ],
      discounts: [
        { kind: 'member', amount: 10 },
        { kind: 'coupon', amount: 500, lines: [false, true] },
      ],
    },
    // member 10 over 5000:100 → 10 and 0 (9.8 and 0.2: the spare fen to the larger remainder); b then has 100 left
    lines: [{ member: 10 }, { coupon: 100 }],
    payable: 4990,
    caps: [{ kind: 'coupon', requested: 500, applied: 100 }],
  },
  {
    name: 'a coupon over two of three lines shares by what they still cost',
    input: {
      lines: [
        { skuId: 'a', unitPrice: 300, quantity: 1 },
        { skuId: 'b', unitPrice: 300, quantity: 1 },
        { skuId: 'c', unitPrice: 600, quantity: 1 },
      ],
      discounts: [{ kind: 'coupon', amount: 101, lines: [true, false, true] }],
    },
    // 101 × 300/900 = 33.67, 101 × 600/900 = 67.33: floors 33 + 67 = 100, the spare fen to .67
    lines: [{ coupon: 34 }, {}, { coupon: 67 }],
    payable: 1099,
  },
  {
    name: 'a coupon whose lines are all excluded gives nothing',
    input: {
      lines: [{ skuId: 'a', unitPrice: 300, quantity: 1 }],
      discounts: [{ kind: 'coupon', amount: 50, lines: [false] }],
      freight: 800,
    },
    lines: [{}],
    payable: 1100,
    caps: [{ kind: 'coupon', requested: 50, applied: 0 }],
  },
  {
    name: 'per-line promotions, then member and points over every line',
    input: {
      lines: [
        { skuId: 'a', unitPrice: 1000, quantity: 2 },
        { skuId: 'b', unitPrice: 800, quantity: 1 },
      ],
      discounts: [
        { kind: 'promotion', amount: 400, lines: [true, false] },
        { kind: 'promotion', amount: 100, lines: [false, true] },
        { kind: 'member', amount: 230 },
        { kind: 'points', amount: 100 },
      ],
    },
    // after promotions 1600 / 700; member 230 → 160 / 70; points 100 over 1440 / 630 → 69.57 / 30.43 → 70 / 30
    lines: [
      { promotion: 400, member: 160, points: 70 },
      { promotion: 100, member: 70, points: 30 },
    ],
    payable: 1970,
  },
];

for (const c of masked) {
  test(`pricing (masked): ${c.name}`, (t) => {
    const order = priceOrder(c.input);
    assertInvariants(t, c.input, order);
    t.deepEqual(
      order.lines.map((l) => l.discounts),
      c.lines.map(parts),
    );
    t.is(order.payable, c.payable);
    t.deepEqual(order.caps, c.caps ?? []);
    // A masked discount never touches the lines it excludes.
    for (const d of c.input.discounts ?? []) {
      if (!d.lines || (c.input.discounts ?? []).some((o) => o !== d && o.kind === d.kind)) continue;
      d.lines.forEach((eligible, i) => {
        if (!eligible) t.is(order.lines[i]!.discounts[d.kind], 0);
      });
    }
  });
}

test('pricing refuses a mask that does not match the lines', (t) => {
  const lines = [{ skuId: 'a', unitPrice: 100, quantity: 1 }];
  t.throws(() => priceOrder({ lines, discounts: [{ kind: 'coupon', amount: 1, lines: [true, false] }] }), isValidation);
  t.throws(() => priceOrder({ lines, discounts: [{ kind: 'coupon', amount: 1, lines: [] }] }), isValidation);
  t.throws(
    () => priceOrder({ lines, discounts: [{ kind: 'coupon', amount: 1, lines: ['yes'] as unknown as boolean[] }] }),
    isValidation,
  );
});

test('property: masked discounts keep every invariant and stay off excluded lines', (t) => {
  const random = prng(7_000_001);
  const int = (max: number) => Math.floor(random() * (max + 1));
  for (let n = 0; n < 2000; n++) {
    const lines = Array.from({ length: 1 + int(5) }, (_, i) => ({
      skuId: `sku-${i}`,
      unitPrice: [0, 1, 99, int(20_000)][int(3)]!,
      quantity: 1 + int(3),
    }));
    const discounts: OrderDiscount[] = DISCOUNT_KINDS.map((kind) => ({
      kind,
      amount: int(5000),
      lines: lines.map(() => random() < 0.6),
    }));
    const input: PricingInput = { lines, discounts, freight: int(1) * 800 };
    const order = priceOrder(input);
    assertInvariants(t, input, order);
    for (const d of discounts) d.lines!.forEach((eligible, i) => !eligible && t.is(order.lines[i]!.discounts[d.kind], 0));
  }
});

// ---- priceCheckout: promotion × member × coupon (kind × scope) × points × freight ---------------------------------

const NOW = new Date('2026-06-01T12:00:00+08:00');
const REDEEM = { redeem: { pointsPerYuan: 100, maxPercentBp: 5000 } };
const valid = {
  status: 'available' as const,
  validFrom: new Date(NOW.getTime() - 86_400_000),
  validUntil: new Date(NOW.getTime() + 86_400_000),
};
type TestCoupon = CouponLike & { _id: string };
const couponOf = (_id: string, rule: CouponRule, scope: CouponScope = { type: 'all' }): TestCoupon => ({
  _id,
  rule,
  scope,
  ...valid,
});

/** A T-shirt (apparel › T恤) ×2 and a snack (food › 零食) ×1. */
const CART: CheckoutLineInput[] = [
  { skuId: 'tee', unitPrice: 5900, quantity: 2, spuId: 'spu-tee', categoryId: 'c-tshirt', parentCategoryId: 'c-apparel' },
  { skuId: 'nuts', unitPrice: 3500, quantity: 1, spuId: 'spu-nuts', categoryId: 'c-snack', parentCategoryId: 'c-food' },
];

test('priceCheckout: every kind in one order, worked by hand', (t) => {
  const food = couponOf('food-90', { kind: 'percent', percent: 90, cap: 2000 }, { type: 'categories', ids: ['c-food'] });
  const priced = priceCheckout({
    lines: [{ ...CART[0]!, promotion: 1000 }, CART[1]!],
    now: NOW,
    memberDiscountBp: 9500,
    coupons: [food],
    couponId: 'food-90',
    points: { requested: 1000, balance: 5000, settings: REDEEM },
    freight: 0,
  });
  // goods after promotion 14300; member 715 (540 / 175); the coupon sees the snack at 3325 → 332; points 1000 fen
  // over 10260 / 2993 → 774.17 / 225.83 → 774 / 226.
  t.deepEqual(
    priced.lines.map((l) => l.discounts),
    [parts({ promotion: 1000, member: 540, points: 774 }), parts({ member: 175, coupon: 332, points: 226 })],
  );
  t.deepEqual(priced.discounts, parts({ promotion: 1000, member: 715, coupon: 332, points: 1000 }));
  t.is(priced.payable, 15300 - 3047);
  t.deepEqual(priced.points, { used: 1000, value: 1000, maxUsable: 5000 });
  t.is(priced.coupon?.coupon._id, 'food-90');
  t.deepEqual(
    priced.couponLines.map((l) => l.subtotal),
    [10260, 3325],
  );
});

test('priceCheckout: the best coupon is chosen when none is named; null means none; a named one must apply', (t) => {
  const coupons = [
    couponOf('all-99-10', { kind: 'threshold', threshold: 9900, off: 1000 }),
    couponOf('free-5', { kind: 'no_threshold', off: 500 }),
    couponOf('tee-80', { kind: 'percent', percent: 80, cap: 3000 }, { type: 'products', ids: ['spu-tee'] }),
    couponOf('all-500-50', { kind: 'threshold', threshold: 50_000, off: 5000 }),
  ];
  const base = { lines: CART, now: NOW, coupons, freight: 0 };
  const best = priceCheckout(base);
  // 20 % of the T-shirts (11800) is 2360, under the 3000 cap: the most.
  t.is(best.coupon?.coupon._id, 'tee-80');
  t.deepEqual(
    best.lines.map((l) => l.discounts.coupon),
    [2360, 0],
  );
  t.deepEqual(
    best.ranked.map((r) => [r.coupon._id, r.quote.applicable]),
    [
      ['tee-80', true],
      ['all-99-10', true],
      ['free-5', true],
      ['all-500-50', false],
    ],
  );
  t.is(priceCheckout({ ...base, couponId: null }).discounts.coupon, 0);
  t.is(priceCheckout({ ...base, couponId: 'free-5' }).discounts.coupon, 500);
  t.throws(() => priceCheckout({ ...base, couponId: 'all-500-50' }), { instanceOf: ShopError, code: 'INVALID_STATE' });
  t.throws(() => priceCheckout({ ...base, couponId: 'someone-elses' }), { instanceOf: ShopError, code: 'NOT_FOUND' });
  t.throws(() => priceCheckout({ ...base, coupons: [{ ...coupons[1]!, status: 'used' }], couponId: 'free-5' }), {
    instanceOf: ShopError,
    code: 'INVALID_STATE',
  });
  t.is(
    priceCheckout({ ...base, coupons: [{ ...coupons[1]!, status: 'locked' }] }).coupon,
    null,
    'a locked coupon is never chosen',
  );
});

test('priceCheckout: points are refused beyond the balance and capped by the rules; no point is spent for nothing', (t) => {
  const base = { lines: [CART[1]!], now: NOW, freight: 800 };
  t.throws(() => priceCheckout({ ...base, points: { requested: 101, balance: 100, settings: REDEEM } }), {
    instanceOf: ShopError,
    code: 'INVALID_STATE',
  });
  // 50 % of 3500: at most 1750 fen, i.e. 1750 points, whatever is asked.
  t.deepEqual(priceCheckout({ ...base, points: { requested: 9000, balance: 9000, settings: REDEEM } }).points, {
    used: 1750,
    value: 1750,
    maxUsable: 1750,
  });
  // 150 points = ¥1: 151 points are worth 100 fen, the same as 150, so 150 are spent.
  const odd = { redeem: { pointsPerYuan: 150, maxPercentBp: 10_000 } };
  t.deepEqual(priceCheckout({ ...base, points: { requested: 151, balance: 151, settings: odd } }).points, {
    used: 150,
    value: 100,
    maxUsable: 150,
  });
  t.deepEqual(priceCheckout({ ...base, points: { requested: 0, balance: 500, settings: REDEEM } }).points, {
    used: 0,
    value: 0,
    maxUsable: 500,
  });
});

test('priceCheckout table: promotion × member × coupon kind and scope × points × freight', (t) => {
  const COUPONS: Array<TestCoupon | null> = [
    null,
    couponOf('threshold-all', { kind: 'threshold', threshold: 9900, off: 1000 }),
    couponOf('threshold-food', { kind: 'threshold', threshold: 3000, off: 700 }, { type: 'categories', ids: ['c-food'] }),
    couponOf('percent-apparel', { kind: 'percent', percent: 85, cap: 1500 }, { type: 'categories', ids: ['c-apparel'] }),
    couponOf('percent-all-nocap', { kind: 'percent', percent: 90 }),
    couponOf('free-tee', { kind: 'no_threshold', off: 300 }, { type: 'products', ids: ['spu-tee'] }),
    couponOf('free-all', { kind: 'no_threshold', off: 50_000 }),
  ];
  let combinations = 0;
  for (const promotion of [0, 1000, 11_800])
    for (const bp of [10_000, 9800, 9000])
      for (const coupon of COUPONS)
        for (const requested of [0, 333, 100_000])
          for (const freight of [0, 800]) {
            const lines = [{ ...CART[0]!, promotion }, CART[1]!];
            const input = {
              lines,
              now: NOW,
              memberDiscountBp: bp,
              coupons: coupon ? [coupon] : [],
              couponId: coupon ? undefined : null,
              points: { requested, balance: 100_000, settings: REDEEM },
              freight,
            };
            const priced = priceCheckout(input);
            combinations++;
            assertInvariants(
              t,
              { lines, freight, discounts: DISCOUNT_KINDS.map((kind) => ({ kind, amount: priced.discounts[kind] })) },
              priced,
            );
            t.deepEqual(priced.caps, [], 'a checkout never asks for more than is left');
            t.is(priced.discounts.promotion, promotion);
            const afterPromotion = 15_300 - promotion;
            t.is(priced.discounts.member, afterPromotion - Math.ceil((afterPromotion * bp) / 10_000));
            // The coupon: on its lines at what they cost after promotion and member, never on the others.
            const scope = coupon?.scope ?? { type: 'all' as const };
            const inCoupon = priced.couponLines.map((l) => inScope(scope, l));
            const eligible = priced.couponLines.reduce((n, l, i) => n + (inCoupon[i] ? l.subtotal : 0), 0);
            priced.lines.forEach((l, i) =>
              t.is(l.subtotal - l.discounts.promotion - l.discounts.member, priced.couponLines[i]!.subtotal),
            );
            let expected = 0;
            if (coupon && eligible > 0) {
              const rule = coupon.rule;
              if (rule.kind === 'threshold') expected = eligible >= rule.threshold ? rule.off : 0;
              else if (rule.kind === 'no_threshold') expected = rule.off;
              else expected = Math.min(Math.floor((eligible * (100 - rule.percent)) / 100), rule.cap ?? Infinity);
              expected = Math.min(expected, eligible);
            }
            t.is(priced.discounts.coupon, expected, `${coupon?._id ?? 'no coupon'} on ${eligible}`);
            priced.lines.forEach((l, i) => !inCoupon[i] && t.is(l.discounts.coupon, 0));
            // Points: what was asked, within half of what is left and the balance.
            const left = afterPromotion - priced.discounts.member - priced.discounts.coupon;
            t.is(priced.points.value, Math.min(requested, Math.floor((left * 5000) / 10_000)));
            t.is(priced.points.used, priced.points.value);
            t.is(priced.payable, 15_300 - priced.discountTotal + freight);
          }
  t.is(combinations, 3 * 3 * COUPONS.length * 3 * 2);
});
