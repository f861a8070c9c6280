import { ErrorCode } from '../../../typings/common.js';
import type { GroupTier } from '../../../typings/groupbuy.js';
import {
ActivityInput,
GroupBuyListInput,
GroupInput,
JoinInput,
OpenInput,
type ActivityDetail,
type ActivityView,
type GroupMemberView,
type GroupSummary,
type GroupView,
type SeatTaken,
} from '../../../typings/groupbuy.js';
import { type AddressDoc } from '../../shared/model/address.js';
import { type SkuDoc,type SpuDoc } from '../../shared/model/catalog.js';
import { type OrderDoc } from '../../shared/model/order.js';
import { GROUP_BUY_ACTIVITIES,GROUP_BUY_GROUPS,GROUP_BUY_MEMBERS,memberKey,type GroupBuyActivityDoc,type GroupDoc,type GroupMemberDoc } from '../../shared/model/promotion.js';
import { route } from '../../shared/platform/route.js';
import { ShopError,notFound } from '../../shared/rules/errors.js';
import { GROUP_STATUS_LABELS,tierPrice } from '../../shared/rules/group-tiers.js';
import { yuan } from '../../shared/rules/money.js';
import { PAYMENT_MINUTES,newOrderId,promotionOrder } from '../../shared/rules/new-orders.js';
import { readSkus,readSpus } from '../../shared/store/catalog-reads.js';
import { _,db } from '../../shared/store/db.js';
import { existingOrder,toOrderView } from '../../shared/store/order-records.js';
import { isDuplicateKey } from '../../shared/store/transactions.js';
import { giveBack,onShelf,ownAddress } from '../../shared/workflows/place-order.js';

const activities = () => db.collection<GroupBuyActivityDoc>(GROUP_BUY_ACTIVITIES);
const groups = () => db.collection<GroupDoc>(GROUP_BUY_GROUPS);
const members = () => db.collection<GroupMemberDoc>(GROUP_BUY_MEMBERS);

const MAX_LISTED = 50;
const MAX_OPEN_GROUPS = 20;
/** The group page of the mini-program; share links carry only the group's id. */
export const GROUP_PAGE = '/pages/groupbuy/group/index';

const groupEnded = () => new ShopError(ErrorCode.INVALID_STATE, '该团已结束');
const groupFull = () => new ShopError(ErrorCode.OUT_OF_STOCK, '该团已满员');
const alreadyJoined = () => new ShopError(ErrorCode.INVALID_STATE, '你已参加该团');
const outOfStock = () => new ShopError(ErrorCode.OUT_OF_STOCK, '库存不足');

const iso = (d: Date | string) => new Date(d).toISOString();
const ms = (d: Date | string) => new Date(d).getTime();

function activityState(activity: GroupBuyActivityDoc, now: Date): ActivityView['state'] {
  if (now.getTime() < ms(activity.startAt)) return 'upcoming';
  return now.getTime() >= ms(activity.endAt) ? 'ended' : 'running';
}

function toActivityView(activity: GroupBuyActivityDoc, skus: Map<string, SkuDoc>, spus: Map<string, SpuDoc>, now: Date): ActivityView {
  const spu = spus.get(activity.spuId);
  const first = skus.get(activity.skuIds[0] ?? '');
  return {
    activityId: activity._id,
    title: activity.title || spu?.title || '',
    image: first?.image || spu?.images[0] || '',
    spuId: activity.spuId,
    skus: activity.skuIds.flatMap((id) => {
      const sku = skus.get(id);
      return sku ? [{ skuId: id, specValues: sku.specValues, normalPrice: sku.price, stock: sku.stock }] : [];
    }),
    tiers: activity.tiers,
    targetSize: activity.targetSize,
    timeLimitMinutes: activity.timeLimitMinutes,
    maxQuantity: activity.maxQuantity,
    startAt: iso(activity.startAt),
    endAt: iso(activity.endAt),
    state: activityState(activity, now),
  };
}

interface UserDoc {
  _id: string;
  openid: string;
  nickname?: string | null;
  avatarUrl?: string | null;
}

