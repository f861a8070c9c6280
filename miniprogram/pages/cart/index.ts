import type { CartLine, CartView } from '../../../typings/cart';
import { fetchCart, removeFromCart, selectCartLines, selectWholeCart, setCartQuantity } from '../../services/cart';
import { pageView } from '../../behaviors/page-view';
import { reloadable } from '../../behaviors/reloadable';
import { messageOf } from '../../services/errors';
import { openPage } from '../../utils/navigation';
import { cartLineNotice, specText } from '../../utils/order-status';
import { PAGES, pageUrl } from '../../utils/pages';

/**
 * 购物车 (tab): the cart's lines priced live with their state (low stock, sold out, off the shelf), select one or
 * all, a quantity stepper, removal in 管理 mode (and 清空失效商品), the totals of the selected lines, and 去结算, which
 * opens checkout with `from=cart` (checkout reads the selection back from the cart). Every change answers the whole
 * cart, which the page shows as it comes; changes go one at a time.
 */

const ROUTE = 'pages/cart/index';
/** The most a line may ask for (the routes' Quantity). */
const MAX_QUANTITY = 999;

type Status = 'loading' | 'ready' | 'error';
type SkuEvent = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { skuId: string; spuId?: string }>;
type StepperEvent = WechatMiniprogram.CustomEvent<{ value: number }, Record<string, never>, { skuId: string }>;

interface LineView extends CartLine {
  specText: string;
  notice: string;
  /** Can be checked out (and so selected). */
  buyable: boolean;
  /** Still in the list (not 失效): the stepper shows. */
  active: boolean;
  max: number;
}

/** Lines that can no longer be bought as they are, whatever their quantity. */
const INVALID: ReadonlySet<CartLine['state']> = new Set(['sold_out', 'off_shelf', 'removed']);

let queue: Promise<unknown> = Promise.resolve();
const NO_MARKS: Record<string, boolean> = {};

