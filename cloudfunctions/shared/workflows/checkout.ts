import type { Amounts, Preview } from '../../../typings/order.js';
import { type SpuDoc } from '../model/catalog.js';
import { USER_COUPONS, type UserCouponDoc } from '../model/coupon.js';
import { CatalogLine, priceLines, Shopper } from '../rules/checkout-pricing.js';
import { toCouponView } from '../rules/coupon-quotes.js';
import { pointsValue } from '../rules/member-levels.js';
import { loadCatalog } from '../store/catalog-reads.js';
import { couponLinesFor, usableCoupons } from '../store/coupon-wallet.js';
import { db } from '../store/db.js';
import { memberSnapshot } from '../store/points-ledger.js';

/**
 * Prices a checkout from the database, never from the client: the SKUs and SPUs of all lines are read in two queries
 * (no N+1), off-shelf or unknown items and short stock are reported per line. With a shopper, their member level,
 * coupons and points are read too and priced by `priceCheckout` (rules/pricing.ts), the one place a price is made.
 */

export interface ShopperRequest {
  openid: string;
  now: Date;
  couponId?: string | null;
  usePoints?: number;
}

/**
 * The shopper's member snapshot and the coupons pricing may choose from, in parallel: every usable one for the
 * preview's picker (`picker`), else only what the order may use: the chosen coupon (read by id: another shopper's is
 * left out, so it answers NOT_FOUND like one that does not exist; a used or locked one is kept so pricing says why
 * it cannot apply), the usable ones when choosing the best, none for `couponId: null`.
 */
export async function loadShopper(request: ShopperRequest, picker = false): Promise<Shopper> {
  const { openid, now, couponId } = request;
  const chosen = async (): Promise<UserCouponDoc[]> => {
    const doc = (await db.collection<UserCouponDoc>(USER_COUPONS).doc(couponId!).get()).data;
    return doc && doc.openid === openid ? [doc] : [];
  };
  const [member, usable, picked] = await Promise.all([
    memberSnapshot(openid),
    picker || couponId === undefined ? usableCoupons(openid, now) : Promise.resolve([]),
    typeof couponId === 'string' ? chosen() : Promise.resolve([]),
  ]);
  const coupons = [...usable, ...picked.filter((p) => !usable.some((u) => u._id === p._id))];
  return { now, member, coupons, couponId, usePoints: request.usePoints };
}

/** The parents of the lines' categories, read only when a category-scoped coupon is in play. */
export async function categoryParents(spus: Iterable<SpuDoc>, coupons: UserCouponDoc[]): Promise<Map<string, string | null>> {
  if (!coupons.some((c) => c.scope.type === 'categories')) return new Map();
  const lines = await couponLinesFor([...spus].map((s) => ({ spuId: s._id, categoryId: s.categoryId, subtotal: 0 })));
  return new Map(lines.map((l) => [l.categoryId, l.parentCategoryId ?? null]));
}

const EMPTY: Amounts = {
  subtotal: 0,
  discountTotal: 0,
  freight: 0,
  payable: 0,
  discounts: { promotion: 0, member: 0, coupon: 0, points: 0 },
  coupon: null,
  pointsUsed: 0,
};

/**
 * The checkout page: prices, problems per line and, for a shopper, the breakdown with the coupon picker (every usable
 * coupon with what it takes off this cart) and the points they may use. `couponId`/`usePoints` mean what they mean in
 * `order.create`, so the payable shown is the payable the order gets.
 */
export async function preview(lines: Array<{ skuId: string; quantity: number }>, request?: ShopperRequest): Promise<Preview> {
  const [{ skus, spus }, shopper] = await Promise.all([
    loadCatalog(lines.map((l) => l.skuId)),
    request ? loadShopper(request, true) : undefined,
  ]);
  const problems: Preview['problems'] = [];
  const buyable: CatalogLine[] = [];
  for (const line of lines) {
    const sku = skus.get(line.skuId);
    const spu = sku && spus.get(sku.spuId);
    if (!sku || !spu || spu.status !== 'on_shelf')
      problems.push({ skuId: line.skuId, code: 'NOT_FOUND', message: '商品已下架或不存在' });
    else if (sku.stock < line.quantity)
      problems.push({
        skuId: line.skuId,
        code: 'OUT_OF_STOCK',
        message: sku.stock ? `库存仅剩 ${sku.stock} 件` : '已售罄',
        stock: sku.stock,
      });
    else buyable.push({ sku, spu, quantity: line.quantity });
  }
  if (!buyable.length) {
    const points = shopper
      ? { balance: shopper.member.points, maxUsable: 0, maxValue: 0, pointsPerYuan: shopper.member.settings.redeem.pointsPerYuan }
      : undefined;
    return { lines: [], amounts: { ...EMPTY }, problems, ...(shopper ? { coupons: [], points } : {}) };
  }
  if (shopper) shopper.parents = await categoryParents(new Set(buyable.map((l) => l.spu)), shopper.coupons);
  const priced = priceLines(buyable, shopper);
  if (!shopper) return { lines: priced.lines, amounts: priced.amounts, problems };
  const { ranked, points } = priced.pricing;
  const best = ranked[0];
  return {
    lines: priced.lines,
    amounts: priced.amounts,
    problems,
    // Only coupons the shopper can use now are offered; a chosen one that cannot was refused by pricing already.
    coupons: ranked
      .filter((r) => r.coupon.status === 'available')
      .map(({ coupon, quote }) => ({ ...toCouponView(coupon, shopper.now), ...quote })),
    ...(best?.quote.applicable ? { bestCouponId: best.coupon._id } : {}),
    points: {
      balance: shopper.member.points,
      maxUsable: points.maxUsable,
      maxValue: pointsValue(points.maxUsable, shopper.member.settings),
      pointsPerYuan: shopper.member.settings.redeem.pointsPerYuan,
    },
  };
}
