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
  /** Optimistic concurrency for back-office edits (store/versioned.ts); absent (0) on documents written before. */
  version?: number;
  /** When the merchant stopped it before `endAt` (`groupbuys.endEarly`, status `disabled`). */
  endedEarlyAt?: Date;
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

/**
 * A flash sale. Its units are taken out of the SKU's `stock` when it is scheduled and held by the sale (the stock rule,
 * docs/architecture.md): `skus.stock` is always what ordinary orders can sell. When the sale ends or is cancelled it
 * is settled: what it did not sell goes back to the SKU, once (store/flash-sale-units.ts).
 */
export interface FlashSaleDoc {
  _id: string;
  skuId: string;
  /** The SKU's product, copied when the sale is created, so a list reads the sales' products in the same round. */
  spuId?: string;
  /** Shown in lists; the SPU's title when empty. */
  title: string;
  /** Flash price per unit, fen. */
  price: number;
  /** Units taken from the SKU's stock when the sale was scheduled. */
  stock: number;
  /** Units the sale holds unsold; moves only by conditional increments, never below 0; 0 once settled. */
  remaining: number;
  perUser: number;
  startAt: Date;
  endAt: Date;
  /**
   * `active` sells in its window; `disabled` sells nothing but still holds its units until it ends; `ended` and
   * `cancelled` are settled: the unsold units went back to the SKU (`returned`), and units of its orders cancelled or
   * refunded later go to the SKU too.
   */
  status: FlashSaleStatus;
  createdAt: Date;
  updatedAt: Date;
  /** When the sale was settled (status `ended` or `cancelled`), in the transaction that gave `returned` to the SKU. */
  settledAt?: Date;
  /** Unsold units given back to the SKU when the sale was settled. */
  returned?: number;
  /** Optimistic concurrency for back-office edits (store/versioned.ts); absent (0) on documents written before. */
  version?: number;
  /** When the merchant ended it before `endAt` (`flashsales.endEarly`), in the transaction that settled it. */
  endedEarlyAt?: Date;
}

export type FlashSaleStatus = 'active' | 'disabled' | 'ended' | 'cancelled';

/** Statuses of a sale that still holds its units; the others are settled, for good. */
export const HOLDING_SALE_STATUSES: readonly FlashSaleStatus[] = ['active', 'disabled'];

export const isSettled = (sale: Pick<FlashSaleDoc, 'status'>) => !HOLDING_SALE_STATUSES.includes(sale.status);

/** What scheduling a flash sale asks for (store/flash-sale-units.ts `scheduleFlashSale`). */
export interface FlashSaleTerms {
  /** A natural id makes scheduling safe to retry; generated when absent. */
  flashSaleId?: string;
  skuId: string;
  title?: string;
  /** Flash price per unit, fen. */
  price: number;
  /** Units to take from the SKU's stock and hold for the sale. */
  units: number;
  perUser: number;
  startAt: Date;
  endAt: Date;
}

export interface FlashSaleBuyerDoc {
  _id: string;
  flashSaleId: string;
  openid: string;
  /** Units held by the shopper's live orders (unpaid or paid); cancel, timeout and refund give them back. */
  bought: number;
}

export const buyerKey = (flashSaleId: string, openid: string) => `${flashSaleId}:${openid}`;
