// Test data the page tests share (the harness itself is testkit/miniprogram.ts).

/**
 * `count` on-shelf products for a test that pages through a list (add them with `mp.withProducts`): ids
 * `<idPrefix>-00`, `-01`…, titles `<title> 0`, `<title> 1`…, the price and sales counted up from `price` and `sales`.
 */
export function extraProducts(
  count: number,
  { idPrefix, title, categoryId, image = 'spu-010', price = 1000, sales = 0 }: ExtraProductsOptions,
): Array<Record<string, unknown> & { _id: string; title: string }> {
  return Array.from({ length: count }, (_, i) => ({
    _id: `${idPrefix}-${String(i).padStart(2, '0')}`,
    title: `${title} ${i}`,
    subtitle: '',
    categoryId,
    status: 'on_shelf',
    images: [`cloud://local-env.local-env-1250000000/products/${image}.svg`],
    specs: [],
    attributes: [],
    minPrice: price + i,
    maxPrice: price + i,
    sales: sales + i,
    createdAt: new Date(),
  }));
}

export interface ExtraProductsOptions {
  idPrefix: string;
  title: string;
  categoryId: string;
  /** The demo product whose picture they show. */
  image?: string;
  price?: number;
  sales?: number;
}
