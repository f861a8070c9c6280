import { FlashSaleBuyInput, FlashSaleIdInput, FlashSaleListInput, type FlashSaleView } from '../../../typings/flashsale.js';
import type { OrderView } from '../../../typings/order.js';
import type { SkuDoc, SpuDoc } from '../../shared/model/catalog.js';
import {
  FLASH_SALES,
  FLASH_SALE_BUYERS,
  type FlashSaleBuyerDoc,
  type FlashSaleDoc,
  buyerKey,
} from '../../shared/model/promotion.js';
import { route } from '../../shared/platform/route.js';
import { notFound } from '../../shared/rules/errors.js';
import { flashSaleState } from '../../shared/rules/promotion-state.js';
import { readSkus, readSpus } from '../../shared/store/catalog-reads.js';
import { _, db } from '../../shared/store/db.js';
import { toOrderView } from '../../shared/store/order-records.js';
import { buyFlashSale } from '../../shared/workflows/flash-sale-purchase.js';

const sales = () => db.collection<FlashSaleDoc>(FLASH_SALES);
const buyers = () => db.collection<FlashSaleBuyerDoc>(FLASH_SALE_BUYERS);

const MAX_LISTED = 50;

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
    state: flashSaleState(sale, now),
    bought,
  };
}

async function views(list: FlashSaleDoc[], openid: string, now: Date): Promise<FlashSaleView[]> {
  if (!list.length) return [];
  const [skus, counters] = await Promise.all([
    readSkus(list.map((s) => s.skuId)),
    buyers()
      .where({ _id: _.in(list.map((s) => buyerKey(s._id, openid))) })
      .limit(MAX_LISTED)
      .get(),
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
  const open = (
    await sales()
      .where({ status: 'active', endAt: _.gt(ctx.now) })
      .orderBy('startAt', 'asc')
      .orderBy('_id', 'asc')
      .limit(MAX_LISTED)
      .get()
  ).data;
  return views(open, ctx.openid, ctx.now);
});

export const detail = route(FlashSaleIdInput, async ({ flashSaleId }, ctx): Promise<FlashSaleView> => {
  const sale = (await sales().doc(flashSaleId).get()).data;
  if (!sale || sale.status !== 'active') throw notFound('秒杀活动');
  return (await views([sale], ctx.openid, ctx.now))[0]!;
});

/** Buys at the flash price (workflows/flash-sale-purchase.ts); the same idempotency key gives back the same order. */
export const buy = route(FlashSaleBuyInput, async (input, ctx): Promise<OrderView> =>
  toOrderView(await buyFlashSale(input, ctx)),
);
