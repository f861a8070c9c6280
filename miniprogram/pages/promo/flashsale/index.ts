import type { FlashSaleView } from '../../../../typings/flashsale';
import { pageView } from '../../../behaviors/page-view';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { messageOf, ServiceError } from '../../../services/errors';
import { buyFlashSale, fetchFlashSale, fetchFlashSales } from '../../../services/flashsale';
import { FLASH_SALE_ATTEMPT, IdempotentAttempt, type PendingAttempt, pageDataStore } from '../../../utils/idempotent-attempt';
import { openPage } from '../../../utils/navigation';
import { PAGES, pageUrl } from '../../../utils/pages';
import { shippingBar } from '../../../behaviors/shipping-bar';
import type { ShippingView } from '../../../utils/address-form';
import { flashSaleAction, soldPercent, specText } from '../../../utils/promo-format';

/**
 * 限时秒杀 (`?flashSaleId=` shows that sale first): the running and upcoming sales (`flashsale.list`; the one asked
 * for with `flashsale.detail` when it is no longer listed), each with a countdown to its start or end, the units left
 * and the shopper's limit. 立即抢购 buys one unit at the flash price (`flashsale.buy`) to the address in the bar and
 * opens the unpaid order. The buy's idempotency key is kept until its outcome is known, so a retry after a lost
 * answer gives back the same order (utils/idempotent-attempt.ts).
 */

const ROUTE = 'pages/promo/flashsale/index';
/** One unit per tap: sales limit shoppers to a few anyway, and a second tap buys another within the limit. */
const QUANTITY = 1;

type Status = 'loading' | 'ready' | 'error';

interface SaleRow {
  flashSaleId: string;
  title: string;
  image: string;
  spec: string;
  price: number;
  normalPrice: number;
  remainingText: string;
  percent: number;
  limitText: string;
  state: FlashSaleView['state'];
  label: string;
  canBuy: boolean;
  countdownLabel: string;
  countdownTarget: string;
  featured: boolean;
}

function rowOf(sale: FlashSaleView, featured: boolean): SaleRow {
  const action = flashSaleAction(sale);
  return {
    flashSaleId: sale.flashSaleId,
    title: sale.title,
    image: sale.image,
    spec: specText(sale.specValues),
    price: sale.price,
    normalPrice: sale.normalPrice,
    remainingText: sale.state === 'upcoming' ? `限量 ${sale.stock} 件` : `仅剩 ${sale.remaining} 件`,
    percent: soldPercent(sale),
    limitText: `每人限购 ${sale.perUser} 件${sale.bought ? `，已抢 ${sale.bought} 件` : ''}`,
    state: sale.state,
    featured,
    ...action,
  };
}

Component({
  behaviors: [pageView(ROUTE), reloadable, shippingBar],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    rows: [] as SaleRow[],
    flashSaleId: '',
    address: null as ShippingView | null,
    buying: '',
    /** The buy in progress, or one whose answer was lost: its key is sent again on the retry. */
    attempt: null as PendingAttempt | null,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ flashSaleId: query.flashSaleId ?? '' });
      void this.load();
    },
    /** Back from the address chooser (or the order): the address and the units left may have changed. */
    onShow() {
      if (this.data.status === 'ready') void this.load(true);
    },

    async load(keep = false) {
      await loadShown(this, keep, async () => {
        const { flashSaleId } = this.data;
        const sales = await fetchFlashSales();
        // The sale asked for may have ended: it is shown from `detail` (已结束) rather than silently missing.
        const featured = flashSaleId
          ? (sales.find((s) => s.flashSaleId === flashSaleId) ?? (await this.detail(flashSaleId)))
          : null;
        const others = sales.filter((s) => s.flashSaleId !== flashSaleId);
        this.setData({
          status: 'ready',
          rows: [...(featured ? [rowOf(featured, true)] : []), ...others.map((s) => rowOf(s, false))],
        });
      });
    },
    /** An unknown sale (a stale link) is left out; other failures fail the page. */
    async detail(flashSaleId: string): Promise<FlashSaleView | null> {
      try {
        return await fetchFlashSale(flashSaleId);
      } catch (err) {
        if (err instanceof ServiceError && err.code === 'NOT_FOUND') return null;
        throw err;
      }
    },
    async buy(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>) {
      const { id } = e.currentTarget.dataset;
      const row = this.data.rows.find((r) => r.flashSaleId === id);
      if (!row || !row.canBuy || this.data.buying) return;
      const { address } = this.data;
      if (!address) {
        void wx.showToast({ title: '请先选择收货地址', icon: 'none' });
        openPage(pageUrl(PAGES.addresses, { select: 1 }));
        return;
      }
      const buy = { flashSaleId: id, quantity: QUANTITY, addressId: address.addressId };
      const attempt = new IdempotentAttempt(pageDataStore(this), FLASH_SALE_ATTEMPT);
      this.setData({ buying: id });
      try {
        const order = await attempt.send(buy, (idempotencyKey) => buyFlashSale({ ...buy, idempotencyKey }));
        openPage(pageUrl(PAGES.orderDetail, { orderId: order.orderId }));
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      } finally {
        this.setData({ buying: '' });
      }
      void this.load(true);
    },
  },
});
