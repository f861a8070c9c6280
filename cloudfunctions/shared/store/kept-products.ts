import { ErrorCode } from '../../../typings/common.js';
import { FOOTPRINT_DAYS, type KeptProductPage, MAX_FAVORITES } from '../../../typings/user.js';
import { type KeptList, type KeptProductDoc, keptId } from '../model/kept-products.js';
import { toCard } from '../rules/catalog-views.js';
import { notFound, ShopError } from '../rules/errors.js';
import { readSpus } from './catalog-reads.js';
import { _, db } from './db.js';
import { afterCursor, pageOf } from './pagination.js';

/** A shopper's favorites and footprints in the database (model/kept-products.ts). */

const kept = (list: KeptList) => db.collection<KeptProductDoc>(list);

/** Keeps (or moves to the top) the products for the shopper: one write each, side by side. */
export async function keep(list: KeptList, openid: string, spuIds: string[], now: Date): Promise<void> {
  await Promise.all(
    [...new Set(spuIds)].map((spuId) =>
      kept(list)
        .doc(keptId(openid, spuId))
        .set({ data: { openid, spuId, at: now } }),
    ),
  );
}

/** Favorites a product that exists and is not deleted, within MAX_FAVORITES. */
export async function addFavorite(openid: string, spuId: string, now: Date): Promise<void> {
  const [spu, already, count] = await Promise.all([
    readSpus([spuId]).then((found) => found.get(spuId)),
    kept('favorites').doc(keptId(openid, spuId)).get(),
    kept('favorites').where({ openid }).count(),
  ]);
  if (!spu || spu.deletedAt) throw notFound('商品');
  if (!already.data && count.total >= MAX_FAVORITES) {
    throw new ShopError(ErrorCode.INVALID_STATE, `收藏夹已满（最多 ${MAX_FAVORITES} 件），请先整理`);
  }
  await keep('favorites', openid, [spuId], now);
}

export async function isFavorite(openid: string, spuId: string): Promise<boolean> {
  return !!(await kept('favorites').doc(keptId(openid, spuId)).get()).data;
}

export async function removeKept(list: KeptList, openid: string, spuIds: string[]): Promise<void> {
  await kept(list)
    .where({ _id: _.in(spuIds.map((spuId) => keptId(openid, spuId))) })
    .remove();
}

export async function clearKept(list: KeptList, openid: string): Promise<void> {
  await kept(list).where({ openid }).remove();
}

/** The shopper's list, newest first, with each product as it is now (deleted ones left out, see typings/user.ts). */
export async function listKept(
  list: KeptList,
  openid: string,
  page: { cursor?: string; pageSize: number },
  now: Date,
): Promise<KeptProductPage> {
  const conditions: Array<Record<string, unknown>> = [{ openid }];
  if (list === 'footprints') conditions.push({ at: _.gte(new Date(now.getTime() - FOOTPRINT_DAYS * 86_400_000)) });
  if (page.cursor) conditions.push(...afterCursor('at', 'desc', page.cursor, true));
  const docs = (
    await kept(list)
      .where(_.and(conditions))
      .orderBy('at', 'desc')
      .orderBy('_id', 'asc')
      .limit(page.pageSize + 1)
      .get()
  ).data;
  const found = pageOf(docs, page.pageSize, (d) => new Date(d.at).getTime());
  const spus = await readSpus(found.items.map((d) => d.spuId));
  const items = found.items.flatMap((doc) => {
    const spu = spus.get(doc.spuId);
    if (!spu || spu.deletedAt) return [];
    return [{ ...toCard(spu), onShelf: spu.status === 'on_shelf', at: new Date(doc.at).toISOString() }];
  });
  return { items, ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}) };
}
