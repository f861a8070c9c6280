import test from 'ava';
import { startEmulator } from '../src/server.js';

/**
 * Hostile or broken requests straight to POST /admin: each gets a CloudBase-style error (HTTP 200, code, message,
 * requestId), nothing is written, and the server keeps serving.
 */
const emulator = await startEmulator({
  port: 0,
  dataFile: ':memory:',
  collections: [{ name: 'items', indexes: [{ keys: { sku: 1 }, unique: true }] }],
});
test.after.always(() => emulator.close());

async function post(body: string, contentType = 'application/json') {
  const res = await fetch(`${emulator.url}/admin?env=${emulator.envId}&seqId=x`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const action = (a: string, fields: Record<string, unknown>) =>
  post(JSON.stringify({ action: a, envName: emulator.envId, ...fields }));
const count = async () =>
  ((await action('database.calculateDocument', { collectionName: 'items', queryType: 'WHERE' })).body.data as { total: number })
    .total;

const cases: Array<[string, () => ReturnType<typeof post>, string]> = [
  ['malformed JSON', () => post('{"action": "database.getDocument",'), 'INVALID_PARAM'],
  ['a JSON array body', () => post('[1,2]'), 'INVALID_PARAM'],
  ['unknown action', () => action('database.dropEverything', {}), 'INVALID_PARAM'],
  ['missing action', () => action('', {}), 'INVALID_PARAM'],
  [
    'bad collection name',
    () => action('database.getDocument', { collectionName: '../etc', queryType: 'WHERE' }),
    'INVALID_PARAM',
  ],
  [
    'query that is not EJSON',
    () => action('database.getDocument', { collectionName: 'items', queryType: 'WHERE', query: '{not json' }),
    'INVALID_PARAM',
  ],
  [
    'malformed $numberInt',
    () => action('database.getDocument', { collectionName: 'items', queryType: 'WHERE', query: '{"a":{"$numberInt":"x"}}' }),
    'INVALID_PARAM',
  ],
  [
    'unknown query operator',
    () => action('database.getDocument', { collectionName: 'items', queryType: 'WHERE', query: '{"a":{"$near2":1}}' }),
    'INVALID_PARAM',
  ],
  [
    'geo query',
    () =>
      action('database.getDocument', {
        collectionName: 'items',
        queryType: 'WHERE',
        query: '{"loc":{"$nearSphere":{"$geometry":{"type":"Point","coordinates":[1,2]}}}}',
      }),
    'INVALID_PARAM',
  ],
  [
    '$in with a non-array',
    () => action('database.getDocument', { collectionName: 'items', queryType: 'WHERE', query: '{"a":{"$in":1}}' }),
    'INVALID_PARAM',
  ],
  [
    'negative limit',
    () => action('database.getDocument', { collectionName: 'items', queryType: 'WHERE', limit: -1 }),
    'INVALID_PARAM',
  ],
  [
    'fractional offset',
    () => action('database.getDocument', { collectionName: 'items', queryType: 'WHERE', offset: 1.5 }),
    'INVALID_PARAM',
  ],
  [
    'bad sort direction',
    () => action('database.getDocument', { collectionName: 'items', queryType: 'WHERE', order: '{"a":{"$numberInt":"2"}}' }),
    'INVALID_PARAM',
  ],
  [
    'insert with data not an array',
    () => action('database.insertDocument', { collectionName: 'items', data: '{"a":1}' }),
    'INVALID_PARAM',
  ],
  [
    'insert a batch with one bad document',
    () => action('database.insertDocument', { collectionName: 'items', data: ['{"sku":"ok"}', '{"$bad":1}'] }),
    'INVALID_PARAM',
  ],
  [
    'unknown update operator',
    () =>
      action('database.modifyDocument', {
        collectionName: 'items',
        queryType: 'WHERE',
        multi: true,
        merge: true,
        data: '{"$explode":{"a":1}}',
      }),
    'INVALID_PARAM',
  ],
  [
    '$inc of a string',
    () =>
      action('database.modifyDocument', {
        collectionName: 'items',
        queryType: 'WHERE',
        multi: true,
        merge: true,
        data: '{"$inc":{"sku":"x"}}',
      }),
    'INVALID_PARAM',
  ],
  [
    'unknown aggregation stage',
    () =>
      action('database.aggregateDocuments', { collectionName: 'items', stages: [{ stageKey: '$explode', stageValue: '{}' }] }),
    'INVALID_PARAM',
  ],
  [
    'geoNear stage',
    () =>
      action('database.aggregateDocuments', { collectionName: 'items', stages: [{ stageKey: '$geoNear', stageValue: '{}' }] }),
    'INVALID_PARAM',
  ],
  [
    'commit of an unknown transaction',
    () => action('database.commitTransaction', { transactionId: 'nope' }),
    'DATABASE_TRANSACTION_FAIL',
  ],
  [
    'doc get without _id',
    () => action('database.getDocument', { collectionName: 'items', queryType: 'DOC', query: '{}' }),
    'INVALID_PARAM',
  ],
  ['multipart body on a database action', () => post('--x\r\n', 'multipart/form-data; boundary=x'), 'INVALID_PARAM'],
];

test.serial('setup: one document', async (t) => {
  const res = await action('database.insertDocument', {
    collectionName: 'items',
    data: ['{"_id":"seed","sku":"seed","qty":{"$numberInt":"1"}}'],
  });
  t.deepEqual(res.body.data, { insertedIds: ['seed'] });
});

for (const [title, send, code] of cases) {
  test.serial(title, async (t) => {
    const before = await count();
    const res = await send();
    t.is(res.status, 200);
    t.is(res.body.code, code, JSON.stringify(res.body));
    t.is(typeof res.body.message, 'string');
    t.is(typeof res.body.requestId, 'string');
    t.is(await count(), before, 'nothing was written');
  });
}

test.serial('the document is intact and the server still serves', async (t) => {
  const res = await action('database.getDocument', { collectionName: 'items', queryType: 'DOC', query: '{"_id":"seed"}' });
  t.deepEqual(res.body.data, { list: ['{"_id":"seed","sku":"seed","qty":{"$numberInt":"1"}}'] });
  const page = await fetch(`${emulator.url}/`);
  t.is(page.status, 200);
  t.regex(await page.text(), /items/);
});
