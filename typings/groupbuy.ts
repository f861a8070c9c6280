import { z } from 'zod';
import { Id } from './common.js';
import { IdempotencyKey } from './flashsale.js';
import type { OrderView } from './order.js';

/**
 * The `groupbuy` function (拼团 with 阶梯价): a shopper opens a group or joins an open one; the more members, the lower
 * the price (tiers). Without a route and without a caller its timer fails the groups whose time ran out.
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

/** Tiers ascending by members with strictly falling prices (what the admin page saves; the seed follows it too). */
export const GroupTiers = z
  .array(GroupTier)
  .min(1)
  .max(10)
  .refine((tiers) => tiers.every((t, i) => i === 0 || (t.minMembers > tiers[i - 1]!.minMembers && t.price < tiers[i - 1]!.price)), '阶梯须按人数递增、价格递减');

export const GroupBuyListInput = z.object({}).strict();
export type GroupBuyListInput = z.infer<typeof GroupBuyListInput>;

export const ActivityInput = z.object({ activityId: Id }).strict();
export type ActivityInput = z.infer<typeof ActivityInput>;

export const GroupInput = z.object({ groupId: Id }).strict();
export type GroupInput = z.infer<typeof GroupInput>;

const Seat = {
  skuId: Id,
  quantity: z.number().int().min(1).max(99).default(1),
  addressId: Id,
  idempotencyKey: IdempotencyKey,
  remark: z.string().max(200).optional(),
};

export const OpenInput = z.object({ activityId: Id, ...Seat }).strict();
export type OpenInput = z.input<typeof OpenInput>;

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
