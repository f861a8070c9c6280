import type { CartView } from '../../typings/cart';
import type { FlashSaleView } from '../../typings/flashsale';
import type { ActivityView } from '../../typings/groupbuy';
import type { Category, ListInput, ListSort, ProductCard, ProductDetail } from '../../typings/product';
import { PagedList } from '../utils/paged-list';
import { call } from './call';
import { featuredFlashSale, fetchFlashSales } from './flashsale';
import { fetchGroupBuys } from './groupbuy';
import { fetchProducts } from './product';
import { track } from './tracker';

/**
 * The catalog as the browsing pages use it (分类, 搜索, 商品列表, 商品详情): the category tree, pages of products, one
 * product with the promotions on it, and adding it to the cart. Buying at a promotion's price is in flashsale.ts and
 * groupbuy.ts, the share in member.ts.
 */

export function fetchCategories(): Promise<Category[]> {
  return call('product', 'categories');
}

/** One on-shelf product; NOT_FOUND (商品不存在) when it is off the shelf or was never there. */
export function fetchProductDetail(spuId: string): Promise<ProductDetail> {
  return call('product', 'detail', { spuId });
}

/** A sale that is on or coming (`flashsale.list` answers no other). */
type Showable = FlashSaleView & { state: Exclude<FlashSaleView['state'], 'ended'> };

/** What a flash sale and a group-buy of this product offer, when one does (`null` otherwise). */
export interface ProductPromotions {
  flashSale: FlashSaleView | null;
  groupBuy: ActivityView | null;
}

/**
 * The promotions on one product, from `flashsale.list` and `groupbuy.list` asked side by side: the sale to show (a
 * running one, else sold out, else the next to start) and the running group-buy (else the next to start). Either
 * route failing leaves its promotion out: the product is still sold at its own price.
 */
export async function fetchPromotions(spuId: string): Promise<ProductPromotions> {
  const [sales, activities] = await Promise.all([
    fetchFlashSales().catch((): FlashSaleView[] => []),
    fetchGroupBuys().catch((): ActivityView[] => []),
  ]);
  const mine = activities.filter((a) => a.spuId === spuId && a.state !== 'ended');
  return {
    flashSale: featuredFlashSale(sales.filter((s): s is Showable => s.spuId === spuId && s.state !== 'ended')) ?? null,
    groupBuy: mine.find((a) => a.state === 'running') ?? mine.find((a) => a.state === 'upcoming') ?? null,
  };
}

/** Adds to the cart (the route caps at stock: `capped`), counted for the back office as an `add_to_cart`. */
export async function addToCart(
  spuId: string,
  skuId: string,
  quantity: number,
  page: string,
): Promise<CartView & { capped: boolean }> {
  const cart = await call('cart', 'add', { skuId, quantity });
  track({ type: 'add_to_cart', spuId, page });
  return cart;
}

// ---- a product list, page by page -----------------------------------------------------------------------------

export type FeedQuery = { categoryId?: string; keyword?: string; sort?: ListSort };

/** A product list's data before its first page (`status`, `errorMessage`, `products`, `more`, `moreError`). */
export const EMPTY_FEED = {
  ...PagedList.empty('products'),
  products: [] as ProductCard[],
};

/**
 * `product.list` page by page into a page's data (utils/paged-list.ts): `reload(query)` starts over, `more()` appends
 * the next page, each product once (a list sorted by sales may shift while it is read).
 */
export class ProductFeed {
  private query: FeedQuery = {};
  private readonly list: PagedList<ProductCard>;

  constructor(
    sink: (patch: Record<string, unknown>) => void,
    private readonly pageSize = 10,
  ) {
    this.list = new PagedList(sink, {
      key: 'products',
      fetch: (cursor) => fetchProducts(this.params(cursor)),
      idOf: (p) => p.spuId,
    });
  }

  /** The first page of `query`; `keep` leaves the products shown until it comes (a pull-down refresh). */
  reload(query: FeedQuery, keep = false): Promise<void> {
    this.query = query;
    return this.list.reload(keep);
  }

  more(): Promise<void> {
    return this.list.more();
  }

  private params(cursor?: string): ListInput {
    const { categoryId, keyword, sort } = this.query;
    return {
      pageSize: this.pageSize,
      sort: sort ?? 'default',
      ...(categoryId ? { categoryId } : {}),
      ...(keyword ? { keyword } : {}),
      ...(cursor ? { cursor } : {}),
    };
  }
}

const feeds = new WeakMap<object, ProductFeed>();

/** The page's product list, made on first use (a page's `this` carries no fields of its own in typings). */
export function productFeedOf(page: { setData(patch: Record<string, unknown>): void }, pageSize = 10): ProductFeed {
  let feed = feeds.get(page);
  if (!feed) {
    feed = new ProductFeed((patch) => page.setData(patch), pageSize);
    feeds.set(page, feed);
  }
  return feed;
}

/**
 * A product page opened from a share carries the sharer's invite code: the shopper is bound to them (first touch
 * wins, the route decides). Never in the way of the page: a failure is only a missed referral.
 */
export async function bindInviteCode(inviteCode: string): Promise<void> {
  try {
    await call('member', 'referral.bind', { inviteCode });
  } catch {
    // the page goes on
  }
}
