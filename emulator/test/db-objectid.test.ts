import test from 'ava';
import tcb from '@cloudbase/node-sdk';
import { startEmulator } from '../src/server.js';
import type { Rec } from './helpers/sdk.js';

/**
 * `db.ObjectId({ id })` (node-sdk only; wx-server-sdk 4.0.2 has no db.ObjectId). The SDK sends `{"$oid": hex}`, reads
 * insertedIds as they come, and decodes `$oid` in documents into bson ObjectIds.
 */
process.env.TENCENTCLOUD = 'true';
const emulator = await startEmulator({ port: 0, dataFile: ':memory:' });
test.after.always(() => emulator.close());
const app = tcb.init({ env: emulator.envId, serviceUrl: `${emulator.url}/admin`, secretId: 'local', secretKey: 'local' });
const db = app.database();
const _ = db.command;

let n = 0;
async function fresh() {
  const name = `oid_${++n}`;
  await db.createCollection(name);
  return db.collection(name);
}

const HEX_A = '5f1b2c3d4e5f607182930a1b';
const HEX_B = '5f1b2c3d4e5f607182930a1c';
// bson 4 (the SDK's) names the type 'ObjectID', bson 6 'ObjectId'.
const isObjectId = (v: unknown) => /^ObjectI[dD]$/.test(String((v as { _bsontype?: string } | null)?._bsontype));

test('an ObjectId _id: insert answers its 24-hex string, reads send it as {$oid}', async (t) => {
  const c = await fresh();
  const added = await c.add({ _id: db.ObjectId({ id: HEX_A }), name: 'a' });
  t.is(added.id, HEX_A);
  const many = await c.add([{ _id: db.ObjectId({ id: HEX_B }), name: 'b' }, { name: 'generated' }]);
  t.is(many.ids![0], HEX_B);
  t.regex(String(many.ids![1]), /^[0-9a-f]{32}$/);
  const got = await c.where({ _id: db.ObjectId({ id: HEX_A }) }).get();
  t.is(got.data.length, 1);
  t.is(got.data[0].name, 'a');
  // On the wire the document holds canonical EJSON, {"$oid": hex}, which the SDK's EJSON.parse makes an ObjectId...
  const wire = (await (
    await fetch(`${emulator.url}/admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'database.getDocument', collectionName: c.name, queryType: 'WHERE', limit: 10 }),
    })
  ).json()) as { data: { list: string[] } };
  t.deepEqual(JSON.parse(wire.data.list[0]!)._id, { $oid: HEX_A });
  // ...which aggregate().end() hands over as is, while get() runs it through Util.formatField, which (an SDK quirk)
  // copies the ObjectId's own enumerable keys, none, into a plain {}.
  const viaAggregate = await db
    .collection(c.name)
    .aggregate()
    .match({ _id: db.ObjectId({ id: HEX_A }) })
    .end();
  t.true(isObjectId(viaAggregate.data[0]._id));
  t.is(viaAggregate.data[0]._id.toHexString(), HEX_A);
  t.deepEqual({ ...got.data[0]._id }, {});
  // The same id as a string is another value: no match.
  t.is((await c.where({ _id: HEX_A }).count()).total, 0);
  const dup = await c.add({ _id: db.ObjectId({ id: HEX_A }) }).catch((err: unknown) => err as Rec);
  t.regex(String((dup as Rec).code ?? (dup as Rec).message), /DUPLICATE/);
});

test('ObjectId field values: equality, $in, update and remove by them', async (t) => {
  const c = await fresh();
  await c.add([
    { _id: 'o1', owner: db.ObjectId({ id: HEX_A }), n: 1 },
    { _id: 'o2', owner: db.ObjectId({ id: HEX_B }), n: 2 },
    { _id: 'o3', owner: HEX_A, n: 3 },
  ]);
  const eq = await c.where({ owner: db.ObjectId({ id: HEX_A }) }).get();
  t.deepEqual(
    eq.data.map((d: Rec) => d._id),
    ['o1'],
  );
  const inList = await c.where({ owner: _.in([db.ObjectId({ id: HEX_A }), db.ObjectId({ id: HEX_B })]) }).get();
  t.deepEqual(
    inList.data.map((d: Rec) => d._id),
    ['o1', 'o2'],
  );
  const updated = await c.where({ owner: db.ObjectId({ id: HEX_B }) }).update({ n: _.inc(10) });
  t.is(updated.updated, 1);
  t.is((await c.doc('o2').get()).data[0].n, 12);
  const removed = await c.where({ owner: _.nin([db.ObjectId({ id: HEX_A }), db.ObjectId({ id: HEX_B })]) }).remove();
  t.is(removed.deleted, 1);
});

test('ObjectId joins in lookup', async (t) => {
  const users = await fresh();
  const orders = await fresh();
  await users.add([
    { _id: db.ObjectId({ id: HEX_A }), name: '张三' },
    { _id: db.ObjectId({ id: HEX_B }), name: '李四' },
  ]);
  await orders.add([
    { _id: 'x', user: db.ObjectId({ id: HEX_B }), total: 5 },
    { _id: 'y', user: db.ObjectId({ id: HEX_A }), total: 7 },
  ]);
  const res = await db
    .collection(orders.name)
    .aggregate()
    .lookup({ from: users.name, localField: 'user', foreignField: '_id', as: 'buyer' })
    .sort({ _id: 1 })
    .end();
  t.deepEqual(
    res.data.map((d: Rec) => [d._id, d.buyer.map((b: Rec) => b.name)]),
    [
      ['x', ['李四']],
      ['y', ['张三']],
    ],
  );
  t.is(res.data[0].buyer[0]._id.toHexString(), HEX_B);
});
