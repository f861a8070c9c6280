import type { Category } from '../../../typings/product';
import { pageView } from '../../behaviors/page-view';
import { reloadable } from '../../behaviors/reloadable';
import { EMPTY_FEED, fetchCategories, type ProductFeed, productFeedOf } from '../../services/catalog';
import { messageOf } from '../../services/errors';
import { openPage } from '../../utils/navigation';
import { PAGES, pageUrl } from '../../utils/pages';

/**
 * 分类 (tab): the category tree from `product.categories`; the left rail lists the top-level categories, the right
 * side the chosen one's subcategories (全部 first: a top-level category lists its subcategories' products too) and
 * its products from `product.list`, a page at a time as the shopper scrolls. A tap on a product opens it.
 */

const ROUTE = 'pages/category/index';
const PAGE_SIZE = 10;

type Status = 'loading' | 'ready' | 'error';

Component({
  behaviors: [pageView(ROUTE), reloadable],
  data: {
    /** The category tree's state; `status`, `errorMessage`, `products`, `more`… are the product list's (ProductFeed). */
    treeStatus: 'loading' as Status,
    treeError: '',
    categories: [] as Category[],
    /** The top-level category chosen in the rail, and the subcategory on the right ('' for 全部). */
    topId: '',
    subId: '',
    children: [] as Array<{ id: string; name: string }>,
    ...EMPTY_FEED,
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onReachBottom() {
      void this.feed().more();
    },
    onShareAppMessage() {
      return { title: '好物分类，快来逛逛', path: PAGES.category };
    },

    feed(): ProductFeed {
      return productFeedOf(this, PAGE_SIZE);
    },

    async load() {
      this.setData({ treeStatus: 'loading' });
      try {
        const categories = await fetchCategories();
        const first = categories[0];
        this.setData({ treeStatus: 'ready', categories, treeError: '' });
        if (first) this.showTop(first.id);
      } catch (err) {
        this.setData({ treeStatus: 'error', treeError: messageOf(err) });
      }
    },

    /** A top-level category: its subcategories, and all its products. */
    showTop(topId: string) {
      const top = this.data.categories.find((c) => c.id === topId);
      if (!top) return;
      this.setData({ topId, subId: '', children: top.children });
      void this.feed().reload({ categoryId: topId });
    },
    chooseTop(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>) {
      const { id } = e.currentTarget.dataset;
      if (id !== this.data.topId) {
        void wx.pageScrollTo({ scrollTop: 0, duration: 0 });
        this.showTop(id);
      }
    },
    chooseSub(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>) {
      const subId = e.currentTarget.dataset.id ?? '';
      if (subId === this.data.subId) return;
      this.setData({ subId });
      void wx.pageScrollTo({ scrollTop: 0, duration: 0 });
      void this.feed().reload({ categoryId: subId || this.data.topId });
    },
    retryProducts() {
      void this.feed().reload({ categoryId: this.data.subId || this.data.topId });
    },
    loadMore() {
      void this.feed().more();
    },

    openProduct(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>) {
      openPage(pageUrl(PAGES.productDetail, { spuId: e.currentTarget.dataset.id }));
    },
    openSearch() {
      openPage(PAGES.search);
    },
  },
});
