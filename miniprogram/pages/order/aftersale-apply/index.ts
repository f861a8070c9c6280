import type { OrderView } from '../../../../typings/order';
import type { AfterSaleKind } from '../../../../typings/order-after-sale';
import { pageView } from '../../../behaviors/page-view';
import { loadShown, reloadable } from '../../../behaviors/reloadable';
import { requestAfterSale } from '../../../services/after-sales';
import { messageOf } from '../../../services/errors';
import { fetchOrder, uploadPhotos } from '../../../services/orders';
import {
  AFTER_SALE_KINDS,
  AFTER_SALE_REASONS,
  MAX_PHOTOS,
  MAX_REASON,
  afterSaleProblem,
  refundReason,
} from '../../../utils/order-forms';
import { acceptsAfterSale, acceptsReturn, refundableUnits, specText } from '../../../utils/order-status';
import { PAGES, pageUrl } from '../../../utils/pages';

/**
 * 申请售后 (`?orderId=` and `&index=` for the line it was asked from): which lines and how many of their units not
 * refunded yet, 仅退款 or 退货退款 (a return only once the goods left the shop), a reason with the shopper's words and
 * photos (uploaded to cloud storage when sent). The case opens with `order.refund`; its page follows.
 */

const ROUTE = 'pages/order/aftersale-apply/index';

type Status = 'loading' | 'ready' | 'closed' | 'error';
type DataEvent<T extends Record<string, unknown>> = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, T>;

interface RefundLine {
  index: number;
  title: string;
  image: string;
  specText: string;
  /** Units not refunded yet: what may be asked for. */
  left: number;
  quantity: number;
  chosen: boolean;
}

Component({
  behaviors: [pageView(ROUTE), reloadable],
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    closedMessage: '',
    orderId: '',
    /** The line the request was opened from (-1: every line). */
    fromIndex: -1,
    order: null as OrderView | null,
    lines: [] as RefundLine[],
    kinds: AFTER_SALE_KINDS.map((k) => ({ ...k, disabled: false })),
    kind: 'refund_only' as AfterSaleKind,
    reasons: AFTER_SALE_REASONS,
    reason: '',
    description: '',
    maxDescription: MAX_REASON,
    photos: [] as string[],
    maxPhotos: MAX_PHOTOS,
    submitting: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const index = Number(query.index ?? -1);
      this.setData({ orderId: query.orderId ?? '', fromIndex: Number.isInteger(index) ? index : -1 });
      void this.load();
    },

    async load() {
      const { fromIndex } = this.data;
      await loadShown(this, false, async () => {
        const order = await fetchOrder(this.data.orderId);
        const lines = order.lines
          .map((line, i): RefundLine => ({
            index: i,
            title: line.title,
            image: line.image,
            specText: specText(line.specValues),
            left: refundableUnits(order, i),
            quantity: refundableUnits(order, i),
            chosen: fromIndex < 0 || fromIndex === i,
          }))
          .filter((l) => l.left > 0);
        const closed = !acceptsAfterSale(order)
          ? order.status === 'refunding' || order.status === 'refund_approved'
            ? '该订单已有售后申请在处理中'
            : `订单${order.statusLabel}，不能申请售后`
          : lines.length
            ? ''
            : '订单商品已全部退款';
        const returnable = acceptsReturn(order);
        this.setData({
          status: closed ? 'closed' : 'ready',
          closedMessage: closed,
          order,
          lines,
          kinds: AFTER_SALE_KINDS.map((k) => ({ ...k, disabled: k.kind === 'return_refund' && !returnable })),
          kind: 'refund_only',
        });
      });
    },

    toggleLine(e: DataEvent<{ index: number }>) {
      const index = Number(e.currentTarget.dataset.index);
      this.setData({ lines: this.data.lines.map((l) => (l.index === index ? { ...l, chosen: !l.chosen } : l)) });
    },
    changeQuantity(e: WechatMiniprogram.CustomEvent<{ value: number }, Record<string, never>, { index: number }>) {
      const index = Number(e.currentTarget.dataset.index);
      const quantity = Math.round(Number(e.detail.value));
      this.setData({ lines: this.data.lines.map((l) => (l.index === index ? { ...l, quantity } : l)) });
    },
    chooseKind(e: DataEvent<{ kind: AfterSaleKind }>) {
      const option = this.data.kinds.find((k) => k.kind === e.currentTarget.dataset.kind);
      if (!option) return;
      if (option.disabled) return void wx.showToast({ title: '商品发货后才能申请退货退款', icon: 'none' });
      this.setData({ kind: option.kind });
    },
    chooseReason(e: DataEvent<{ reason: string }>) {
      this.setData({ reason: e.currentTarget.dataset.reason });
    },
    onDescription(e: WechatMiniprogram.Input) {
      this.setData({ description: e.detail.value });
    },
    onPhotos(e: WechatMiniprogram.CustomEvent<{ files: string[] }>) {
      this.setData({ photos: e.detail.files });
    },

    async submit() {
      const { orderId, kind, reason, description, photos, submitting } = this.data;
      if (submitting) return;
      const lines = this.data.lines.filter((l) => l.chosen).map((l) => ({ index: l.index, quantity: l.quantity }));
      const problem = afterSaleProblem({ lines, reason, description, photos });
      if (problem) return void wx.showToast({ title: problem, icon: 'none' });
      this.setData({ submitting: true });
      try {
        const fileIds = await uploadPhotos(photos, 'after-sales');
        const created = await requestAfterSale({
          orderId,
          kind,
          lines,
          reason: refundReason(reason, description),
          photos: fileIds,
        });
        void wx.showToast({ title: '申请已提交', icon: 'success' });
        void wx.redirectTo({ url: pageUrl(PAGES.afterSaleDetail, { caseId: created.caseId }) });
      } catch (err) {
        void wx.showToast({ title: messageOf(err), icon: 'none' });
      } finally {
        this.setData({ submitting: false });
      }
    },
    openAfterSale() {
      const caseId = this.data.order?.afterSaleId;
      if (caseId) void wx.redirectTo({ url: pageUrl(PAGES.afterSaleDetail, { caseId }) });
    },
  },
});
