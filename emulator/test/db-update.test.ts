import test from 'ava';
import { errorOf, freshCollection, startWithSdk } from './helpers/sdk.js';
import type { Rec } from './helpers/sdk.js';

/** Every update operator as the real wx-server-sdk encodes it, read back whole. */
const { emulator, db } = await startWithSdk();
test.after.always(() => emulator.close());
const _ = db.command;

/** A fresh collection holding one document with _id 'x'; returns the collection. */
async function withDoc(data: Rec): Promise<Rec> {
  const c = db.collection(await freshCollection(db));
  await c.add({ data: { _id: 'x', ...data } });
  return c;
}

async function read(c: Rec, id = 'x'): Promise<Rec> {
  return (await c.doc(id).get()).data;
}

test('plain values become $set on dot paths and keep sibling fields', async (t) => {
  const c = await withDoc({ a: 0, o: { p: 1, q: 'keep', r: { s: 1, t: 2 } }, z: 'z' });
  const res = await c.doc('x').update({ data: { a: 1, o: { p: 2, r: { s: 3 } }, arr: [1, { b: 2 }], nil: null } });
  t.is(res.errMsg, 'document.update:ok');
  t.is(res.stats.updated, 1);
  t.deepEqual(await read(c), {
    _id: 'x',
    a: 1,
    o: { p: 2, q: 'keep', r: { s: 3, t: 2 } },
    z: 'z',
    arr: [1, { b: 2 }],
    nil: null,
  });
});

test('_.set(obj) replaces a whole sub-object', async (t) => {
  const c = await withDoc({ o: { p: 1, q: 2 }, k: 1 });
  await c.doc('x').update({ data: { o: _.set({ r: { s: 1 } }) } });
  t.deepEqual(await read(c), { _id: 'x', o: { r: { s: 1 } }, k: 1 });
});

test('_.remove() unsets top-level and nested fields', async (t) => {
  const c = await withDoc({ a: 1, b: 2, o: { p: 1, q: 2 } });
  await c.doc('x').update({ data: { a: _.remove(), o: { p: _.remove() } } });
  t.deepEqual(await read(c), { _id: 'x', b: 2, o: { q: 2 } });
});

test('_.inc on an existing field, a negative step and a missing field', async (t) => {
  const c = await withDoc({ n: 1, m: 10 });
  await c.doc('x').update({ data: { n: _.inc(2), m: _.inc(-2.5), fresh: _.inc(5) } });
  t.deepEqual(await read(c), { _id: 'x', n: 3, m: 7.5, fresh: 5 });
});

test('_.mul, including on a missing field (becomes 0)', async (t) => {
  const c = await withDoc({ n: 3 });
  await c.doc('x').update({ data: { n: _.mul(4), missing: _.mul(7) } });
  t.deepEqual(await read(c), { _id: 'x', n: 12, missing: 0 });
});

test('_.min and _.max on numbers', async (t) => {
  const c = await withDoc({ lo: 5, hi: 5, keepLo: 1, keepHi: 9 });
  await c.doc('x').update({ data: { lo: _.min(2), hi: _.max(8), keepLo: _.min(3), keepHi: _.max(3), newMin: _.min(4) } });
  t.deepEqual(await read(c), { _id: 'x', lo: 2, hi: 8, keepLo: 1, keepHi: 9, newMin: 4 });
});

test('_.min and _.max on dates', async (t) => {
  const d1 = new Date('2024-01-01T00:00:00.000Z');
  const d2 = new Date('2024-06-01T00:00:00.000Z');
  const d3 = new Date('2025-01-01T00:00:00.000Z');
  const c = await withDoc({ first: d2, last: d2 });
  await c.doc('x').update({ data: { first: _.min(d1), last: _.max(d3) } });
  t.deepEqual(await read(c), { _id: 'x', first: d1, last: d3 });
  const unchanged = await c.doc('x').update({ data: { first: _.min(d3), last: _.max(d1) } });
  t.is(unchanged.stats.updated, 0);
  t.deepEqual(await read(c), { _id: 'x', first: d1, last: d3 });
});

test('_.rename moves a field, also into and out of a sub-object', async (t) => {
  const c = await withDoc({ a: 1, o: { p: 2 }, keep: true });
  await c.doc('x').update({ data: { a: _.rename('b'), o: { p: _.rename('q') } } });
  t.deepEqual(await read(c), { _id: 'x', b: 1, o: {}, q: 2, keep: true });
});

test('_.push(v) and _.push([a, b]) append', async (t) => {
  const c = await withDoc({ a: [1], b: ['x'] });
  await c.doc('x').update({ data: { a: _.push(2), b: _.push(['y', 'z']), fresh: _.push({ k: 1 }) } });
  t.deepEqual(await read(c), { _id: 'x', a: [1, 2], b: ['x', 'y', 'z'], fresh: [{ k: 1 }] });
});

