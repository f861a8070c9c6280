import { isDeepStrictEqual } from 'node:util';
import { ErrorCode } from '../../../typings/common.js';
import type { CreateInput } from '../../../typings/order.js';
import type { SkuDoc, SpuDoc } from '../model/catalog.js';
import type { OrderDoc } from '../model/order.js';
import { priceLines } from '../rules/checkout-pricing.js';
import { ShopError } from '../rules/errors.js';
import { newOrderId, pendingOrder, requestFingerprint } from '../rules/new-orders.js';
import { SoldOutMemory } from '../rules/sold-out-memory.js';
import { readSpus, readSkus } from '../store/catalog-reads.js';
import { lockCoupon } from '../store/coupon-wallet.js';
import { _, db } from '../store/db.js';
import { spendForOrder } from '../store/points-ledger.js';
import { withRetries } from '../store/transactions.js';
import { categoryParents, loadShopper } from './checkout.js';
import { addressForOrder, ownAddress, placeOrder } from './place-order.js';

/** A cart checkout's order (`order.create`): its stock, coupon and points held and the order written in one transaction. */

/** Enough retries for hundreds of shoppers on one SKU: about 4 s of back-off at most, within the 20 s timeout (config.json). */
const CONTENDED_ATTEMPTS = 60;

/** SKUs this instance saw with no stock, refused for a moment without reading them. */
const soldOutSkus = new SoldOutMemory();

/**
 * Places the order of a cart checkout (`order.create`). It is priced from a first read of the SKUs and SPUs with the
 * shopper's level, coupon and points (as the preview prices the same input), then one transaction decrements the
 * stock and reads it back (one query for all lines), locks the coupon to the order, spends the points and adds the
 * order (with the breakdown and the address snapshot). A price or title that changed between the read and the
 * transaction refuses with CONFLICT. Stock therefore never goes negative, an order always holds exactly what it
 * reserved at the price it shows, and a coupon or points are never held without their order. Everything is taken
 * inside the transaction, so a failure gives back nothing by hand: the transaction's writes simply do not land.
 */
