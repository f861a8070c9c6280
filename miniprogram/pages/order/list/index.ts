import type { OrderView } from '../../../../typings/order';
import { messageOf } from '../../../services/errors';
import { cancelOrder, confirmReceipt, fetchOrders } from '../../../services/orders';
import { payOrder, waitUntilPaid } from '../../../services/pay';
import { trackPageView } from '../../../services/tracker';
import { openPage } from '../../../utils/navigation';
import { ORDER_TABS, type OrderAction, type OrderTab, orderTab } from '../../../utils/order-status';
import { PAGES, pageUrl } from '../../../utils/pages';

/**
 * 我的订单 (`?status=` one of the tabs' filters: all, pending_payment, paid, shipped, completed, refunding): the
 * shopper's orders by status, newest first, a page at a time as the shopper scrolls, each with the actions its status
 * allows (去支付, 取消订单, 确认收货, 评价, 查看售后). Coming back to the page shows the orders as they are now.
 */

const ROUTE = 'pages/order/list/index';
const PAGE_SIZE = 10;

type Status = 'loading' | 'ready' | 'error';
type More = 'idle' | 'loading' | 'done' | 'error';
type TabEvent = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { tab: OrderTab }>;
type CardEvent = WechatMiniprogram.CustomEvent<{ orderId: string; action?: OrderAction }>;

/** Answers of an older tab or load arriving late are dropped. */
let generation = 0;

Component({
  data: {
    tabs: ORDER_TABS as unknown as Array<{ key: OrderTab; label: string }>,
    tab: 'all' as OrderTab,
    status: 'loading' as Status,
    errorMessage: '',
    orders: [] as OrderView[],
    cursor: '',
    more: 'idle' as More,
    moreError: '',
    acting: false,
    shown: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ tab: orderTab(query.status) });
      void this.load();
    },
    onShow() {
      trackPageView(ROUTE);
      // Back from an order (paid, cancelled, reviewed…): the list as it is now.
      if (this.data.shown) void this.load(true);
      this.setData({ shown: true });
    },
    async onPullDownRefresh() {
      await this.load(true);
      void wx.stopPullDownRefresh();
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

    /** The first page of the tab; `quiet` keeps what is shown until the answer comes. */
    async load(quiet = false) {
      const mine = ++generation;
      if (!quiet || this.data.status !== 'ready') this.setData({ status: 'loading' });
      try {
        const page = await fetchOrders(this.data.tab, undefined, PAGE_SIZE);
        if (mine !== generation) return;
        this.setData({
          status: 'ready',
          orders: page.items,
          cursor: page.nextCursor ?? '',
          more: page.nextCursor ? 'idle' : 'done',
          moreError: '',
        });
      } catch (err) {
        if (mine !== generation) return;
        if (quiet && this.data.status === 'ready') void wx.showToast({ title: messageOf(err), icon: 'none' });
        else this.setData({ status: 'error', errorMessage: messageOf(err) });
      }
    },
    retry() {
      void this.load();
    },
    async loadMore() {
      const { status, more, cursor, orders, tab } = this.data;
      if (status !== 'ready' || (more !== 'idle' && more !== 'error')) return;
      const mine = generation;
      this.setData({ more: 'loading' });
      try {
        const page = await fetchOrders(tab, cursor, PAGE_SIZE);
        if (mine !== generation) return;
        const added = Object.fromEntries(page.items.map((o, i) => [`orders[${orders.length + i}]`, o]));
        this.setData({ ...added, cursor: page.nextCursor ?? '', more: page.nextCursor ? 'idle' : 'done' });
      } catch (err) {
        if (mine === generation) this.setData({ more: 'error', moreError: messageOf(err) });
      }
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
