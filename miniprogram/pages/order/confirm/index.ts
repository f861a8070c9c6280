import type { OrderView, Preview } from '../../../../typings/order';
import type { Address, MessageTemplates } from '../../../../typings/user';
import { removeFromCart } from '../../../services/cart';
import { fetchAddress, fetchDefaultAddress, takeChosenAddressId } from '../../../services/addresses';
import { pageView } from '../../../behaviors/page-view';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { checkoutAttempt, type CheckoutLine, placeOrder, previewCheckout, selectedCartLines } from '../../../services/checkout';
import { ServiceError, messageOf } from '../../../services/errors';
import { askForMessages, fetchMessageTemplates } from '../../../services/messages';
import { payOrder, type PayOutcome } from '../../../services/pay';
import { checkoutEntry, type CheckoutEntry } from '../../../utils/checkout-entry';
import { checkoutKeyParams, type IdempotentAttempt, type PendingAttempt } from '../../../utils/idempotent-attempt';
import { formatFen } from '../../../utils/money';
import { openPage } from '../../../utils/navigation';
import { lineView, type LineView } from '../../../utils/order-status';
import { PAGES, pageUrl } from '../../../utils/pages';

/**
 * 确认订单: opened from the cart (`?from=cart`: the cart's selected lines) or by 立即购买 (`?skuId=&quantity=`). Shows
 * the address (the default; 选择地址 opens the address book with `select=1`, which leaves the chosen id in storage),
 * the lines, the coupon picker (the best one preselected by `order.preview`), points, a remark and the payable
 * breakdown, all priced by `order.preview`. 提交订单 asks for the order messages (inside the tap, as WeChat requires),
 * places the order with an idempotency key kept across retries, pays it (`pay.create`, `wx.requestPayment`) and
 * opens the result page.
 */

const ROUTE = 'pages/order/confirm/index';

type Status = 'loading' | 'ready' | 'empty' | 'error';
/** absent in a preview: the best coupon; null: none; else that coupon. */
type CouponChoice = string | null | undefined;

interface CouponOption {
  couponId: string;
  name: string;
  summary: string;
  scopeText: string;
  discountText: string;
  applicable: boolean;
  reason: string;
  validUntil: string;
}

type CouponEvent = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { couponId: string }>;
type InputEvent = WechatMiniprogram.Input;

