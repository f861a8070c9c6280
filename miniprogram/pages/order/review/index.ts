import type { ReviewTag } from '../../../../typings/review';
import { pageView } from '../../../behaviors/page-view';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { ServiceError, messageOf } from '../../../services/errors';
import { fetchOrder, reviewOrderLine, uploadPhotos } from '../../../services/orders';
import { MAX_PHOTOS, MAX_REVIEW_TEXT, RATING_WORDS, REVIEW_TAGS, reviewProblem, toggleTag } from '../../../utils/order-forms';
import { lineView, type LineView } from '../../../utils/order-status';

/**
 * 评价 (`?orderId=&index=`): the review of one line of a completed order: stars, tags, words, photos (picked with
 * `wx.chooseMedia` behind the privacy prompt, uploaded to cloud storage when sent) and 匿名评价. Once per line: the
 * route refuses a second, and the page shows its message.
 */

const ROUTE = 'pages/order/review/index';

type Status = 'loading' | 'ready' | 'done' | 'error';
type DataEvent<T extends Record<string, unknown>> = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, T>;

/** Photos already uploaded, by local path: a retry after a refusal does not upload them again. */
const uploaded = new Map<string, string>();

Component({
  behaviors: [pageView(ROUTE), reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    orderId: '',
    index: 0,
    line: [] as LineView[],
    rating: 5,
    ratingWord: RATING_WORDS[5] ?? '',
    stars: [1, 2, 3, 4, 5],
    tagOptions: Object.entries(REVIEW_TAGS).map(([code, label]) => ({ code, label, on: false })),
    tags: [] as ReviewTag[],
    text: '',
    maxText: MAX_REVIEW_TEXT,
    photos: [] as string[],
    maxPhotos: MAX_PHOTOS,
    anonymous: false,
    submitting: false,
    /** The route's refusal of the last submit, shown on the page. */
    refusal: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ orderId: query.orderId ?? '', index: Number(query.index ?? 0) });
      void this.load();
    },
    async load() {
      await loadShown(this, false, async () => {
        const order = await fetchOrder(this.data.orderId);
        const line = order.lines[this.data.index];
        if (!line) throw new ServiceError('NOT_FOUND', '订单商品不存在');
        this.setData({ status: 'ready', line: [lineView(line, this.data.index)] });
      });
    },

    rate(e: DataEvent<{ rating: number }>) {
      const rating = Number(e.currentTarget.dataset.rating);
      this.setData({ rating, ratingWord: RATING_WORDS[rating] ?? '' });
    },
    toggleTag(e: DataEvent<{ code: ReviewTag }>) {
      const { code } = e.currentTarget.dataset;
      const tags = toggleTag(this.data.tags, code);
      if (tags === this.data.tags) return void wx.showToast({ title: '最多选择 5 个标签', icon: 'none' });
      this.setData({ tags, tagOptions: this.data.tagOptions.map((t) => ({ ...t, on: tags.includes(t.code as ReviewTag) })) });
    },
    onText(e: WechatMiniprogram.Input) {
      this.setData({ text: e.detail.value });
    },
    onPhotos(e: WechatMiniprogram.CustomEvent<{ files: string[] }>) {
      this.setData({ photos: e.detail.files });
    },
    toggleAnonymous() {
      this.setData({ anonymous: !this.data.anonymous });
    },

    async submit() {
      const { rating, text, tags, photos, anonymous, orderId, index, submitting } = this.data;
      if (submitting) return;
      const problem = reviewProblem({ rating, text, tags, photos });
      if (problem) return void wx.showToast({ title: problem, icon: 'none' });
      this.setData({ submitting: true, refusal: '' });
      try {
        const fresh = photos.filter((p) => !uploaded.has(p));
        const ids = await uploadPhotos(fresh, 'reviews');
        fresh.forEach((p, i) => uploaded.set(p, ids[i]!));
        await reviewOrderLine({
          orderId,
          index,
          rating,
          text: text.trim(),
          tags,
          photos: photos.map((p) => uploaded.get(p)!),
          anonymous,
        });
        this.setData({ status: 'done' });
        void wx.showToast({ title: '评价成功', icon: 'success' });
      } catch (err) {
        this.setData({ refusal: messageOf(err) });
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      } finally {
        this.setData({ submitting: false });
      }
    },
    back() {
      wx.navigateBack({ fail: () => undefined });
    },
  },
});
