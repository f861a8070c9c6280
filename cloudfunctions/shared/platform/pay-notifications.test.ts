import test from 'ava';
import { notificationKind } from './pay-notifications.js';

test('notificationKind tells payment and refund notifications from route calls by shape', (t) => {
  t.is(notificationKind({ outTradeNo: 'a', resultCode: 'SUCCESS', totalFee: 1 }), 'payment');
  t.is(notificationKind({ reqInfo: { outTradeNo: 'a' } }), 'refund');
  t.is(notificationKind({ $url: 'create', orderId: 'a' }), undefined);
  t.is(notificationKind({ outTradeNo: 'a', resultCode: 'SUCCESS' }), undefined);
  t.is(notificationKind({ reqInfo: null }), undefined);
});
