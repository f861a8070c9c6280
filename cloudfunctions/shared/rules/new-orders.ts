import { createHash } from 'node:crypto';
import type { Amounts, PricedLine } from '../../../typings/order.js';
import { type AddressDoc } from '../model/address.js';
import { type SkuDoc, type SpuDoc } from '../model/catalog.js';
import { type OrderDoc, type OrderPromotion } from '../model/order.js';
import { priceLines } from './checkout-pricing.js';

/**
 * New orders before they are written: order numbers, the payment window, and the unpaid order document however it was
 * bought. Pure: workflows/place-order.ts and its users write them.
 */

/** yyyyMMddHHmmss in China time (UTC+8): how order numbers start, and how WeChat Pay writes times. */
export function chinaTimestamp(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().replace(/\D/g, '').slice(0, 14);
}

/** Order numbers double as WeChat Pay's outTradeNo: ≤ 32 characters of [0-9A-Za-z]. Time first, so they sort. */
export function newOrderId(now: Date, random: () => number = Math.random): string {
  return `${chinaTimestamp(now)}${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
}

/**
 * What a request to place an order asked for, apart from its idempotency key: the way of buying and every parameter
 * (canonical JSON, so key order does not matter, hashed). A retry sends the same; another order sent under the same
 * key does not, and is refused instead of being answered with the first order.
 */
export function requestFingerprint(way: 'cart' | 'flash_sale' | 'group_open' | 'group_join', input: object): string {
  const { idempotencyKey: _key, ...asked } = input as Record<string, unknown>;
  return createHash('sha256').update(canonicalJson({ way, asked })).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** How long an order waits for payment before the timer cancels it (`ORDER_PAYMENT_MINUTES`, default 30). */
export const PAYMENT_MINUTES = Number(process.env.ORDER_PAYMENT_MINUTES ?? 30);

/**
 * A new order waiting for payment, however it was bought (cart checkout, flash sale, group-buy): the priced lines, the
 * address snapshot exactly as the address book stores it (phone and street stay encrypted), and its first history entry.
 */
export function pendingOrder(o: {
  orderId: string;
  openid: string;
  idempotencyKey: string;
  /** `requestFingerprint` of the request that placed it. */
  requestFingerprint: string;
  priced: { lines: PricedLine[]; amounts: Amounts };
  address: Pick<AddressDoc, 'name' | 'phone' | 'province' | 'city' | 'district' | 'detail'>;
  remark?: string;
  now: Date;
  /** Default: PAYMENT_MINUTES from now. */
  expiresAt?: Date;
}): OrderDoc {
  const { address, now } = o;
  return {
    _id: o.orderId,
    openid: o.openid,
    idempotencyKey: o.idempotencyKey,
    requestFingerprint: o.requestFingerprint,
    status: 'pending_payment',
    lines: o.priced.lines,
    amounts: o.priced.amounts,
    address: {
      name: address.name,
      phone: address.phone,
      province: address.province,
      city: address.city,
      district: address.district,
      detail: address.detail,
    },
    remark: o.remark ?? '',
    createdAt: now,
    expiresAt: o.expiresAt ?? new Date(now.getTime() + PAYMENT_MINUTES * 60_000),
    history: [{ event: 'create', from: null, to: 'pending_payment', actor: 'shopper', at: now }],
  };
}

export interface PromotionOrderInput {
  orderId: string;
  openid: string;
  idempotencyKey: string;
  requestFingerprint: string;
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
 * The order of one promotion line, priced by the shop's one pricing path (`priceLines`, rules/checkout-pricing.ts):
 * the line at the SKU's price, `(price − promotion price) × quantity` as its `promotion` discount, freight by the
 * shop's rule on what is paid for the goods; the address snapshot exactly as order.create takes it (phone and street
 * stay encrypted).
 */
export function promotionOrder(input: PromotionOrderInput): OrderDoc {
  const { sku, spu, quantity, address, now } = input;
  const unitPrice = Math.min(input.unitPrice, sku.price);
  // No shopper: list price less the promotion, freight on the goods at the promotion price; no coupon, level or points.
  const priced = priceLines([{ sku, spu, quantity, promotion: (sku.price - unitPrice) * quantity }]);
  return {
    ...pendingOrder({
      orderId: input.orderId,
      openid: input.openid,
      idempotencyKey: input.idempotencyKey,
      requestFingerprint: input.requestFingerprint,
      priced,
      address,
      remark: input.remark,
      now,
      expiresAt: input.expiresAt,
    }),
    promotion: input.promotion,
  };
}