test('_.push({each, position}) with positive and negative position', async (t) => {
  const c = await withDoc({ a: [1, 2, 3], b: [1, 2, 3] });
  await c.doc('x').update({ data: { a: _.push({ each: [9], position: 1 }), b: _.push({ each: [8, 9], position: -1 }) } });
  t.deepEqual(await read(c), { _id: 'x', a: [1, 9, 2, 3], b: [1, 2, 8, 9, 3] });
});

test('_.push({each, slice}) with positive and negative slice', async (t) => {
  const c = await withDoc({ a: [1, 2, 3], b: [1, 2, 3], z: [1, 2] });
  await c.doc('x').update({
    data: { a: _.push({ each: [4], slice: 2 }), b: _.push({ each: [4, 5], slice: -3 }), z: _.push({ each: [], slice: 0 }) },
  });
  t.deepEqual(await read(c), { _id: 'x', a: [1, 2], b: [3, 4, 5], z: [] });
});

test('_.push({each, sort}) ascending, descending and on documents', async (t) => {
  const c = await withDoc({
    up: [3, 1],
    down: [3, 1],
    docs: [
      { n: 'a', score: 5 },
      { n: 'b', score: 1 },
    ],
  });
  await c.doc('x').update({
    data: {
      up: _.push({ each: [2], sort: 1 }),
      down: _.push({ each: [2], sort: -1 }),
      docs: _.push({ each: [{ n: 'c', score: 9 }], sort: { score: -1 }, slice: 2 }),
    },
  });
  t.deepEqual(await read(c), {
    _id: 'x',
    up: [1, 2, 3],
    down: [3, 2, 1],
    docs: [
      { n: 'c', score: 9 },
      { n: 'a', score: 5 },
    ],
  });
});

test('_.push with each, position, sort and slice together', async (t) => {
  const c = await withDoc({ a: [5, 1] });
  // MongoDB applies position, then sort, then slice.
  await c.doc('x').update({ data: { a: _.push({ each: [3, 9], position: 0, sort: -1, slice: -2 }) } });
  t.deepEqual(await read(c), { _id: 'x', a: [3, 1] });
});

test('_.unshift prepends, one value or an array', async (t) => {
  const c = await withDoc({ a: [3], b: ['c'] });
  await c.doc('x').update({ data: { a: _.unshift(2), b: _.unshift(['a', 'b']) } });
  t.deepEqual(await read(c), { _id: 'x', a: [2, 3], b: ['a', 'b', 'c'] });
});

test('_.pop() and _.shift() remove the last and the first element', async (t) => {
  const c = await withDoc({ a: [1, 2, 3], b: [1, 2, 3], e: [] });
  await c.doc('x').update({ data: { a: _.pop(), b: _.shift(), e: _.pop() } });
  t.deepEqual(await read(c), { _id: 'x', a: [1, 2], b: [2, 3], e: [] });
});

test('_.pull(v) and _.pull(_.in([...]))', async (t) => {
  const c = await withDoc({ a: [1, 2, 1, 3], b: ['x', 'y', 'z', 'y'] });
  await c.doc('x').update({ data: { a: _.pull(1), b: _.pull(_.in(['y', 'z'])) } });
  t.deepEqual(await read(c), { _id: 'x', a: [2, 3], b: ['x'] });
});

test('_.pull({x: _.gt(1)}) on an array of documents', async (t) => {
  const c = await withDoc({ a: [{ x: 1, k: 'a' }, { x: 2, k: 'b' }, { x: 3 }, { k: 'no x' }] });
  await c.doc('x').update({ data: { a: _.pull({ x: _.gt(1) }) } });
  t.deepEqual(await read(c), { _id: 'x', a: [{ x: 1, k: 'a' }, { k: 'no x' }] });
});

test('_.pull with a plain document matches documents that contain it', async (t) => {
  const c = await withDoc({ a: [{ x: 1, k: 'a' }, { x: 2 }] });
  await c.doc('x').update({ data: { a: _.pull({ x: 1 }) } });
  t.deepEqual(await read(c), { _id: 'x', a: [{ x: 2 }] });
});

test('_.pullAll([...]) removes every listed value', async (t) => {
  const c = await withDoc({ a: [1, 2, 3, 2, 4, 1], d: [{ k: 1 }, { k: 2 }] });
  await c.doc('x').update({ data: { a: _.pullAll([1, 2]), d: _.pullAll([{ k: 1 }]) } });
  t.deepEqual(await read(c), { _id: 'x', a: [3, 4], d: [{ k: 2 }] });
});

test('_.addToSet(v) adds only a missing value', async (t) => {
  const c = await withDoc({ a: [1, 2], d: [{ k: 1 }] });
  await c.doc('x').update({ data: { a: _.addToSet(3), d: _.addToSet({ k: 1 }), fresh: _.addToSet('v') } });
  t.deepEqual(await read(c), { _id: 'x', a: [1, 2, 3], d: [{ k: 1 }], fresh: ['v'] });
  const again = await c.doc('x').update({ data: { a: _.addToSet(2) } });
  t.is(again.stats.updated, 0, 'nothing changed: MongoDB nModified');
  t.deepEqual(await read(c), { _id: 'x', a: [1, 2, 3], d: [{ k: 1 }], fresh: ['v'] });
});

