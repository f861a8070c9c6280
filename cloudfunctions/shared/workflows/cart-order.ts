import { ErrorCode } from '../../../typings/common.js';
import type { CreateInput } from '../../../typings/order.js';
import type { SkuDoc } from '../model/catalog.js';
import type { OrderDoc } from '../model/order.js';
import { priceLines } from '../rules/checkout-pricing.js';
import { ShopError } from '../rules/errors.js';
import { newOrderId, pendingOrder, requestFingerprint } from '../rules/new-orders.js';
import { SoldOutMemory } from '../rules/sold-out-memory.js';
import { readSpus, readSkus } from '../store/catalog-reads.js';
import { lockCoupon } from '../store/coupon-wallet.js';
import { db, type Transaction } from '../store/db.js';
import { spendForOrder } from '../store/points-ledger.js';
import { isConflict, isDuplicateKey, withRetries } from '../store/transactions.js';
import { categoryParents, loadShopper } from './checkout.js';
import { addressForOrder, holdStock, onShelf, ownAddress, placeOrder } from './place-order.js';

/** A cart checkout's order (`order.create`): stock held per line, then the order written, with its coupon and points. */

/** SKUs this instance saw with no stock, refused for a moment without reading them. */
const soldOutSkus = new SoldOutMemory();

/**
 * Places the order of a cart checkout (`order.create`) in four sequential round trips, five with a coupon or points:
 *
 * 1. the retry check with the SKUs (short stock refuses here);
 * 2. each line's units held at the price just read, by one conditional write on its SKU (store/stock-holds.ts), while
 *    the address, SPUs, member level, coupons and points are read (and, with a coupon or points, a transaction starts);
 * 3. priced from those reads (as the preview prices the same input), the order added (with the breakdown and the
 *    address snapshot); with a coupon or points, in the transaction, together with the coupon locked to the order
 *    and the points spent, and
 * 4. with a coupon or points, the commit, which makes the order, its coupon and points one decision;
 * 5. the holds' evidence dropped from the SKUs, in one call.
 *
 * The stock is never in a transaction, so the sales of a hot SKU do not conflict with each other, and it never goes
 * negative (the hold is conditional). The order's write decides the held units: a failure before it gives them back
 * at once; a failure whose outcome is unknown (the write's answer lost), or an instance that dies first, leaves them to
 * the timer, which gives back the holds without an order.
 * A price changed since the first read refuses with CONFLICT: the order holds its units at the price it shows.
 */
