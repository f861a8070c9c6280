import { ErrorCode } from '../../../typings/common.js';
import { FlashSaleBuyInput,FlashSaleIdInput,FlashSaleListInput,type FlashSaleState,type FlashSaleView } from '../../../typings/flashsale.js';
import type { OrderView } from '../../../typings/order.js';
import { type SkuDoc,type SpuDoc } from '../../shared/model/catalog.js';
import { FLASH_SALES,FLASH_SALE_BUYERS,type FlashSaleBuyerDoc,type FlashSaleDoc,buyerKey } from '../../shared/model/promotion.js';
import { route } from '../../shared/platform/route.js';
import { ShopError,notFound } from '../../shared/rules/errors.js';
import { newOrderId,promotionOrder } from '../../shared/rules/new-orders.js';
import { SoldOutMemory } from '../../shared/rules/sold-out-memory.js';
import { readSkus,readSpus } from '../../shared/store/catalog-reads.js';
import { _,db } from '../../shared/store/db.js';
import { existingOrder,toOrderView } from '../../shared/store/order-records.js';
import { isDuplicateKey } from '../../shared/store/transactions.js';
import { giveBack,onShelf,ownAddress } from '../../shared/workflows/place-order.js';

const sales = () => db.collection<FlashSaleDoc>(FLASH_SALES);
const buyers = () => db.collection<FlashSaleBuyerDoc>(FLASH_SALE_BUYERS);

const MAX_LISTED = 50;
const soldOutMemory = new SoldOutMemory();
const soldOut = () => new ShopError(ErrorCode.OUT_OF_STOCK, '已抢光');
const limitReached = (perUser: number) => new ShopError(ErrorCode.INVALID_STATE, `已达限购数量（每人限购 ${perUser} 件）`);

function stateOf(sale: FlashSaleDoc, now: Date): FlashSaleState {
  if (now.getTime() < new Date(sale.startAt).getTime()) return 'upcoming';
  if (now.getTime() >= new Date(sale.endAt).getTime()) return 'ended';
  return sale.remaining > 0 ? 'running' : 'sold_out';
}

/** Why the sale cannot be bought from at `now` whatever its stock, or undefined. */
function closed(sale: FlashSaleDoc, now: Date): ShopError | undefined {
  if (sale.status !== 'active') return new ShopError(ErrorCode.INVALID_STATE, '秒杀活动已结束');
  const state = stateOf(sale, now);
  if (state === 'upcoming') return new ShopError(ErrorCode.INVALID_STATE, '秒杀尚未开始');
  if (state === 'ended') return new ShopError(ErrorCode.INVALID_STATE, '秒杀已结束');
  return undefined;
}

function toView(sale: FlashSaleDoc, sku: SkuDoc | undefined, spu: SpuDoc | undefined, bought: number, now: Date): FlashSaleView {
  return {
    flashSaleId: sale._id,
    title: sale.title || spu?.title || '',
    image: sku?.image || spu?.images[0] || '',
    spuId: sku?.spuId ?? '',
    skuId: sale.skuId,
    specValues: sku?.specValues ?? {},
    price: sale.price,
    normalPrice: sku?.price ?? sale.price,
    stock: sale.stock,
    remaining: Math.max(0, sale.remaining),
    perUser: sale.perUser,
    startAt: new Date(sale.startAt).toISOString(),
    endAt: new Date(sale.endAt).toISOString(),
    state: stateOf(sale, now),
    bought,
  };
}

async function views(list: FlashSaleDoc[], openid: string, now: Date): Promise<FlashSaleView[]> {
  if (!list.length) return [];
  const [skus, counters] = await Promise.all([
    readSkus(list.map((s) => s.skuId)),
    buyers().where({ _id: _.in(list.map((s) => buyerKey(s._id, openid))) }).limit(MAX_LISTED).get(),
  ]);
  const spus = await readSpus([...skus.values()].map((s) => s.spuId));
  const bought = new Map(counters.data.map((c) => [c.flashSaleId, c.bought]));
  return list.map((sale) => {
    const sku = skus.get(sale.skuId);
    return toView(sale, sku, sku && spus.get(sku.spuId), bought.get(sale._id) ?? 0, now);
  });
}

/** Running and upcoming flash sales, starting soonest first, with what is left and what the caller bought. */
export const list = route(FlashSaleListInput, async (_input, ctx): Promise<FlashSaleView[]> => {
  const open = (await sales().where({ status: 'active', endAt: _.gt(ctx.now) }).orderBy('startAt', 'asc').orderBy('_id', 'asc').limit(MAX_LISTED).get()).data;
  return views(open, ctx.openid, ctx.now);
});

