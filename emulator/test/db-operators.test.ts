import test from 'ava';
import tcb from '@cloudbase/node-sdk';
import { errorOf, freshCollection, startWithSdk } from './helpers/sdk.js';
import type { Rec } from './helpers/sdk.js';

/**
 * Operators the emulator used to refuse: `$indexOfBytes`, `$dateFromParts`, `$dateFromString` (aggregation
 * expressions) and the `$jsonSchema` query operator, with MongoDB's semantics. Expected values are MongoDB's documented
 * results.
 */
const { emulator, db } = await startWithSdk();
test.after.always(() => emulator.close());
const _ = db.command;
const $ = db.command.aggregate;

process.env.TENCENTCLOUD = 'true';
const nodeApp = tcb.init({ env: emulator.envId, serviceUrl: `${emulator.url}/admin`, secretId: 'local', secretKey: 'local' });
const nodeDb = nodeApp.database();

/** Evaluates `expr` once per input document through the real SDK's aggregate().project(). */
async function evaluate(docs: Rec[], expr: unknown): Promise<unknown[]> {
  const name = await freshCollection(db, 'ops');
  await db.collection(name).add({ data: docs.map((d, i) => ({ _id: `d${i}`, ...d })) });
  const res = await db.collection(name).aggregate().sort({ _id: 1 }).project({ _id: 0, out: expr }).end();
  return res.list.map((d: Rec) => d.out);
}

test('$indexOfBytes counts UTF-8 bytes, with optional start and end', async (t) => {
  const docs = [
    { item: 'foo' },
    { item: 'food' },
    { item: 'fool' },
    { item: 'pabklo' },
    { item: 'cafépark' },
    { item: null },
    {},
  ];
  t.deepEqual(await evaluate(docs, $.indexOfBytes(['$item', 'foo'])), [0, 0, 0, -1, -1, null, null]);
  t.deepEqual(await evaluate(docs, $.indexOfBytes(['$item', 'park'])), [-1, -1, -1, -1, 5, null, null]);
  t.deepEqual(await evaluate([{ s: 'abcabc' }], $.indexOfBytes(['$s', 'c', 3])), [5]);
  t.deepEqual(await evaluate([{ s: 'abcabc' }], $.indexOfBytes(['$s', 'c', 3, 5])), [-1]);
  t.deepEqual(await evaluate([{ s: 'abc' }], $.indexOfBytes(['$s', '', 3])), [3]);
  t.deepEqual(await evaluate([{ s: 'abc' }], $.indexOfBytes(['$s', 'a', 5])), [-1]);
  const bad = await errorOf(evaluate([{ s: 5 }], $.indexOfBytes(['$s', 'a'])));
  t.regex(String(bad.errMsg), /\$indexOfBytes requires a string as the first argument/);
  const negative = await errorOf(evaluate([{ s: 'abc' }], $.indexOfBytes(['$s', 'a', -1])));
  t.regex(String(negative.errMsg), /nonnegative/);
});

test('$dateFromParts: calendar and ISO week parts, carrying out-of-range values, time zones', async (t) => {
  const [plain, zoned, iso, carried, backwards, nullPart] = await evaluate([{}], {
    plain: $.dateFromParts({ year: 2017, month: 2, day: 8, hour: 12 }),
    zoned: $.dateFromParts({ year: 2017, month: 2, day: 8, hour: 12, timezone: 'America/New_York' }),
    iso: $.dateFromParts({ isoWeekYear: 2017, isoWeek: 6, isoDayOfWeek: 3, hour: 12 }),
    carried: $.dateFromParts({ year: 2017, month: 14, day: 1, hour: 12 }),
    backwards: $.dateFromParts({ year: 2017, month: 2, day: 0, hour: 25, minute: -30, timezone: '+08:00' }),
    nullPart: $.dateFromParts({ year: 2017, month: '$missing' }),
  }).then((list) => Object.values(list[0] as Rec));
  t.deepEqual(plain, new Date('2017-02-08T12:00:00Z'));
  t.deepEqual(zoned, new Date('2017-02-08T17:00:00Z'));
  t.deepEqual(iso, new Date('2017-02-08T12:00:00Z'));
  t.deepEqual(carried, new Date('2018-02-01T12:00:00Z'));
  // 2017-01-31 25:00 -00:30 in UTC+8 is 2017-02-01 00:30 local, 2017-01-31T16:30Z.
  t.deepEqual(backwards, new Date('2017-01-31T16:30:00Z'));
  t.is(nullPart, null);
  const mixed = await errorOf(evaluate([{}], $.dateFromParts({ year: 2017, isoWeek: 3 })));
  t.regex(String(mixed.errMsg), /\$dateFromParts/);
  const fraction = await errorOf(evaluate([{}], $.dateFromParts({ year: 2017, month: 1.5 })));
  t.regex(String(fraction.errMsg), /integer|integral/);
  const outOfRange = await errorOf(evaluate([{}], $.dateFromParts({ year: 10_000 })));
  t.regex(String(outOfRange.errMsg), /year/);
});