Component({
  behaviors: [pageView(ROUTE), reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    entry: 'buy' as CheckoutEntry['kind'],
    /** The lines asked for (the cart's selection or the one SKU). */
    requested: [] as CheckoutLine[],
    address: null as Address | null,
    preview: null as Preview | null,
    lineViews: [] as LineView[],
    problems: [] as Array<{ skuId: string; title: string; message: string }>,
    couponChoice: undefined as CouponChoice,
    coupons: [] as CouponOption[],
    couponText: '',
    usePoints: false,
    pointsText: '',
    pointsUsable: false,
    remark: '',
    payableText: '',
    pickerShown: false,
    previewing: false,
    submitting: false,
    templates: null as MessageTemplates | null,
    /** The order messages were asked for in this checkout (once is enough). */
    subscribed: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const entry = checkoutEntry(query);
      this.setData({ entry: entry.kind, requested: entry.kind === 'buy' ? entry.lines : [] });
      fetchMessageTemplates().then(
        (templates) => this.setData({ templates }),
        () => undefined, // no subscription offered: the order goes ahead all the same
      );
      void this.load();
    },
    onShow() {
      // Back from the address book (`select=1`): the id it left in storage (services/addresses.ts).
      const picked = takeChosenAddressId();
      if (picked && picked !== this.data.address?.addressId) void this.useAddress(picked);
    },

    async load() {
      await loadShown(this, false, async () => {
        const { entry } = this.data;
        if (entry === 'invalid') throw new ServiceError('VALIDATION', '订单商品信息有误，请重新选择');
        const requested = entry === 'cart' ? await selectedCartLines() : this.data.requested;
        if (!requested.length) return void this.setData({ status: 'empty', requested });
        const [address, preview] = await Promise.all([
          this.data.address ? Promise.resolve(this.data.address) : fetchDefaultAddress(),
          previewCheckout(requested, {}),
        ]);
        this.setData({ requested, address, couponChoice: undefined, usePoints: false });
        this.showPreview(preview);
      });
    },

    /** Prices again with the current choices; a refusal keeps what was shown and says why. */
    async reprice(coupon?: { choice: CouponChoice }, points?: boolean): Promise<boolean> {
      const { preview, requested, address } = this.data;
      const choice = coupon ? coupon.choice : this.data.couponChoice;
      const usePoints = points ?? this.data.usePoints;
      this.setData({ previewing: true });
      try {
        const next = await previewCheckout(requested, {
          ...(address ? { addressId: address.addressId } : {}),
          ...(choice === undefined ? {} : { couponId: choice }),
          // The whole balance: the route reduces it to what the shop lets this order use.
          ...(usePoints && preview?.points ? { usePoints: preview.points.balance } : {}),
        });
        this.setData({ couponChoice: choice, usePoints });
        this.showPreview(next);
        return true;
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
        return false;
      } finally {
        this.setData({ previewing: false });
      }
    },

    showPreview(preview: Preview) {
      const titles = new Map(preview.lines.map((l) => [l.skuId, l.title]));
      const applied = preview.amounts.coupon ?? null;
      const coupons = (preview.coupons ?? []).map((c): CouponOption => ({
        couponId: c.couponId,
        name: c.name,
        summary: c.summary,
        scopeText: c.scopeText,
        discountText: c.applicable ? `-${formatFen(c.discount)}` : '',
        applicable: c.applicable,
        reason: c.reason ?? '',
        validUntil: c.validUntil.slice(0, 10),
      }));
      const usable = coupons.filter((c) => c.applicable).length;
      const points = preview.points;
      const used = preview.amounts.pointsUsed ?? 0;
      this.setData({
        status: 'ready',
        preview,
        lineViews: preview.lines.map((l, i) => lineView(l, i)),
        problems: preview.problems.map((p) => ({ skuId: p.skuId, title: titles.get(p.skuId) ?? '', message: p.message })),
        coupons,
        couponText: applied
          ? `${applied.name} -${formatFen(applied.discount)}`
          : usable
            ? `${usable} 张可用，未使用`
            : coupons.length
              ? '暂无可用优惠券'
              : '暂无优惠券',
        pointsUsable: !!points && points.maxUsable > 0,
        pointsText: !points?.balance
          ? '暂无积分'
          : used
            ? `已用 ${used} 积分，抵扣 ${formatFen(preview.amounts.discounts?.points ?? 0)}`
            : points.maxUsable > 0
              ? `共 ${points.balance} 积分，可用 ${points.maxUsable} 积分抵扣 ${formatFen(points.maxValue)}`
              : `共 ${points.balance} 积分，本单不可使用`,
        payableText: formatFen(preview.amounts.payable),
      });
    },

    chooseAddress() {
      openPage(pageUrl(PAGES.addresses, { select: 1, addressId: this.data.address?.addressId }));
    },
    async useAddress(addressId: string) {
      try {
        const address = await fetchAddress(addressId);
        this.setData({ address });
        if (this.data.status === 'ready') await this.reprice();
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      }
    },

    openCoupons() {
      if (!this.data.coupons.length) return void wx.showToast({ title: '暂无优惠券', icon: 'none' });
      this.setData({ pickerShown: true });
    },
    closeCoupons() {
      this.setData({ pickerShown: false });
    },
    async pickCoupon(e: CouponEvent) {
      const { couponId } = e.currentTarget.dataset;
      const option = this.data.coupons.find((c) => c.couponId === couponId);
      if (!option?.applicable) return void wx.showToast({ title: option?.reason || '该优惠券不可用', icon: 'none' });
      this.setData({ pickerShown: false });
      await this.reprice({ choice: couponId });
    },
    async dropCoupon() {
      this.setData({ pickerShown: false });
      await this.reprice({ choice: null });
    },
    async togglePoints() {
      if (!this.data.pointsUsable && !this.data.usePoints) return;
      // The coupon stays as shown: with points, the best coupon would otherwise be chosen again.
      await this.reprice({ choice: this.data.preview?.amounts.coupon?.couponId ?? null }, !this.data.usePoints);
    },
    onRemark(e: InputEvent) {
      this.setData({ remark: e.detail.value });
    },

    /**
     * 提交订单. WeChat shows the subscribe sheet only from a tap, so it is asked for here, synchronously, before
     * anything is awaited; the order follows.
     */
    submit() {
      const { status, preview, address, submitting, previewing, templates, subscribed } = this.data;
      if (status !== 'ready' || !preview || submitting || previewing) return;
      if (!address) return void wx.showToast({ title: '请选择收货地址', icon: 'none' });
      if (!preview.lines.length) return void wx.showToast({ title: '没有可以购买的商品', icon: 'none' });
      const asking = templates && !subscribed ? askForMessages(templates, ['order_paid', 'order_shipped']) : Promise.resolve([]);
      this.setData({ submitting: true, subscribed: subscribed || !!templates });
      void this.placeAndPay(asking, preview, address);
    },

    async placeAndPay(asking: Promise<unknown>, preview: Preview, address: Address) {
      await asking;
      const lines = preview.lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity }));
      const attempt = checkoutAttempt();
      const pending = attempt.keyFor(checkoutKeyParams(lines));
      let order: OrderView;
      try {
        order = await placeOrder({
          lines,
          addressId: address.addressId,
          // Exactly what the preview shows: its coupon (or none) and the points it used.
          couponId: preview.amounts.coupon?.couponId ?? null,
          usePoints: preview.amounts.pointsUsed ?? 0,
          remark: this.data.remark.trim(),
          idempotencyKey: pending.key,
        });
      } catch (err) {
        this.setData({ submitting: false });
        await this.placeFailed(err, attempt, pending);
        return;
      }
      attempt.settle();
      if (this.data.entry === 'cart') {
        // Bought lines leave the cart; if that fails they simply stay there.
        removeFromCart(lines.map((l) => l.skuId)).catch(() => undefined);
      }
      await this.pay(order);
    },

    async placeFailed(err: unknown, attempt: IdempotentAttempt, pending: PendingAttempt) {
      if (err instanceof ServiceError && err.code === 'NETWORK') {
        // The order may exist: the retry sends the same key and gets it back instead of a second one.
        attempt.markUncertain(pending);
        void wx.showToast({ title: '网络不给力，请再次提交（不会重复下单）', icon: 'none' });
        return;
      }
      if (err instanceof ServiceError && err.code === 'CONFLICT' && pending.uncertain && /请求编号/.test(err.message)) {
        // The attempt that lost its answer did place an order, with other choices than these.
        attempt.settle();
        await wx.showModal({
          title: '订单已提交',
          content: '刚才的订单已提交成功，请在「待付款」订单中完成支付',
          showCancel: false,
        });
        void wx.redirectTo({ url: pageUrl(PAGES.orderList, { status: 'pending_payment' }) });
        return;
      }
      void wx.showToast({ title: messageOf(err), icon: 'none' });
      // Prices, stock or the coupon changed: show the checkout as it is now.
      await this.reprice();
    },

    /** Pays a new order (one paid by coupons and points alone is paid already) and shows the result. */
    async pay(order: OrderView) {
      let outcome: PayOutcome | 'refused' = 'paid';
      if (order.status === 'pending_payment') {
        try {
          outcome = await payOrder(order.orderId);
        } catch (err) {
          outcome = 'refused';
          void wx.showToast({ title: messageOf(err), icon: 'none' });
        }
      }
      this.setData({ submitting: false });
      void wx.redirectTo({
        url: pageUrl(PAGES.orderResult, { orderId: order.orderId, paid: outcome === 'paid' ? 1 : undefined }),
      });
    },

    backToCart() {
      openPage(PAGES.cart);
    },
  },
});
