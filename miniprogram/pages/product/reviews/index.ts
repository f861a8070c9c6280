import type { ReviewSummary } from '../../../../typings/review';
import { messageOf } from '../../../services/errors';
import {
  REVIEW_FILTERS,
  type ReviewFilter,
  type ReviewItem,
  fetchReviewSummary,
  fetchReviews,
  filterCount,
  filterParams,
  isReviewFilter,
  reviewItem,
} from '../../../services/reviews';
import { flushEvents, trackPageView } from '../../../services/tracker';
import { queryValue } from '../../../utils/query';

/**
 * 评价 (`?spuId=&filter=`): every visible review of a product from `reviews.list` (the featured ones first, then the
 * newest), filtered by 有图 or a rating band (好评 4–5 stars, 中评 2–3, 差评 1), a page at a time as the shopper
 * scrolls. The merchant's reply shows under its review; an anonymous reviewer shows masked, marked 匿名. The summary
 * (`reviews.summary`, asked alongside) gives the average, the share of 好评 and each filter's count.
 */

const ROUTE = 'pages/product/reviews/index';
const PAGE_SIZE = 10;

type Status = 'loading' | 'ready' | 'error';
type More = 'idle' | 'loading' | 'done' | 'error';

/** Each shown page's list: which request is current (a late answer to an earlier filter is dropped), and the cursor. */
const lists = new WeakMap<object, { generation: number; cursor?: string }>();

Component({
  data: {
    spuId: '',
    filter: 'all' as ReviewFilter,
    filters: REVIEW_FILTERS.map((f) => ({ ...f, count: -1 })),
    summary: null as ReviewSummary | null,
    average: '',
    status: 'loading' as Status,
    errorMessage: '',
    reviews: [] as ReviewItem[],
    more: 'idle' as More,
    moreError: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const spuId = queryValue(query.spuId);
      const filter = isReviewFilter(query.filter) ? query.filter : 'all';
      this.setData({ spuId, filter });
      if (!spuId) {
        this.setData({ status: 'error', errorMessage: '商品不存在' });
        return;
      }
      void this.loadSummary();
      void this.reload();
    },
    onShow() {
      trackPageView(ROUTE);
    },
    onHide() {
      void flushEvents();
    },
    onUnload() {
      void flushEvents();
    },
    onReachBottom() {
      void this.loadMore();
    },

    list() {
      let list = lists.get(this);
      if (!list) {
        list = { generation: 0 };
        lists.set(this, list);
      }
      return list;
    },

    async loadSummary() {
      try {
        const summary = await fetchReviewSummary(this.data.spuId);
        this.setData({
          summary,
          average: summary.average.toFixed(1),
          filters: REVIEW_FILTERS.map((f) => ({ ...f, count: filterCount(summary, f.filter) })),
        });
      } catch {
        // The counts are a help; the reviews themselves say what failed.
      }
    },
    /** The first page of the current filter. */
    async reload() {
      const list = this.list();
      const generation = ++list.generation;
      this.setData({ status: 'loading', reviews: [], more: 'idle', moreError: '' });
      try {
        const page = await fetchReviews({ spuId: this.data.spuId, pageSize: PAGE_SIZE, ...filterParams(this.data.filter) });
        if (generation !== list.generation) return;
        list.cursor = page.nextCursor;
        this.setData({
          status: 'ready',
          errorMessage: '',
          reviews: page.items.map(reviewItem),
          more: page.nextCursor ? 'idle' : 'done',
        });
      } catch (err) {
        if (generation !== list.generation) return;
        this.setData({ status: 'error', errorMessage: messageOf(err) });
      }
    },
    async loadMore() {
      const list = this.list();
      const { status, more, reviews } = this.data;
      if (status !== 'ready' || more === 'loading' || more === 'done' || !list.cursor) return;
      const generation = list.generation;
      this.setData({ more: 'loading' });
      try {
        const page = await fetchReviews({
          spuId: this.data.spuId,
          pageSize: PAGE_SIZE,
          cursor: list.cursor,
          ...filterParams(this.data.filter),
        });
        if (generation !== list.generation) return;
        list.cursor = page.nextCursor;
        const added = Object.fromEntries(page.items.map((r, i) => [`reviews[${reviews.length + i}]`, reviewItem(r)]));
        this.setData({ ...added, more: page.nextCursor ? 'idle' : 'done', moreError: '' });
      } catch (err) {
        if (generation !== list.generation) return;
        this.setData({ more: 'error', moreError: messageOf(err) });
      }
    },
    chooseFilter(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { filter: ReviewFilter }>) {
      const { filter } = e.currentTarget.dataset;
      if (filter === this.data.filter) return;
      this.setData({ filter });
      void wx.pageScrollTo({ scrollTop: 0, duration: 0 });
      void this.reload();
    },
    retry() {
      if (!this.data.summary) void this.loadSummary();
      void this.reload();
    },
  },
});
