import type { ListSort } from '../../../../typings/product';
import { pageView } from '../../../behaviors/page-view';
import { EMPTY_FEED, type FeedQuery, type ProductFeed, productFeedOf } from '../../../services/catalog';
import { trackShare } from '../../../services/tracker';
import { PAGES, pageUrl } from '../../../utils/pages';
import { isListSort } from '../../../utils/product-sort';
import { queryValue } from '../../../utils/query';
import { normalizeKeyword } from '../../../utils/search-history';

/**
 * 商品列表 (`?categoryId=&title=&keyword=&sort=`): a category's products (a top-level one's include its
 * subcategories'), or those matching a keyword, from `product.list`, sorted by the tabs (综合 / 销量 / 价格 / 新品), a
 * page at a time as the shopper scrolls; pull down to refresh. The title names what is listed.
 */

const ROUTE = 'pages/product/list/index';
const PAGE_SIZE = 10;

Component({
  behaviors: [pageView(ROUTE)],
  data: {
    categoryId: '',
    keyword: '',
    title: '',
    sort: 'default' as ListSort,
    ...EMPTY_FEED,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const categoryId = queryValue(query.categoryId);
      const keyword = normalizeKeyword(queryValue(query.keyword));
      const title = queryValue(query.title) || keyword || '全部商品';
      this.setData({ categoryId, keyword, title, ...(isListSort(query.sort) ? { sort: query.sort } : {}) });
      void wx.setNavigationBarTitle({ title });
      void this.feed().reload(this.query());
    },
    onReachBottom() {
      void this.feed().more();
    },
    async onPullDownRefresh() {
      await this.feed().reload(this.query(), true);
      void wx.stopPullDownRefresh();
    },
    onShareAppMessage() {
      trackShare(ROUTE);
      const { categoryId, keyword, title, sort } = this.data;
      return { title, path: pageUrl(PAGES.productList, { categoryId, keyword, title, sort: sort === 'default' ? '' : sort }) };
    },

    feed(): ProductFeed {
      return productFeedOf(this, PAGE_SIZE);
    },
    query(): FeedQuery {
      const { categoryId, keyword, sort } = this.data;
      return { sort, ...(categoryId ? { categoryId } : {}), ...(keyword ? { keyword } : {}) };
    },

    onSort(e: WechatMiniprogram.CustomEvent<{ sort: ListSort }>) {
      this.setData({ sort: e.detail.sort });
      void wx.pageScrollTo({ scrollTop: 0, duration: 0 });
      void this.feed().reload(this.query());
    },
    retry() {
      void this.feed().reload(this.query());
    },
    loadMore() {
      void this.feed().more();
    },
  },
});
