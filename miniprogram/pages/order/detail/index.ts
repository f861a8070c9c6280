import type { OrderView } from '../../../../typings/order';
import type { AfterSaleView } from '../../../../typings/order-after-sale';
import { pageView } from '../../../behaviors/page-view';
import { loadShown, reloadable, reloadWhenShownAgain } from '../../../behaviors/reloadable';
import { fetchAfterSale } from '../../../services/after-sales';
import { messageOf } from '../../../services/errors';
import { cancelOrder, confirmReceipt, fetchMyReviews, fetchOrder } from '../../../services/orders';
import { payOrder, waitUntilPaid } from '../../../services/pay';
import { formatFen } from '../../../utils/money';
import { openPage } from '../../../utils/navigation';
import { acceptsAfterSale, formatTime, lineView, type LineView, refundableUnits, statusHint } from '../../../utils/order-status';
import { PAGES, pageUrl } from '../../../utils/pages';

/**
 * 订单详情 (`?orderId=`): the status (with the time left to pay an unpaid order), the address, the lines with their own
 * actions (申请售后 for units not refunded, 评价 after receipt), the amounts, the order's number and times, the parcel's
 * carrier and tracking number (copied with a tap), and the order's actions: 取消订单 (after a confirmation), 立即支付
 * (`pay.create` and WeChat's payment sheet), 确认收货, 查看售后, and 填写退货物流 for an approved return.
 */

const ROUTE = 'pages/order/detail/index';

type Status = 'loading' | 'ready' | 'error';
type LineActionEvent = WechatMiniprogram.CustomEvent<{ index: number; key: string }>;

Component({
  behaviors: [pageView(ROUTE), reloadable, reloadWhenShownAgain],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    orderId: '',
    order: null as OrderView | null,
    lineViews: [] as LineView[],
    hint: '',
    createdText: '',
    refundedText: '',
    afterSale: null as AfterSaleView | null,
    /** Line positions the shopper already reviewed. */
    reviewed: [] as number[],
    acting: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ orderId: query.orderId ?? '' });
      void this.load();
    },

    async load(quiet = false) {
      await loadShown(this, quiet, async () => {
        const order = await fetchOrder(this.data.orderId);
        const [afterSale, reviewed] = await Promise.all([
          order.afterSaleId ? fetchAfterSale(order.afterSaleId).catch(() => null) : Promise.resolve(null),
          order.status === 'completed' ? this.reviewedLines(order.orderId) : Promise.resolve([]),
        ]);
        this.show(order, afterSale, reviewed);
      });
    },
    /** Lines of this order the shopper reviewed (from their reviews, newest first: a few pages at most). */
    async reviewedLines(orderId: string): Promise<number[]> {
      const lines: number[] = [];
      try {
        let cursor: string | undefined;
        for (let read = 0; read < 3; read++) {
          const page = await fetchMyReviews(cursor);
          for (const review of page.items) if (review.orderId === orderId) lines.push(review.index);
          cursor = page.nextCursor;
          if (!cursor) break;
        }
      } catch {
        // Unknown: every line offers 评价, and the review page says so if it was done.
      }
      return lines;
    },

    show(order: OrderView, afterSale: AfterSaleView | null, reviewed: number[]) {
      const openCase = order.status === 'refunding' || order.status === 'refund_approved';
      const lineViews = order.lines.map((line, i) => {
        const view = lineView(line, i);
        const refunded = order.refunded?.units[i] ?? 0;
        const left = refundableUnits(order, i);
        if (refunded) view.note = left ? `已退款 ${refunded} 件` : '已全部退款';
        if (acceptsAfterSale(order) && !openCase && left > 0) view.actions.push({ key: 'afterSale', label: '申请售后' });
        if (order.status === 'completed' && left > 0) {
          view.actions.push(reviewed.includes(i) ? { key: 'reviewed', label: '已评价' } : { key: 'review', label: '评价' });
        }
        return view;
      });
      this.setData({
        status: 'ready',
        order,
        lineViews,
        hint: statusHint(order.status),
        createdText: formatTime(order.createdAt),
        refundedText: order.refunded?.fee ? formatFen(order.refunded.fee) : '',
        afterSale,
        reviewed,
      });
    },

    lineAction(e: LineActionEvent) {
      const { index, key } = e.detail;
      const { orderId } = this.data;
      if (key === 'afterSale') openPage(pageUrl(PAGES.afterSaleApply, { orderId, index }));
      else if (key === 'review') openPage(pageUrl(PAGES.orderReview, { orderId, index }));
    },
    openProduct(e: WechatMiniprogram.CustomEvent<{ index: number }>) {
      const line = this.data.order?.lines[e.detail.index];
      if (line?.spuId) openPage(pageUrl(PAGES.productDetail, { spuId: line.spuId }));
    },

    async cancel() {
      const { confirm } = await wx.showModal({
        title: '取消订单',
        content: '取消后，商品库存、优惠券和积分将退回。确定取消吗？',
      });
      if (!confirm) return;
      await this.run(() => cancelOrder(this.data.orderId), '订单已取消');
    },
    async confirmReceipt() {
      const { confirm } = await wx.showModal({ title: '确认收货', content: '请确认已收到商品，确认后交易完成。' });
      if (!confirm) return;
      await this.run(() => confirmReceipt(this.data.orderId), '已确认收货');
    },
    async pay() {
      await this.run(async () => {
        const outcome = await payOrder(this.data.orderId);
        if (outcome !== 'paid') {
          void wx.showToast({ title: outcome === 'cancelled' ? '已取消支付' : '支付失败，请重试', icon: 'none' });
          return null;
        }
        return waitUntilPaid(this.data.orderId);
      }, '支付成功');
    },
    /** An action on the order; its answer (the order as it is now) is shown, a refusal says why. */
    async run(work: () => Promise<OrderView | null>, done: string) {
      if (this.data.acting) return;
      this.setData({ acting: true });
      try {
        const order = await work();
        if (order) {
          void wx.showToast({ title: done, icon: 'success' });
          await this.load(true);
        }
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
        await this.load(true);
      } finally {
        this.setData({ acting: false });
      }
    },
    /** The time to pay ran out while shown: the order is cancelled now. */
    onExpired() {
      void this.load(true);
    },

    openAfterSale() {
      const caseId = this.data.order?.afterSaleId;
      if (caseId) openPage(pageUrl(PAGES.afterSaleDetail, { caseId }));
    },
    copy(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { text: string }>) {
      const { text } = e.currentTarget.dataset;
      // A refusal in the privacy popup is the shopper's choice: nothing to add.
      if (text) wx.setClipboardData({ data: text }).catch(() => undefined);
    },
  },
});
