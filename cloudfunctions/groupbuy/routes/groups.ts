import { GroupInput, JoinInput, OpenInput, type GroupView, type SeatTaken } from '../../../typings/groupbuy.js';
import type { OrderDoc } from '../../shared/model/order.js';
import { GROUP_BUY_GROUPS, GROUP_BUY_MEMBERS, type GroupDoc, type GroupMemberDoc } from '../../shared/model/promotion.js';
import { route } from '../../shared/platform/route.js';
import { notFound } from '../../shared/rules/errors.js';
import { GROUP_STATUS_LABELS, tierPrice } from '../../shared/rules/group-tiers.js';
import { yuan } from '../../shared/rules/money.js';
import { _, db } from '../../shared/store/db.js';
import { toOrderView } from '../../shared/store/order-records.js';
import { joinGroup, openGroup } from '../../shared/workflows/group-buy-seats.js';
import { people } from '../people.js';

const groups = () => db.collection<GroupDoc>(GROUP_BUY_GROUPS);
const members = () => db.collection<GroupMemberDoc>(GROUP_BUY_MEMBERS);

/** The group page of the mini-program; share links carry only the group's id. */
export const GROUP_PAGE = '/pages/promo/group/index';
const iso = (d: Date | string) => new Date(d).toISOString();

/** A group as its page shows it, with what `onShareAppMessage` needs; never an openid. */
export const group = route(GroupInput, async ({ groupId }, ctx): Promise<GroupView> => {
  const doc = (await groups().doc(groupId).get()).data;
  if (!doc) throw notFound('拼团');
  const seated = (
    await members()
      .where({ groupId, status: _.in(['held', 'paid']) })
      .orderBy('joinedAt', 'asc')
      .limit(100)
      .get()
  ).data;
  const names = await people(seated.map((m) => m.openid));
  const mine = seated.find((m) => m.openid === ctx.openid);
  const seatsLeft = Math.max(0, doc.targetSize - doc.seats);
  const joinPrice = tierPrice(doc.tiers, Math.min(doc.seats + 1, doc.targetSize));
  const title =
    doc.status === 'open'
      ? `【还差${seatsLeft}人】${yuan(joinPrice)}拼「${doc.title}」`
      : `${yuan(tierPrice(doc.tiers, doc.targetSize))}拼「${doc.title}」`;
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

/** An order of a group-buy seat as the shopper sees it, with its group. */
function seatTaken(order: OrderDoc): SeatTaken {
  const groupId = order.promotion?.kind === 'group_buy' ? order.promotion.groupId : '';
  return { groupId, order: toOrderView(order) };
}

/** Opens a group (workflows/group-buy-seats.ts); the same idempotency key gives back the same order and group. */
export const open = route(OpenInput, async (input, ctx): Promise<SeatTaken> => seatTaken(await openGroup(input, ctx)));

/** Joins an open group at the tier it reaches with one more member; the difference to the close price is refunded later. */
export const join = route(JoinInput, async (input, ctx): Promise<SeatTaken> => seatTaken(await joinGroup(input, ctx)));
