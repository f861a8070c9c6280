import test from 'ava';
import { errorOf, freshCollection, startWithSdk } from './helpers/sdk.js';
import type { Rec } from './helpers/sdk.js';

/** Every database action wx-server-sdk sends (the table in docs/wire-protocol.md), through the real SDK. */
const { emulator, cloud, db } = await startWithSdk([{ name: 'declared_unique', indexes: [{ keys: { code: 1 }, unique: true }] }]);
test.after.always(() => emulator.close());
const _ = db.command;

test('add one and many, then read back by id and by query', async (t) => {
  const c = db.collection(await freshCollection(db));
  const one = await c.add({ data: { name: '苹果', price: 599, tags: ['fruit'] } });
  t.is(one.errMsg, 'collection.add:ok');
  t.is(typeof one._id, 'string');
  const many = (await c.add({ data: [{ _id: 'b', name: '香蕉' }, { name: '橙子' }] })) as unknown as { _ids: string[] };
  t.is(many._ids.length, 2);
  t.is(many._ids[0], 'b');
  const byId = await c.doc(one._id as string).get();
  t.is(byId.errMsg, 'document.get:ok');
  t.deepEqual(byId.data, { _id: one._id, name: '苹果', price: 599, tags: ['fruit'] });
  const all = await c.get();
  t.is(all.errMsg, 'collection.get:ok');
  t.deepEqual(
    all.data.map((d: Rec) => d.name),
    ['苹果', '香蕉', '橙子'],
    'without orderBy, insertion order',
  );
});

test('doc().get() of a missing document throws, or gives null with throwOnNotFound: false', async (t) => {
  const name = await freshCollection(db);
  const err = await errorOf(db.collection(name).doc('nope').get());
  t.regex(String(err.errMsg), /document\.get:fail.*does not exist/);
  const lenient = cloud.database({ throwOnNotFound: false });
  const res = await lenient.collection(name).doc('nope').get();
  t.is(res.data, null);
});

test('orderBy on several keys, skip, limit, and field projection', async (t) => {
  const c = db.collection(await freshCollection(db));
  await c.add({
    data: [
      { n: 1, g: 'b', x: { y: 1, z: 2 } },
      { n: 2, g: 'a', x: { y: 2, z: 3 } },
      { n: 3, g: 'b', x: { y: 3, z: 4 } },
      { n: 4, g: 'a', x: { y: 4, z: 5 } },
    ],
  });
  const sorted = await c.orderBy('g', 'asc').orderBy('n', 'desc').get();
  t.deepEqual(
    sorted.data.map((d: Rec) => d.n),
    [4, 2, 3, 1],
  );
  const page = await c.orderBy('n', 'asc').skip(1).limit(2).get();
  t.deepEqual(
    page.data.map((d: Rec) => d.n),
    [2, 3],
  );
  const projected = await c.where({ n: 1 }).field({ 'x.y': true, _id: false }).get();
  t.deepEqual(projected.data, [{ x: { y: 1 } }]);
  const excluded = await c.where({ n: 2 }).field({ x: false, _id: false }).get();
  t.deepEqual(excluded.data, [{ n: 2, g: 'a' }]);
});

test('limit defaults to 100 and is capped at 1000', async (t) => {
  const c = db.collection(await freshCollection(db));
  for (let i = 0; i < 3; i++) await c.add({ data: Array.from({ length: 400 }, (_v, k) => ({ i: i * 400 + k })) });
  t.is((await c.get()).data.length, 100);
  t.is((await c.limit(1000).get()).data.length, 1000);
  t.is((await c.limit(5000).get()).data.length, 1000);
  t.is((await c.skip(1150).limit(1000).get()).data.length, 50);
  t.is((await c.count()).total, 1200);
});

test('count with and without a query', async (t) => {
  const c = db.collection(await freshCollection(db));
  await c.add({ data: [{ a: 1 }, { a: 2 }, { a: 3 }] });
  const all = await c.count();
  t.is(all.errMsg, 'collection.count:ok');
  t.is(all.total, 3);
  t.is((await c.where({ a: _.gte(2) }).count()).total, 2);
});

test('update: where (multi), where with multi false, doc', async (t) => {
  const c = db.collection(await freshCollection(db));
  await c.add({
    data: [
      { _id: 'a', k: 1, v: 0 },
      { _id: 'b', k: 1, v: 0 },
      { _id: 'c', k: 2, v: 0 },
    ],
  });
  const many = await c.where({ k: 1 }).update({ data: { v: _.inc(1) } });
  t.is(many.errMsg, 'collection.update:ok');
  t.is(many.stats.updated, 2);
  const one = await c.doc('c').update({ data: { v: 5, o: { p: 1 } } });
  t.is(one.errMsg, 'document.update:ok');
  t.is(one.stats.updated, 1);
  const missing = await c.doc('zzz').update({ data: { v: 1 } });
  t.is(missing.stats.updated, 0);
  const docs = (await c.orderBy('_id', 'asc').get()).data;
  t.deepEqual(
    docs.map((d: Rec) => d.v),
    [1, 1, 5],
  );
  t.deepEqual(docs[2]!.o, { p: 1 });
});

test('set replaces the whole document or creates it (upsert)', async (t) => {
  const c = db.collection(await freshCollection(db));
  await c.add({ data: { _id: 'x', a: 1, b: 2 } });
  const replaced = await c.doc('x').set({ data: { c: 3 } });
  t.is(replaced.errMsg, 'document.set:ok');
  t.is(replaced.stats.updated, 1);
  t.is(replaced.stats.created, 0);
  t.deepEqual((await c.doc('x').get()).data, { _id: 'x', c: 3 });
  const created = await c.doc('y').set({ data: { d: { nested: true } } });
  t.is(created.stats.created, 1);
  t.is(created._id, 'y');
  t.deepEqual((await c.doc('y').get()).data, { _id: 'y', d: { nested: true } });
});

