import type { GroupTier } from '../../../typings/groupbuy.js';
import { GroupStatus } from '../model/promotion.js';

/** Group-buy ladder prices (阶梯价) and the labels of a group's status. Pure. */

export const GROUP_STATUS_LABELS: Record<GroupStatus, string> = { open: '拼团中', succeeded: '拼团成功', failed: '拼团失败' };

/** The price per unit when the group has `members` members: the last tier reached, the first tier below it. */
export function tierPrice(tiers: readonly GroupTier[], members: number): number {
  let price = tiers[0]!.price;
  for (const tier of tiers) if (members >= tier.minMembers) price = tier.price;
  return price;
}
