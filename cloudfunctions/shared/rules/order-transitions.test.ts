import test from 'ava';
import { ORDER_STATUSES } from '../../../typings/order.js';
import { ACTORS, ORDER_EVENTS, type RefundableStatus } from '../model/order.js';
import { ShopError } from './errors.js';
import {
  ORDER_EVENT_LABELS,
  ORDER_STATUS_LABELS,
  canTransition,
  nextState,
  refundsAutomatically,
  releasesHoldings,
  transitions,
} from './order-transitions.js';

const isInvalidState = { instanceOf: ShopError, code: 'INVALID_STATE' } as const;

for (const from of ORDER_STATUSES) {
  for (const event of ORDER_EVENTS) {
    for (const actor of ACTORS) {
      const rows = transitions.filter((t) => t.from === from && t.event === event && t.by.includes(actor));
      if (rows.length === 0) {
        test(`forbidden: ${from} --${event} by ${actor}--> refused`, (t) => {
          const error = t.throws(() => nextState(from, event, actor, { refundRequestedFrom: 'paid' }), isInvalidState);
          t.regex(error.message, /[\u4e00-\u9fff]/, 'the message is Chinese');
          t.false(canTransition(from, event, actor, { refundRequestedFrom: 'shipped' }));
        });
      }
      for (const row of rows) {
        test(`allowed: ${from} --${event} by ${actor}--> ${row.to}`, (t) => {
          const context = rows.length > 1 ? { refundRequestedFrom: row.to as RefundableStatus } : {};
          t.is(nextState(from, event, actor, context), row.to);
          t.true(canTransition(from, event, actor, context));
        });
      }
    }
  }
}

test('actors: only the payment system pays, only the merchant ships and decides refunds, only the shopper confirms', (t) => {
  t.throws(() => nextState('pending_payment', 'pay', 'shopper'), { ...isInvalidState, message: '买家不能支付' });
  t.throws(() => nextState('paid', 'ship', 'shopper'), { ...isInvalidState, message: '买家不能发货' });
  t.throws(() => nextState('paid', 'ship', 'system'), { ...isInvalidState, message: '系统不能发货' });
  t.throws(() => nextState('refunding', 'approve_refund', 'shopper'), { ...isInvalidState, message: '买家不能同意退款' });
  t.throws(() => nextState('refunding', 'reject_refund', 'shopper', { refundRequestedFrom: 'paid' }), isInvalidState);
  t.throws(() => nextState('shipped', 'confirm_receipt', 'merchant'), { ...isInvalidState, message: '商家不能确认收货' });
  t.throws(() => nextState('refund_approved', 'refund_succeeded', 'merchant'), isInvalidState);
  t.is(nextState('pending_payment', 'cancel', 'shopper'), 'cancelled');
  t.is(nextState('pending_payment', 'cancel', 'merchant'), 'cancelled');
});

test('a refused transition names the state and the event', (t) => {
  t.throws(() => nextState('completed', 'ship', 'merchant'), { ...isInvalidState, message: '订单已完成，不能发货' });
  t.throws(() => nextState('pending_payment', 'ship', 'merchant'), { ...isInvalidState, message: '订单待付款，不能发货' });
});

for (const from of ['paid', 'shipped', 'completed'] as const) {
  test(`a refund requested from ${from} goes back to ${from} when withdrawn or rejected`, (t) => {
    t.is(nextState(from, 'request_refund', 'shopper'), 'refunding');
    t.is(nextState('refunding', 'withdraw_refund', 'shopper', { refundRequestedFrom: from }), from);
    t.is(nextState('refunding', 'reject_refund', 'merchant', { refundRequestedFrom: from }), from);
  });
}

test('leaving refunding without a refund needs the recorded previous state', (t) => {
  t.throws(() => nextState('refunding', 'reject_refund', 'merchant'), isInvalidState);
  t.throws(() => nextState('refunding', 'withdraw_refund', 'shopper'), isInvalidState);
  t.false(canTransition('refunding', 'reject_refund', 'merchant'));
  t.is(nextState('refunding', 'approve_refund', 'merchant', { refundRequestedFrom: 'shipped' }), 'refund_approved');
});

test('a payment after cancellation keeps the order cancelled and is refunded automatically', (t) => {
  t.is(nextState('cancelled', 'late_payment', 'system'), 'cancelled');
  t.true(refundsAutomatically('late_payment'));
  t.false(releasesHoldings('late_payment'), 'the cancel already gave the holdings back');
  t.deepEqual(ORDER_EVENTS.filter(refundsAutomatically), ['late_payment', 'payment_mismatch']);
});

test('cancel, timeout, a payment of another amount, a failed group and a finished refund release what the order holds; nothing else does', (t) => {
  t.deepEqual(ORDER_EVENTS.filter(releasesHoldings), [
    'cancel',
    'timeout',
    'payment_mismatch',
    'refund_succeeded',
    'group_failed',
  ]);
});

test('a failed group-buy: the system closes unpaid seats and refunds paid ones (the refund then completes as usual)', (t) => {
  t.is(nextState('pending_payment', 'group_failed', 'system'), 'cancelled');
  t.is(nextState('paid', 'group_refund', 'system'), 'refund_approved');
  t.is(nextState('refunding', 'group_refund', 'system'), 'refund_approved');
  t.is(nextState('refund_approved', 'refund_succeeded', 'system'), 'refunded');
  t.throws(() => nextState('paid', 'group_refund', 'merchant'), isInvalidState);
  t.throws(() => nextState('paid', 'group_failed', 'system'), isInvalidState);
  t.throws(() => nextState('shipped', 'group_refund', 'system'), { ...isInvalidState, message: '订单待收货，不能拼团失败退款' });
  t.false(releasesHoldings('group_refund'), 'stock comes back when the refund completes');
});

test('refunded and cancelled are final (apart from a late payment); completed only takes an after-sale refund request', (t) => {
  t.deepEqual(
    transitions.filter((r) => r.from === 'refunded'),
    [],
  );
  t.deepEqual(
    transitions.filter((r) => r.from === 'completed').map((r) => r.event),
    ['request_refund'],
  );
  t.deepEqual(
    transitions.filter((r) => r.from === 'cancelled').map((r) => r.event),
    ['late_payment'],
  );
});

test('the table has no duplicate row, every status is reachable and every event is used', (t) => {
  const keys = transitions.map((r) => `${r.from}|${r.event}|${r.to}`);
  t.is(new Set(keys).size, keys.length);
  t.true(transitions.every((r) => r.by.length > 0));
  const reached = new Set<string>(['pending_payment', ...transitions.map((r) => r.to)]);
  t.deepEqual(
    [...ORDER_STATUSES].filter((s) => !reached.has(s)),
    [],
  );
  t.deepEqual(
    [...ORDER_EVENTS].filter((e) => !transitions.some((r) => r.event === e)),
    [],
  );
});

test('every status and event has a Chinese label', (t) => {
  t.deepEqual(Object.keys(ORDER_STATUS_LABELS).sort(), [...ORDER_STATUSES].sort());
  t.deepEqual(Object.keys(ORDER_EVENT_LABELS).sort(), [...ORDER_EVENTS].sort());
  t.like(ORDER_STATUS_LABELS, {
    pending_payment: '待付款',
    paid: '待发货',
    shipped: '待收货',
    completed: '已完成',
    cancelled: '已取消',
    refunding: '退款中',
    refunded: '已退款',
  });
});