test('set with content identical to the stored document answers updated: 1 (matched), as the cloud does', async (t) => {
  const c = db.collection(await freshCollection(db));
  await c.add({ data: { _id: 'same', a: 1, b: { c: [1, 2] } } });
  const again = await c.doc('same').set({ data: { a: 1, b: { c: [1, 2] } } });
  t.is(again.stats.updated, 1);
  t.is(again.stats.created, 0);
  t.deepEqual((await c.doc('same').get()).data, { _id: 'same', a: 1, b: { c: [1, 2] } });
  // update() still counts modified documents only (MongoDB's nModified).
  const unchanged = await c.doc('same').update({ data: { a: 1 } });
  t.is(unchanged.stats.updated, 0);
});

test('remove by query, by query with multi false, and by doc', async (t) => {
  const c = db.collection(await freshCollection(db));
  await c.add({
    data: [
      { _id: '1', k: 1 },
      { _id: '2', k: 1 },
      { _id: '3', k: 2 },
      { _id: '4', k: 3 },
    ],
  });
  const byDoc = await c.doc('4').remove();
  t.is(byDoc.errMsg, 'document.remove:ok');
  t.is(byDoc.stats.removed, 1);
  const byQuery = await c.where({ k: 1 }).remove();
  t.is(byQuery.errMsg, 'collection.remove:ok');
  t.is(byQuery.stats.removed, 2);
  t.deepEqual(
    (await c.get()).data.map((d: Rec) => d._id),
    ['3'],
  );
});

test('aggregate answers with list', async (t) => {
  const c = db.collection(await freshCollection(db));
  await c.add({
    data: [
      { g: 'a', n: 1 },
      { g: 'b', n: 2 },
      { g: 'a', n: 3 },
    ],
  });
  const res = await c
    .aggregate()
    .match({ n: _.gt(0) })
    .group({ _id: '$g', total: db.command.aggregate.sum('$n') })
    .sort({ _id: 1 })
    .end();
  t.is(res.errMsg, 'collection.aggregate:ok');
  t.deepEqual(res.list, [
    { _id: 'a', total: 4 },
    { _id: 'b', total: 2 },
  ]);
});

test('createCollection, and creating it twice fails', async (t) => {
  const res = await db.createCollection('created_once');
  t.is(res.errMsg, 'createCollection:ok');
  const err = await errorOf(db.createCollection('created_once'));
  t.is(err.code, 'DATABASE_COLLECTION_ALREADY_EXIST');
});

test('every action on a missing collection fails with DATABASE_COLLECTION_NOT_EXIST', async (t) => {
  const c = db.collection('never_created');
  const calls = [
    () => c.get(),
    () => c.add({ data: { a: 1 } }),
    () => c.count(),
    () => c.where({ a: 1 }).update({ data: { a: 2 } }),
    () => c.doc('x').remove(),
    () => c.doc('x').set({ data: { a: 1 } }),
  ];
  for (const call of calls) {
    const err = await errorOf(call());
    t.is(err.errCode, -502005, String(err.errMsg));
  }
  // aggregate errors reach the caller unmapped (errCode -1), with the server's message
  const aggErr = await errorOf(c.aggregate().end());
  t.regex(String(aggErr.errMsg), /Db or Table not exist: never_created/);
});

test('serverDate becomes server time plus offset', async (t) => {
  const c = db.collection(await freshCollection(db));
  const before = Date.now();
  const { _id } = await c.add({ data: { at: db.serverDate(), later: db.serverDate({ offset: 60_000 }) } });
  const doc = (await c.doc(_id as string).get()).data as { at: Date; later: Date };
  t.true(doc.at instanceof Date);
  t.true(doc.at.getTime() >= before && doc.at.getTime() <= Date.now());
  t.is(doc.later.getTime() - doc.at.getTime(), 60_000);
});

test('a duplicate _id in a batch writes nothing', async (t) => {
  const c = db.collection(await freshCollection(db));
  await c.add({ data: { _id: 'dup', a: 1 } });
  const err = await errorOf(c.add({ data: [{ _id: 'fresh' }, { _id: 'dup' }] }));
  t.regex(String(err.errMsg), /duplicate key/);
  t.is((await c.count()).total, 1);
});

test('a unique index violation is an error and nothing is written', async (t) => {
  const c = db.collection('declared_unique');
  await c.add({ data: { code: 'A' } });
  const err = await errorOf(c.add({ data: [{ code: 'B' }, { code: 'A' }] }));
  t.regex(String(err.errMsg), /duplicate key/);
  t.is((await c.count()).total, 1);
  await c.add({ data: { _id: 'c', code: 'C' } });
  const updateErr = await errorOf(c.doc('c').update({ data: { code: 'A' } }));
  t.regex(String(updateErr.errMsg), /duplicate key/);
  t.is((await c.doc('c').get()).data.code, 'C');
});

test('numbers, dates, nested arrays and unicode survive a round trip', async (t) => {
  const c = db.collection(await freshCollection(db));
  const value = {
    int: 7,
    neg: -2147483648,
    big: 1099511627776,
    frac: 0.1 + 0.2,
    at: new Date(1700000000123),
    deep: [[1, { a: [2] }]],
    s: '价格 💰',
    nil: null,
    yes: true,
  };
  const { _id } = await c.add({ data: value });
  t.deepEqual((await c.doc(_id as string).get()).data, { _id, ...value });
});
