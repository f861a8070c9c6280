import type { z } from 'zod';
import { ErrorCode } from '../../../typings/common.js';
import type { GroupTier, JoinInput, OpenInput } from '../../../typings/groupbuy.js';
import type { AddressDoc } from '../model/address.js';
import type { SkuDoc, SpuDoc } from '../model/catalog.js';
import type { OrderDoc } from '../model/order.js';
import {
  GROUP_BUY_ACTIVITIES,
  GROUP_BUY_GROUPS,
  GROUP_BUY_MEMBERS,
  type GroupBuyActivityDoc,
  type GroupDoc,
  type GroupMemberDoc,
  memberKey,
} from '../model/promotion.js';
import { ShopError, notFound } from '../rules/errors.js';
import { tierPrice } from '../rules/group-tiers.js';
import { PAYMENT_MINUTES, newOrderId, promotionOrder, requestFingerprint } from '../rules/new-orders.js';
import { activityState } from '../rules/promotion-state.js';
import { _, db } from '../store/db.js';
import { isDuplicateKey } from '../store/transactions.js';
import { type Holdings } from './holdings.js';
import { addOrder, addressForOrder, holdStock, ownAddress, placeOrder, promotedSku } from './place-order.js';

/**
 * Seats in group-buys (拼团): opening a group and joining one, each an order placed by place-order.ts. A seat is one
 * conditional increment of the group's `seats` below its target, so a full group takes nobody else however many join
 * at once; one member document per shopper and group (`_id` `${groupId}:${openid}`) makes a shopper join once.
 */

const activities = () => db.collection<GroupBuyActivityDoc>(GROUP_BUY_ACTIVITIES);
const groups = () => db.collection<GroupDoc>(GROUP_BUY_GROUPS);
const members = () => db.collection<GroupMemberDoc>(GROUP_BUY_MEMBERS);

const groupEnded = () => new ShopError(ErrorCode.INVALID_STATE, '该团已结束');
const groupFull = () => new ShopError(ErrorCode.OUT_OF_STOCK, '该团已满员');
const alreadyJoined = () => new ShopError(ErrorCode.INVALID_STATE, '你已参加该团');
const outOfStock = () => new ShopError(ErrorCode.OUT_OF_STOCK, '库存不足');

const ms = (d: Date | string) => new Date(d).getTime();

/** The SKU of a seat, on shelf, with the stock for it (refused before anything is taken). */
async function seatSku(skuId: string, quantity: number): Promise<{ sku: SkuDoc; spu: SpuDoc }> {
  const found = await promotedSku(skuId);
  if (found.sku.stock < quantity) throw outOfStock();
  return found;
}

/**
 * Opens a group (`groupbuy.open`): the leader's order at the first tier's price, the group with one seat (the
 * leader's), ending `timeLimitMinutes` from now (or with the activity). Others can join once the leader paid.
 */
export function openGroup(input: z.output<typeof OpenInput>, request: { openid: string; now: Date }): Promise<OrderDoc> {
  const { openid, now } = request;
  const fingerprint = requestFingerprint('group_open', input);
  return placeOrder({
    request: { openid, now, idempotencyKey: input.idempotencyKey, fingerprint },
    firstRead: async () => (await activities().doc(input.activityId).get()).data,
    place: async (activity, holdings) => {
      if (!activity || activity.status !== 'active') throw notFound('拼团活动');
      const state = activityState(activity, now);
      if (state !== 'running')
        throw new ShopError(ErrorCode.INVALID_STATE, state === 'upcoming' ? '拼团活动尚未开始' : '拼团活动已结束');
      if (!activity.skuIds.includes(input.skuId)) throw new ShopError(ErrorCode.NOT_FOUND, '该规格不参加拼团');
      if (input.quantity > activity.maxQuantity)
        throw new ShopError(ErrorCode.INVALID_STATE, `每人限购 ${activity.maxQuantity} 件`);
      const [address, { sku, spu }] = await Promise.all([
        ownAddress(input.addressId, openid),
        seatSku(input.skuId, input.quantity),
      ]);

      const orderId = newOrderId(now);
      const groupId = `G${orderId}`;
      const expiresAt = new Date(Math.min(now.getTime() + activity.timeLimitMinutes * 60_000, ms(activity.endAt)));
      await holdStock(holdings, { orderId, now, lines: [{ skuId: sku._id, quantity: input.quantity }] }, outOfStock);
      const groupDoc: GroupDoc = {
        _id: groupId,
        activityId: activity._id,
        spuId: activity.spuId,
        title: activity.title || spu.title,
        image: sku.image || spu.images[0] || '',
        leaderOpenid: openid,
        skuIds: activity.skuIds,
        tiers: activity.tiers,
        targetSize: activity.targetSize,
        maxQuantity: activity.maxQuantity,
        seats: 1,
        paidCount: 0,
        status: 'open',
        createdAt: now,
        expiresAt,
      };
      const member: GroupMemberDoc = {
        _id: memberKey(groupId, openid),
        groupId,
        openid,
        orderId,
        leader: true,
        status: 'held',
        joinedAt: now,
      };
      // Nobody else can be in a group that has no paid leader yet: if the order cannot be written, it goes away whole.
      await holdings.take(
        'group',
        () => groups().add({ data: groupDoc }),
        () => groups().doc(groupId).remove(),
      );
      await holdings.take(
        'member',
        () => members().add({ data: member }),
        () => members().doc(member._id).remove(),
      );
      const group = { activityId: activity._id, groupId, tiers: activity.tiers, targetSize: activity.targetSize, expiresAt };
      return addOrder(
        seatOrder({ orderId, openid, input, fingerprint, sku, spu, address, now, group, members: 1, leader: true }),
      );
    },
  });
}

