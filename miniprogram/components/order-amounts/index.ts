import type { Amounts } from '../../../typings/order';
import { formatFen } from '../../utils/money';
import { amountRows, type AmountRow } from '../../utils/order-amounts';

/** An order's (or a checkout's) payable breakdown and what is paid. */
Component({
  properties: {
    amounts: { type: Object, value: {} as Amounts },
    /** 实付款 on an order, 应付 at checkout. */
    payableLabel: { type: String, value: '实付款' },
  },
  data: { rows: [] as AmountRow[], payable: '' },
  observers: {
    amounts(amounts: Amounts) {
      if (amounts && typeof amounts.subtotal === 'number')
        this.setData({ rows: amountRows(amounts), payable: formatFen(amounts.payable) });
    },
  },
});
