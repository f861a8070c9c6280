import type { ReviewItem } from '../../services/reviews';

/**
 * One review (评价) as shoppers see it: the reviewer (masked and marked 匿名 when anonymous), the stars, the SKU
 * bought, the text, the photos (a tap shows them full size), the tags, and the merchant's reply under it.
 */
Component({
  properties: {
    review: { type: Object, value: {} as ReviewItem },
    /** In the detail page's summary: the text cut to a few lines, no reply. */
    compact: { type: Boolean, value: false },
  },
  methods: {
    preview(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { url: string }>) {
      const { photos } = this.data.review;
      void wx.previewImage({ urls: photos, current: e.currentTarget.dataset.url });
    },
  },
});
