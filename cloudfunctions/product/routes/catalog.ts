import { CategoriesInput, DetailInput, HomeInput, ListInput, type HomeData, type ListData, type ProductDetail } from '../../../typings/product.js';
import { type CategoryDoc, type SkuDoc, type SpuDoc, categoryTree, escapeRegExp, toCard, toDetail } from '../../shared/catalog.js';
import { decodeCursor, encodeCursor } from '../../shared/cursor.js';
import { _, db } from '../../shared/db.js';
import { notFound } from '../../shared/errors.js';
import { route } from '../../shared/route.js';

const ON_SHELF = 'on_shelf';
const RECOMMENDED = 10;

async function allCategories() {
  return categoryTree((await db.collection<CategoryDoc>('categories').limit(1000).get()).data);
}

export const home = route(
  HomeInput,
  async (): Promise<HomeData> => {
    const [banners, categories, recommended] = await Promise.all([
      db.collection<{ _id: string; image: string; title: string; link: string }>('banners').where({ active: true }).orderBy('sort', 'asc').limit(10).get(),
      allCategories(),
      db.collection<SpuDoc>('spus').where({ status: ON_SHELF }).orderBy('sales', 'desc').limit(RECOMMENDED).get(),
    ]);
    return {
      banners: banners.data.map((b) => ({ id: b._id, image: b.image, title: b.title, link: b.link })),
      categories,
      recommended: recommended.data.map(toCard),
    };
  },
  { public: true },
);

export const categories = route(CategoriesInput, async () => allCategories(), { public: true });

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
      const children = (await db.collection<CategoryDoc>('categories').where({ parentId: input.categoryId }).limit(1000).get()).data.map((c) => c._id);
      conditions.push({ categoryId: children.length ? _.in([input.categoryId, ...children]) : input.categoryId });
    }
    if (input.keyword) conditions.push({ title: db.RegExp({ regexp: escapeRegExp(input.keyword), options: 'i' }) });
    if (input.cursor) {
      const after = decodeCursor(input.cursor);
      const value = field === 'createdAt' ? new Date(after.value) : after.value;
      const beyond = direction === 'desc' ? _.lt(value) : _.gt(value);
      const atOrBeyond = direction === 'desc' ? _.lte(value) : _.gte(value);
      // The range is what an index can seek; the tie rule on _id is checked per document.
      conditions.push({ [field]: atOrBeyond }, _.or([{ [field]: beyond }, { [field]: value, _id: _.gt(after.id) }]));
    }
    const page = (
      await db
        .collection<SpuDoc>('spus')
        .where(_.and(conditions))
        .orderBy(field, direction)
        .orderBy('_id', 'asc')
        .limit(input.pageSize + 1)
        .get()
    ).data;
    const items = page.slice(0, input.pageSize);
    const last = items[items.length - 1];
    const more = page.length > input.pageSize && last;
    return {
      items: items.map(toCard),
      ...(more ? { nextCursor: encodeCursor({ value: field === 'createdAt' ? new Date(last.createdAt).getTime() : (last[field] as number), id: last._id }) } : {}),
    };
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
    return toDetail(spu.data, skus.data.sort((a, b) => a._id.localeCompare(b._id)));
  },
  { public: true },
);
