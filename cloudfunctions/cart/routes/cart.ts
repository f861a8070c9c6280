import {
  CartAddInput,
  CartListInput,
  CartRemoveInput,
  CartSelectInput,
  CartUpdateInput,
  MAX_CART_LINES,
  type CartView,
} from '../../../typings/cart.js';
import { ErrorCode } from '../../../typings/common.js';
import { type SkuDoc, type SpuDoc } from '../../shared/model/catalog.js';
import { route } from '../../shared/platform/route.js';
import { ShopError, notFound } from '../../shared/rules/errors.js';
import { _, db } from '../../shared/store/db.js';
import { isDuplicateKey } from '../../shared/store/transactions.js';
import { cappedQuantity, cartView, type CartDoc } from '../cart.js';

const carts = () => db.collection<CartDoc>('carts');
const CONTENDED_RETRIES = 5;

/** The caller's cart in three queries whatever its size: the lines, their SKUs, and those SKUs' products. */
async function loadCart(openid: string): Promise<CartView> {
  const lines = (await carts().where({ openid }).orderBy('addedAt', 'desc').limit(MAX_CART_LINES).get()).data;
  const skuIds = [...new Set(lines.map((l) => l.skuId))];
  const skus = skuIds.length
    ? (
        await db
          .collection<SkuDoc>('skus')
          .where({ _id: _.in(skuIds) })
          .limit(MAX_CART_LINES)
          .get()
      ).data
    : [];
  const spuIds = [...new Set(skus.map((s) => s.spuId))];
  const spus = spuIds.length
    ? (
        await db
          .collection<SpuDoc>('spus')
          .where({ _id: _.in(spuIds) })
          .limit(MAX_CART_LINES)
          .get()
      ).data
    : [];
  return cartView(lines, skus, spus);
}

/** The SKU as a shopper may put it in the cart now: it exists, its product is on the shelf, and some is in stock. */
async function purchasableSku(skuId: string): Promise<SkuDoc> {
  const sku = (await db.collection<SkuDoc>('skus').doc(skuId).get()).data;
  const spu = sku ? (await db.collection<SpuDoc>('spus').doc(sku.spuId).get()).data : null;
  if (!sku || !spu || spu.status !== 'on_shelf') throw notFound('商品');
  if (sku.stock <= 0) throw new ShopError(ErrorCode.OUT_OF_STOCK, '该商品已售罄');
  return sku;
}

export const list = route(CartListInput, async (_input, ctx) => loadCart(ctx.openid));

export const add = route(CartAddInput, async ({ skuId, quantity }, ctx): Promise<CartView & { capped: boolean }> => {
  const sku = await purchasableSku(skuId);
  const mine = { openid: ctx.openid, skuId };
  const room = sku.stock - quantity;
  // Atomic updates, never read-modify-write: concurrent adds never lose an increment and never wait on each other.
  // Only a line inserted or removed between two steps sends the loop round again.
  for (let attempt = 0; attempt < CONTENDED_RETRIES; attempt++) {
    if (room >= 0) {
      const grown = await carts()
        .where({ ...mine, quantity: _.lte(room) })
        .update({ data: { quantity: _.inc(quantity), selected: true } });
      if (grown.stats.updated === 1) return { ...(await loadCart(ctx.openid)), capped: false };
    }
    // The line exists but adding would pass the stock: it is set to the stock (a no-op when already there).
    const full = { ...mine, quantity: _.gt(room) };
    await carts()
      .where(full)
      .update({ data: { quantity: sku.stock, selected: true } });
    if ((await carts().where(full).count()).total > 0) return { ...(await loadCart(ctx.openid)), capped: true };

    const { total } = await carts().where({ openid: ctx.openid }).count();
    if (total >= MAX_CART_LINES) throw new ShopError(ErrorCode.CONFLICT, `购物车最多放 ${MAX_CART_LINES} 种商品，请先清理`);
    const next = cappedQuantity(quantity, sku.stock);
    try {
      await carts().add({ data: { ...mine, quantity: next.quantity, selected: true, addedAt: ctx.now } });
      return { ...(await loadCart(ctx.openid)), capped: next.capped };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // another add created the line first: increment it on the next round
    }
  }
  throw new ShopError(ErrorCode.CONFLICT, '操作太频繁，请稍后再试');
});

export const update = route(CartUpdateInput, async ({ skuId, quantity }, ctx): Promise<CartView & { capped: boolean }> => {
  const line = (await carts().where({ openid: ctx.openid, skuId }).limit(1).get()).data[0];
  if (!line) throw notFound('购物车商品');
  const sku = await purchasableSku(skuId);
  const next = cappedQuantity(quantity, sku.stock);
  await carts()
    .where({ _id: line._id, openid: ctx.openid })
    .update({ data: { quantity: next.quantity } });
  return { ...(await loadCart(ctx.openid)), capped: next.capped };
});

export const remove = route(CartRemoveInput, async ({ skuIds }, ctx) => {
  const res = await carts()
    .where({ openid: ctx.openid, skuId: _.in([...new Set(skuIds)]) })
    .remove();
  if (res.stats.removed === 0) throw notFound('购物车商品');
  return loadCart(ctx.openid);
});

export const select = route(CartSelectInput, async (input, ctx) => {
  if ('all' in input) {
    await carts()
      .where({ openid: ctx.openid })
      .update({ data: { selected: input.selected } });
  } else {
    const mine = { openid: ctx.openid, skuId: _.in([...new Set(input.skuIds)]) };
    if ((await carts().where(mine).count()).total === 0) throw notFound('购物车商品');
    await carts()
      .where(mine)
      .update({ data: { selected: input.selected } });
  }
  return loadCart(ctx.openid);
});
