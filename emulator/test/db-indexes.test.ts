import test from 'ava';
import { startWithSdk } from './helpers/sdk.js';
import type { Rec } from './helpers/sdk.js';

/**
 * Declared indexes exist in SQLite and are used: an equality, range or sort on an indexed field must not scan the
 * collection. SQLite's own query plan is the witness; the results are checked against the same query without indexes.
 */
const { emulator, db } = await startWithSdk([
  {
    name: 'indexed',
    indexes: [
      { keys: { category: 1, price: 1 } },
      { keys: { createdAt: -1 } },
      { keys: { 'spec.color': 1 } },
      { keys: { rank: 1, _id: 1 } },
    ],
  },
  { name: 'plain' },
  { name: 'multikey', indexes: [{ keys: { category: 1, price: 1 } }] },
]);
test.after.always(() => emulator.close());
const _ = db.command;
const database = emulator.database;

const docs = Array.from({ length: 500 }, (_v, i) => ({
  _id: `s${String(i).padStart(4, '0')}`,
  category: `c${i % 7}`,
  price: (i * 7919) % 1000,
  createdAt: new Date(1_700_000_000_000 + ((i * 104729) % 500) * 1000),
  spec: { color: ['红', '蓝', '黑'][i % 3] },
  // Few values, many ties: keyset pages sort on (rank, _id).
  rank: i % 4,
}));

test.before(async () => {
  for (const name of ['indexed', 'plain']) await db.collection(name).add({ data: docs });
});

function usesIndex(plan: string[]): boolean {
  return (
    plan.some((d) => /USING (COVERING )?INDEX/.test(d) || /USING INTEGER PRIMARY KEY/.test(d)) &&
    !plan.some((d) => /^SCAN "?c\$indexed"?$/.test(d))
  );
}

const queries: Array<[string, Record<string, unknown>, Array<[string, 1 | -1]>]> = [
  ['equality + sort on a compound index', { category: 'c3' }, [['price', 1]]],
  ['equality + descending sort on a compound index', { category: 'c3' }, [['price', -1]]],
  ['range', { category: 'c1', price: { $gte: 100, $lt: 300 } }, []],
  ['sort only', {}, [['createdAt', -1]]],
  ['equality on a nested path', { 'spec.color': '蓝' }, []],
  ['in', { category: { $in: ['c1', 'c2'] } }, []],
  // Merged from one ordered index scan per value, as MongoDB does, not every match sorted.
  ['in + sort on a compound index', { category: { $in: ['c1', 'c2', 'c4'] } }, [['price', -1]]],
  ['in + another condition + sort', { category: { $in: ['c1', 'c3'] }, price: { $gte: 100 } }, [['price', 1]]],
  ['_id range', { _id: { $gt: 's0400' } }, []],
  // Ties on rank are ordered by the index that names _id, not sorted run by run.
  [
    'range + sort ending on _id, on an index naming _id',
    { rank: { $lte: 1 } },
    [
      ['rank', 1],
      ['_id', 1],
    ],
  ],
];

for (const [title, filter, sort] of queries) {
  test(title, async (t) => {
    const plan = database.explain('indexed', filter, sort);
    t.true(usesIndex(plan), plan.join(' | '));
    if (sort.length)
      t.false(
        plan.some((d) => d.includes('TEMP B-TREE')),
        `sorted by the index: ${plan.join(' | ')}`,
      );
    // Same answer as the unindexed collection.
    const withIndex = database.find('indexed', filter, { sort, limit: 1000 }).map((f) => f.doc._id);
    const withoutIndex = database.find('plain', filter, { sort, limit: 1000 }).map((f) => f.doc._id);
    t.deepEqual(withIndex, withoutIndex);
    t.true(withIndex.length > 0);
  });
}

test('through the SDK: indexed equality + sort + limit gives the same page as a full scan', async (t) => {
  const indexed = await db
    .collection('indexed')
    .where({ category: 'c2', price: _.gt(100) })
    .orderBy('price', 'desc')
    .skip(3)
    .limit(20)
    .get();
  const plain = await db
    .collection('plain')
    .where({ category: 'c2', price: _.gt(100) })
    .orderBy('price', 'desc')
    .skip(3)
    .limit(20)
    .get();
  t.deepEqual(indexed.data, plain.data);
  t.is(indexed.data.length, 20);
});

test('an array under an indexed path makes it multikey: queries stay correct', async (t) => {
  const c = db.collection('multikey');
  await c.add({
    data: [
      { _id: 'one', category: 'c3', price: 10 },
      { _id: 'multi', category: ['c3', 'c9'], price: 5 },
    ],
  });
  const res = await c.where({ category: 'c9' }).get();
  t.deepEqual(
    res.data.map((d: Rec) => d._id),
    ['multi'],
  );
  const sorted = await c.where({ category: 'c3' }).orderBy('price', 'asc').get();
  t.deepEqual(
    sorted.data.map((d: Rec) => d._id),
    ['multi', 'one'],
  );
});
