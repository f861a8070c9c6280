import type { AfterSaleView } from '../../../../typings/order-after-sale';
import { pageView } from '../../../behaviors/page-view';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { fetchAfterSale, sendReturn, withdrawAfterSale } from '../../../services/after-sales';
import { messageOf } from '../../../services/errors';
import { formatFen } from '../../../utils/money';
import { openPage } from '../../../utils/navigation';
import { returnProblem } from '../../../utils/order-forms';
import { afterSaleHint, canWithdraw, formatTime, type LineView } from '../../../utils/order-status';
import { PAGES, pageUrl } from '../../../utils/pages';

/**
 * 售后详情 (`?caseId=`): the case's status and what comes next, the refund, the merchant's decision (the reason of a
 * refusal), the return parcel form when a return was approved (carrier and tracking number, `order.refund.return`),
 * the lines, the shopper's reason and photos, the history, and 撤销申请 while the case may still be withdrawn.
 */

const ROUTE = 'pages/order/aftersale-detail/index';

type Status = 'loading' | 'ready' | 'error';

interface Step {
  key: string;
  label: string;
  time: string;
}

Component({
  behaviors: [pageView(ROUTE), reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    caseId: '',
    view: null as AfterSaleView | null,
    hint: '',
    refundText: '',
    lineViews: [] as LineView[],
    history: [] as Step[],
    withdrawable: false,
    carrier: '',
    trackingNo: '',
    acting: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ caseId: query.caseId ?? '' });
      void this.load();
    },

    async load(quiet = false) {
      await loadShown(this, quiet, async () => this.show(await fetchAfterSale(this.data.caseId)));
    },
    show(view: AfterSaleView) {
      this.setData({
        status: 'ready',
        view,
        hint: afterSaleHint(view.status),
        refundText: formatFen(view.refundFee),
        lineViews: view.lines.map((l): LineView => ({
          key: `${l.index}`,
          title: l.title,
          image: l.image,
          specText: Object.values(l.specValues).join(' / '),
          unitPrice: l.quantity ? Math.round(l.refundFee / l.quantity) : 0,
          quantity: l.quantity,
          note: `退款 ${formatFen(l.refundFee)}`,
          actions: [],
        })),
        history: [...view.history].reverse().map((h, i) => ({ key: `${i}`, label: h.label, time: formatTime(h.at) })),
        withdrawable: canWithdraw(view.status),
      });
    },

    onCarrier(e: WechatMiniprogram.Input) {
      this.setData({ carrier: e.detail.value });
    },
    onTrackingNo(e: WechatMiniprogram.Input) {
      this.setData({ trackingNo: e.detail.value });
    },
    async sendReturn() {
      const { view, carrier, trackingNo } = this.data;
      if (!view) return;
      const problem = returnProblem(carrier, trackingNo);
      if (problem) return void wx.showToast({ title: problem, icon: 'none' });
      await this.run(() => sendReturn(view.orderId, carrier.trim(), trackingNo.trim()), '退货物流已提交');
    },
    async withdraw() {
      const { view } = this.data;
      if (!view) return;
      const { confirm } = await wx.showModal({ title: '撤销申请', content: '撤销后本次售后申请将关闭，确定撤销吗？' });
      if (!confirm) return;
      await this.run(() => withdrawAfterSale(view.orderId), '已撤销申请');
    },
    async run(work: () => Promise<AfterSaleView>, done: string) {
      if (this.data.acting) return;
      this.setData({ acting: true });
      try {
        this.show(await work());
        void wx.showToast({ title: done, icon: 'success' });
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
        await this.load(true);
      } finally {
        this.setData({ acting: false });
      }
    },
    openOrder() {
      const orderId = this.data.view?.orderId;
      if (orderId) openPage(pageUrl(PAGES.orderDetail, { orderId }));
    },
    copy(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { text: string }>) {
      const { text } = e.currentTarget.dataset;
      // A refusal in the privacy popup is the shopper's choice: nothing to add.
      if (text) wx.setClipboardData({ data: text }).catch(() => undefined);
    },
  },
});
