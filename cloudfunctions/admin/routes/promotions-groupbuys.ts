import {
  type AdminGroupBuyPage,
  type AdminGroupBuyView,
  GroupBuyCreateInput,
  GroupBuyEndInput,
  GroupBuysListInput,
} from '../../../typings/admin-promotions.js';
import { createGroupBuy, endGroupBuyEarly, groupBuyView, listGroupBuys } from '../../shared/store/promotion-writes.js';
import { actorOf } from '../audit.js';
import { adminRoute } from '../rbac.js';

/** Group-buy activities in the back office (docs/back-office/promotions.md): list, create, end early. */

export const list = adminRoute('promotions.read', GroupBuysListInput, (input, ctx): Promise<AdminGroupBuyPage> =>
  listGroupBuys(input, ctx.now),
);

export const create = adminRoute('promotions.write', GroupBuyCreateInput, async (input, ctx): Promise<AdminGroupBuyView> =>
  groupBuyView(await createGroupBuy(input, { actor: actorOf(ctx), now: ctx.now }), ctx.now),
);

export const endEarly = adminRoute(
  'promotions.write',
  GroupBuyEndInput,
  async ({ activityId, version }, ctx): Promise<AdminGroupBuyView> =>
    groupBuyView(await endGroupBuyEarly(activityId, version, { actor: actorOf(ctx), now: ctx.now }), ctx.now),
);