export function placeCartOrder(input: CreateInput, request: { openid: string; now: Date }): Promise<OrderDoc> {
  const { openid, now } = request;
  const skuIds = input.lines.map((l) => l.skuId);
  const fingerprint = requestFingerprint('cart', input);
  return placeOrder({
    request: { openid, now, idempotencyKey: input.idempotencyKey, fingerprint },
    // Under a rush on one SKU nearly every attempt after the stock runs out ends after one query (the retry check)
    // when this instance saw the SKU sold out a moment ago, else after two (and the SKUs), without a lock.
    soldOut: { memory: soldOutSkus, ids: skuIds, refusal: () => new ShopError(ErrorCode.OUT_OF_STOCK, '所选商品已售罄') },
    firstRead: () => readSkus(skuIds),
    // A race on one key with a coupon or points fails in pricing, lockCoupon or spendForOrder (the winner's order
    // holds them), so those refusals look for the winner first.
    racedBy: (err) => err.code === ErrorCode.INVALID_STATE,
    place: async (stocked) => {
      for (const line of input.lines) refuseShortStock(stocked.get(line.skuId), line.quantity, now);
      // The shopper's level, coupons and points only once there is stock to sell: refused attempts stay at two queries.
      const [address, spus, shopper] = await Promise.all([
        ownAddress(input.addressId, openid),
        readSpus([...stocked.values()].map((s) => s.spuId)),
        loadShopper({ openid, now, couponId: input.couponId, usePoints: input.usePoints }),
      ]);
      for (const line of input.lines) {
        const problem = unbuyable(stocked.get(line.skuId), spus, line.quantity);
        if (problem) throw problem;
      }
      shopper.parents = await categoryParents(spus.values(), shopper.coupons);

      // Priced before the transaction: a coupon that does not apply or points beyond the balance are refused here,
      // without taking a lock on the stock, and the order can be written in the same round trip as the stock read-back.
      const orderId = newOrderId(now);
      const priced = priceLines(
        input.lines.map((line) => ({
          sku: stocked.get(line.skuId)!,
          spu: spus.get(stocked.get(line.skuId)!.spuId)!,
          quantity: line.quantity,
        })),
        shopper,
      );
      const { coupon, points } = priced.pricing;
      const doc = pendingOrder({
        orderId,
        openid,
        idempotencyKey: input.idempotencyKey,
        requestFingerprint: fingerprint,
        priced,
        address: addressForOrder(address, orderId),
        remark: input.remark,
        now,
      });
      return withRetries(
        db,
        async (tx) => {
          // The contended writes come first: a transaction that lost the race for a hot SKU fails at its first write,
          // having cost two round trips, instead of after reading and writing everything else.
          await Promise.all(
            input.lines.map((line) =>
              tx
                .collection('skus')
                .doc(line.skuId)
                .update({ data: { stock: _.inc(-line.quantity) } }),
            ),
          );
          // Then everything else at once, each refusing on its own (a throw aborts the transaction: nothing it wrote
          // lands): the SKUs read back (the transaction sees its own decrement, so a negative stock means too few
          // left), the coupon locked (re-read inside: one another order took meanwhile refuses), the points spent (the
          // balance must still cover them) and the order added.
          const [current, locked] = await Promise.all([
            tx
              .collection<SkuDoc>('skus')
              .where({ _id: _.in(skuIds) })
              .get(),
            coupon && lockCoupon(tx, { openid, couponId: coupon.coupon._id, orderId, now, lines: priced.pricing.couponLines }),
            points.used ? spendForOrder({ openid, orderId, at: now, points: points.used }, tx) : undefined,
            tx.collection('orders').add({ data: doc }),
          ]);
          const skus = new Map(current.data.map((s) => [s._id, s]));
          const reserved = input.lines.map((line) => {
            const after = skus.get(line.skuId);
            const sku = after && { ...after, stock: after.stock + line.quantity };
            const problem = unbuyable(sku, spus, line.quantity);
            if (problem) throw problem;
            return { sku: sku!, spu: spus.get(sku!.spuId)!, quantity: line.quantity };
          });
          // The order holds what the transaction reserved: a price or title changed since the first read refuses.
          const repriced = priceLines(reserved, shopper);
          if (!isDeepStrictEqual(repriced.lines, priced.lines) || !isDeepStrictEqual(repriced.amounts, priced.amounts)) {
            throw new ShopError(ErrorCode.CONFLICT, '商品信息已变化，请重新确认订单');
          }
          if (locked && locked.quote.discount !== coupon!.quote.discount)
            throw new ShopError(ErrorCode.CONFLICT, '优惠券已变化，请重新确认订单');
          return doc;
        },
        // Under a rush every attempt retries until it gets the stock or sees none left, rather than giving up with CONFLICT.
        CONTENDED_ATTEMPTS,
      );
    },
  });
}

function unbuyable(sku: SkuDoc | undefined, spus: Map<string, SpuDoc>, quantity: number): ShopError | undefined {
  const spu = sku && spus.get(sku.spuId);
  if (!sku || !spu || spu.status !== 'on_shelf') return new ShopError(ErrorCode.NOT_FOUND, '商品已下架或不存在');
  if (sku.stock < quantity)
    return new ShopError(
      ErrorCode.OUT_OF_STOCK,
      sku.stock ? `「${spu.title}」库存仅剩 ${sku.stock} 件` : `「${spu.title}」已售罄`,
    );
  return undefined;
}

/** What can be refused from the SKUs alone: unknown SKUs and short stock (titles come later, with the SPUs). */
function refuseShortStock(sku: SkuDoc | undefined, quantity: number, now: Date): void {
  if (!sku) throw new ShopError(ErrorCode.NOT_FOUND, '商品已下架或不存在');
  if (sku.stock < quantity) {
    if (sku.stock <= 0) soldOutSkus.remember(sku._id, now);
    const spec = Object.values(sku.specValues).join(' / ');
    const what = spec ? `所选规格（${spec}）` : '该商品';
    throw new ShopError(ErrorCode.OUT_OF_STOCK, sku.stock > 0 ? `${what}库存仅剩 ${sku.stock} 件` : `${what}已售罄`);
  }
}
