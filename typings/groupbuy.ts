import { z } from 'zod';
import { Id } from './common.js';
import { IdempotencyKey } from './flashsale.js';
import type { OrderView } from './order.js';

/**
 * The `groupbuy` function (拼团 with 阶梯价): a shopper opens a group or joins an open one; the more members, the lower
 * the price (tiers). Without a route and without a caller its timer fails the groups whose time ran out.
 *
 * How a group goes: a seat is taken together with the member's unpaid order, and released if that order is cancelled
 * or times out. When paid members reach `targetSize` in time, the group succeeds: each member is refunded the
 * difference to the closing tier's price (`<orderId>R2`; the order stays paid), and only then can its orders ship
 * (the admin refuses earlier). The timer (every minute; only the trigger may run it) fails the groups whose time ran
 * out: unpaid seats are closed (`group_failed`), paid members refunded in full (`group_refund`, `<orderId>R1`, then
 * `refunded` with the stock returned). Strangers see shared groups, so no answer carries an openid.
 */
export const GroupBuyRoutes = {
  list: 'list',
  activity: 'activity',
  open: 'open',
  join: 'join',
  group: 'group',
} as const;

/** One step of the ladder: from `minMembers` members on, each pays `price` (fen). */
export const GroupTier = z.object({ minMembers: z.number().int().min(1).max(100), price: z.number().int().positive() }).strict();
export type GroupTier = z.infer<typeof GroupTier>;

/** `list`: running and upcoming activities, starting soonest first. */
export const GroupBuyListInput = z.object({}).strict();
export type GroupBuyListInput = z.infer<typeof GroupBuyListInput>;

/** `activity`: one activity with its tiers, SKUs and the groups one can join now (`ActivityDetail`). */
export const ActivityInput = z.object({ activityId: Id }).strict();
export type ActivityInput = z.infer<typeof ActivityInput>;

/** `group`: one group as its page shows it, members without openids, with `share` for `onShareAppMessage`. */
export const GroupInput = z.object({ groupId: Id }).strict();
export type GroupInput = z.infer<typeof GroupInput>;

const Seat = {
  skuId: Id,
  quantity: z.number().int().min(1).max(99).default(1),
  addressId: Id,
  idempotencyKey: IdempotencyKey,
  remark: z.string().max(200).optional(),
};

/**
 * `open`: starts a group: the leader's unpaid order at the first tier's price and the group with one seat, ending
 * `timeLimitMinutes` from now (or with the activity). Others can join once the leader has paid. INVALID_STATE outside
 * the activity's window or above `maxQuantity`; NOT_FOUND for a SKU not in the activity. The same `idempotencyKey`
 * gives back the same order; with other parameters (or already used for another order) it answers CONFLICT.
 */
export const OpenInput = z.object({ activityId: Id, ...Seat }).strict();
export type OpenInput = z.input<typeof OpenInput>;

/**
 * `join`: joins an open group, once per shopper, at the price of the tier the group reaches with this member (the
 * difference to the tier it closes at is refunded when it succeeds). The seat is a conditional increment below the
 * target, so a full group takes nobody else however many join at once: OUT_OF_STOCK 该团已满员. INVALID_STATE when
 * already a member, before the leader paid, or once the group ended. The same `idempotencyKey` gives back the same
 * order; with other parameters (or already used for another order) it answers CONFLICT.
 */
export const JoinInput = z.object({ groupId: Id, ...Seat }).strict();
export type JoinInput = z.input<typeof JoinInput>;

export interface GroupBuySkuView {
  skuId: string;
  specValues: Record<string, string>;
  normalPrice: number;
  stock: number;
}

export interface ActivityView {
  activityId: string;
  title: string;
  image: string;
  spuId: string;
  skus: GroupBuySkuView[];
  tiers: GroupTier[];
  /** Members needed for the group to succeed (and the most it takes). */
  targetSize: number;
  timeLimitMinutes: number;
  /** Units one member may buy. */
  maxQuantity: number;
  startAt: string;
  endAt: string;
  state: 'upcoming' | 'running' | 'ended';
}

export interface GroupMemberView {
  displayName: string;
  avatarUrl: string | null;
  leader: boolean;
  paid: boolean;
}

/** Groups as strangers see them: never an openid. */
export interface GroupSummary {
  groupId: string;
  leader: GroupMemberView;
  /** Seats taken (paid or waiting for payment) and still free. */
  joined: number;
  seatsLeft: number;
  expiresAt: string;
}

export interface ActivityDetail extends ActivityView {
  /** Groups one can join now, ending soonest first. */
  openGroups: GroupSummary[];
}

export interface ShareData {
  /** For `onShareAppMessage`: `{title, path, imageUrl}`. */
  title: string;
  path: string;
  imageUrl: string;
}

export interface GroupView {
  groupId: string;
  activityId: string;
  title: string;
  image: string;
  status: 'open' | 'succeeded' | 'failed';
  statusLabel: string;
  targetSize: number;
  joined: number;
  paid: number;
  seatsLeft: number;
  tiers: GroupTier[];
  /** What a member joining now pays per unit (the tier for one more member). */
  joinPrice: number;
  /** Once succeeded: the tier price every member ends up paying; the difference is refunded. */
  closePrice?: number;
  expiresAt: string;
  members: GroupMemberView[];
  /** The caller is a member (their seat holds or paid an order). */
  joinedByMe: boolean;
  myOrderId?: string;
  share: ShareData;
}

export interface SeatTaken {
  groupId: string;
  /** The member's unpaid order: pay it with `pay.create` before `expiresAt`. */
  order: OrderView;
}

/** What one firing of the groupbuy timer did. */
export interface GroupTimerSummary {
  /** Open groups whose time ran out before their target: now failed. */
  failed: number;
  /** Failed groups whose members were all settled: unpaid orders closed, paid ones refunded in full (`<orderId>R1`). */
  settled: number;
  /** Full refunds issued to paid members of failed groups. */
  refundsIssued: number;
  /** Difference refunds (`<orderId>R2`) issued to members of groups that closed at a cheaper tier. */
  differenceRefunds: number;
}
