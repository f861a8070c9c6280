import test from 'ava';
import tcb from '@cloudbase/node-sdk';
import { startEmulator } from '../src/server.js';

/** @cloudbase/node-sdk (scripts, seeding, deploy) against the emulator, including what only it sends. */
process.env.TENCENTCLOUD = 'true'; // node-sdk outside SCF: skip its cloud metadata probe before every request
const emulator = await startEmulator({ port: 0, dataFile: ':memory:' });
test.after.always(() => emulator.close());
const app = tcb.init({ env: emulator.envId, serviceUrl: `${emulator.url}/admin`, secretId: 'local', secretKey: 'local' });
const db = app.database();
const _ = db.command;

let n = 0;
async function fresh() {
  const name = `node_${++n}`;
  await db.createCollection(name);
  return db.collection(name);
}

test('CRUD through node-sdk', async (t) => {
  const c = await fresh();
  const added = await c.add({ name: '鼠标', price: 9900 });
  t.truthy(added.id);
  const id = added.id!;
  await c.doc(id).update({ price: _.inc(-100) });
  const got = await c.doc(id).get();
  t.is(got.data[0].price, 9800);
  t.is((await c.where({ price: _.lt(10000) }).count()).total, 1);
  await c.doc(id).remove();
  t.is((await c.count()).total, 0);
});

test('updateAndReturn (database.modifyAndReturnDoc) answers with the updated document', async (t) => {
  const c = await fresh();
  await c.add([
    { _id: 'a', stock: 3 },
    { _id: 'b', stock: 0 },
  ]);
  const res = await c.where({ stock: _.gt(0) }).updateAndReturn({ stock: _.inc(-1) });
  t.is(res.updated, 1);
  t.is(res.doc._id, 'a');
  t.is(res.doc.stock, 2);
  const none = await c.where({ stock: _.gt(100) }).updateAndReturn({ stock: _.inc(-1) });
  t.is(none.updated, 0);
});

test('raw MongoDB mode: $-operators in queries, updates and pipelines', async (t) => {
  const c = await fresh();
  await c.add([
    { _id: 'a', g: 'x', n: 1, tags: ['p'] },
    { _id: 'b', g: 'y', n: 5, tags: [] },
    { _id: 'c', g: 'x', n: 9, tags: ['q'] },
  ]);
  const raw = c.options({ raw: true });
  const found = await raw.where({ $or: [{ n: { $lt: 2 } }, { n: { $gt: 8 } }] }).get();
  t.deepEqual(
    found.data.map((d: { _id: string }) => d._id),
    ['a', 'c'],
  );
  const updated = await raw.where({ g: 'x' }).update({ $inc: { n: 10 }, $push: { tags: 'r' } });
  t.is(updated.updated, 2);
  const agg = await db
    .collection(c.name)
    .options({ raw: true })
    .aggregate([{ $match: { n: { $gte: 5 } } }, { $group: { _id: '$g', total: { $sum: '$n' } } }, { $sort: { _id: 1 } }])
    .end();
  t.deepEqual(agg.data, [
    { _id: 'x', total: 30 },
    { _id: 'y', total: 5 },
  ]);
  t.deepEqual((await c.doc('a').get()).data[0].tags, ['p', 'r']);
});
