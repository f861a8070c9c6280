import test from 'ava';
import { newOrderId, requestFingerprint } from './new-orders.js';

test('requestFingerprint: the same request in any key order is the same; the idempotency key itself does not count', (t) => {
  const asked = { lines: [{ skuId: 'a', quantity: 1 }], addressId: 'x', idempotencyKey: 'k1', couponId: undefined };
  t.is(
    requestFingerprint('cart', asked),
    requestFingerprint('cart', { idempotencyKey: 'k2', addressId: 'x', lines: [{ quantity: 1, skuId: 'a' }] }),
  );
});

test('requestFingerprint: another line, quantity, address, remark or way of buying is another request', (t) => {
  const base = { lines: [{ skuId: 'a', quantity: 1 }], addressId: 'x', idempotencyKey: 'k' };
  const others = [
    requestFingerprint('cart', { ...base, lines: [{ skuId: 'b', quantity: 1 }] }),
    requestFingerprint('cart', { ...base, lines: [{ skuId: 'a', quantity: 2 }] }),
    requestFingerprint('cart', { ...base, addressId: 'y' }),
    requestFingerprint('cart', { ...base, remark: '请尽快发货' }),
    requestFingerprint('flash_sale', base),
  ];
  t.is(new Set([requestFingerprint('cart', base), ...others]).size, others.length + 1);
});

test('newOrderId: 22 digits, China time first so ids sort by time', (t) => {
  const id = newOrderId(new Date('2026-12-04T16:00:00Z'), () => 0.5);
  t.is(id, '2026120500000050000000');
  t.true(newOrderId(new Date('2026-12-04T16:00:01Z'), () => 0) > id);
});
