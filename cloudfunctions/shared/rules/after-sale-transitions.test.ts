import test from 'ava';
import { AFTER_SALE_STATUS_LABELS } from '../../../typings/labels.js';
import { AFTER_SALE_KINDS, AFTER_SALE_STATUSES } from '../../../typings/order-after-sale.js';
import { AFTER_SALE_EVENTS } from '../model/after-sale.js';
import { ACTORS } from '../model/order.js';
import { AFTER_SALE_EVENT_LABELS, afterSaleStep, afterSaleTransitions, isOpenCase } from './after-sale-transitions.js';
import { ShopError } from './errors.js';
import { transitions } from './order-transitions.js';

const isInvalidState = { instanceOf: ShopError, code: 'INVALID_STATE' } as const;

// Every (status, event, actor, kind) is either exactly one row of the table or refused with a Chinese reason.
for (const from of [null, ...AFTER_SALE_STATUSES]) {
  for (const event of AFTER_SALE_EVENTS) {
    for (const actor of ACTORS) {
      for (const kind of AFTER_SALE_KINDS) {
        const rows = afterSaleTransitions.filter(
          (t) => t.from === from && t.event === event && t.by.includes(actor) && (!t.kind || t.kind === kind),
        );
        const name = `${from ?? 'new'} --${event} by ${actor} (${kind})-->`;
        if (rows.length === 0) {
          test(`forbidden: ${name} refused`, (t) => {
            const error = t.throws(() => afterSaleStep(from, event, actor, kind), isInvalidState);
            t.regex(error.message, /[\u4e00-\u9fff]/);
          });
        } else {
          test(`allowed: ${name} ${rows[0]!.to}`, (t) => {
            t.is(rows.length, 1, 'never ambiguous');
            t.is(afterSaleStep(from, event, actor, kind), rows[0]!);
          });
        }
      }
    }
  }
}

test('the money moves only after the goods are decided: a return refunds after receipt, refund-only at approval', (t) => {
  t.is(afterSaleStep('requested', 'approve', 'merchant', 'refund_only').to, 'refunding');
  t.is(afterSaleStep('requested', 'approve', 'merchant', 'return_refund').to, 'awaiting_return');
  t.is(afterSaleStep('requested', 'approve', 'merchant', 'return_refund').order, undefined, 'the order waits for the goods');
  t.is(afterSaleStep('returning', 'receive', 'merchant', 'return_refund').order, 'approve_refund');
  t.throws(() => afterSaleStep('requested', 'receive', 'merchant', 'return_refund'), isInvalidState);
  t.throws(
    () => afterSaleStep('refunding', 'withdraw', 'shopper', 'refund_only'),
    isInvalidState,
    'no withdrawing money on its way',
  );
});

test("every order event the table names is one the order's table knows, from the statuses a case leaves it in", (t) => {
  for (const row of afterSaleTransitions.filter((r) => r.order)) {
    t.true(
      transitions.some((o) => o.event === row.order && o.by.some((actor) => row.by.includes(actor))),
      `${row.event} → ${row.order}`,
    );
  }
});

test('labels for every status and event; closed statuses are final', (t) => {
  for (const status of AFTER_SALE_STATUSES) t.regex(AFTER_SALE_STATUS_LABELS[status], /[\u4e00-\u9fff]/);
  for (const event of AFTER_SALE_EVENTS) t.regex(AFTER_SALE_EVENT_LABELS[event], /[\u4e00-\u9fff]/);
  for (const status of AFTER_SALE_STATUSES) {
    const leaves = afterSaleTransitions.some((r) => r.from === status);
    t.is(isOpenCase(status), leaves, status);
  }
});
