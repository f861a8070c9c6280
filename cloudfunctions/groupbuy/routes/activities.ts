import {
  ActivityInput,
  GroupBuyListInput,
  type ActivityDetail,
  type ActivityView,
  type GroupSummary,
} from '../../../typings/groupbuy.js';
import type { SkuDoc, SpuDoc } from '../../shared/model/catalog.js';
import { GROUP_BUY_ACTIVITIES, GROUP_BUY_GROUPS, type GroupBuyActivityDoc, type GroupDoc } from '../../shared/model/promotion.js';
import { route } from '../../shared/platform/route.js';
import { notFound } from '../../shared/rules/errors.js';
import { activityState } from '../../shared/rules/promotion-state.js';
import { readSkus, readSpus } from '../../shared/store/catalog-reads.js';
import { _, db } from '../../shared/store/db.js';
import { people } from '../people.js';

const activities = () => db.collection<GroupBuyActivityDoc>(GROUP_BUY_ACTIVITIES);
const groups = () => db.collection<GroupDoc>(GROUP_BUY_GROUPS);

const MAX_LISTED = 50;
const MAX_OPEN_GROUPS = 20;
const iso = (d: Date | string) => new Date(d).toISOString();

function toActivityView(
  activity: GroupBuyActivityDoc,
  skus: Map<string, SkuDoc>,
  spus: Map<string, SpuDoc>,
  now: Date,
): ActivityView {
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

/** Running and upcoming activities, starting soonest first. */
export const list = route(GroupBuyListInput, async (_input, ctx): Promise<ActivityView[]> => {
  const docs = (
    await activities()
      .where({ status: 'active', endAt: _.gt(ctx.now) })
      .orderBy('startAt', 'asc')
      .orderBy('_id', 'asc')
      .limit(MAX_LISTED)
      .get()
  ).data;
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
    groups()
      .where({ activityId, status: 'open', expiresAt: _.gt(ctx.now), paidCount: _.gt(0) })
      .orderBy('expiresAt', 'asc')
      .limit(MAX_OPEN_GROUPS)
      .get(),
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
