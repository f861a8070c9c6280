import type { ReviewSummary, ReviewView } from '../../../../typings/review';
import { pageView } from '../../../behaviors/page-view';
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
import { PagedList, pagedListOf } from '../../../utils/paged-list';
import { queryValue } from '../../../utils/query';

/**
 * 评价 (`?spuId=&filter=`): every visible review of a product from `reviews.list` (the featured ones first, then the
 * newest), filtered by 有图 or a rating band (好评 4–5 stars, 中评 2–3, 差评 1), a page at a time as the shopper
 * scrolls. The merchant's reply shows under its review; an anonymous reviewer shows masked, marked 匿名. The summary
 * (`reviews.summary`, asked alongside) gives the average, the share of 好评 and each filter's count.
 */

const ROUTE = 'pages/product/reviews/index';
const PAGE_SIZE = 10;

Component({
  behaviors: [pageView(ROUTE)],
  data: {
    spuId: '',
    filter: 'all' as ReviewFilter,
    filters: REVIEW_FILTERS.map((f) => ({ ...f, count: -1 })),
    summary: null as ReviewSummary | null,
    average: '',
    ...PagedList.empty('reviews'),
    reviews: [] as ReviewItem[],
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
    onReachBottom() {
      void this.loadMore();
    },

    /** The filter's reviews, a page at a time (a late answer to an earlier filter is dropped). */
    list(): PagedList<ReviewView, ReviewItem> {
      return pagedListOf(this, () => ({
        key: 'reviews',
        fetch: (cursor) =>
          fetchReviews({
            spuId: this.data.spuId,
            pageSize: PAGE_SIZE,
            ...(cursor ? { cursor } : {}),
            ...filterParams(this.data.filter),
          }),
        row: reviewItem,
      }));
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
      await this.list().reload();
    },
    async loadMore() {
      await this.list().more();
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
