import type { FlashSaleState, FlashSaleView } from '../../typings/flashsale';
import type { ActivityDetail, ActivityView, GroupTier } from '../../typings/groupbuy';
import type { ProductDetail } from '../../typings/product';
import { formatFen } from './money';
import type { PickableSku } from './sku';

/**
 * What the detail page shows of the promotions on its product and what its SKU picker offers in each variant: the
 * product's own SKUs, the flash sale's one SKU at the flash price, the group-buy's SKUs at a tier's price. Pure.
 */

export interface FlashView {
  flashSaleId: string;
  skuId: string;
  price: number;
  normalPrice: number;
  state: FlashSaleState;
  running: boolean;
  upcoming: boolean;
  soldOut: boolean;
  /** Units the shopper may still take: the sale's remaining units within what is left of their limit. */
  left: number;
  perUser: number;
  /** Running with units left, but the shopper holds their limit already. */
  limitReached: boolean;
  /** The countdown: to the start while upcoming, else to the end. */
  label: string;
  target: string;
}

export function flashView(sale: FlashSaleView): FlashView {
  const upcoming = sale.state === 'upcoming';
  const soldOut = sale.state === 'sold_out' || (sale.state === 'running' && sale.remaining <= 0);
  const running = sale.state === 'running' && !soldOut;
  const quota = Math.max(0, sale.perUser - sale.bought);
  return {
    flashSaleId: sale.flashSaleId,
    skuId: sale.skuId,
    price: sale.price,
    normalPrice: sale.normalPrice,
    state: sale.state,
    running,
    upcoming,
    soldOut,
    left: running ? Math.min(sale.remaining, quota) : 0,
    perUser: sale.perUser,
    limitReached: running && quota === 0,
    label: upcoming ? '距开始' : '距结束',
    target: upcoming ? sale.startAt : sale.endAt,
  };
}

export interface TierView extends GroupTier {
  text: string;
}

export interface GroupBuyView {
  activityId: string;
  title: string;
  running: boolean;
  upcoming: boolean;
  tiers: TierView[];
  /** What the leader pays on opening (the first tier) and the lowest a member can end up paying (fen). */
  openPrice: number;
  lowestPrice: number;
  targetSize: number;
  maxQuantity: number;
  label: string;
  target: string;
}

/** The tiers from the fewest members up. */
export function sortedTiers(tiers: readonly GroupTier[]): GroupTier[] {
  return [...tiers].sort((a, b) => a.minMembers - b.minMembers);
}

/** What each member pays once the group has `members`: the tier reached, or the first tier below it. */
export function tierPrice(tiers: readonly GroupTier[], members: number): number {
  const sorted = sortedTiers(tiers);
  let price = sorted[0]?.price ?? 0;
  for (const tier of sorted) if (tier.minMembers <= members) price = tier.price;
  return price;
}

export function groupBuyView(activity: ActivityView): GroupBuyView {
  const tiers = sortedTiers(activity.tiers);
  const upcoming = activity.state === 'upcoming';
  return {
    activityId: activity.activityId,
    title: activity.title,
    running: activity.state === 'running',
    upcoming,
    tiers: tiers.map((t) => ({ ...t, text: `${t.minMembers}人团 ${formatFen(t.price)}` })),
    openPrice: tiers[0]?.price ?? 0,
    lowestPrice: tiers.length ? Math.min(...tiers.map((t) => t.price)) : 0,
    targetSize: activity.targetSize,
    maxQuantity: activity.maxQuantity,
    label: upcoming ? '距开始' : '距结束',
    target: upcoming ? activity.startAt : activity.endAt,
  };
}

export interface OpenGroupView {
  groupId: string;
  leaderName: string;
  leaderAvatar: string;
  seatsLeft: number;
  /** What one more member pays now (the tier the group reaches with them). */
  joinPrice: number;
  expiresAt: string;
}

/** The groups of an activity one can join now, ending soonest first (as the route answers them). */
export function openGroupViews(detail: ActivityDetail): OpenGroupView[] {
  return detail.openGroups
    .filter((g) => g.seatsLeft > 0)
    .map((g) => ({
      groupId: g.groupId,
      leaderName: g.leader.displayName,
      leaderAvatar: g.leader.avatarUrl ?? '',
      seatsLeft: g.seatsLeft,
      joinPrice: tierPrice(detail.tiers, g.joined + 1),
      expiresAt: g.expiresAt,
    }));
}

/** The product's own SKUs, as the picker offers them. */
export function productSkus(product: Pick<ProductDetail, 'skus'>): PickableSku[] {
  return product.skus.map(({ skuId, specValues, price, stock, image }) => ({ skuId, specValues, price, stock, image }));
}

/** The flash sale's SKU at the flash price, with the units the shopper may still take. */
export function flashSkus(product: Pick<ProductDetail, 'skus' | 'images'>, flash: FlashView): PickableSku[] {
  const sku = product.skus.find((s) => s.skuId === flash.skuId);
  if (!sku) return [];
  return [{ skuId: sku.skuId, specValues: sku.specValues, price: flash.price, stock: flash.left, image: sku.image }];
}

/** The group-buy's SKUs at `price` (a tier's), with their stock. */
export function groupSkus(product: Pick<ProductDetail, 'skus' | 'images'>, activity: ActivityView, price: number): PickableSku[] {
  return activity.skus.map((s) => ({
    skuId: s.skuId,
    specValues: s.specValues,
    price,
    stock: s.stock,
    image: product.skus.find((p) => p.skuId === s.skuId)?.image ?? product.images[0] ?? '',
  }));
}
