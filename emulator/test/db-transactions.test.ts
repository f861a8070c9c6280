import test from 'ava';
import { errorOf, freshCollection, startWithSdk } from './helpers/sdk.js';
import type { Rec } from './helpers/sdk.js';

/** CloudBase's transaction semantics (docs/platform.md), through the real SDK's startTransaction and runTransaction. */
const { emulator, db } = await startWithSdk();
test.after.always(() => emulator.close());
const _ = db.command;

async function seeded(docs: Array<Record<string, unknown>>) {
  const name = await freshCollection(db);
  await db.collection(name).add({ data: docs });
  return name;
}

test("reads see the snapshot taken at the transaction's first operation, plus its own writes", async (t) => {
  const name = await seeded([
    { _id: 'a', v: 1 },
    { _id: 'b', v: 1 },
  ]);
  const tx = await db.startTransaction();
  // The first operation takes the snapshot (MongoDB's semantics).
  t.is((await tx.collection(name).where({ v: 1 }).count()).total, 2);
  t.is((await tx.collection(name).doc('a').get()).data.v, 1);
  // Outside writes after the snapshot: invisible to the transaction.
  await db
    .collection(name)
    .doc('a')
    .update({ data: { v: 2 } });
  await db.collection(name).add({ data: { _id: 'c', v: 1 } });
  await db.collection(name).doc('b').remove();
  t.is((await tx.collection(name).doc('a').get()).data.v, 1);
  t.is((await tx.collection(name).doc('b').get()).data.v, 1);
  const inTx = await tx.collection(name).where({ v: 1 }).get();
  t.deepEqual(
    inTx.data.map((d: Rec) => d._id),
    ['a', 'b'],
  );
  // Its own writes: visible to it, not to others until commit.
  await tx.collection(name).add({ data: { _id: 'd', v: 1 } });
  t.deepEqual(
    (await tx.collection(name).where({ v: 1 }).get()).data.map((d: Rec) => d._id),
    ['a', 'b', 'd'],
  );
  t.is((await db.collection(name).where({ _id: 'd' }).count()).total, 0);
  await tx.commit();
  t.is((await db.collection(name).doc('d').get()).data.v, 1);
});

test("a transaction's snapshot is taken at its first operation, not at startTransaction", async (t) => {
  const name = await seeded([{ _id: 'x', stock: 5 }]);
  const tx = await db.startTransaction();
  // Outside writes between startTransaction and the first operation are part of the snapshot.
  await db.collection(name).add({ data: { _id: 'late', stock: 1 } });
  await db
    .collection(name)
    .doc('x')
    .update({ data: { stock: 9 } });
  t.deepEqual(
    (
      await tx
        .collection(name)
        .where({ stock: _.gt(0) })
        .get()
    ).data.map((d: Rec) => [d._id, d.stock]),
    [
      ['x', 9],
      ['late', 1],
    ],
  );
  t.is((await tx.collection(name).doc('late').get()).data.stock, 1);
  // Writing the document changed before the snapshot is no conflict; a change after the snapshot still is.
  await tx
    .collection(name)
    .doc('x')
    .update({ data: { stock: _.inc(-1) } });
  await db
    .collection(name)
    .doc('late')
    .update({ data: { stock: 2 } });
  const err = await errorOf(
    tx
      .collection(name)
      .doc('late')
      .update({ data: { stock: _.inc(-1) } }),
  );
  t.regex(String(err.errMsg), /TransactionConflict/);
  await tx.rollback();
  t.is((await db.collection(name).doc('x').get()).data.stock, 9);
  t.is((await db.collection(name).doc('late').get()).data.stock, 2);
});

test('a write to a document another open transaction wrote conflicts at once', async (t) => {
  const name = await seeded([{ _id: 'x', stock: 5 }]);
  const t1 = await db.startTransaction();
  const t2 = await db.startTransaction();
  await t1
    .collection(name)
    .doc('x')
    .update({ data: { stock: _.inc(-1) } });
  const err = await errorOf(
    t2
      .collection(name)
      .doc('x')
      .update({ data: { stock: _.inc(-1) } }),
  );
  t.regex(String(err.errMsg), /TransactionConflict/);
  await t1.commit();
  await t2.rollback();
  t.is((await db.collection(name).doc('x').get()).data.stock, 4);
});