/** Names and avatars only: openids never leave the function (share pages are seen by strangers). */
async function people(openids: string[]): Promise<Map<string, Pick<GroupMemberView, 'displayName' | 'avatarUrl'>>> {
  const unique = [...new Set(openids)];
  const users = unique.length ? (await db.collection<UserDoc>('users').where({ _id: _.in(unique) }).limit(100).get()).data : [];
  const byId = new Map(users.map((u) => [u._id, u]));
  return new Map(unique.map((openid) => [openid, { displayName: byId.get(openid)?.nickname || `微信用户${openid.slice(-4)}`, avatarUrl: byId.get(openid)?.avatarUrl ?? null }]));
}

/** Running and upcoming activities, starting soonest first. */
export const list = route(GroupBuyListInput, async (_input, ctx): Promise<ActivityView[]> => {
  const docs = (await activities().where({ status: 'active', endAt: _.gt(ctx.now) }).orderBy('startAt', 'asc').orderBy('_id', 'asc').limit(MAX_LISTED).get()).data;
  const skus = await readSkus(docs.flatMap((a) => a.skuIds));
  const spus = await readSpus(docs.map((a) => a.spuId));
  return docs.map((a) => toActivityView(a, skus, spus, ctx.now));
});

/** One activity with the groups one can join now (leader paid, seats left, time left), ending soonest first. */
export const activity = route(ActivityInput, async ({ activityId }, ctx): Promise<ActivityDetail> => {
  const doc = (await activities().doc(activityId).get()).data;
  if (!doc || doc.status !== 'active') throw notFound('拼团活动');
  const [skus, spus, open] = await Promise.all([
    readSkus(doc.skuIds),
    readSpus([doc.spuId]),
    groups().where({ activityId, status: 'open', expiresAt: _.gt(ctx.now), paidCount: _.gt(0) }).orderBy('expiresAt', 'asc').limit(MAX_OPEN_GROUPS).get(),
  ]);
  const joinable = open.data.filter((g) => g.seats < g.targetSize);
  const names = await people(joinable.map((g) => g.leaderOpenid));
  const openGroups: GroupSummary[] = joinable.map((g) => ({
    groupId: g._id,
    leader: { ...names.get(g.leaderOpenid)!, leader: true, paid: true },
    joined: g.seats,
    seatsLeft: g.targetSize - g.seats,
    expiresAt: iso(g.expiresAt),
  }));
  return { ...toActivityView(doc, skus, spus, ctx.now), openGroups };
});

/** A group as its page shows it, with what `onShareAppMessage` needs; never an openid. */
export const group = route(GroupInput, async ({ groupId }, ctx): Promise<GroupView> => {
  const doc = (await groups().doc(groupId).get()).data;
  if (!doc) throw notFound('拼团');
  const seated = (await members().where({ groupId, status: _.in(['held', 'paid']) }).orderBy('joinedAt', 'asc').limit(100).get()).data;
  const names = await people(seated.map((m) => m.openid));
  const mine = seated.find((m) => m.openid === ctx.openid);
  const seatsLeft = Math.max(0, doc.targetSize - doc.seats);
  const joinPrice = tierPrice(doc.tiers, Math.min(doc.seats + 1, doc.targetSize));
  const title = doc.status === 'open' ? `【还差${seatsLeft}人】${yuan(joinPrice)}拼「${doc.title}」` : `${yuan(tierPrice(doc.tiers, doc.targetSize))}拼「${doc.title}」`;
  return {
    groupId,
    activityId: doc.activityId,
    title: doc.title,
    image: doc.image,
    status: doc.status,
    statusLabel: GROUP_STATUS_LABELS[doc.status],
    targetSize: doc.targetSize,
    joined: doc.seats,
    paid: doc.paidCount,
    seatsLeft,
    tiers: doc.tiers,
    joinPrice,
    ...(doc.closePrice !== undefined ? { closePrice: doc.closePrice } : {}),
    expiresAt: iso(doc.expiresAt),
    members: seated.map((m) => ({ ...names.get(m.openid)!, leader: m.leader, paid: m.status === 'paid' })),
    joinedByMe: !!mine,
    ...(mine ? { myOrderId: mine.orderId } : {}),
    share: { title, path: `${GROUP_PAGE}?groupId=${groupId}`, imageUrl: doc.image },
  };
});

/** An earlier attempt with the same key: its order and group. */
function retried(order: OrderDoc): SeatTaken {
  const groupId = order.promotion?.kind === 'group_buy' ? order.promotion.groupId : '';
  return { groupId, order: toOrderView(order) };
}

