import test from 'ava';
import { payFee, statementConfig, statementOf } from './statement.js';

test('the fee: fen × bp ÷ 10000, half up to the fen', (t) => {
  t.is(payFee(100, 60), 1); // 0.6 → 1
  t.is(payFee(83, 60), 0); // 0.498 → 0
  t.is(payFee(84, 60), 1); // 0.504 → 1
  t.is(payFee(250, 60), 2); // 1.5 → 2
  t.is(payFee(12_345, 60), 74); // 74.07
  t.is(payFee(0, 60), 0);
});

test('configuration from the function’s variables, with defaults for anything else', (t) => {
  t.deepEqual(statementConfig({}), { feeBp: 60, settlementDays: 1 });
  t.deepEqual(statementConfig({ PAY_FEE_BP: '38', SETTLEMENT_DAYS: '7' }), { feeBp: 38, settlementDays: 7 });
  t.deepEqual(statementConfig({ PAY_FEE_BP: '0.6', SETTLEMENT_DAYS: '-1' }), { feeBp: 60, settlementDays: 1 });
});

test('per day: payments by WeChat Pay’s day, refunds, the fee given back on refunds, net, T+1', (t) => {
  const statement = statementOf(
    '2026-12-04',
    '2026-12-05',
    [
      { orderId: 'a', totalFee: 12_345, timeEnd: '20261204235959' },
      { orderId: 'b', totalFee: 250, timeEnd: '20261205000000' },
      { orderId: 'free', totalFee: 0, timeEnd: '20261205000000' },
    ],
    [{ orderId: 'a', fee: 5_000, at: new Date('2026-12-04T17:00:00Z'), kind: 'case' }],
    { feeBp: 60, settlementDays: 1 },
  );
  t.deepEqual(statement.days, [
    {
      day: '2026-12-04',
      payments: { count: 1, fee: 12_345 },
      refunds: { count: 0, fee: 0 },
      payFee: 74,
      net: 12_271,
      settlementDay: '2026-12-05',
    },
    {
      day: '2026-12-05',
      payments: { count: 1, fee: 250 },
      refunds: { count: 1, fee: 5_000 },
      payFee: 2 - 30,
      net: 250 - 5_000 + 28,
      settlementDay: '2026-12-06',
    },
  ]);
  t.deepEqual(statement.totals, {
    payments: { count: 2, fee: 12_595 },
    refunds: { count: 1, fee: 5_000 },
    payFee: 46,
    net: 7_549,
  });
});
