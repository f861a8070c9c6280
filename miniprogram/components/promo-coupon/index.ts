import type { CouponRule } from '../../../typings/coupon';
import { couponFace } from '../../utils/promo-format';

/**
 * A coupon as a ticket: the amount (¥10, 9折) and its condition on the left, name, scope and dates on the right, and
 * the page's action (claim, use) in the slot. `muted` greys a used or expired one.
 */
Component({
  options: { multipleSlots: false },
  properties: {
    rule: { type: Object, value: { kind: 'no_threshold', off: 0 } },
    name: { type: String, value: '' },
    scopeText: { type: String, value: '' },
    dates: { type: String, value: '' },
    note: { type: String, value: '' },
    muted: { type: Boolean, value: false },
  },
  data: { value: '', unit: 'yuan', condition: '' },
  observers: {
    rule(rule: CouponRule) {
      this.setData(couponFace(rule));
    },
  },
});
