import type { GroupTier } from '../../../typings/groupbuy.js';


/**
 * Group-buy (拼团) with ladder prices (阶梯价). An activity names the SKUs, the tiers, the target size and the time limit;
 * a group is one attempt at reaching the target. Seats are taken by atomic conditional updates on the group document
 * (never more than the target), one member document per shopper and group (`_id` `${groupId}:${openid}`, so a shopper
 * joins once); payments, cancels and refunds move seats through the order effects, in the order's own transaction.
 */
export const GROUP_BUY_ACTIVITIES = 'group_buy_activities';

export const GROUP_BUY_GROUPS = 'group_buy_groups';

export const GROUP_BUY_MEMBERS = 'group_buy_members';

export interface GroupBuyActivityDoc {
  _id: string;
  spuId: string;
  skuIds: string[];
  /** Shown in lists; the SPU's title when empty. */
  title: string;
  tiers: GroupTier[];
  targetSize: number;
  timeLimitMinutes: number;
  /** Units one member may buy in their seat. */
  maxQuantity: number;
  startAt: Date;
  endAt: Date;
  status: 'active' | 'disabled';
  createdAt: Date;
  updatedAt: Date;
}

export type GroupStatus = 'open' | 'succeeded' | 'failed';

export interface GroupDoc {
  _id: string;
  activityId: string;
  spuId: string;
  title: string;
  image: string;
  leaderOpenid: string;
  /** Copied from the activity when the group opens: a running group keeps its terms. */
  skuIds: string[];
  tiers: GroupTier[];
  targetSize: number;
  maxQuantity: number;
  /** Seats held by members (paid or waiting for payment); only conditional increments move it, never past the target. */
  seats: number;
  paidCount: number;
  status: GroupStatus;
  createdAt: Date;
  expiresAt: Date;
  succeededAt?: Date;
  /** The tier price every member ends up paying once the group succeeded. */
  closePrice?: number;
  /** Succeeded: every member's difference refund is confirmed (the groupbuy timer looks until then). */
  refundsDone?: boolean;
  failedAt?: Date;
  /** Failed: every member's order is closed or its refund issued (the groupbuy timer looks until then). */
  membersSettled?: boolean;
}

export type MemberStatus = 'held' | 'paid' | 'released' | 'refunded';

export interface GroupMemberDoc {
  _id: string;
  groupId: string;
  openid: string;
  orderId: string;
  leader: boolean;
  status: MemberStatus;
  joinedAt: Date;
  paidAt?: Date;
}

export const memberKey = (groupId: string, openid: string) => `${groupId}:${openid}`;


/**
 * What flash sales (秒杀) and group-buys (拼团) share: the order a promotion creates is an ordinary `orders` document
 * (so pay, cancel, the jobs timer, order lists and the admin work on it unchanged) with a `promotion` field; its
 * lines are priced at the SKU's price with the difference shown as a `promotion` discount (shared/pricing.ts).
 */

export const FLASH_SALES = 'flash_sales';

/** One counter per shopper and flash sale, `_id` `${flashSaleId}:${openid}`: the per-user limit's atomic guard. */
export const FLASH_SALE_BUYERS = 'flash_sale_buyers';

export interface FlashSaleDoc {
  _id: string;
  skuId: string;
  /** Shown in lists; the SPU's title when empty. */
  title: string;
  /** Flash price per unit, fen. */
  price: number;
  /** Units the sale started with; `remaining` moves only by conditional increments, never below 0. */
  stock: number;
  remaining: number;
  perUser: number;
  startAt: Date;
  endAt: Date;
  status: 'active' | 'disabled';
  createdAt: Date;
  updatedAt: Date;
}

export interface FlashSaleBuyerDoc {
  _id: string;
  flashSaleId: string;
  openid: string;
  /** Units held by the shopper's live orders (unpaid or paid); cancel, timeout and refund give them back. */
  bought: number;
}

export const buyerKey = (flashSaleId: string, openid: string) => `${flashSaleId}:${openid}`;
