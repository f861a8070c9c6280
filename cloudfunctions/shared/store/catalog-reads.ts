import { type SkuDoc, type SpuDoc } from '../model/catalog.js';
import { _, db } from './db.js';

/** Catalog reads by id: however many lines a cart has, its SKUs and SPUs take one query each (no N+1). */

/** The SKUs of a cart in one query, by id. */
export async function readSkus(skuIds: string[]): Promise<Map<string, SkuDoc>> {
  const skus = (
    await db
      .collection<SkuDoc>('skus')
      .where({ _id: _.in([...new Set(skuIds)]) })
      .limit(1000)
      .get()
  ).data;
  return new Map(skus.map((s) => [s._id, s]));
}

/** The SPUs of a cart in one query, by id. */
export async function readSpus(spuIds: string[]): Promise<Map<string, SpuDoc>> {
  const unique = [...new Set(spuIds)];
  const spus = unique.length
    ? (
        await db
          .collection<SpuDoc>('spus')
          .where({ _id: _.in(unique) })
          .limit(1000)
          .get()
      ).data
    : [];
  return new Map(spus.map((s) => [s._id, s]));
}

/** The SKUs and their SPUs, by id: two queries. */
export async function loadCatalog(skuIds: string[]): Promise<{ skus: Map<string, SkuDoc>; spus: Map<string, SpuDoc> }> {
  const skus = await readSkus(skuIds);
  return { skus, spus: await readSpus([...skus.values()].map((s) => s.spuId)) };
}
