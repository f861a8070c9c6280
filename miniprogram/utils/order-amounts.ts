import type { Amounts } from '../../typings/order.js';
import { formatFen } from './money.js';

/** A row of an order's payable breakdown. */
export interface AmountRow {
  key: string;
  label: string;
  value: string;
  /** A discount (shown in the price colour). */
  off: boolean;
}

/**
 * The breakdown as checkout and the order pages show it: goods, each discount taken (promotion, member level, coupon,
 * points), freight. Orders priced before the breakdown existed show their discounts in one row.
 */
export function amountRows(amounts: Amounts): AmountRow[] {
  const rows: AmountRow[] = [{ key: 'subtotal', label: '商品金额', value: formatFen(amounts.subtotal), off: false }];
  const off = (key: string, label: string, fen: number) => {
    if (fen > 0) rows.push({ key, label, value: `-${formatFen(fen)}`, off: true });
  };
  const d = amounts.discounts;
  if (d) {
    off('promotion', '活动优惠', d.promotion);
    off('member', amounts.member ? `会员折扣（${amounts.member.levelName}）` : '会员折扣', d.member);
    off('coupon', amounts.coupon ? `优惠券（${amounts.coupon.name}）` : '优惠券', d.coupon);
    off('points', amounts.pointsUsed ? `积分抵扣（${amounts.pointsUsed} 积分）` : '积分抵扣', d.points);
  } else {
    off('discount', '优惠', amounts.discountTotal);
  }
  rows.push({ key: 'freight', label: '运费', value: amounts.freight > 0 ? formatFen(amounts.freight) : '免运费', off: false });
  return rows;
}
