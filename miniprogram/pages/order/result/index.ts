import type { OrderView } from '../../../../typings/order';
import { pageView } from '../../../behaviors/page-view';
import { loadShown } from '../../../behaviors/reloadable';
import { messageOf } from '../../../services/errors';
import { fetchOrder } from '../../../services/orders';
import { payOrder, waitUntilPaid } from '../../../services/pay';
import { formatFen } from '../../../utils/money';
import { openPage } from '../../../utils/navigation';
import { PAGES, pageUrl } from '../../../utils/pages';

/**
 * The result of checkout (`?orderId=`, `&paid=1` when WeChat's payment sheet said paid): 支付成功 with links to the
 * order and home, or, for a payment cancelled or failed, the order still awaiting payment with its time left, 去支付
 * again and the order. The order is read back from `order.detail`; a payment the sheet confirmed is awaited until the
 * platform's notification marks the order paid (支付确认中 with 刷新 if it takes longer).
 */

const ROUTE = 'pages/order/result/index';
/** How long the page waits for the payment's notification before offering to look again. */
const CONFIRM_MS = 6000;

/** `confirming`: WeChat's sheet said paid, but the notification has not marked the order paid yet. */
type Status = 'loading' | 'paid' | 'confirming' | 'unpaid' | 'closed' | 'error';

const TITLES: Record<Status, string> = {
  loading: '支付结果',
  paid: '支付成功',
  confirming: '支付确认中',
  unpaid: '订单待支付',
  closed: '订单已关闭',
  error: '支付结果',
};

Component({
  behaviors: [pageView(ROUTE)],
  data: {
    status: 'loading' as Status,
    titles: TITLES,
    errorMessage: '',
    orderId: '',
    order: null as OrderView | null,
    payableText: '',
    paying: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ orderId: query.orderId ?? '' });
      void this.load(query.paid === '1');
    },

    /** `paid`: WeChat's sheet said paid, and the page waits for the notification to mark the order so. */
    async load(paid = false) {
      await loadShown(this, false, async () => {
        const { orderId } = this.data;
        const order = paid ? await waitUntilPaid(orderId, { timeoutMs: CONFIRM_MS }) : await fetchOrder(orderId);
        this.show(order, paid);
      });
    },
    retry() {
      void this.load();
    },
    /** 刷新 while the payment is being confirmed. */
    refresh() {
      void this.load(true);
    },
    show(order: OrderView, paid: boolean) {
      let status: Status = 'paid';
      if (order.status === 'pending_payment') status = paid ? 'confirming' : 'unpaid';
      else if (order.status === 'cancelled') status = 'closed';
      this.setData({ status, order, payableText: formatFen(order.amounts.payable) });
      void wx.setNavigationBarTitle({ title: TITLES[status] });
    },

    async pay() {
      const { order, paying } = this.data;
      if (!order || paying) return;
      this.setData({ paying: true });
      try {
        const outcome = await payOrder(order.orderId);
        if (outcome === 'paid') await this.load(true);
        else void wx.showToast({ title: outcome === 'cancelled' ? '已取消支付' : '支付失败，请重试', icon: 'none' });
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
        await this.load();
      } finally {
        this.setData({ paying: false });
      }
    },
    /** The time to pay ran out while shown: the order is cancelled now. */
    onExpired() {
      void this.load();
    },
    openOrder() {
      void wx.redirectTo({ url: pageUrl(PAGES.orderDetail, { orderId: this.data.orderId }) });
    },
    goHome() {
      openPage(PAGES.home);
    },
  },
});