/** Takes `quantity` of the SKU's stock with one conditional decrement (no transaction), or refuses. */
async function takeStock(skuId: string, quantity: number): Promise<() => Promise<void>> {
  const taken = await db.collection('skus').where({ _id: skuId, stock: _.gte(quantity) }).update({ data: { stock: _.inc(-quantity) } });
  if (taken.stats.updated !== 1) throw outOfStock();
  return () => giveBack('stock', () => db.collection('skus').doc(skuId).update({ data: { stock: _.inc(quantity) } }));
}

async function catalogFor(skuId: string, quantity: number) {
  const skus = await readSkus([skuId]);
  const found = onShelf(skus.get(skuId), await readSpus([...skus.values()].map((s) => s.spuId)));
  if (found.sku.stock < quantity) throw outOfStock();
  return found;
}

/**
 * The order for one seat: the tier the group reaches with this member counted (never above the SKU's own price), and
 * payable until the group ends at the latest, since an unpaid seat cannot outlive its group.
 */
function seatOrder(seat: {
  orderId: string;
  openid: string;
  input: { idempotencyKey: string; quantity: number; remark?: string };
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
    sku: seat.sku,
    spu: seat.spu,
    quantity: input.quantity,
    unitPrice,
    promotion: { kind: 'group_buy', activityId: group.activityId, groupId: group.groupId, leader: seat.leader, unitPrice, quantity: input.quantity },
    address: seat.address,
    remark: input.remark,
    now,
    expiresAt: new Date(Math.min(now.getTime() + PAYMENT_MINUTES * 60_000, ms(group.expiresAt))),
  });
}

/**
 * Opens a group: the leader's order at the first tier's price, the group with one seat (the leader's), ending
 * `timeLimitMinutes` from now (or with the activity). Others can join once the leader paid.
 */
export const open = route(OpenInput, async (input, ctx): Promise<SeatTaken> => {
  const { now, openid } = ctx;
  const [again, activityDoc] = await Promise.all([existingOrder(openid, input.idempotencyKey), activities().doc(input.activityId).get().then((r) => r.data)]);
  if (again) return retried(again);
  if (!activityDoc || activityDoc.status !== 'active') throw notFound('拼团活动');
  const state = activityState(activityDoc, now);
  if (state !== 'running') throw new ShopError(ErrorCode.INVALID_STATE, state === 'upcoming' ? '拼团活动尚未开始' : '拼团活动已结束');
  if (!activityDoc.skuIds.includes(input.skuId)) throw new ShopError(ErrorCode.NOT_FOUND, '该规格不参加拼团');
  if (input.quantity > activityDoc.maxQuantity) throw new ShopError(ErrorCode.INVALID_STATE, `每人限购 ${activityDoc.maxQuantity} 件`);
  const [address, { sku, spu }] = await Promise.all([ownAddress(input.addressId, openid), catalogFor(input.skuId, input.quantity)]);

  const orderId = newOrderId(now);
  const groupId = `G${orderId}`;
  const expiresAt = new Date(Math.min(now.getTime() + activityDoc.timeLimitMinutes * 60_000, ms(activityDoc.endAt)));
  const returnStock = await takeStock(sku._id, input.quantity);
  const title = activityDoc.title || spu.title;
  const groupDoc: GroupDoc = {
    _id: groupId,
    activityId: activityDoc._id,
    spuId: activityDoc.spuId,
    title,
    image: sku.image || spu.images[0] || '',
    leaderOpenid: openid,
    skuIds: activityDoc.skuIds,
    tiers: activityDoc.tiers,
    targetSize: activityDoc.targetSize,
    maxQuantity: activityDoc.maxQuantity,
    seats: 1,
    paidCount: 0,
    status: 'open',
    createdAt: now,
    expiresAt,
  };
  const group = { activityId: activityDoc._id, groupId, tiers: activityDoc.tiers, targetSize: activityDoc.targetSize, expiresAt };
  const order = seatOrder({ orderId, openid, input, sku, spu, address, now, group, members: 1, leader: true });
  const member: GroupMemberDoc = { _id: memberKey(groupId, openid), groupId, openid, orderId, leader: true, status: 'held', joinedAt: now };
  try {
    await groups().add({ data: groupDoc });
    await members().add({ data: member });
    await db.collection('orders').add({ data: order });
  } catch (err) {
    // Nobody else can be in a group that has no paid leader yet: it goes away whole.
    await giveBack('group', () => groups().doc(groupId).remove());
    await giveBack('member', () => members().doc(member._id).remove());
    await returnStock();
    if (isDuplicateKey(err)) {
      const winner = await existingOrder(openid, input.idempotencyKey);
      if (winner) return retried(winner);
    }
    throw err;
  }
  return { groupId, order: toOrderView(order) };
});