export const detail = route(FlashSaleIdInput, async ({ flashSaleId }, ctx): Promise<FlashSaleView> => {
  const sale = (await sales().doc(flashSaleId).get()).data;
  if (!sale || sale.status !== 'active') throw notFound('秒杀活动');
  return (await views([sale], ctx.openid, ctx.now))[0]!;
});

/**
 * Takes `quantity` of the caller's `perUser` units, never passing the limit however many attempts race: the first
 * buy creates the caller's counter (a racing one loses on the `_id`), later ones increment it only while the result
 * stays within the limit. One atomic write on one document, no transaction to conflict.
 */
async function takeQuota(sale: FlashSaleDoc, openid: string, quantity: number): Promise<void> {
  const _id = buyerKey(sale._id, openid);
  try {
    await buyers().add({ data: { _id, flashSaleId: sale._id, openid, bought: quantity } });
    return;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const taken = await buyers().where({ _id, bought: _.lte(sale.perUser - quantity) }).update({ data: { bought: _.inc(quantity) } });
  if (taken.stats.updated !== 1) throw limitReached(sale.perUser);
}

/**
 * Buys at the flash price: an ordinary unpaid order (pay it with `pay.create`; cancelled or timed out, its units go
 * back to the sale). No transaction: the per-user quota is taken first, then the units by one conditional decrement
 * of the sale's `remaining` (`where remaining >= quantity`), then the order is written; a step that fails gives back
 * what the earlier ones took. So the sale never sells more than its stock nor a shopper more than the limit, and under
 * a rush a losing attempt costs a few single-document operations, or one (the retry check) once this instance saw the
 * sale sold out.
 * The same idempotency key gives back the same order.
 */
export const buy = route(FlashSaleBuyInput, async (input, ctx): Promise<OrderView> => {
  const { flashSaleId, quantity } = input;
  const { now, openid } = ctx;
  if (soldOutMemory.has(flashSaleId, now)) {
    // Sold out a moment ago: only a retry of an order that got through still deserves an answer other than no.
    const retried = await existingOrder(openid, input.idempotencyKey);
    if (retried) return toOrderView(retried);
    throw soldOut();
  }
  const [again, sale] = await Promise.all([existingOrder(openid, input.idempotencyKey), sales().doc(flashSaleId).get().then((r) => r.data)]);
  if (again) return toOrderView(again);
  if (!sale) throw notFound('秒杀活动');
  const refusal = closed(sale, now);
  if (refusal) throw refusal;
  if (quantity > sale.perUser) throw limitReached(sale.perUser);
  if (sale.remaining < quantity) {
    if (sale.remaining > 0) throw new ShopError(ErrorCode.OUT_OF_STOCK, `仅剩 ${sale.remaining} 件`);
    soldOutMemory.remember(flashSaleId, now);
    throw soldOut();
  }

  // Everything that can refuse without taking anything, before anything is taken.
  const [address, skus] = await Promise.all([ownAddress(input.addressId, openid), readSkus([sale.skuId])]);
  const { sku, spu } = onShelf(skus.get(sale.skuId), await readSpus([...skus.values()].map((s) => s.spuId)));

  await takeQuota(sale, openid, quantity);
  const returnQuota = () => giveBack('per-user quota', () => buyers().doc(buyerKey(flashSaleId, openid)).update({ data: { bought: _.inc(-quantity) } }));
  const taken = await sales()
    .where({ _id: flashSaleId, status: 'active', startAt: _.lte(now), endAt: _.gt(now), remaining: _.gte(quantity) })
    .update({ data: { remaining: _.inc(-quantity) } });
  if (taken.stats.updated !== 1) {
    await returnQuota();
    const current = (await sales().doc(flashSaleId).get()).data;
    if (current && closed(current, now)) throw closed(current, now)!;
    if (current && current.remaining > 0) throw new ShopError(ErrorCode.OUT_OF_STOCK, `仅剩 ${current.remaining} 件`);
    soldOutMemory.remember(flashSaleId, now);
    throw soldOut();
  }

  const order = promotionOrder({
    orderId: newOrderId(now),
    openid,
    idempotencyKey: input.idempotencyKey,
    sku,
    spu,
    quantity,
    unitPrice: sale.price,
    promotion: { kind: 'flash_sale', flashSaleId, unitPrice: Math.min(sale.price, sku.price), quantity },
    address,
    remark: input.remark,
    now,
  });
  try {
    await db.collection('orders').add({ data: order });
    return toOrderView(order);
  } catch (err) {
    await giveBack('flash sale units', () => sales().doc(flashSaleId).update({ data: { remaining: _.inc(quantity) } }));
    await returnQuota();
    // The same key raced itself: the unique index let one buy through, the other gets that order back.
    if (isDuplicateKey(err)) {
      const winner = await existingOrder(openid, input.idempotencyKey);
      if (winner) return toOrderView(winner);
    }
    throw err;
  }
});
