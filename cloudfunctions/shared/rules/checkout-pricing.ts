import type { Amounts, PricedLine } from '../../../typings/order.js';
import { type SkuDoc, type SpuDoc } from '../model/catalog.js';
import { type UserCouponDoc } from '../model/coupon.js';
import { ruleSummary, scopeText } from './coupon-quotes.js';
import { type MemberSnapshot } from './member-levels.js';
import { type CheckoutPricing, priceCheckout } from './pricing.js';

/**
 * Catalog lines priced for a checkout or an order: freight, and the SKU and SPU documents turned into `priceCheckout`'s
 * input and back into the order's lines and amounts. Pure: the callers read the catalog and the shopper from the
 * database (workflows/checkout.ts).
 */

export const FREE_SHIPPING_FROM = 9900;

export const FREIGHT = 800;

export interface CatalogLine {
  sku: SkuDoc;
  spu: SpuDoc;
  quantity: number;
  /** The line's promotion discount in fen ((list price − promotion price) × quantity); 0 when absent. */
  promotion?: number;
}

/** Free shipping from ¥99 of goods at their selling (promotion) prices, before member, coupon and points discounts. */
export function freightFor(goods: number): number {
  return goods >= FREE_SHIPPING_FROM ? 0 : FREIGHT;
}

/** What pricing needs about the shopper, read from the database (never from the client). */
export interface Shopper {
  now: Date;
  member: MemberSnapshot;
  /** The coupons to choose from (see `loadShopper`, workflows/checkout.ts). */
  coupons: UserCouponDoc[];
  /** As in the route's input: an id, null (no coupon) or absent (the best). */
  couponId?: string | null;
  usePoints?: number;
  /** Category → parent category, for category-scoped coupons (`categoryParents`, workflows/checkout.ts). */
  parents?: Map<string, string | null>;
}

export interface PricedCheckout {
  lines: PricedLine[];
  amounts: Amounts;
  pricing: CheckoutPricing<UserCouponDoc>;
}

/**
 * Prices lines whose SKUs are known to exist and be on shelf. Without a shopper: list prices, promotions and
 * freight only (no member, coupon or points discount).
 */
export function priceLines(lines: CatalogLine[], shopper?: Shopper): PricedCheckout {
  const goods = lines.reduce((n, l) => n + l.sku.price * l.quantity - (l.promotion ?? 0), 0);
  const pricing = priceCheckout({
    lines: lines.map((l) => ({
      skuId: l.sku._id,
      unitPrice: l.sku.price,
      quantity: l.quantity,
      spuId: l.spu._id,
      categoryId: l.spu.categoryId,
      parentCategoryId: shopper?.parents?.get(l.spu.categoryId) ?? null,
      ...(l.promotion ? { promotion: l.promotion } : {}),
    })),
    freight: freightFor(Math.max(goods, 0)),
    now: shopper?.now ?? new Date(),
    ...(shopper
      ? {
          memberDiscountBp: shopper.member.level.discountBp,
          coupons: shopper.coupons,
          couponId: shopper.couponId,
          points: { requested: shopper.usePoints ?? 0, balance: shopper.member.points, settings: shopper.member.settings },
        }
      : { couponId: null }),
  });
  const applied = pricing.coupon;
  const amounts: Amounts = {
    subtotal: pricing.subtotal,
    discountTotal: pricing.discountTotal,
    freight: pricing.freight,
    payable: pricing.payable,
    discounts: pricing.discounts,
    ...(shopper
      ? {
          member: {
            levelIndex: shopper.member.level.index,
            levelName: shopper.member.level.name,
            discountBp: shopper.member.level.discountBp,
          },
        }
      : {}),
    coupon: applied
      ? {
          couponId: applied.coupon._id,
          templateId: applied.coupon.templateId,
          name: applied.coupon.name,
          summary: ruleSummary(applied.coupon.rule),
          scopeText: scopeText(applied.coupon.scope),
          discount: pricing.discounts.coupon,
        }
      : null,
    pointsUsed: pricing.points.used,
  };
  return {
    lines: lines.map((l, i) => {
      const p = pricing.lines[i]!;
      return {
        skuId: l.sku._id,
        spuId: l.spu._id,
        title: l.spu.title,
        image: l.sku.image || (l.spu.images[0] ?? ''),
        specValues: l.sku.specValues,
        unitPrice: p.unitPrice,
        quantity: p.quantity,
        subtotal: p.subtotal,
        discounts: p.discounts,
        payable: p.payable,
      };
    }),
    amounts,
    pricing,
  };
}