test('$dateFromString: ISO strings, format, timezone, onError and onNull', async (t) => {
  const docs = [
    { s: '2017-02-08T12:10:40.787', tz: 'America/New_York' },
    { s: '2017-02-08T12:10:40.787Z' },
    { s: '2017-02-08', tz: '+08:00' },
    { s: 'not a date' },
    { s: null },
    {},
  ];
  const out = await evaluate(
    docs,
    $.dateFromString({ dateString: '$s', timezone: $.ifNull(['$tz', 'UTC']), onError: 'bad', onNull: 'none' }),
  );
  t.deepEqual(out, [
    new Date('2017-02-08T17:10:40.787Z'),
    new Date('2017-02-08T12:10:40.787Z'),
    new Date('2017-02-07T16:00:00Z'),
    'bad',
    'none',
    'none',
  ]);
  const formatted = await evaluate(
    [{ s: '15-06-2018 08:05:09' }, { s: '06/15/2018' }],
    $.dateFromString({ dateString: '$s', format: '%d-%m-%Y %H:%M:%S', onError: null }),
  );
  t.deepEqual(formatted, [new Date('2018-06-15T08:05:09Z'), null]);
  const withOffset = await evaluate([{ s: '2018-06-15 +0800' }], $.dateFromString({ dateString: '$s', format: '%Y-%m-%d %z' }));
  t.deepEqual(withOffset, [new Date('2018-06-14T16:00:00Z')]);
  const fails = await errorOf(evaluate([{ s: 'nope' }], $.dateFromString({ dateString: '$s' })));
  t.regex(String(fails.errMsg), /\$dateFromString/);
  const badFormat = await errorOf(evaluate([{ s: '2018' }], $.dateFromString({ dateString: '$s', format: '%Q' })));
  t.regex(String(badFormat.errMsg), /format/);
});

const SCHEMA = {
  required: ['name', 'price'],
  properties: {
    name: { bsonType: 'string', minLength: 2 },
    price: { bsonType: ['int', 'long', 'double'], minimum: 0 },
    tags: { bsonType: 'array', items: { bsonType: 'string' }, uniqueItems: true, maxItems: 3 },
    spec: {
      bsonType: 'object',
      additionalProperties: false,
      properties: { color: { enum: ['red', 'yellow'] }, size: { type: 'string', pattern: '^[SML]$' } },
    },
    at: { bsonType: 'date' },
  },
};

test('$jsonSchema as a query operator: bsonType, required, properties, items, enum, pattern, additionalProperties', async (t) => {
  const name = await freshCollection(db, 'schema');
  await db.collection(name).add({
    data: [
      { _id: 'ok', name: '苹果', price: 599, tags: ['fruit'], spec: { color: 'red', size: 'L' }, at: new Date() },
      { _id: 'okMinimal', name: 'ab', price: 1.5 },
      { _id: 'noPrice', name: 'banana' },
      { _id: 'priceString', name: 'durian', price: '999' },
      { _id: 'negative', name: 'cherry', price: -1 },
      { _id: 'dupTags', name: 'kiwi', price: 1, tags: ['a', 'a'] },
      { _id: 'badColor', name: 'plum', price: 1, spec: { color: 'blue' } },
      { _id: 'extraSpec', name: 'fig', price: 1, spec: { color: 'red', weight: 3 } },
      { _id: 'badSize', name: 'lime', price: 1, spec: { size: 'XL' } },
      { _id: 'short', name: 'x', price: 1 },
      { _id: 'dateAsString', name: 'pear', price: 1, at: '2026-01-01' },
    ],
  });
  const valid = await db.collection(name).where(_.jsonSchema(SCHEMA)).get();
  t.deepEqual(
    valid.data.map((d: Rec) => d._id),
    ['ok', 'okMinimal'],
  );
  const invalid = await nodeDb
    .collection(name)
    .options({ raw: true })
    .where({ $nor: [{ $jsonSchema: SCHEMA }] })
    .count();
  t.is(invalid.total, 9);
  const agg = await nodeDb
    .collection(name)
    .options({ raw: true })
    .aggregate([{ $match: { $jsonSchema: { properties: { price: { bsonType: 'string' } } } } }, { $project: { _id: 1 } }])
    .end();
  // Documents without a price pass: properties only constrains fields that are present.
  t.deepEqual(
    agg.data.map((d: Rec) => d._id),
    ['noPrice', 'priceString'],
  );
});

test('$jsonSchema refuses what MongoDB refuses: $ref, format, type integer, unknown keywords', async (t) => {
  const name = await freshCollection(db, 'schema');
  for (const schema of [
    { properties: { a: { $ref: '#/definitions/x' } } },
    { properties: { a: { type: 'string', format: 'email' } } },
    { properties: { a: { type: 'integer' } } },
    { properties: { a: { bsonType: 'text' } } },
    { nonsense: true },
  ]) {
    const err = await errorOf(db.collection(name).where(_.jsonSchema(schema)).get());
    t.is(err.errCode !== undefined || err.errMsg !== undefined, true);
    t.regex(String(err.errMsg), /\$jsonSchema|jsonSchema/, JSON.stringify(schema));
  }
});
