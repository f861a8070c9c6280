import type { ListSort } from '../../../typings/product';
import { pageView } from '../../behaviors/page-view';
import { EMPTY_FEED, type ProductFeed, productFeedOf } from '../../services/catalog';
import { isListSort } from '../../utils/product-sort';
import { queryValue } from '../../utils/query';
import {
  clearSearchHistory,
  MAX_KEYWORD_LENGTH,
  normalizeKeyword,
  readSearchHistory,
  rememberSearch,
} from '../../utils/search-history';

/**
 * 搜索: a keyword searched in the product titles (`product.list` with `keyword`), sorted by the tabs (综合 / 销量 /
 * 价格 / 新品), a page at a time as the shopper scrolls. Before a search, the history kept on the phone (most recent
 * first, each keyword once, at most 10; 清空 forgets it), a tap on one searches it again. `?keyword=` searches at once.
 */

const ROUTE = 'pages/search/index';
const PAGE_SIZE = 10;

Component({
  behaviors: [pageView(ROUTE)],
  data: {
    /** What the input shows; `searched` is the keyword the results are for ('' before a search). */
    input: '',
    searched: '',
    sort: 'default' as ListSort,
    history: [] as string[],
    maxLength: MAX_KEYWORD_LENGTH,
    ...EMPTY_FEED,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ history: readSearchHistory(), ...(isListSort(query.sort) ? { sort: query.sort } : {}) });
      const keyword = normalizeKeyword(queryValue(query.keyword));
      if (keyword) this.search(keyword);
    },
    onReachBottom() {
      if (this.data.searched) void this.feed().more();
    },

    feed(): ProductFeed {
      return productFeedOf(this, PAGE_SIZE);
    },

    onInput(e: WechatMiniprogram.Input) {
      const input = e.detail.value;
      // Clearing the box goes back to the history.
      this.setData(input ? { input } : { input, searched: '' });
    },
    onConfirm(e: WechatMiniprogram.InputConfirm) {
      this.submit(e.detail.value);
    },
    tapSearch() {
      this.submit(this.data.input);
    },
    submit(raw: string) {
      const keyword = normalizeKeyword(raw);
      if (!keyword) {
        void wx.showToast({ title: '请输入要搜索的商品', icon: 'none' });
        return;
      }
      this.search(keyword);
    },
    /** Searches `keyword` from its first page, remembered on top of the history. */
    search(keyword: string) {
      this.setData({ input: keyword, searched: keyword, history: rememberSearch(keyword) });
      void this.feed().reload({ keyword, sort: this.data.sort });
    },
    searchHistory(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { keyword: string }>) {
      this.search(e.currentTarget.dataset.keyword);
    },
    clearInput() {
      this.setData({ input: '', searched: '' });
    },
    async clearHistory() {
      const { confirm } = await wx.showModal({ title: '清空搜索历史？', content: '', confirmText: '清空' });
      if (!confirm) return;
      clearSearchHistory();
      this.setData({ history: [] });
    },
    onSort(e: WechatMiniprogram.CustomEvent<{ sort: ListSort }>) {
      const { sort } = e.detail;
      this.setData({ sort });
      if (this.data.searched) {
        void wx.pageScrollTo({ scrollTop: 0, duration: 0 });
        void this.feed().reload({ keyword: this.data.searched, sort });
      }
    },
    retry() {
      void this.feed().reload({ keyword: this.data.searched, sort: this.data.sort });
    },
    loadMore() {
      void this.feed().more();
    },
  },
});
