import test, { type ExecutionContext } from 'ava';
import { ShopError } from './errors.js';
import { DISCOUNT_KINDS, allocate, priceOrder, type DiscountParts, type OrderDiscount, type PricedOrder, type PricingInput } from './pricing.js';

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
  t.is(sum(order.lines.map((l) => sum(DISCOUNT_KINDS.map((k) => l.discounts[k])))), order.discountTotal, 'all parts sum to the total discount');
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
    t.deepEqual(order.lines.map((l) => l.discounts), c.lines.map(parts));
    t.is(order.payable, c.payable);
    t.deepEqual(order.caps, c.caps ?? []);
  });
}

test('pricing keeps the line fields in the shape the order stores', (t) => {
  const order = priceOrder({ lines: [{ skuId: 'sku-1', unitPrice: 1250, quantity: 3 }], discounts: [{ kind: 'coupon', amount: 50 }], freight: 10 });
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
  ['unknown discount kind', { lines: [{ skuId: 'a', unitPrice: 100, quantity: 1 }], discounts: [{ kind: 'cashback' } as unknown as OrderDiscount] }],
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
        t.deepEqual(order.lines.map((l) => l.discounts.promotion), allocate(order.discounts.promotion, weights), 'the first discount follows the subtotals exactly');
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
