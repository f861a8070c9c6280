import {
  CategoriesInput,
  DetailInput,
  HomeInput,
  ListInput,
  type HomeData,
  type ListData,
  type ProductDetail,
} from '../../../typings/product.js';
import { type CategoryDoc, type SkuDoc, type SpuDoc } from '../../shared/model/catalog.js';
import { readCategories, readHome } from '../../shared/store/home-page.js';
import { route } from '../../shared/platform/route.js';
import { escapeRegExp, toCard, toDetail } from '../../shared/rules/catalog-views.js';
import { notFound } from '../../shared/rules/errors.js';
import { _, db } from '../../shared/store/db.js';
import { afterCursor, pageOf } from '../../shared/store/pagination.js';

const ON_SHELF = 'on_shelf';

/** The home page: banners, categories, recommendations and the promotions running, in one call (store/home-page.ts). */
export const home = route(HomeInput, (_input, ctx): Promise<HomeData> => readHome(ctx.now), { public: true });

export const categories = route(CategoriesInput, () => readCategories(), { public: true });

/** Each sort: the indexed field, its direction. Ties break on `_id` ascending so pages never overlap. */
const SORTS = {
  default: ['sales', 'desc'],
  sales: ['sales', 'desc'],
  price_asc: ['minPrice', 'asc'],
  price_desc: ['minPrice', 'desc'],
  new: ['createdAt', 'desc'],
} as const;

export const list = route(
  ListInput,
  async (input): Promise<ListData> => {
    const [field, direction] = SORTS[input.sort];
    const conditions: Array<Record<string, unknown>> = [{ status: ON_SHELF }];
    if (input.categoryId) {
      // A top-level category lists its subcategories' products too.
      const children = (
        await db.collection<CategoryDoc>('categories').where({ parentId: input.categoryId }).limit(1000).get()
      ).data.map((c) => c._id);
      conditions.push({ categoryId: children.length ? _.in([input.categoryId, ...children]) : input.categoryId });
    }
    if (input.keyword) conditions.push({ title: db.RegExp({ regexp: escapeRegExp(input.keyword), options: 'i' }) });
    if (input.cursor) conditions.push(...afterCursor(field, direction, input.cursor, field === 'createdAt'));
    const docs = (
      await db
        .collection<SpuDoc>('spus')
        .where(_.and(conditions))
        .orderBy(field, direction)
        .orderBy('_id', 'asc')
        .limit(input.pageSize + 1)
        .get()
    ).data;
    const page = pageOf(docs, input.pageSize, (spu) => (field === 'createdAt' ? new Date(spu.createdAt).getTime() : spu[field]));
    return { items: page.items.map(toCard), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },
  { public: true },
);

export const detail = route(
  DetailInput,
  async ({ spuId }): Promise<ProductDetail> => {
    const [spu, skus] = await Promise.all([
      db.collection<SpuDoc>('spus').doc(spuId).get(),
      db.collection<SkuDoc>('skus').where({ spuId }).limit(1000).get(),
    ]);
    if (!spu.data || spu.data.status !== ON_SHELF) throw notFound('商品');
    return toDetail(
      spu.data,
      skus.data.sort((a, b) => a._id.localeCompare(b._id)),
    );
  },
  { public: true },
);
