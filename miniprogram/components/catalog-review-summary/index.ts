import type { ReviewSummary } from '../../../typings/review';
import { type ReviewItem, reviewItem } from '../../services/reviews';
import { openPage } from '../../utils/navigation';
import { PAGES, pageUrl } from '../../utils/pages';

/** Samples shown under the summary on the detail page (the route answers up to 3). */
const SAMPLES = 2;

/**
 * The product's reviews in brief on its detail page (from `reviews.summary`): how many, the share of 好评 and the
 * average, the most picked tags, and a few reviews (featured first, then the newest with photos). A tap opens every
 * review of the product.
 */
Component({
  properties: {
    spuId: { type: String, value: '' },
    summary: { type: Object, value: null as ReviewSummary | null },
    /** The summary could not be read: the section says so, still leading to the reviews. */
    failed: { type: Boolean, value: false },
  },
  data: {
    count: 0,
    goodRate: 100,
    average: '0.0',
    tags: [] as Array<{ code: string; text: string }>,
    samples: [] as ReviewItem[],
  },
  observers: {
    summary(summary: ReviewSummary | null) {
      if (!summary) return;
      this.setData({
        count: summary.count,
        goodRate: summary.goodRate,
        average: summary.average.toFixed(1),
        tags: summary.topTags.map((t) => ({ code: t.code, text: `${t.label} ${t.count}` })),
        samples: summary.samples.slice(0, SAMPLES).map(reviewItem),
      });
    },
  },
  methods: {
    open() {
      const { spuId } = this.data;
      if (spuId) openPage(pageUrl(PAGES.productReviews, { spuId }));
    },
  },
});