/**
 * Joins an open group (`groupbuy.join`, once per shopper and group) at the price of the tier the group reaches with
 * one more member; the difference to the tier the group closes at is refunded when it succeeds. The member document,
 * then the seat, then the stock, then the order; a step that fails gives back what the earlier ones took.
 */
export function joinGroup(input: z.output<typeof JoinInput>, request: { openid: string; now: Date }): Promise<OrderDoc> {
  const { openid, now } = request;
  const { groupId } = input;
  const key = memberKey(groupId, openid);
  const fingerprint = requestFingerprint('group_join', input);
  return placeOrder({
    request: { openid, now, idempotencyKey: input.idempotencyKey, fingerprint },
    firstRead: () =>
      Promise.all([
        groups()
          .doc(groupId)
          .get()
          .then((r) => r.data),
        members()
          .doc(key)
          .get()
          .then((r) => r.data),
      ]),
    // The same key racing itself finds the member document taken by its twin, whose order is the answer.
    racedBy: (err) => err.message === alreadyJoined().message,
    place: async ([groupDoc, seat], holdings) => {
      if (!groupDoc) throw notFound('拼团');
      if (groupDoc.status !== 'open' || now.getTime() >= ms(groupDoc.expiresAt)) throw groupEnded();
      if (seat && (seat.status === 'held' || seat.status === 'paid')) throw alreadyJoined();
      if (groupDoc.paidCount < 1) throw new ShopError(ErrorCode.INVALID_STATE, '团长尚未付款，暂不能参团');
      if (groupDoc.seats >= groupDoc.targetSize) throw groupFull();
      if (!groupDoc.skuIds.includes(input.skuId)) throw new ShopError(ErrorCode.NOT_FOUND, '该规格不参加拼团');
      if (input.quantity > groupDoc.maxQuantity)
        throw new ShopError(ErrorCode.INVALID_STATE, `每人限购 ${groupDoc.maxQuantity} 件`);
      const [address, { sku, spu }] = await Promise.all([
        ownAddress(input.addressId, openid),
        seatSku(input.skuId, input.quantity),
      ]);

      const orderId = newOrderId(now);
      await takeMembership(holdings, key, { groupId, openid, orderId, leader: false, status: 'held', joinedAt: now });
      await holdings.take(
        'seat',
        async () => {
          const took = await groups()
            .where({ _id: groupId, status: 'open', expiresAt: _.gt(now), seats: _.lt(groupDoc.targetSize) })
            .update({ data: { seats: _.inc(1) } });
          if (took.stats.updated === 1) return;
          const current = (await groups().doc(groupId).get()).data;
          throw current && current.status === 'open' && now.getTime() < ms(current.expiresAt) ? groupFull() : groupEnded();
        },
        () =>
          groups()
            .doc(groupId)
            .update({ data: { seats: _.inc(-1) } }),
      );
      await holdStock(holdings, { orderId, now, lines: [{ skuId: sku._id, quantity: input.quantity }] }, outOfStock);
      // Priced as the group stood when read, this member counted; the close price can only be lower or equal.
      const group = {
        activityId: groupDoc.activityId,
        groupId,
        tiers: groupDoc.tiers,
        targetSize: groupDoc.targetSize,
        expiresAt: groupDoc.expiresAt,
      };
      return addOrder(
        seatOrder({
          orderId,
          openid,
          input,
          fingerprint,
          sku,
          spu,
          address,
          now,
          group,
          members: groupDoc.seats + 1,
          leader: false,
        }),
      );
    },
  });
}

/**
 * The shopper's member document in the group: added, or a seat given up before (an unpaid order cancelled) taken
 * again; anyone already in the group is refused. Given back by releasing it, only while it is still this order's.
 */
function takeMembership(holdings: Holdings, key: string, joined: Omit<GroupMemberDoc, '_id'>): Promise<void> {
  return holdings.take(
    'member',
    async () => {
      try {
        await members().add({ data: { _id: key, ...joined } });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const retaken = await members()
        .where({ _id: key, status: _.in(['released', 'refunded']) })
        .update({ data: joined });
      if (retaken.stats.updated !== 1) throw alreadyJoined();
    },
    () =>
      members()
        .where({ _id: key, orderId: joined.orderId })
        .update({ data: { status: 'released' } }),
  );
}

/**
 * The order for one seat: the tier the group reaches with this member counted (never above the SKU's own price), and
 * payable until the group ends at the latest, since an unpaid seat cannot outlive its group.
 */
function seatOrder(seat: {
  orderId: string;
  openid: string;
  input: { idempotencyKey: string; quantity: number; remark?: string };
  fingerprint: string;
  sku: SkuDoc;
  spu: SpuDoc;
  address: AddressDoc;
  now: Date;
  group: { activityId: string; groupId: string; tiers: GroupTier[]; targetSize: number; expiresAt: Date };
  /** Members counting this one. */
  members: number;
  leader: boolean;
}): OrderDoc {
  const { input, group, now } = seat;
  const unitPrice = Math.min(tierPrice(group.tiers, Math.min(seat.members, group.targetSize)), seat.sku.price);
  return promotionOrder({
    orderId: seat.orderId,
    openid: seat.openid,
    idempotencyKey: input.idempotencyKey,
    requestFingerprint: seat.fingerprint,
    sku: seat.sku,
    spu: seat.spu,
    quantity: input.quantity,
    unitPrice,
    promotion: {
      kind: 'group_buy',
      activityId: group.activityId,
      groupId: group.groupId,
      leader: seat.leader,
      unitPrice,
      quantity: input.quantity,
    },
    address: addressForOrder(seat.address, seat.orderId),
    remark: input.remark,
    now,
    expiresAt: new Date(Math.min(now.getTime() + PAYMENT_MINUTES * 60_000, ms(group.expiresAt))),
  });
}