Component({
  behaviors: [pageView(ROUTE), reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    lines: [] as LineView[],
    invalid: [] as LineView[],
    totals: { amount: 0, quantity: 0, lines: 0 },
    allSelected: false,
    count: 0,
    editing: false,
    /** 管理 mode's own selection (what 删除 takes), by SKU; the checkout selection stays as it is. */
    marked: NO_MARKS,
    markedCount: 0,
    allMarked: false,
  },
  methods: {
    onShow() {
      // Back from checkout or a product: the cart may have changed; what is shown stays meanwhile.
      void this.load(this.data.status === 'ready');
    },

    async load(quiet = false) {
      if (!quiet) this.setData({ status: 'loading' });
      try {
        this.show(await fetchCart());
      } catch (err) {
        if (quiet) void wx.showToast({ title: messageOf(err), icon: 'none' });
        else this.setData({ status: 'error', errorMessage: messageOf(err) });
      }
    },

    show(cart: CartView) {
      const views = cart.lines.map((line): LineView => ({
        ...line,
        specText: specText(line.specValues),
        notice: cartLineNotice(line),
        buyable: line.state === 'ok',
        active: !INVALID.has(line.state),
        // A low-stock line shows what it holds; 改为 N 件 brings it down to the stock.
        max: line.state === 'low_stock' ? line.quantity : Math.max(1, Math.min(line.stock, MAX_QUANTITY)),
      }));
      const present = new Set(cart.lines.map((l) => l.skuId));
      const marked = Object.fromEntries(Object.entries(this.data.marked).filter(([skuId, on]) => on && present.has(skuId)));
      this.setData({
        status: 'ready',
        lines: views.filter((l) => l.active),
        invalid: views.filter((l) => !l.active),
        totals: cart.totals,
        allSelected: cart.allSelected,
        count: cart.count,
        marked,
        markedCount: Object.keys(marked).length,
        allMarked: cart.lines.length > 0 && Object.keys(marked).length === cart.lines.length,
        editing: this.data.editing && cart.lines.length > 0,
      });
    },

    /** Runs cart changes one after another; each answers the cart. A refusal shows its message and the cart as it is. */
    change(work: () => Promise<CartView>, after?: (cart: CartView) => void): Promise<void> {
      const run = queue.then(async () => {
        try {
          const cart = await work();
          this.show(cart);
          after?.(cart);
        } catch (err) {
          void wx.showToast({ title: messageOf(err), icon: 'none' });
          await this.load(true);
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },

    toggleLine(e: SkuEvent) {
      const { skuId } = e.currentTarget.dataset;
      if (this.data.editing) return this.toggleMark(skuId);
      const line = this.data.lines.find((l) => l.skuId === skuId);
      if (!line?.buyable) return;
      void this.change(() => selectCartLines([skuId], !line.selected));
    },
    toggleAll() {
      if (this.data.editing) {
        const all = !this.data.allMarked;
        const marked = all ? Object.fromEntries([...this.data.lines, ...this.data.invalid].map((l) => [l.skuId, true])) : {};
        this.setData({ marked, markedCount: Object.keys(marked).length, allMarked: all });
        return;
      }
      if (!this.data.lines.some((l) => l.buyable)) return;
      void this.change(() => selectWholeCart(!this.data.allSelected));
    },
    toggleMark(skuId: string) {
      const marked = { ...this.data.marked };
      if (marked[skuId]) delete marked[skuId];
      else marked[skuId] = true;
      const count = Object.keys(marked).length;
      this.setData({ marked, markedCount: count, allMarked: count === this.data.lines.length + this.data.invalid.length });
    },

    changeQuantity(e: StepperEvent) {
      const { skuId } = e.currentTarget.dataset;
      const quantity = Math.round(Number(e.detail.value));
      const line = this.data.lines.find((l) => l.skuId === skuId);
      if (!line || !(quantity >= 1) || quantity === line.quantity) return;
      void this.change(
        () => setCartQuantity(skuId, quantity),
        (cart) => {
          const now = cart.lines.find((l) => l.skuId === skuId);
          if ((cart as { capped?: boolean }).capped && now) {
            void wx.showToast({ title: `库存不足，已调整为 ${now.quantity} 件`, icon: 'none' });
          }
        },
      );
    },
    fitToStock(e: SkuEvent) {
      const { skuId } = e.currentTarget.dataset;
      const line = this.data.lines.find((l) => l.skuId === skuId);
      if (line?.state === 'low_stock') void this.change(() => setCartQuantity(skuId, line.stock));
    },
    overLimit(e: WechatMiniprogram.CustomEvent<{ type: 'minus' | 'plus' }>) {
      const title = e.detail.type === 'plus' ? '库存不足，不能再多了' : '至少购买 1 件，不要了可在「管理」中删除';
      void wx.showToast({ title, icon: 'none' });
    },

    toggleEditing() {
      this.setData({ editing: !this.data.editing, marked: {}, markedCount: 0, allMarked: false });
    },
    async removeMarked() {
      const skuIds = Object.keys(this.data.marked);
      if (!skuIds.length) return void wx.showToast({ title: '请选择要删除的商品', icon: 'none' });
      const { confirm } = await wx.showModal({ title: '删除商品', content: `确定从购物车删除这 ${skuIds.length} 种商品吗？` });
      if (!confirm) return;
      await this.change(() => removeFromCart(skuIds));
    },
    async clearInvalid() {
      const skuIds = this.data.invalid.map((l) => l.skuId);
      if (!skuIds.length) return;
      const { confirm } = await wx.showModal({ title: '清空失效商品', content: `确定清空 ${skuIds.length} 件失效商品吗？` });
      if (!confirm) return;
      await this.change(() => removeFromCart(skuIds));
    },

    checkout() {
      if (!this.data.totals.lines) return void wx.showToast({ title: '请选择要结算的商品', icon: 'none' });
      openPage(pageUrl(PAGES.orderConfirm, { from: 'cart' }));
    },
    openProduct(e: SkuEvent) {
      const { spuId } = e.currentTarget.dataset;
      if (spuId) openPage(pageUrl(PAGES.productDetail, { spuId }));
    },
    goShopping() {
      openPage(PAGES.home);
    },
  },
});
