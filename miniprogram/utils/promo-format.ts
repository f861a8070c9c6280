import type { ClaimableCoupon, CouponRule, CouponStatus, CouponValidityView } from '../../typings/coupon.js';
import type { FlashSaleView } from '../../typings/flashsale.js';
import type { GroupMemberView, GroupTier } from '../../typings/groupbuy.js';
import { formatFen } from './money.js';
import { formatDay } from './member-format.js';

/**
 * How promotions read: coupons, flash sales and group-buys. Money stays fen until it is shown here. (Imports name
 * their `.js`: the helpers' unit tests type-check these files under Node's module rules.)
 */

const yuanOf = (fen: number) => (fen % 100 ? (fen / 100).toFixed(2).replace(/0$/, '') : String(fen / 100));

export interface CouponFace {
  /** The big figure: `10` (yuan) or `9` (折). */
  value: string;
  /** `¥` before the value, or `折` after it. */
  unit: 'yuan' | 'percent';
  /** `满99可用`, `无门槛`. */
  condition: string;
}

/** The left side of a coupon ticket. */
export function couponFace(rule: CouponRule): CouponFace {
  switch (rule.kind) {
    case 'threshold':
      return { value: yuanOf(rule.off), unit: 'yuan', condition: `满${yuanOf(rule.threshold)}可用` };
    case 'percent':
      return {
        value: String(rule.percent / 10),
        unit: 'percent',
        condition: rule.threshold ? `满${yuanOf(rule.threshold)}可用` : '无门槛',
      };
    case 'no_threshold':
      return { value: yuanOf(rule.off), unit: 'yuan', condition: '无门槛' };
  }
}

/** A template's validity before it is claimed: `领取后 7 天内有效`, `2026.12.01-2026.12.31`. */
export function validityText(validity: CouponValidityView): string {
  return validity.type === 'relative'
    ? `领取后 ${validity.days} 天内有效`
    : `${formatDay(validity.startAt)}-${formatDay(validity.endAt)}`;
}

/** A held coupon's dates: `2026.12.01-2026.12.08`. */
export function heldValidityText(coupon: { validFrom: string; validUntil: string }): string {
  return `${formatDay(coupon.validFrom)}-${formatDay(coupon.validUntil)}`;
}

export type ClaimState = 'claimable' | 'claimed' | 'sold_out';

/** What the claim button of a coupon in the centre says. `soldOut`: a claim just answered 已抢光. */
export function claimState(coupon: Pick<ClaimableCoupon, 'canClaim' | 'remaining'>, soldOut = false): ClaimState {
  if (soldOut || coupon.remaining <= 0) return 'sold_out';
  return coupon.canClaim ? 'claimable' : 'claimed';
}

export const CLAIM_LABELS: Record<ClaimState, string> = { claimable: '立即领取', claimed: '已领取', sold_out: '已抢光' };

export const COUPON_STATUS_LABELS: Record<CouponStatus, string> = {
  available: '可使用',
  locked: '待支付订单占用',
  used: '已使用',
  expired: '已过期',
};

export interface FlashSaleAction {
  label: string;
  /** Only a running sale with units left, below the shopper's limit, can be bought. */
  canBuy: boolean;
  /** What the countdown counts to, and its label. */
  countdownLabel: string;
  countdownTarget: string;
}

export function flashSaleAction(
  sale: Pick<FlashSaleView, 'state' | 'bought' | 'perUser' | 'startAt' | 'endAt'>,
): FlashSaleAction {
  const toEnd = { countdownLabel: '距结束', countdownTarget: sale.endAt };
  switch (sale.state) {
    case 'upcoming':
      return { label: '即将开始', canBuy: false, countdownLabel: '距开始', countdownTarget: sale.startAt };
    case 'sold_out':
      return { label: '已抢光', canBuy: false, ...toEnd };
    case 'ended':
      return { label: '已结束', canBuy: false, countdownLabel: '', countdownTarget: '' };
    case 'running':
      return sale.bought >= sale.perUser
        ? { label: `已抢购（限购 ${sale.perUser} 件）`, canBuy: false, ...toEnd }
        : { label: '立即抢购', canBuy: true, ...toEnd };
  }
}

/** Percent of a sale's units sold, for its bar. */
export function soldPercent(sale: Pick<FlashSaleView, 'stock' | 'remaining'>): number {
  return sale.stock > 0 ? Math.round(((sale.stock - sale.remaining) / sale.stock) * 100) : 100;
}

/** `颜色：黑色 / 尺码：M`; empty for a product without specs. */
export function specText(specValues: Record<string, string>): string {
  return Object.entries(specValues)
    .map(([name, value]) => `${name}：${value}`)
    .join(' / ');
}

/** The tiers as the ladder shows them, cheapest last: `2人团 ¥59.00`. */
export function tierRows(tiers: GroupTier[]): Array<{ minMembers: number; price: number; text: string }> {
  return [...tiers]
    .sort((a, b) => a.minMembers - b.minMembers)
    .map((t) => ({ minMembers: t.minMembers, price: t.price, text: `${t.minMembers}人团 ${formatFen(t.price)}` }));
}

export function lowestTierPrice(tiers: GroupTier[]): number {
  return tiers.reduce((low, t) => Math.min(low, t.price), Number.POSITIVE_INFINITY);
}

/** What the leader pays when opening a group: the first tier's price. */
export function openingPrice(tiers: GroupTier[]): number {
  return [...tiers].sort((a, b) => a.minMembers - b.minMembers)[0]?.price ?? 0;
}

export interface SeatView {
  /** Unique in the group, for `wx:key`. */
  key: string;
  filled: boolean;
  displayName: string;
  avatarUrl: string;
  initial: string;
  leader: boolean;
  paid: boolean;
}

/** The group's seats: its members, then the empty seats up to the target. */
export function seatsOf(members: GroupMemberView[], targetSize: number): SeatView[] {
  const seats: SeatView[] = members.map((m, i) => ({
    key: `member${i}`,
    filled: true,
    displayName: m.displayName,
    avatarUrl: m.avatarUrl ?? '',
    initial: m.displayName.slice(0, 1),
    leader: m.leader,
    paid: m.paid,
  }));
  while (seats.length < targetSize) {
    seats.push({
      key: `seat${seats.length}`,
      filled: false,
      displayName: '',
      avatarUrl: '',
      initial: '?',
      leader: false,
      paid: false,
    });
  }
  return seats;
}
