import type { OrderView } from '../../../../typings/order';
import { pageView } from '../../../behaviors/page-view';
import { reloadable, reloadWhenShownAgain } from '../../../behaviors/reloadable';
import { messageOf } from '../../../services/errors';
import { cancelOrder, confirmReceipt, fetchOrders } from '../../../services/orders';
import { payOrder, waitUntilPaid } from '../../../services/pay';
import { openPage } from '../../../utils/navigation';
import { ORDER_TABS, type OrderAction, type OrderTab, orderTab } from '../../../utils/order-status';
import { PAGES, pageUrl } from '../../../utils/pages';
import { PagedList, pagedListOf } from '../../../utils/paged-list';

/**
 * 我的订单 (`?status=` one of the tabs' filters: all, pending_payment, paid, shipped, completed, refunding): the
 * shopper's orders by status, newest first, a page at a time as the shopper scrolls, each with the actions its status
 * allows (去支付, 取消订单, 确认收货, 评价, 查看售后). Coming back to the page shows the orders as they are now.
 */

const ROUTE = 'pages/order/list/index';
const PAGE_SIZE = 10;

type TabEvent = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { tab: OrderTab }>;
type CardEvent = WechatMiniprogram.CustomEvent<{ orderId: string; action?: OrderAction }>;

Component({
  behaviors: [pageView(ROUTE), reloadable, reloadWhenShownAgain],
  data: {
    tabs: ORDER_TABS as unknown as Array<{ key: OrderTab; label: string }>,
    tab: 'all' as OrderTab,
    ...PagedList.empty('orders'),
    orders: [] as OrderView[],
    acting: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ tab: orderTab(query.status) });
      void this.load();
    },
    onReachBottom() {
      void this.loadMore();
    },

    switchTab(e: TabEvent) {
      const { tab } = e.currentTarget.dataset;
      if (tab === this.data.tab) return;
      this.setData({ tab, orders: [] });
      void this.load();
    },

    /** The tab's orders, a page at a time (answers of an older tab or load arriving late are dropped). */
    list(): PagedList<OrderView> {
      return pagedListOf(this, () => ({ key: 'orders', fetch: (cursor) => fetchOrders(this.data.tab, cursor, PAGE_SIZE) }));
    },
    /** The first page of the tab; `quiet` keeps what is shown until the answer comes. */
    async load(quiet = false) {
      await this.list().reload(quiet);
    },
    async loadMore() {
      await this.list().more();
    },

    openOrder(e: CardEvent) {
      openPage(pageUrl(PAGES.orderDetail, { orderId: e.detail.orderId }));
    },
    async act(e: CardEvent) {
      const { orderId, action } = e.detail;
      const order = this.data.orders.find((o) => o.orderId === orderId);
      if (!order || !action || this.data.acting) return;
      if (action === 'review') {
        // One line: straight to its review; several: the order, where each line has its own.
        openPage(
          order.lines.length === 1 ? pageUrl(PAGES.orderReview, { orderId, index: 0 }) : pageUrl(PAGES.orderDetail, { orderId }),
        );
        return;
      }
      if (action === 'afterSale') {
        if (order.afterSaleId) openPage(pageUrl(PAGES.afterSaleDetail, { caseId: order.afterSaleId }));
        return;
      }
      this.setData({ acting: true });
      try {
        if (action === 'pay') await this.pay(orderId);
        else if (action === 'cancel')
          await this.confirmThen(
            '取消订单',
            '取消后，商品库存、优惠券和积分将退回。确定取消吗？',
            () => cancelOrder(orderId),
            '订单已取消',
          );
        else if (action === 'confirm')
          await this.confirmThen('确认收货', '请确认已收到商品，确认后交易完成。', () => confirmReceipt(orderId), '已确认收货');
      } finally {
        this.setData({ acting: false });
      }
    },
    async confirmThen(title: string, content: string, work: () => Promise<OrderView>, done: string) {
      const { confirm } = await wx.showModal({ title, content });
      if (!confirm) return;
      try {
        await work();
        void wx.showToast({ title: done, icon: 'success' });
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      }
      await this.load(true);
    },
    async pay(orderId: string) {
      try {
        const outcome = await payOrder(orderId);
        if (outcome === 'paid') {
          await waitUntilPaid(orderId);
          void wx.showToast({ title: '支付成功', icon: 'success' });
        } else {
          void wx.showToast({ title: outcome === 'cancelled' ? '已取消支付' : '支付失败，请重试', icon: 'none' });
        }
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      }
      await this.load(true);
    },
    openAfterSales() {
      openPage(PAGES.afterSaleList);
    },
  },
});
