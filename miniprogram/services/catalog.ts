import type { CartView } from '../../typings/cart';
import type { FlashSaleView } from '../../typings/flashsale';
import type { ActivityDetail, ActivityView, SeatTaken } from '../../typings/groupbuy';
import type { ShareData } from '../../typings/member';
import type { OrderView } from '../../typings/order';
import type { Category, ListInput, ListSort, ProductCard, ProductDetail } from '../../typings/product';
import { call } from './call';
import { messageOf } from './errors';
import { featuredFlashSale } from './flashsale';
import { fetchProducts } from './product';
import { track } from './tracker';

/**
 * The catalog as the browsing pages use it (分类, 搜索, 商品列表, 商品详情): the category tree, pages of products, one
 * product with the promotions on it, and what the detail page does (cart, flash-sale buy, group-buy seats, share).
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
    call('flashsale', 'list').catch((): FlashSaleView[] => []),
    call('groupbuy', 'list').catch((): ActivityView[] => []),
  ]);
  const mine = activities.filter((a) => a.spuId === spuId && a.state !== 'ended');
  return {
    flashSale: featuredFlashSale(sales.filter((s): s is Showable => s.spuId === spuId && s.state !== 'ended')) ?? null,
    groupBuy: mine.find((a) => a.state === 'running') ?? mine.find((a) => a.state === 'upcoming') ?? null,
  };
}

/** A group-buy with the groups one can join now. */
export function fetchGroupActivity(activityId: string): Promise<ActivityDetail> {
  return call('groupbuy', 'activity', { activityId });
}

/** What a share of this product sends: a title and a path carrying the shopper's invite code. */
export function fetchProductShare(spuId: string): Promise<ShareData> {
  return call('member', 'referral.share', { spuId });
}

/** The shopper's cart (its `count` is the detail page's cart badge). */
export function fetchCart(): Promise<CartView> {
  return call('cart', 'list');
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

/** The shopper's default address id, or `null` when the address book is empty. */
export async function defaultAddressId(): Promise<string | null> {
  const address = await call('user', 'addresses.default');
  return address?.addressId ?? null;
}

export function buyFlashSale(
  flashSaleId: string,
  quantity: number,
  addressId: string,
  idempotencyKey: string,
): Promise<OrderView> {
  return call('flashsale', 'buy', { flashSaleId, quantity, addressId, idempotencyKey });
}

export function openGroup(
  activityId: string,
  skuId: string,
  quantity: number,
  addressId: string,
  idempotencyKey: string,
): Promise<SeatTaken> {
  return call('groupbuy', 'open', { activityId, skuId, quantity, addressId, idempotencyKey });
}

export function joinGroup(
  groupId: string,
  skuId: string,
  quantity: number,
  addressId: string,
  idempotencyKey: string,
): Promise<SeatTaken> {
  return call('groupbuy', 'join', { groupId, skuId, quantity, addressId, idempotencyKey });
}

/**
 * Idempotency keys kept across retries: the same attempt (same route and parameters) sent again after a failure on
 * the way gets the same key, so the route gives back the order it may already have made; an answer, or a refusal the
 * route gave, ends the attempt.
 */
export class Attempts {
  private pending: { signature: string; key: string } | undefined;

  keyFor(signature: string): string {
    if (this.pending?.signature !== signature) this.pending = { signature, key: newIdempotencyKey() };
    return this.pending.key;
  }

  /** The attempt is over (answered, or refused for good): the next one gets a new key. */
  end(): void {
    this.pending = undefined;
  }
}

/** 8–64 characters of `A-Za-z0-9_-`, as the routes want: time and randomness, unique enough per phone. */
export function newIdempotencyKey(): string {
  const random = () =>
    Math.floor(Math.random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0');
  return `mp-${Date.now().toString(36)}-${random()}${random()}`;
}

// ---- a product list, page by page -----------------------------------------------------------------------------

/** What a paged list of products shows: the first page's state, then each further page's. */
export type FeedStatus = 'loading' | 'ready' | 'error';
export type FeedMore = 'idle' | 'loading' | 'done' | 'error';

export interface FeedData {
  status: FeedStatus;
  errorMessage: string;
  products: ProductCard[];
  more: FeedMore;
  moreError: string;
}

export type FeedQuery = { categoryId?: string; keyword?: string; sort?: ListSort };

export const EMPTY_FEED: FeedData = { status: 'loading', errorMessage: '', products: [], more: 'idle', moreError: '' };

/**
 * `product.list` page by page into a page's data (`sink` is its setData): `reload(query)` starts over (an answer to
 * an earlier query that arrives late is dropped), `more()` appends the next page, each product once, until the last.
 * Only the new cards cross to the view layer.
 */
export class ProductFeed {
  private generation = 0;
  private query: FeedQuery = {};
  private cursor: string | undefined;
  private count = 0;
  private seen = new Set<string>();
  private state: { status: FeedStatus; more: FeedMore } = { status: 'loading', more: 'idle' };

  constructor(
    private readonly sink: (patch: Partial<FeedData> & Record<string, unknown>) => void,
    private readonly pageSize = 10,
  ) {}

  /** The first page of `query`; `keep` leaves the products shown until it comes (a pull-down refresh). */
  async reload(query: FeedQuery, keep = false): Promise<void> {
    const generation = ++this.generation;
    this.query = query;
    if (!keep || this.state.status !== 'ready') this.set({ ...EMPTY_FEED });
    try {
      const page = await fetchProducts(this.params());
      if (generation !== this.generation) return;
      this.seen = new Set(page.items.map((p) => p.spuId));
      this.count = page.items.length;
      this.cursor = page.nextCursor;
      this.set({
        status: 'ready',
        errorMessage: '',
        products: page.items,
        more: page.nextCursor ? 'idle' : 'done',
        moreError: '',
      });
    } catch (err) {
      if (generation !== this.generation) return;
      if (keep && this.state.status === 'ready') void wx.showToast({ title: messageOf(err), icon: 'none' });
      else this.set({ status: 'error', errorMessage: messageOf(err), products: [] });
    }
  }

  /** The next page, unless one is on its way, the list failed or it is over. */
  async more(): Promise<void> {
    if (this.state.status !== 'ready' || this.state.more === 'loading' || this.state.more === 'done' || !this.cursor) return;
    const generation = this.generation;
    this.set({ more: 'loading' });
    try {
      const page = await fetchProducts(this.params(this.cursor));
      if (generation !== this.generation) return;
      const fresh = page.items.filter((p) => !this.seen.has(p.spuId));
      fresh.forEach((p) => this.seen.add(p.spuId));
      const added = Object.fromEntries(fresh.map((p, i) => [`products[${this.count + i}]`, p]));
      this.count += fresh.length;
      this.cursor = page.nextCursor;
      this.set({ ...added, more: page.nextCursor ? 'idle' : 'done', moreError: '' });
    } catch (err) {
      if (generation !== this.generation) return;
      this.set({ more: 'error', moreError: messageOf(err) });
    }
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

  private set(patch: Partial<FeedData> & Record<string, unknown>): void {
    if (patch.status) this.state.status = patch.status;
    if (patch.more) this.state.more = patch.more;
    this.sink(patch);
  }
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
