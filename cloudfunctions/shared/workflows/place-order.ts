import { ErrorCode } from '../../../typings/common.js';
import type { AddressDoc } from '../model/address.js';
import type { SkuDoc, SpuDoc } from '../model/catalog.js';
import { ORDERS, type OrderDoc } from '../model/order.js';
import { addressBinding, orderAddressBinding, rebindField } from '../platform/field-crypto.js';
import { ShopError, notFound } from '../rules/errors.js';
import type { SoldOutMemory } from '../rules/sold-out-memory.js';
import { readSkus, readSpus } from '../store/catalog-reads.js';
import { db } from '../store/db.js';
import { existingOrder } from '../store/order-records.js';
import { holdStock as holdSkuStock, keepHolds, returnHold } from '../store/stock-holds.js';
import { isDuplicateKey } from '../store/transactions.js';
import { Holdings } from './holdings.js';
import { settleFreeOrder } from './payment-settlement.js';

/**
 * Placing an order, however it is bought: cart checkout (`order.create`), a flash sale (`flashsale.buy`) or a
 * group-buy seat (`groupbuy.open` / `join`). Every way runs `placeOrder` with steps of its own.
 */

export interface PlacementRequest {
  openid: string;
  idempotencyKey: string;
  /** `requestFingerprint` of what was asked: an order under the same key must have been asked the same. */
  fingerprint: string;
  now: Date;
}

export interface Placement<F> {
  request: PlacementRequest;
  /** What this instance may have seen sold out (SKUs, a flash sale), and the refusal to answer for it. */
  soldOut?: { memory: SoldOutMemory; ids: string[]; refusal: () => ShopError };
  /** The reads that start the attempt, in the same round trip as the retry check. */
  firstRead: () => Promise<F>;
  /** The way's own steps: refusals, holdings taken with their give-backs, and the order written. */
  place: (first: F, holdings: Holdings) => Promise<OrderDoc>;
  /** Refusals that may come from the same key racing itself (the winner holds the coupon, points or seat). */
  racedBy?: (err: ShopError) => boolean;
}

/**
 * Places an order by the skeleton every way of buying runs:
 *
 * 1. a retry with the same idempotency key gets its order back (an order is never placed twice);
 * 2. what this instance saw sold out a moment ago is refused after that one check (a rush costs one read per loser);
 * 3. the way's own steps refuse what cannot be bought, then take what the order holds (stock, promotion units, a
 *    quota, a seat), each step paired with the step that gives it back, and write the order;
 * 4. when a step fails, everything taken so far is given back, latest first; when the failure says the same key
 *    raced itself (a duplicate key, or a refusal caused by the winner holding what this attempt wanted), the
 *    winner's order is the answer.
 *
 * It answers the order: new, retried, or the winner of a race on the same key. An order with nothing to pay (coupons
 * and points cover it all) is paid at once, without WeChat Pay, which refuses 0 fen (`settleFreeOrder`).
 */
export async function placeOrder<F>(placement: Placement<F>): Promise<OrderDoc> {
  const order = await placeUnpaidOrder(placement);
  if (order.amounts.payable !== 0 || order.status !== 'pending_payment') return order;
  return (await settleFreeOrder(order._id, placement.request.now)) ?? order;
}

async function placeUnpaidOrder<F>(placement: Placement<F>): Promise<OrderDoc> {
  const { request, soldOut } = placement;
  const { openid, idempotencyKey, now } = request;
  const earlier = async (): Promise<OrderDoc | undefined> =>
    sameRequest(await existingOrder(openid, idempotencyKey), request.fingerprint);
  if (soldOut?.ids.some((id) => soldOut.memory.has(id, now))) {
    // Sold out a moment ago: only a retry of an order that got through still deserves an answer other than no.
    const retried = await earlier();
    if (retried) return retried;
    throw soldOut.refusal();
  }
  const [again, first] = await Promise.all([earlier(), placement.firstRead()]);
  if (again) return again;
  const holdings = new Holdings();
  try {
    const order = await placement.place(first, holdings);
    await holdings.keepAll();
    return order;
  } catch (err) {
    await holdings.giveBackAll();
    if (isDuplicateKey(err) || (err instanceof ShopError && placement.racedBy?.(err))) {
      const winner = await earlier();
      if (winner) return winner;
    }
    throw err;
  }
}

/**
 * The order made earlier with the same idempotency key, if any, when it was asked for what this request asks; another
 * order under the same key is refused (CONFLICT), as payment APIs do, rather than answered as if it were this one.
 */
