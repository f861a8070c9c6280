import type { GroupTier } from '../../../typings/groupbuy.js';

/**
 * Promotions as stored: group-buys (拼团) with ladder prices (阶梯价), and flash sales (秒杀). The orders they create
 * are ordinary orders with a `promotion` field (`OrderPromotion`, model/order.ts).
 */

export const GROUP_BUY_ACTIVITIES = 'group_buy_activities';

export const GROUP_BUY_GROUPS = 'group_buy_groups';

export const GROUP_BUY_MEMBERS = 'group_buy_members';

/** A group-buy offer: the SKUs, the tiers, the target size and the time limit. */
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

/** One attempt at reaching an activity's target. */
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

/** A group member's `_id`: one member document per shopper and group, so a shopper joins a group once. */
export const memberKey = (groupId: string, openid: string) => `${groupId}:${openid}`;

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
