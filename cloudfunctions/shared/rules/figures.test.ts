import test from 'ava';
import {
  type DayFacts,
  type FactOrder,
  beijingDay,
  dayStart,
  daysFrom,
  decomposes,
  isDay,
  isRecovered,
  orderRefunds,
  overviewOf,
  payTime,
  ratio,
  rollUpDay,
  shiftDay,
  summarize,
} from './figures.js';

const at = (text: string) => new Date(text);

test('Beijing days: UTC 16:00 is the next day’s midnight', (t) => {
  t.is(beijingDay(at('2026-12-04T15:59:59.999Z')), '2026-12-04');
  t.is(beijingDay(at('2026-12-04T16:00:00.000Z')), '2026-12-05');
  t.deepEqual(dayStart('2026-12-05'), at('2026-12-04T16:00:00.000Z'));
  t.is(shiftDay('2026-12-31', 1), '2027-01-01');
  t.is(shiftDay('2024-03-01', -1), '2024-02-29');
  t.deepEqual(daysFrom('2026-12-30', '2027-01-02'), ['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  t.deepEqual(daysFrom('2026-12-02', '2026-12-01'), []);
  t.true(isDay('2024-02-29'));
  t.false(isDay('2026-02-29'));
  t.false(isDay('2026-1-01'));
});

test('WeChat Pay times are China time; recovered = recorded a minute or more after them', (t) => {
  t.deepEqual(payTime('20261205000010'), at('2026-12-04T16:00:10Z'));
  t.is(payTime('2026-12-05'), undefined);
  const order = (paidAt: string): FactOrder => ({
    ...base('o1', 'a'),
    paidAt: at(paidAt),
    payment: { transactionId: 't', totalFee: 100, timeEnd: '20261205000010' },
  });
  t.false(isRecovered(order('2026-12-04T16:00:15Z')));
  t.false(isRecovered(order('2026-12-04T16:01:09Z')));
  t.true(isRecovered(order('2026-12-04T16:01:10Z')));
});

test('ratios are exact; the display value has 4 decimals and is null over 0', (t) => {
  t.deepEqual(ratio(1, 3), { numerator: 1, denominator: 3, value: 0.3333 });
  t.deepEqual(ratio(0, 0), { numerator: 0, denominator: 0, value: null });
  t.true(decomposes(7, 3, 4, 10_001));
  t.true(decomposes(0, 0, 0, 0));
  t.false(decomposes(0, 0, 0, 5));
});

function base(id: string, openid: string, fields: Partial<FactOrder> = {}): FactOrder {
  return {
    _id: id,
    openid,
    status: 'paid',
    createdAt: at('2026-12-05T02:00:00Z'),
    amounts: { payable: 1000 },
    lines: [{ spuId: 'spu-1', title: '卫衣', quantity: 1, payable: 1000 }],
    ...fields,
  };
}

test('order refunds: a whole order less a difference already refunded, a difference, a late payment; cases are their own', (t) => {
  const payment = { transactionId: 't', totalFee: 1000, timeEnd: '20261205100000' };
  const refundedAt = at('2026-12-06T03:00:00Z');
  const whole = base('w', 'a', {
    status: 'refunded',
    paidAt: at('2026-12-05T02:00:00Z'),
    payment,
    refundedAt,
    priceRefund: { refundFee: 200, status: 'done', refundedAt: at('2026-12-05T05:00:00Z') },
  });
  t.deepEqual(
    orderRefunds(whole).map((r) => [r.kind, r.fee]),
    [
      ['price', 200],
      ['order', 800],
    ],
  );
  const late = base('l', 'a', { status: 'cancelled', payment, refundedAt });
  t.deepEqual(
    orderRefunds(late).map((r) => [r.kind, r.fee]),
    [['late', 1000]],
  );
  const byCases = base('c', 'a', {
    status: 'refunded',
    paidAt: at('2026-12-05T02:00:00Z'),
    payment,
    refundedAt,
    refunds: { fee: 1000 },
  });
  t.deepEqual(orderRefunds(byCases), [], 'an order refunded by cases: the cases count');
  const pending = base('p', 'a', { priceRefund: { refundFee: 200, status: 'pending' } });
  t.deepEqual(orderRefunds(pending), []);
});

const emptyFacts = (day: string): DayFacts => ({
  day,
  traffic: { pageViews: 0, productViews: 0, shares: 0, cartAdds: 0 },
  visits: [],
  created: [],
  paid: [],
  payStarted: [],
  refunds: [],
});

test('a day’s roll-up: visitors include shoppers who ordered, facts of other days are left out, products by GMV', (t) => {
  const day = '2026-12-05';
  const paidA = base('1', 'a', {
    paidAt: at('2026-12-05T03:00:00Z'),
    payStartedAt: at('2026-12-05T02:59:00Z'),
    payment: { transactionId: 't1', totalFee: 1000, timeEnd: '20261205105930' },
    amounts: { payable: 1500 },
    lines: [
      { spuId: 'spu-1', title: '卫衣', quantity: 2, payable: 1000 },
      { spuId: 'spu-2', title: '帽子', quantity: 1, payable: 500 },
    ],
  });
  const paidA2 = base('2', 'a', {
    paidAt: at('2026-12-05T04:00:00Z'),
    amounts: { payable: 500 },
    lines: [{ spuId: 'spu-1', title: '卫衣', quantity: 1, payable: 500 }],
  });
  const unpaidB = base('3', 'b', { payStartedAt: at('2026-12-05T05:00:00Z') });
  const yesterday = base('4', 'c', { createdAt: at('2026-12-04T15:00:00Z'), paidAt: at('2026-12-04T15:30:00Z') });
  const doc = rollUpDay(
    {
      ...emptyFacts(day),
      traffic: { pageViews: 9, productViews: 4, shares: 1, cartAdds: 2 },
      visits: [{ openid: 'v', productViewed: true }, { openid: 'a', productViewed: true, cartAdded: true }, { openid: 'w' }],
      nextDayVisitors: ['v', 'x'],
      created: [paidA, paidA2, unpaidB, yesterday],
      paid: [paidA, paidA2, yesterday],
      payStarted: [paidA, unpaidB],
      refunds: [
        { orderId: '9', fee: 300, at: at('2026-12-05T06:00:00Z'), kind: 'case' },
        { orderId: '8', fee: 999, at: at('2026-12-05T06:00:00Z'), kind: 'late' },
        { orderId: '7', fee: 100, at: at('2026-12-05T16:00:00Z'), kind: 'order' },
      ],
    },
    at('2026-12-06T10:00:00Z'),
  );
  t.like(doc, {
    _id: day,
    visitors: 4,
    trackedVisitors: 3,
    productViewers: 2,
    cartAdders: 1,
    orderCreators: 2,
    ordersCreated: 3,
    payingShoppers: 1,
    paidOrders: 2,
    gmv: 2000,
    pageViews: 9,
    refunds: { count: 1, fee: 300 },
    payments: { started: 2, paid: 1, recovered: 0 },
    retention: { base: 3, retained: 1, final: false },
    complete: false,
  });
  t.deepEqual(
    doc.products.map((p) => [p.spuId, p.units, p.gmv]),
    [
      ['spu-1', 3, 1500],
      ['spu-2', 1, 500],
    ],
  );
  t.true(rollUpDay(emptyFacts(day), at('2026-12-06T16:00:00Z')).complete, 'final once the next day is over');
});

test('summaries add days up; the GMV decomposition holds exactly; targets compare exactly', (t) => {
  const now = at('2026-12-10T00:00:00Z');
  const day = (d: string, visitors: number, paid: Array<[string, number]>) => {
    const doc = rollUpDay(
      {
        ...emptyFacts(d),
        visits: Array.from({ length: visitors }, (_v, i) => ({ openid: `v${i}` })),
        nextDayVisitors: ['v0'],
        paid: paid.map(([openid, fen], i) => base(`${d}-${i}`, openid, { paidAt: dayStart(d), amounts: { payable: fen } })),
        payStarted: paid.map(([openid], i) => base(`${d}-${i}`, openid, { paidAt: dayStart(d), payStartedAt: dayStart(d) })),
      },
      now,
    );
    return doc;
  };
  const days = [
    day('2026-12-01', 3, [
      ['a', 999],
      ['a', 1],
    ]),
    day('2026-12-02', 7, [['b', 3333]]),
  ];
  const total = summarize(days);
  t.is(total.gmv, 4333);
  // the paying shoppers a and b were not tracked: visitors all the same
  t.deepEqual([total.conversion.numerator, total.conversion.denominator], [2, 12]);
  t.deepEqual([total.ordersPerBuyer.numerator, total.ordersPerBuyer.denominator], [3, 2]);
  t.deepEqual([total.aov.numerator, total.aov.denominator], [4333, 3]);
  t.true(total.decompositionHolds);
  t.deepEqual([total.retention.retained, total.retention.base], [2, 10]);
  t.false(total.retention.meetsTarget);
  t.true(total.payments.meetsTarget);
  const overview = overviewOf('2026-11-30', '2026-12-02', days);
  t.deepEqual(overview.missingDays, ['2026-11-30']);
  t.is(overview.days[0]!.gmv, 0);
  t.is(overview.totals.gmv, 4333);
  t.deepEqual(overview.topProducts, [{ spuId: 'spu-1', title: '卫衣', units: 3, gmv: 3000 }]);
});