function sameRequest(order: OrderDoc | undefined, fingerprint: string): OrderDoc | undefined {
  if (order?.requestFingerprint && order.requestFingerprint !== fingerprint) {
    throw new ShopError(ErrorCode.CONFLICT, '该请求编号已用于另一笔订单，请重新下单');
  }
  return order;
}

/** Writes the order, the last step of a placement outside a transaction (a duplicate key: the same key won already). */
export async function addOrder(order: OrderDoc): Promise<OrderDoc> {
  await db.collection(ORDERS).add({ data: order });
  return order;
}

/** A line's units to hold; with `price`, only while the SKU still sells at it (the price the order was made at). */
export interface HeldLine {
  skuId: string;
  quantity: number;
  price?: number;
}

/**
 * Takes the lines' units for order `orderId`, each by one conditional write on its SKU, all at once (no transaction),
 * or refuses with `refusal(line)` for a line short of stock, having given back the others. Given back if a later step
 * fails, or by the timer if the instance dies first; once the order is written, the holds' evidence is dropped from
 * every SKU in one call (store/stock-holds.ts).
 */
export function holdStock(
  holdings: Holdings,
  hold: { orderId: string; now: Date; lines: HeldLine[] },
  refusal: (line: HeldLine) => ShopError | Promise<ShopError>,
): Promise<void> {
  const { orderId, now, lines } = hold;
  const giveBack = (given: typeof lines) => Promise.all(given.map((l) => returnHold(l.skuId, orderId, l.quantity)));
  return holdings.take(
    'stock',
    async () => {
      const outcomes = await Promise.allSettled(
        lines.map(async (line) => {
          if (!(await holdSkuStock(line.skuId, orderId, line.quantity, now, line.price))) throw await refusal(line);
        }),
      );
      const refused = outcomes.find((o) => o.status === 'rejected');
      if (!refused) return;
      // Not given back now (a failed write), the timer gives them back later: the hold is still on the SKU.
      await giveBack(lines.filter((_line, i) => outcomes[i]!.status === 'fulfilled')).catch((err: unknown) =>
        console.error(`could not give back the stock held for ${orderId}`, err),
      );
      throw refused.reason;
    },
    () => giveBack(lines),
    () =>
      keepHolds(
        lines.map((l) => l.skuId),
        orderId,
      ),
  );
}

/** The caller's address (another shopper's answers NOT_FOUND), read before anything is taken. */
export async function ownAddress(addressId: string, openid: string): Promise<AddressDoc> {
  const address = (await db.collection<AddressDoc>('addresses').where({ _id: addressId, openid }).limit(1).get()).data[0];
  if (!address) throw notFound('收货地址');
  return address;
}

/**
 * The address as order `orderId` keeps it: phone and street re-encrypted under the order's own binding (field-crypto.ts),
 * so the snapshot decrypts only as that order's. One that does not decrypt (moved, tampered with) is refused.
 */
export function addressForOrder(address: AddressDoc, orderId: string): AddressDoc {
  try {
    return {
      ...address,
      phone: rebindField(address.phone, addressBinding(address._id, 'phone'), orderAddressBinding(orderId, 'phone')),
      detail: rebindField(address.detail, addressBinding(address._id, 'detail'), orderAddressBinding(orderId, 'detail')),
    };
  } catch (err) {
    console.error(`[order] address ${address._id} cannot be read for order ${orderId}`, err);
    throw new ShopError(ErrorCode.INVALID_STATE, '收货地址无法读取，请重新编辑该地址后再下单');
  }
}

/** The SKU and its SPU, on shelf, or NOT_FOUND. */
export function onShelf(sku: SkuDoc | undefined, spus: Map<string, SpuDoc>): { sku: SkuDoc; spu: SpuDoc } {
  const spu = sku && spus.get(sku.spuId);
  if (!sku || !spu || spu.status !== 'on_shelf') throw new ShopError(ErrorCode.NOT_FOUND, '商品已下架或不存在');
  return { sku, spu };
}

/** One SKU of a promotion and its SPU, on shelf (NOT_FOUND otherwise): two reads. */
export async function promotedSku(skuId: string): Promise<{ sku: SkuDoc; spu: SpuDoc }> {
  const skus = await readSkus([skuId]);
  return onShelf(skus.get(skuId), await readSpus([...skus.values()].map((s) => s.spuId)));
}