test('a write to a document changed after the snapshot conflicts', async (t) => {
  const name = await seeded([{ _id: 'x', stock: 5 }]);
  const tx = await db.startTransaction();
  t.is((await tx.collection(name).doc('x').get()).data.stock, 5); // takes the snapshot
  await db
    .collection(name)
    .doc('x')
    .update({ data: { stock: 9 } });
  const err = await errorOf(
    tx
      .collection(name)
      .doc('x')
      .update({ data: { stock: _.inc(-1) } }),
  );
  t.regex(String(err.errMsg), /TransactionConflict/);
  await tx.rollback();
  t.is((await db.collection(name).doc('x').get()).data.stock, 9);
});

test('rollback discards every write', async (t) => {
  const name = await seeded([
    { _id: 'x', v: 1 },
    { _id: 'y', v: 1 },
  ]);
  const tx = await db.startTransaction();
  await tx
    .collection(name)
    .doc('x')
    .update({ data: { v: 2 } });
  await tx.collection(name).doc('y').remove();
  await tx.collection(name).add({ data: { _id: 'z' } });
  await tx
    .collection(name)
    .doc('w')
    .set({ data: { v: 3 } });
  await tx.rollback();
  const docs = (await db.collection(name).get()).data;
  t.deepEqual(docs, [
    { _id: 'x', v: 1 },
    { _id: 'y', v: 1 },
  ]);
});

test("runTransaction returns the callback's value and rejects with what rollback was given", async (t) => {
  const name = await seeded([{ _id: 'acct', balance: 100 }]);
  const result = await db.runTransaction(async (tx: Rec) => {
    const acct = (await tx.collection(name).doc('acct').get()).data as { balance: number };
    await tx
      .collection(name)
      .doc('acct')
      .update({ data: { balance: acct.balance - 30 } });
    return acct.balance - 30;
  });
  t.is(result, 70);
  const reason = await errorOf(
    db.runTransaction(async (tx: Rec) => {
      await tx
        .collection(name)
        .doc('acct')
        .update({ data: { balance: 0 } });
      await tx.rollback({ reason: '余额不足' });
    }),
  );
  t.deepEqual(reason as unknown, { reason: '余额不足' });
  t.is((await db.collection(name).doc('acct').get()).data.balance, 70);
});

test('runTransaction retries when commit conflicts, through the real SDK', async (t) => {
  const name = await seeded([{ _id: 'x', n: 0 }]);
  let attempts = 0;
  await db.runTransaction(async (tx: Rec) => {
    attempts++;
    const doc = (await tx.collection(name).doc('x').get()).data as { n: number };
    await tx
      .collection(name)
      .doc('x')
      .update({ data: { n: doc.n + 1 } });
    // Another writer changes the document before this transaction commits: the first commit must conflict.
    if (attempts === 1)
      await db
        .collection(name)
        .doc('x')
        .update({ data: { n: 100 } });
  });
  t.is(attempts, 2);
  t.is((await db.collection(name).doc('x').get()).data.n, 101);
});

test('many transactions open at once: concurrent transfers never lose an update', async (t) => {
  const name = await seeded([{ _id: 'stock', n: 0 }, ...Array.from({ length: 20 }, (_v, i) => ({ _id: `o${i}`, done: false }))]);
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_v, i) =>
      db.runTransaction(async (tx: Rec) => {
        const s = (await tx.collection(name).doc('stock').get()).data as { n: number };
        await tx
          .collection(name)
          .doc(`o${i}`)
          .update({ data: { done: true } });
        await tx
          .collection(name)
          .doc('stock')
          .update({ data: { n: s.n + 1 } });
      }, 10),
    ),
  );
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  const stock = (await db.collection(name).doc('stock').get()).data.n as number;
  const done = (await db.collection(name).where({ done: true }).count()).total;
  t.true(ok >= 1);
  t.is(stock, ok, 'every committed transaction incremented exactly once');
  t.is(done, ok, 'and its other write landed with it');
});

test.serial('the status API counts transactions started, committed and refused with a conflict', async (t) => {
  const counts = async () =>
    (
      (await (await fetch(`${emulator.url}/__emulator/status`)).json()) as {
        transactions: { started: number; committed: number; conflicts: number };
      }
    ).transactions;
  const name = await seeded([{ _id: 'x', stock: 5 }]);
  const before = await counts();
  const t1 = await db.startTransaction();
  const t2 = await db.startTransaction();
  await t1
    .collection(name)
    .doc('x')
    .update({ data: { stock: _.inc(-1) } });
  await errorOf(
    t2
      .collection(name)
      .doc('x')
      .update({ data: { stock: _.inc(-1) } }),
  );
  await t1.commit();
  await t2.rollback();
  const after = await counts();
  t.deepEqual(
    {
      started: after.started - before.started,
      committed: after.committed - before.committed,
      conflicts: after.conflicts - before.conflicts,
    },
    { started: 2, committed: 1, conflicts: 1 },
  );
});
