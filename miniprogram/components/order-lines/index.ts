import type { LineView } from '../../utils/order-status';

type LineEvent = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { index: number; key?: string }>;

/**
 * The lines of an order, a checkout or an after-sale case: picture, title, specs, unit price and quantity, a note
 * (e.g. 已退 1 件) and the line's own actions (申请售后, 评价), which fire `action` with the line's index and the key.
 */
Component({
  properties: {
    lines: { type: Array, value: [] as LineView[] },
  },
  methods: {
    act(e: LineEvent) {
      const { index, key } = e.currentTarget.dataset;
      this.triggerEvent('action', { index: Number(index), key });
    },
    open(e: LineEvent) {
      this.triggerEvent('open', { index: Number(e.currentTarget.dataset.index) });
    },
  },
});
