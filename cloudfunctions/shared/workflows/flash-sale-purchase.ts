import { ErrorCode } from '../../../typings/common.js';
import type { FlashSaleBuyInput } from '../../../typings/flashsale.js';
import type { OrderDoc } from '../model/order.js';
import { FLASH_SALES, FLASH_SALE_BUYERS, type FlashSaleBuyerDoc, type FlashSaleDoc, buyerKey } from '../model/promotion.js';
import { ShopError, notFound } from '../rules/errors.js';
import { newOrderId, promotionOrder, requestFingerprint } from '../rules/new-orders.js';
import { flashSaleClosed } from '../rules/promotion-state.js';
import { SoldOutMemory } from '../rules/sold-out-memory.js';
import { _, db } from '../store/db.js';
import { giveBackUnsoldUnits } from '../store/flash-sale-units.js';
import { isDuplicateKey } from '../store/transactions.js';
import { type Holdings } from './holdings.js';
import { addOrder, addressForOrder, ownAddress, placeOrder, promotedSku } from './place-order.js';

/** Buying at a flash sale's price (`flashsale.buy`): an order placed without a transaction (place-order.ts). */

const sales = () => db.collection<FlashSaleDoc>(FLASH_SALES);
const buyers = () => db.collection<FlashSaleBuyerDoc>(FLASH_SALE_BUYERS);

/** Flash sales this instance saw sold out, refused for a moment without reading them. */
const soldOutSales = new SoldOutMemory();
const soldOut = () => new ShopError(ErrorCode.OUT_OF_STOCK, '已抢光');
const limitReached = (perUser: number) => new ShopError(ErrorCode.INVALID_STATE, `已达限购数量（每人限购 ${perUser} 件）`);

/**
 * Buys at the flash price (`flashsale.buy`): an ordinary unpaid order (pay it with `pay.create`; cancelled or timed
 * out, its units go back to the sale, or to the SKU once the sale has ended). No transaction: the per-user quota is
 * taken first, then the units by one conditional decrement of the sale's `remaining` (`where remaining >= quantity`),
 * then the order is written; a step that fails gives back what the earlier ones took (place-order.ts). So the sale
 * never sells more than the units it took from the SKU when it was scheduled, nor a shopper more than the limit, and
 * under a rush a losing attempt costs a few single-document operations, or one (the retry check) once this instance
 * saw the sale sold out.
 */
export function buyFlashSale(input: FlashSaleBuyInput, request: { openid: string; now: Date }): Promise<OrderDoc> {
  const { flashSaleId, quantity } = input;
  const { openid, now } = request;
  const fingerprint = requestFingerprint('flash_sale', input);
  return placeOrder({
    request: { openid, now, idempotencyKey: input.idempotencyKey, fingerprint },
    soldOut: { memory: soldOutSales, ids: [flashSaleId], refusal: soldOut },
    firstRead: async () => (await sales().doc(flashSaleId).get()).data,
    place: async (sale, holdings) => {
      if (!sale) throw notFound('秒杀活动');
      const refusal = flashSaleClosed(sale, now);
      if (refusal) throw refusal;
      if (quantity > sale.perUser) throw limitReached(sale.perUser);
      if (sale.remaining < quantity) throw noneLeft(flashSaleId, sale.remaining, now);

      // Everything that can refuse without taking anything, before anything is taken.
      const [address, { sku, spu }] = await Promise.all([ownAddress(input.addressId, openid), promotedSku(sale.skuId)]);
      const orderId = newOrderId(now);
      const orderAddress = addressForOrder(address, orderId);
      await takeQuota(holdings, sale, openid, quantity);
      await takeUnits(holdings, sale, quantity, now);
      return addOrder(
        promotionOrder({
          orderId,
          openid,
          idempotencyKey: input.idempotencyKey,
          requestFingerprint: fingerprint,
          sku,
          spu,
          quantity,
          unitPrice: sale.price,
          promotion: { kind: 'flash_sale', flashSaleId, unitPrice: Math.min(sale.price, sku.price), quantity },
          address: orderAddress,
          remark: input.remark,
          now,
        }),
      );
    },
  });
}

/** Not enough units left: how many are, or 已抢光 (remembered for a moment) when none. */
function noneLeft(flashSaleId: string, remaining: number, now: Date): ShopError {
  if (remaining > 0) return new ShopError(ErrorCode.OUT_OF_STOCK, `仅剩 ${remaining} 件`);
  soldOutSales.remember(flashSaleId, now);
  return soldOut();
}

/**
 * Takes `quantity` of the caller's `perUser` units, never passing the limit however many attempts race: the first
 * buy creates the caller's counter (a racing one loses on the `_id`), later ones increment it only while the result
 * stays within the limit. One atomic write on one document, no transaction to conflict.
 */
function takeQuota(holdings: Holdings, sale: FlashSaleDoc, openid: string, quantity: number): Promise<void> {
  const _id = buyerKey(sale._id, openid);
  return holdings.take(
    'per-user quota',
    async () => {
      try {
        await buyers().add({ data: { _id, flashSaleId: sale._id, openid, bought: quantity } });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const taken = await buyers()
        .where({ _id, bought: _.lte(sale.perUser - quantity) })
        .update({ data: { bought: _.inc(quantity) } });
      if (taken.stats.updated !== 1) throw limitReached(sale.perUser);
    },
    () =>
      buyers()
        .doc(_id)
        .update({ data: { bought: _.inc(-quantity) } }),
  );
}

/**
 * The sale's units, by one conditional decrement while the sale runs and has enough; refused with why not. They were
 * taken from the SKU when the sale was scheduled (the stock rule), so the SKU's own stock is not touched; given back,
 * they go to the SKU instead if the sale was settled meanwhile (store/flash-sale-units.ts).
 */
function takeUnits(holdings: Holdings, sale: FlashSaleDoc, quantity: number, now: Date): Promise<void> {
  const flashSaleId = sale._id;
  return holdings.take(
    'flash sale units',
    async () => {
      const taken = await sales()
        .where({ _id: flashSaleId, status: 'active', startAt: _.lte(now), endAt: _.gt(now), remaining: _.gte(quantity) })
        .update({ data: { remaining: _.inc(-quantity) } });
      if (taken.stats.updated === 1) return;
      const current = (await sales().doc(flashSaleId).get()).data;
      const closed = current && flashSaleClosed(current, now);
      throw closed || noneLeft(flashSaleId, current?.remaining ?? 0, now);
    },
    () => giveBackUnsoldUnits(flashSaleId, sale.skuId, quantity),
  );
}
