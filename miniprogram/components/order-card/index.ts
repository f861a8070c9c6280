import type { OrderView } from '../../../typings/order';
import { ORDER_ACTION_LABELS, orderActions, specText, type OrderAction } from '../../utils/order-status';

type ActionEvent = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { action: OrderAction }>;

/**
 * An order in the list: status, its goods (one line in full, several as pictures), what was paid, and the actions its
 * status allows; a tap opens the order (`open`), a button fires `action` with the order id and the action.
 */
Component({
  properties: {
    order: { type: Object, value: {} as OrderView },
  },
  data: {
    single: null as null | { title: string; image: string; specText: string; quantity: number },
    images: [] as Array<{ key: string; src: string }>,
    units: 0,
    actions: [] as Array<{ key: OrderAction; label: string }>,
  },
  observers: {
    order(order: OrderView) {
      if (!order?.orderId) return;
      const [first] = order.lines;
      this.setData({
        single:
          order.lines.length === 1 && first
            ? { title: first.title, image: first.image, specText: specText(first.specValues), quantity: first.quantity }
            : null,
        images: order.lines.slice(0, 4).map((l, i) => ({ key: `${l.skuId}-${i}`, src: l.image })),
        units: order.lines.reduce((n, l) => n + l.quantity, 0),
        actions: orderActions(order).map((key) => ({ key, label: ORDER_ACTION_LABELS[key] })),
      });
    },
  },
  methods: {
    open() {
      this.triggerEvent('open', { orderId: this.data.order.orderId });
    },
    act(e: ActionEvent) {
      this.triggerEvent('action', { orderId: this.data.order.orderId, action: e.currentTarget.dataset.action });
    },
  },
});