/**
 * Joins an open group (once per shopper and group) at the price of the tier the group reaches with one more member;
 * the difference to the tier the group closes at is refunded when it succeeds. The seat is one conditional increment
 * of the group's `seats` below its target, so a full group takes nobody else however many join at once; then the
 * stock, then the order; a step that fails gives back what the earlier ones took.
 */
export const join = route(JoinInput, async (input, ctx): Promise<SeatTaken> => {
  const { now, openid } = ctx;
  const { groupId } = input;
  const key = memberKey(groupId, openid);
  const [again, groupDoc, seat] = await Promise.all([
    existingOrder(openid, input.idempotencyKey),
    groups().doc(groupId).get().then((r) => r.data),
    members().doc(key).get().then((r) => r.data),
  ]);
  if (again) return retried(again);
  if (!groupDoc) throw notFound('拼团');
  if (groupDoc.status !== 'open' || now.getTime() >= ms(groupDoc.expiresAt)) throw groupEnded();
  if (seat && (seat.status === 'held' || seat.status === 'paid')) throw alreadyJoined();
  if (groupDoc.paidCount < 1) throw new ShopError(ErrorCode.INVALID_STATE, '团长尚未付款，暂不能参团');
  if (groupDoc.seats >= groupDoc.targetSize) throw groupFull();
  if (!groupDoc.skuIds.includes(input.skuId)) throw new ShopError(ErrorCode.NOT_FOUND, '该规格不参加拼团');
  if (input.quantity > groupDoc.maxQuantity) throw new ShopError(ErrorCode.INVALID_STATE, `每人限购 ${groupDoc.maxQuantity} 件`);
  const [address, { sku, spu }] = await Promise.all([ownAddress(input.addressId, openid), catalogFor(input.skuId, input.quantity)]);

  const orderId = newOrderId(now);
  // One member document per shopper and group: a second join loses on the `_id`, or finds the seat taken.
  const joined = { groupId, openid, orderId, leader: false, status: 'held', joinedAt: now };
  try {
    await members().add({ data: { _id: key, ...joined } });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // A seat given up before (an unpaid order cancelled) may be taken again.
    const retaken = await members().where({ _id: key, status: _.in(['released', 'refunded']) }).update({ data: joined });
    if (retaken.stats.updated !== 1) {
      // The same key racing itself finds its twin's order; anyone else has joined already.
      const twin = await existingOrder(openid, input.idempotencyKey);
      if (twin) return retried(twin);
      throw alreadyJoined();
    }
  }
  const leaveGroup = () => giveBack('member', () => members().where({ _id: key, orderId }).update({ data: { status: 'released' } }));

  const took = await groups().where({ _id: groupId, status: 'open', expiresAt: _.gt(now), seats: _.lt(groupDoc.targetSize) }).update({ data: { seats: _.inc(1) } });
  if (took.stats.updated !== 1) {
    await leaveGroup();
    const current = (await groups().doc(groupId).get()).data;
    throw current && current.status === 'open' && now.getTime() < ms(current.expiresAt) ? groupFull() : groupEnded();
  }
  const returnSeat = () => giveBack('seat', () => groups().doc(groupId).update({ data: { seats: _.inc(-1) } }));

  let returnStock: () => Promise<void>;
  try {
    returnStock = await takeStock(sku._id, input.quantity);
  } catch (err) {
    await returnSeat();
    await leaveGroup();
    throw err;
  }
  // Priced as the group stood when read, this member counted; the close price can only be lower or equal.
  const group = { activityId: groupDoc.activityId, groupId, tiers: groupDoc.tiers, targetSize: groupDoc.targetSize, expiresAt: groupDoc.expiresAt };
  const order = seatOrder({ orderId, openid, input, sku, spu, address, now, group, members: groupDoc.seats + 1, leader: false });
  try {
    await db.collection('orders').add({ data: order });
  } catch (err) {
    await returnStock();
    await returnSeat();
    await leaveGroup();
    if (isDuplicateKey(err)) {
      const winner = await existingOrder(openid, input.idempotencyKey);
      if (winner) return retried(winner);
    }
    throw err;
  }
  return { groupId, order: toOrderView(order) };
});
