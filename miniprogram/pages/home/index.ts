import type { Banner, HomeData, HomeFlashSale, HomeGroupBuy, ProductCard } from '../../../typings/product';
import { pageView } from '../../behaviors/page-view';
import { loadShown, reloadable } from '../../behaviors/reloadable';
import { messageOf } from '../../services/errors';
import { featuredFlashSale } from '../../services/flashsale';
import { bindInviteCode } from '../../services/catalog';
import { fetchHome, fetchProducts } from '../../services/product';
import { trackShare } from '../../services/tracker';
import { openPage } from '../../utils/navigation';
import { PAGES, pageUrl } from '../../utils/pages';
import { queryValue } from '../../utils/query';

/**
 * 首页: the first screen comes from one `product.home` call (banners, category shortcuts, the flash sale with its
 * countdown, the group-buy and coupon entries, recommended products); the product grid then goes on with
 * `product.list` pages as the shopper scrolls, leaving out products already shown.
 */

const ROUTE = 'pages/home/index';
const PAGE_SIZE = 10;
/** Pages one scroll may read looking for products not shown yet (the first list pages repeat the recommended ones). */
const PAGES_PER_SCROLL = 3;
/** Top-level categories shown as shortcuts; 「全部分类」 follows them. */
const SHORTCUTS = 9;

type Status = 'loading' | 'ready' | 'error';
type More = 'idle' | 'loading' | 'done' | 'error';

interface Shortcut {
  id: string;
  name: string;
  initial: string;
}

interface FlashStrip {
  flashSaleId: string;
  title: string;
  image: string;
  price: number;
  normalPrice: number;
  label: string;
  target: string;
  soldOut: boolean;
}

Component({
  behaviors: [pageView(ROUTE), reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    banners: [] as Banner[],
    categories: [] as Shortcut[],
    products: [] as ProductCard[],
    empty: false,
    more: 'idle' as More,
    moreError: '',
    /** Where `product.list` goes on; empty before the first page. */
    cursor: '',
    flashSale: null as FlashStrip | null,
    /** The first open group-buy, for the entry's hint. */
    groupBuy: null as HomeGroupBuy | null,
    claimableCoupons: 0,
  },
  methods: {
    onLoad(query: Record<string, string | undefined> = {}) {
      // Opened from a friend's invitation (邀请有礼 shares the home page with their code): the shopper is bound to them.
      const inviteCode = queryValue(query.inviteCode);
      if (inviteCode) void bindInviteCode(inviteCode);
      void this.load();
    },
    onReachBottom() {
      void this.loadMore();
    },
    onShareAppMessage() {
      trackShare(ROUTE);
      return { title: '好物上新，快来逛逛', path: PAGES.home };
    },

    /** The whole page again; on a pull-down refresh (`keep`) what is shown stays until the answer comes. */
    async load(keep = false) {
      await loadShown(this, keep, async () => this.show(await fetchHome()));
    },
    show(home: HomeData) {
      this.setData({
        status: 'ready',
        banners: home.banners,
        categories: home.categories
          .slice(0, SHORTCUTS)
          .map((c): Shortcut => ({ id: c.id, name: c.name, initial: c.name.slice(0, 1) })),
        products: home.recommended,
        flashSale: flashStrip(featuredFlashSale(home.flashSales)),
        groupBuy: home.groupBuys[0] ?? null,
        claimableCoupons: home.claimableCoupons,
        empty: !home.banners.length && !home.categories.length && !home.recommended.length,
        more: 'idle',
        moreError: '',
        cursor: '',
      });
    },
    async loadMore() {
      const { status, more, products } = this.data;
      if (status !== 'ready' || more === 'loading' || more === 'done') return;
      this.setData({ more: 'loading' });
      try {
        const shown = new Set(products.map((p) => p.spuId));
        const fresh: ProductCard[] = [];
        let cursor: string | undefined = this.data.cursor || undefined;
        for (let read = 0; read < PAGES_PER_SCROLL && !fresh.length; read++) {
          const page = await fetchProducts({ sort: 'default', pageSize: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
          for (const product of page.items) {
            if (shown.has(product.spuId)) continue;
            shown.add(product.spuId);
            fresh.push(product);
          }
          cursor = page.nextCursor;
          if (!cursor) break;
        }
        // Only the new cards cross to the view layer.
        const added = Object.fromEntries(fresh.map((p, i) => [`products[${products.length + i}]`, p]));
        this.setData({ ...added, cursor: cursor ?? '', more: cursor ? 'idle' : 'done' });
      } catch (err) {
        this.setData({ more: 'error', moreError: messageOf(err) });
      }
    },

    openSearch() {
      openPage(PAGES.search);
    },
    openBanner(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { link: string }>) {
      const { link } = e.currentTarget.dataset;
      if (link) openPage(link);
    },
    openCategory(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string; name: string }>) {
      const { id, name } = e.currentTarget.dataset;
      openPage(pageUrl(PAGES.productList, { categoryId: id, title: name }));
    },
    openAllCategories() {
      openPage(PAGES.category);
    },
    openFlashSale() {
      openPage(pageUrl(PAGES.flashSale, { flashSaleId: this.data.flashSale?.flashSaleId }));
    },
    openGroupBuys() {
      openPage(PAGES.groupBuys);
    },
    openCoupons() {
      openPage(PAGES.couponCentre);
    },
  },
});

function flashStrip(sale: HomeFlashSale | undefined): FlashStrip | null {
  if (!sale) return null;
  const upcoming = sale.state === 'upcoming';
  return {
    flashSaleId: sale.flashSaleId,
    title: sale.title,
    image: sale.image,
    price: sale.price,
    normalPrice: sale.normalPrice,
    label: upcoming ? '距开始' : '距结束',
    target: upcoming ? sale.startAt : sale.endAt,
    soldOut: sale.state === 'sold_out',
  };
}