export function placeCartOrder(input: CreateInput, request: { openid: string; now: Date }): Promise<OrderDoc> {
  const { openid, now } = request;
  const skuIds = input.lines.map((l) => l.skuId);
  const fingerprint = requestFingerprint('cart', input);
  return placeOrder({
    request: { openid, now, idempotencyKey: input.idempotencyKey, fingerprint },
    // Under a rush on one SKU nearly every attempt after the stock runs out ends after one query (the retry check)
    // when this instance saw the SKU sold out a moment ago, else after two (and the SKUs), without taking anything.
    soldOut: { memory: soldOutSkus, ids: skuIds, refusal: () => new ShopError(ErrorCode.OUT_OF_STOCK, '所选商品已售罄') },
    firstRead: () => readSkus(skuIds),
    // A race on one key with a coupon or points fails in pricing, lockCoupon or spendForOrder (the winner's order
    // holds them), so those refusals look for the winner first.
    racedBy: (err) => err.code === ErrorCode.INVALID_STATE,
    place: async (stocked, holdings) => {
      for (const line of input.lines) {
        const short = shortStock(stocked.get(line.skuId), line.quantity, now);
        if (short) throw short;
      }
      const orderId = newOrderId(now);
      // The units, and everything the price depends on, at once: on the platform every round trip costs several
      // milliseconds, so the reads cost none on the way to the order. Both are awaited inside the transaction; they
      // are marked handled now, so a refusal that comes before that is not "unhandled".
      // Held at the price of the first read, which prices the order: a price changed since refuses.
      const held = holdStock(
        holdings,
        { orderId, now, lines: input.lines.map((l) => ({ ...l, price: stocked.get(l.skuId)!.price })) },
        async (line) => {
          // Why not: read the SKU again to say how many are left, or that its price changed.
          const sku = (await readSkus([line.skuId])).get(line.skuId);
          const short = shortStock(sku, line.quantity, now);
          if (short) return short;
          if (sku!.price !== line.price) return new ShopError(ErrorCode.CONFLICT, '商品信息已变化，请重新确认订单');
          return new ShopError(ErrorCode.OUT_OF_STOCK, '库存紧张，请稍后再试');
        },
      );
      const context = (async () => {
        const [address, spus, shopper] = await Promise.all([
          ownAddress(input.addressId, openid),
          readSpus([...stocked.values()].map((s) => s.spuId)),
          loadShopper({ openid, now, couponId: input.couponId, usePoints: input.usePoints }),
        ]);
        shopper.parents = await categoryParents(spus.values(), shopper.coupons);
        return { address, spus, shopper };
      })();
      held.catch(() => undefined);
      context.catch(() => undefined);

      let writing = false;
      const writeOrder = async (tx?: Transaction): Promise<OrderDoc> => {
        const [{ address, spus, shopper }] = await Promise.all([context, held]);
        const priced = priceLines(
          input.lines.map((line) => ({ ...onShelf(stocked.get(line.skuId), spus), quantity: line.quantity })),
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
        writing = true;
        if (!tx) {
          await db.collection('orders').add({ data: doc });
          return doc;
        }
        // Everything at once, each refusing on its own (a throw aborts the transaction: nothing it wrote lands): the
        // coupon locked (re-read inside: one another order took meanwhile refuses), the points spent (the balance
        // must still cover them) and the order added.
        const [locked] = await Promise.all([
          coupon && lockCoupon(tx, { openid, couponId: coupon.coupon._id, orderId, now, lines: priced.pricing.couponLines }),
          points.used ? spendForOrder({ openid, orderId, at: now, points: points.used }, tx) : undefined,
          tx.collection('orders').add({ data: doc }),
        ]);
        if (locked && locked.quote.discount !== coupon!.quote.discount)
          throw new ShopError(ErrorCode.CONFLICT, '优惠券已变化，请重新确认订单');
        return doc;
      };
      // Without a coupon or points (the checkout page says so: `couponId: null`, no `usePoints`), the order is one
      // write and needs no transaction; otherwise it starts now, beside the holds and the reads.
      try {
        return await (input.couponId === null && !input.usePoints ? writeOrder() : withRetries(db, writeOrder));
      } catch (err) {
        // Whatever failed (the reads, pricing, the transaction), the holds settle before the refusal goes up to be
        // given back: a hold that landed after its give-back ran would keep its units until the timer.
        await held.catch(() => undefined);
        // A failure that may have come after the order landed (the database's answer lost, a commit without an answer)
        // leaves the units to the timer, which gives them back only if the order does not exist: given back now, an
        // order that did land would hold units the SKU sells again.
        if (writing && mayHaveLanded(err)) holdings.leave('stock');
        throw err;
      }
    },
  });
}

/** Not a refusal of ours, a lost transaction or a duplicate key: the write's outcome is unknown. */
function mayHaveLanded(err: unknown): boolean {
  return !(err instanceof ShopError) && !isConflict(err) && !isDuplicateKey(err);
}

/** What can be refused from a SKU alone: unknown, or fewer units than asked (a SKU seen with none is remembered). */
function shortStock(sku: SkuDoc | undefined, quantity: number, now: Date): ShopError | undefined {
  if (!sku || sku.removedAt) return new ShopError(ErrorCode.NOT_FOUND, '商品已下架或不存在');
  if (sku.stock >= quantity) return undefined;
  if (sku.stock <= 0) soldOutSkus.remember(sku._id, now);
  const spec = Object.values(sku.specValues).join(' / ');
  const what = spec ? `所选规格（${spec}）` : '该商品';
  return new ShopError(ErrorCode.OUT_OF_STOCK, sku.stock > 0 ? `${what}库存仅剩 ${sku.stock} 件` : `${what}已售罄`);
}
