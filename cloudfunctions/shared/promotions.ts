import { ErrorCode } from '../../typings/common.js';
import type { AddressDoc } from './addresses.js';
import type { SkuDoc, SpuDoc } from './catalog.js';
import { priceLines } from './checkout.js';
import { type Transaction, _, db } from './db.js';
import { ShopError, notFound } from './errors.js';
import { type OrderDoc, type OrderPromotion, pendingOrder } from './orders.js';

/**
 * What flash sales (秒杀) and group-buys (拼团) share: the order a promotion creates is an ordinary `orders` document
 * (so pay, cancel, the jobs timer, order lists and the admin work on it unchanged) with a `promotion` field; its
 * lines are priced at the SKU's price with the difference shown as a `promotion` discount (shared/pricing.ts).
 */

export const FLASH_SALES = 'flash_sales';
/** One counter per shopper and flash sale, `_id` `${flashSaleId}:${openid}`: the per-user limit's atomic guard. */
export const FLASH_SALE_BUYERS = 'flash_sale_buyers';

export interface FlashSaleDoc {
  _id: string;
  skuId: string;
  /** Shown in lists; the SPU's title when empty. */
  title: string;
  /** Flash price per unit, fen. */
  price: number;
  /** Units the sale started with; `remaining` moves only by conditional increments, never below 0. */
  stock: number;
  remaining: number;
  perUser: number;
  startAt: Date;
  endAt: Date;
  status: 'active' | 'disabled';
  createdAt: Date;
  updatedAt: Date;
}

export interface FlashSaleBuyerDoc {
  _id: string;
  flashSaleId: string;
  openid: string;
  /** Units held by the shopper's live orders (unpaid or paid); cancel, timeout and refund give them back. */
  bought: number;
}

export const buyerKey = (flashSaleId: string, openid: string) => `${flashSaleId}:${openid}`;

/** The caller's address (another shopper's answers NOT_FOUND), read before anything is taken. */
export async function ownAddress(addressId: string, openid: string): Promise<AddressDoc> {
  const address = (await db.collection<AddressDoc>('addresses').where({ _id: addressId, openid }).limit(1).get()).data[0];
  if (!address) throw notFound('收货地址');
  return address;
}

/** The SKU and its SPU, on shelf, or NOT_FOUND. */
export function onShelf(sku: SkuDoc | undefined, spus: Map<string, SpuDoc>): { sku: SkuDoc; spu: SpuDoc } {
  const spu = sku && spus.get(sku.spuId);
  if (!sku || !spu || spu.status !== 'on_shelf') throw new ShopError(ErrorCode.NOT_FOUND, '商品已下架或不存在');
  return { sku, spu };
}

export interface PromotionOrderInput {
  orderId: string;
  openid: string;
  idempotencyKey: string;
  sku: SkuDoc;
  spu: SpuDoc;
  quantity: number;
  /** The promotion's price per unit; never above the SKU's own price. */
  unitPrice: number;
  promotion: OrderPromotion;
  address: AddressDoc;
  remark?: string;
  now: Date;
  /** Defaults to the payment window; a group member's ends with the group at the latest. */
  expiresAt?: Date;
}

/**
 * The order of one promotion line, priced by the shop's one pricing path (checkout.ts `priceLines`): the line at the
 * SKU's price, `(price − promotion price) × quantity` as its `promotion` discount, freight by the shop's rule on what
 * is paid for the goods; the address snapshot exactly as order.create takes it (phone and street stay encrypted).
 */
export function promotionOrder(input: PromotionOrderInput): OrderDoc {
  const { sku, spu, quantity, address, now } = input;
  const unitPrice = Math.min(input.unitPrice, sku.price);
  // No shopper: list price less the promotion, freight on the goods at the promotion price; no coupon, level or points.
  const priced = priceLines([{ sku, spu, quantity, promotion: (sku.price - unitPrice) * quantity }]);
  return {
    ...pendingOrder({ orderId: input.orderId, openid: input.openid, idempotencyKey: input.idempotencyKey, priced, address, remark: input.remark, now, expiresAt: input.expiresAt }),
    promotion: input.promotion,
  };
}

/**
 * Undoes one step of an attempt that could not finish. A failure here leaves a count too low (a unit or seat nobody
 * can take), never too many sold; it is logged for the merchant.
 */
export async function giveBack(what: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    console.error(`promotion: could not give back the ${what}`, err);
  }
}

/**
 * Order effect (order-effects.ts): a flash-sale order's units go back to the flash sale and to the shopper's
 * per-user count, not to the SKU (the sale has its own stock). Answers whether the order was a flash-sale order.
 */
export async function returnFlashSaleUnits(tx: Transaction, order: OrderDoc): Promise<boolean> {
  const promotion = order.promotion;
  if (promotion?.kind !== 'flash_sale') return false;
  await tx.collection(FLASH_SALES).doc(promotion.flashSaleId).update({ data: { remaining: _.inc(promotion.quantity) } });
  await tx.collection(FLASH_SALE_BUYERS).doc(buyerKey(promotion.flashSaleId, order.openid)).update({ data: { bought: _.inc(-promotion.quantity) } });
  return true;
}
