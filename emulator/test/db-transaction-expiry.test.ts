import test from 'ava';
import { controlClient } from '../src/client.js';
import { errorOf, freshCollection, startWithSdk } from './helpers/sdk.js';
import { until } from './helpers/wait.js';

/** The 30-second rule, shortened: its own file, so the short lifetime cannot cut other tests' transactions. */
const TTL = 1000;
const { emulator, db } = await startWithSdk([], { transactionTtlMs: TTL });
test.after.always(() => emulator.close());
const openTransactions = async () =>
  (await controlClient(emulator.url).request<{ openTransactions: unknown[] }>('GET', '/status')).body.openTransactions;

async function seeded(docs: Array<Record<string, unknown>>) {
  const name = await freshCollection(db);
  await db.collection(name).add({ data: docs });
  return name;
}

test('after commit, abort or expiry, the transaction is gone (DATABASE_TRANSACTION_FAIL)', async (t) => {
  const name = await seeded([{ _id: 'x', v: 1 }]);
  const committed = await db.startTransaction();
  await committed.commit();
  t.regex(String((await errorOf(committed.collection(name).doc('x').get())).errMsg), /TransactionNotExist/);
  const expiring = await db.startTransaction();
  await expiring
    .collection(name)
    .doc('x')
    .update({ data: { v: 2 } });
  // The emulator sweeps expired transactions every second; the status shows when this one is gone.
  await until(openTransactions, (open) => open.length === 0, 10_000);
  t.regex(String((await errorOf(expiring.collection(name).doc('x').get())).errMsg), /TransactionNotExist/);
  const commitErr = await errorOf(expiring.commit());
  t.is(commitErr.code, 'DATABASE_TRANSACTION_FAIL');
  t.is((await db.collection(name).doc('x').get()).data.v, 1, "the expired transaction's write never landed");
  // its lock is gone too
  const next = await db.startTransaction();
  await next
    .collection(name)
    .doc('x')
    .update({ data: { v: 3 } });
  await next.commit();
  t.is((await db.collection(name).doc('x').get()).data.v, 3);
});
