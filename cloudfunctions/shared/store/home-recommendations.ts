import { CatalogRoutes, type HomeRecommendedView } from '../../../typings/admin-catalog.js';
import { ErrorCode } from '../../../typings/common.js';
import type { SpuDoc } from '../model/catalog.js';
import { notFound, ShopError } from '../rules/errors.js';
import { writeAudit } from './audit-trail.js';
import { _, db } from './db.js';
import { SETTINGS } from './shop-settings.js';
import type { Acting } from './stock-ledger.js';
import { withRetries } from './transactions.js';
import { CONFLICT_MESSAGE } from './versioned.js';

/**
 * The merchant's picks for the home page. The list and its version live in `settings/home_recommended` (what the back
 * office edits and audits); each picked product also carries its place (`recommendRank`, from 1), so `product.home`
 * reads the picks with one indexed query alongside its others, not a settings read first.
 */
export const HOME_RECOMMENDED_ID = 'home_recommended';

interface RecommendedDoc {
  _id: string;
  spuIds: string[];
  version: number;
}

async function views(spuIds: string[]): Promise<HomeRecommendedView['items']> {
  if (!spuIds.length) return [];
  const spus = (
    await db
      .collection<SpuDoc>('spus')
      .where({ _id: _.in(spuIds) })
      .limit(spuIds.length)
      .get()
  ).data;
  const byId = new Map(spus.map((s) => [s._id, s]));
  return spuIds.flatMap((id) => {
    const spu = byId.get(id);
    return spu ? [{ spuId: id, title: spu.title, status: spu.status }] : [];
  });
}

export async function readRecommended(): Promise<HomeRecommendedView> {
  const doc = (await db.collection<RecommendedDoc>(SETTINGS).doc(HOME_RECOMMENDED_ID).get()).data;
  return { items: await views(doc?.spuIds ?? []), version: doc?.version ?? 0 };
}

/** Replaces the picks, in one transaction with the products' places and the audit entry. */
export async function setRecommended(spuIds: string[], version: number, { actor, now }: Acting): Promise<HomeRecommendedView> {
  const saved = await withRetries(db, async (tx) => {
    const ref = tx.collection<RecommendedDoc>(SETTINGS).doc(HOME_RECOMMENDED_ID);
    const before = (await ref.get()).data;
    if ((before?.version ?? 0) !== version) throw new ShopError(ErrorCode.CONFLICT, CONFLICT_MESSAGE);
    const spus = tx.collection<SpuDoc>('spus');
    for (const id of spuIds) {
      const spu = (await spus.doc(id).get()).data;
      if (!spu || spu.deletedAt) throw notFound('商品');
    }
    const previous = before?.spuIds ?? [];
    for (const id of previous.filter((p) => !spuIds.includes(p))) {
      if ((await spus.doc(id).get()).data) await spus.doc(id).update({ data: { recommendRank: _.remove() } });
    }
    for (const [i, id] of spuIds.entries()) await spus.doc(id).update({ data: { recommendRank: i + 1 } });
    await ref.set({ data: { spuIds, version: version + 1, updatedAt: now } });
    await writeAudit(tx, actor, now, {
      action: CatalogRoutes.homeSetRecommended,
      target: HOME_RECOMMENDED_ID,
      before: { spuIds: previous },
      after: { spuIds },
    });
    return version + 1;
  });
  return { items: await views(spuIds), version: saved };
}