test('_.addToSet({each: [...]}) (sent as a literal `each` key) adds each missing value', async (t) => {
  const c = await withDoc({ a: [1, 2] });
  await c.doc('x').update({ data: { a: _.addToSet({ each: [2, 3, 4, 3] }) } });
  t.deepEqual(await read(c), { _id: 'x', a: [1, 2, 3, 4] });
});

test('commands nested in objects get dot paths and leave siblings alone', async (t) => {
  const c = await withDoc({ o: { n: 1, keep: 'k', deep: { m: 2, arr: [1] } } });
  await c.doc('x').update({ data: { o: { n: _.inc(1), deep: { m: _.mul(3), arr: _.push(2) }, added: 'new' } } });
  t.deepEqual(await read(c), { _id: 'x', o: { n: 2, keep: 'k', deep: { m: 6, arr: [1, 2] }, added: 'new' } });
});

test('db.serverDate() inside an update becomes the server time (plus offset)', async (t) => {
  const c = await withDoc({ o: { p: 1 } });
  const before = Date.now();
  await c.doc('x').update({ data: { at: db.serverDate(), o: { later: db.serverDate({ offset: 60_000 }) } } });
  const after = Date.now();
  const doc = await read(c);
  t.true(doc.at instanceof Date);
  t.true(doc.o.later instanceof Date);
  t.true(doc.at.getTime() >= before - 1000 && doc.at.getTime() <= after + 1000);
  t.true(doc.o.later.getTime() >= before + 59_000 && doc.o.later.getTime() <= after + 61_000);
  t.deepEqual(doc, { _id: 'x', at: doc.at, o: { p: 1, later: doc.o.later } });
});

test('several operators in one update', async (t) => {
  const c = await withDoc({ n: 1, tags: ['a'], o: { p: 1, q: 1 }, old: 'o', gone: true, arr: [1, 2, 3] });
  const res = await c.doc('x').update({
    data: {
      n: _.inc(1),
      tags: _.push('b'),
      o: { p: _.remove(), q: 5 },
      old: _.rename('renamed'),
      gone: _.remove(),
      arr: _.pull(2),
      s: 'set',
    },
  });
  t.is(res.stats.updated, 1);
  t.deepEqual(await read(c), { _id: 'x', n: 2, tags: ['a', 'b'], o: { q: 5 }, renamed: 'o', arr: [1, 3], s: 'set' });
});

test('where().update() changes only the matching documents', async (t) => {
  const c = db.collection(await freshCollection(db));
  await c.add({
    data: [
      { _id: 'a', k: 1, v: 0 },
      { _id: 'b', k: 2, v: 0 },
      { _id: 'c', k: 3, v: 0 },
      { _id: 'd', k: 0, v: 0 },
    ],
  });
  const res = await c.where({ k: _.gte(2) }).update({ data: { v: _.inc(10), tag: 'hit' } });
  t.is(res.errMsg, 'collection.update:ok');
  t.is(res.stats.updated, 2);
  const docs = (await c.orderBy('_id', 'asc').get()).data;
  t.deepEqual(docs, [
    { _id: 'a', k: 1, v: 0 },
    { _id: 'b', k: 2, v: 10, tag: 'hit' },
    { _id: 'c', k: 3, v: 10, tag: 'hit' },
    { _id: 'd', k: 0, v: 0 },
  ]);
  const none = await c.where({ k: 99 }).update({ data: { v: 1 } });
  t.is(none.stats.updated, 0);
});

test('an update that changes nothing reports updated: 0 (nModified)', async (t) => {
  const c = await withDoc({ a: 1, o: { p: 2 }, arr: [1] });
  const res = await c.doc('x').update({ data: { a: 1, o: { p: 2 }, arr: _.pull(9) } });
  t.is(res.errMsg, 'document.update:ok');
  t.is(res.stats.updated, 0);
  t.deepEqual(await read(c), { _id: 'x', a: 1, o: { p: 2 }, arr: [1] });
});

test('_.inc on a string field fails and leaves the document unchanged', async (t) => {
  const c = await withDoc({ s: 'text', n: 1 });
  const err = await errorOf(c.doc('x').update({ data: { s: _.inc(1), n: _.inc(1) } }));
  t.regex(String(err.errMsg), /document\.update:fail/);
  t.deepEqual(await read(c), { _id: 'x', s: 'text', n: 1 });
});

test('updating _id is refused by the SDK before anything is sent', async (t) => {
  const c = await withDoc({ a: 1 });
  const err = await errorOf(c.doc('x').update({ data: { _id: 'y', a: 2 } }));
  t.regex(String(err.errMsg ?? err.message), /不能更新_id的值/);
  t.deepEqual(await read(c), { _id: 'x', a: 1 });
});
