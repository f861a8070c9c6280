import test from 'ava';
import type { PricedLine } from '../../../typings/order.js';
import { ShopError } from './errors.js';
import { afterRefund, noRefundsYet, planRefund, restockable, shareBack } from './refund-shares.js';

const line = (skuId: string, quantity: number, payable: number): PricedLine => ({
  skuId,
  spuId: skuId.slice(0, 7),
  title: skuId,
  image: '',
  specValues: {},
  unitPrice: payable,
  quantity,
  subtotal: payable,
  payable,
});

test('shareBack: cumulative floors, the rest with the last share', (t) => {
  t.is(shareBack(100, 3, 0, 1), 33);
  t.is(shareBack(100, 3, 1, 1), 33);
  t.is(shareBack(100, 3, 2, 1), 34);
  t.is(shareBack(100, 3, 0, 3), 100);
  t.is(shareBack(0, 3, 0, 1), 0);
  t.is(shareBack(100, 3, 0, 0), 0);
  t.is(shareBack(100, 0, 0, 1), 100, 'nothing to share by: all of it');
  t.is(shareBack(100, 3, -5, 1), 33, 'refunds before the base count as none');
});

test('property: any split of a base into refunds moves back exactly the total', (t) => {
  let seed = 7;
  const next = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n) + 1;
  for (let round = 0; round < 2000; round++) {
    const total = next(100_000) - 1;
    const base = next(50_000);
    let before = 0;
    let moved = 0;
    while (before < base) {
      const now = Math.min(next(base), base - before);
      const share = shareBack(total, base, before, now);
      t.true(share >= 0);
      moved += share;
      before += now;
    }
    if (moved !== total) t.fail(`total ${total} base ${base}: moved ${moved}`);
  }
  t.pass();
});

const order = (requestedFrom: 'paid' | 'shipped' = 'paid') => ({
  lines: [line('sku-a-01', 3, 1000), line('sku-b-01', 1, 499)],
  freight: 800,
  refunds: noRefundsYet(2),
  requestedFrom,
});

test('planRefund: the named units at their share; the whole order before shipping takes the freight too', (t) => {
  const one = planRefund(order(), [{ index: 0, quantity: 1 }], 2299);
  t.like(one, { refundFee: 333, goodsFee: 333, whole: false });
  t.like(one.lines[0], { index: 0, skuId: 'sku-a-01', quantity: 1, refundFee: 333 });
  const rest = planRefund({ ...order(), refunds: afterRefund(order().refunds, one) }, undefined, 2299 - 333);
  t.like(rest, { refundFee: 2299 - 333, goodsFee: 1499 - 333, whole: true });
  t.deepEqual(
    rest.lines.map((l) => [l.index, l.quantity, l.refundFee]),
    [
      [0, 2, 667],
      [1, 1, 499],
    ],
  );
});

test('planRefund after shipping never pays the freight back, and never more than is left of the payment', (t) => {
  t.like(planRefund(order('shipped'), undefined, 2299), { refundFee: 1499, goodsFee: 1499, whole: true });
  t.like(
    planRefund(order('shipped'), undefined, 1000),
    { refundFee: 1000, goodsFee: 1000 },
    'e.g. a price difference already paid back',
  );
});

test('planRefund refuses units that are not left, and nothing at all', (t) => {
  const refused = { instanceOf: ShopError, code: 'VALIDATION' } as const;
  t.throws(() => planRefund(order(), [{ index: 0, quantity: 4 }], 2299), refused);
  t.throws(() => planRefund(order(), [{ index: 2, quantity: 1 }], 2299), refused);
  const done = { ...order(), refunds: { fee: 2299, goodsFee: 1499, units: [3, 1], cases: 1 } };
  t.throws(() => planRefund(done, undefined, 0), { instanceOf: ShopError, code: 'INVALID_STATE' });
  t.throws(() => planRefund(done, [{ index: 0, quantity: 1 }], 0), refused);
});

test('restockable: the units received minus those marked unsellable', (t) => {
  const lines = planRefund(order('shipped'), undefined, 2299).lines;
  t.deepEqual(
    restockable(lines, [{ index: 0, quantity: 1 }]).map((l) => [l.index, l.quantity]),
    [
      [0, 2],
      [1, 1],
    ],
  );
  t.deepEqual(
    restockable(lines, [
      { index: 1, quantity: 1 },
      { index: 0, quantity: 3 },
    ]),
    [],
  );
  t.throws(() => restockable(lines, [{ index: 0, quantity: 4 }]), { instanceOf: ShopError, code: 'VALIDATION' });
  t.throws(() => restockable(lines, [{ index: 5, quantity: 1 }]), { instanceOf: ShopError, code: 'VALIDATION' });
});
