import type { Statement, StatementDay } from '../../../typings/admin-figures.js';
import { type RefundFact, beijingDay, daysFrom, payTime, shiftDay, sum } from './figures.js';

/**
 * The finance statement (docs/back-office/figures.md), pure: per Beijing day the payments WeChat Pay received (by its
 * own time of payment, `timeEnd`) and the refunds it paid back (by the time the shop recorded them), WeChat Pay's
 * fee, the net and the expected settlement day.
 */

export const DEFAULT_FEE_BP = 60;
export const DEFAULT_SETTLEMENT_DAYS = 1;

/** `PAY_FEE_BP` (basis points, default 60 = 0.6%) and `SETTLEMENT_DAYS` (default 1: T+1) from the function's variables. */
export function statementConfig(env: Record<string, string | undefined>): { feeBp: number; settlementDays: number } {
  const int = (text: string | undefined, fallback: number, max: number) => {
    const n = Number(text);
    return text !== undefined && text !== '' && Number.isInteger(n) && n >= 0 && n <= max ? n : fallback;
  };
  return {
    feeBp: int(env.PAY_FEE_BP, DEFAULT_FEE_BP, 10_000),
    settlementDays: int(env.SETTLEMENT_DAYS, DEFAULT_SETTLEMENT_DAYS, 30),
  };
}

/** WeChat Pay's fee on an amount: fen × bp ÷ 10000, rounded half up to the fen (per payment, and per refund given back). */
export function payFee(fen: number, feeBp: number): number {
  return Math.floor((fen * feeBp + 5_000) / 10_000);
}

export interface PaymentFact {
  orderId: string;
  totalFee: number;
  timeEnd: string;
}

export function statementOf(
  from: string,
  to: string,
  payments: PaymentFact[],
  refunds: RefundFact[],
  config: { feeBp: number; settlementDays: number },
): Statement {
  const days: StatementDay[] = daysFrom(from, to).map((day) => {
    const paid = payments.filter((p) => p.totalFee > 0 && payTime(p.timeEnd) && beijingDay(payTime(p.timeEnd)!) === day);
    const back = refunds.filter((r) => beijingDay(r.at) === day);
    const paidFen = sum(paid.map((p) => p.totalFee));
    const refundFen = sum(back.map((r) => r.fee));
    const fee = sum(paid.map((p) => payFee(p.totalFee, config.feeBp))) - sum(back.map((r) => payFee(r.fee, config.feeBp)));
    return {
      day,
      payments: { count: paid.length, fee: paidFen },
      refunds: { count: back.length, fee: refundFen },
      payFee: fee,
      net: paidFen - refundFen - fee,
      settlementDay: shiftDay(day, config.settlementDays),
    };
  });
  const total = (pick: (d: StatementDay) => number) => sum(days.map(pick));
  return {
    from,
    to,
    ...config,
    days,
    totals: {
      payments: { count: total((d) => d.payments.count), fee: total((d) => d.payments.fee) },
      refunds: { count: total((d) => d.refunds.count), fee: total((d) => d.refunds.fee) },
      payFee: total((d) => d.payFee),
      net: total((d) => d.net),
    },
  };
}
