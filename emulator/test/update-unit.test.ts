import test from 'ava';
import { BSONRegExp, Timestamp } from 'bson';
import { CloudBaseError } from '../src/errors.js';
import { compileProjection } from '../src/db/projection.js';
import { applyUpdate, isOperatorUpdate, replaceDocument, validateNewDocument } from '../src/db/update.js';
import type { Doc } from '../src/db/values.js';

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);

interface UpdateCase {
  name: string;
  doc: Doc;
  update: Doc;
  expected: Doc;
  upsertInsert?: boolean;
}

const updateCases: UpdateCase[] = [
  // $set, as the SDK sends plain values: dot paths, whole objects replaced
  {
    name: '$set top-level and dot path',
    doc: { _id: 'x', o: { p: 1, q: 1 } },
    update: { $set: { a: 1, 'o.p': 2 } },
    expected: { _id: 'x', o: { p: 2, q: 1 }, a: 1 },
  },
  {
    name: '$set whole object replaces it',
    doc: { o: { p: 1, q: 1 } },
    update: { $set: { o: { r: 1 } } },
    expected: { o: { r: 1 } },
  },
  { name: '$set creates intermediate objects', doc: {}, update: { $set: { 'a.b.c': 1 } }, expected: { a: { b: { c: 1 } } } },
  { name: '$set array index', doc: { a: [1, 2, 3] }, update: { $set: { 'a.1': 9 } }, expected: { a: [1, 9, 3] } },
  { name: '$set field in array element', doc: { a: [{ b: 1 }] }, update: { $set: { 'a.0.b': 2 } }, expected: { a: [{ b: 2 }] } },
  {
    name: '$set arrays, dates and null whole',
    doc: {},
    update: { $set: { a: [1], d: new Date(NOW), n: null } },
    expected: { a: [1], d: new Date(NOW), n: null },
  },
  {
    name: 'new fields land in field-name order',
    doc: { _id: 1 },
    update: { $set: { b: 1, a: 1 }, $inc: { c: 1 } },
    expected: { _id: 1, a: 1, b: 1, c: 1 },
  },
  { name: 'empty update changes nothing', doc: { a: 1 }, update: {}, expected: { a: 1 } },
  // $unset
  { name: '$unset field', doc: { a: 1, b: 2 }, update: { $unset: { a: '' } }, expected: { b: 2 } },
  { name: '$unset nested field', doc: { o: { p: 1, q: 2 } }, update: { $unset: { 'o.p': '' } }, expected: { o: { q: 2 } } },
  { name: '$unset missing field is a no-op', doc: { a: 1 }, update: { $unset: { 'x.y': '' } }, expected: { a: 1 } },
  { name: '$unset array element sets null', doc: { a: [1, 2] }, update: { $unset: { 'a.0': '' } }, expected: { a: [null, 2] } },
  // $inc, $mul
  { name: '$inc existing', doc: { n: 1 }, update: { $inc: { n: 2 } }, expected: { n: 3 } },
  { name: '$inc negative and fractional', doc: { n: 1 }, update: { $inc: { n: -0.5 } }, expected: { n: 0.5 } },
  { name: '$inc missing sets n', doc: {}, update: { $inc: { 'o.n': 5 } }, expected: { o: { n: 5 } } },
  { name: '$mul existing', doc: { n: 3 }, update: { $mul: { n: 4 } }, expected: { n: 12 } },
  { name: '$mul missing sets 0', doc: {}, update: { $mul: { n: 4 } }, expected: { n: 0 } },
  // $min, $max
  { name: '$min lower wins', doc: { n: 5 }, update: { $min: { n: 3 } }, expected: { n: 3 } },
  { name: '$min higher ignored', doc: { n: 5 }, update: { $min: { n: 7 } }, expected: { n: 5 } },
  { name: '$min missing sets', doc: {}, update: { $min: { n: 7 } }, expected: { n: 7 } },
  { name: '$max higher wins', doc: { n: 5 }, update: { $max: { n: 7 } }, expected: { n: 7 } },
  { name: '$max lower ignored', doc: { n: 5 }, update: { $max: { n: 3 } }, expected: { n: 5 } },
  { name: '$max dates', doc: { d: new Date(1) }, update: { $max: { d: new Date(2) } }, expected: { d: new Date(2) } },
  { name: '$max across types (string > number)', doc: { n: 5 }, update: { $max: { n: 'a' } }, expected: { n: 'a' } },
  // $rename
  { name: '$rename top-level', doc: { a: 1, b: 2 }, update: { $rename: { a: 'c' } }, expected: { b: 2, c: 1 } },
  { name: '$rename dot paths', doc: { o: { p: 1 } }, update: { $rename: { 'o.p': 'q.r' } }, expected: { o: {}, q: { r: 1 } } },
  { name: '$rename overwrites target', doc: { a: 1, c: 2 }, update: { $rename: { a: 'c' } }, expected: { c: 1 } },
  { name: '$rename missing source is a no-op', doc: { b: 1 }, update: { $rename: { a: 'c' } }, expected: { b: 1 } },
  // $push
  { name: '$push $each appends', doc: { a: [1] }, update: { $push: { a: { $each: [2, 3] } } }, expected: { a: [1, 2, 3] } },
  { name: '$push bare value', doc: { a: [1] }, update: { $push: { a: 2 } }, expected: { a: [1, 2] } },
  {
    name: '$push bare array pushes one element',
    doc: { a: [1] },
    update: { $push: { a: [2, 3] } },
    expected: { a: [1, [2, 3]] },
  },
  {
    name: '$push missing field creates array',
    doc: {},
    update: { $push: { 'o.a': { $each: [1] } } },
    expected: { o: { a: [1] } },
  },
  {
    name: '$push $position 0 (unshift)',
    doc: { a: [3] },
    update: { $push: { a: { $each: [1, 2], $position: 0 } } },
    expected: { a: [1, 2, 3] },
  },
  {
    name: '$push $position middle',
    doc: { a: [1, 4] },
    update: { $push: { a: { $each: [2, 3], $position: 1 } } },
    expected: { a: [1, 2, 3, 4] },
  },
  {
    name: '$push negative $position counts from end',
    doc: { a: [1, 2, 4] },
    update: { $push: { a: { $each: [3], $position: -1 } } },
    expected: { a: [1, 2, 3, 4] },
  },
  {
    name: '$push $position past end appends',
    doc: { a: [1] },
    update: { $push: { a: { $each: [2], $position: 10 } } },
    expected: { a: [1, 2] },
  },
  {
    name: '$push $position far negative prepends',
    doc: { a: [2] },
    update: { $push: { a: { $each: [1], $position: -10 } } },
    expected: { a: [1, 2] },
  },
  { name: '$push $sort 1', doc: { a: [3, 1] }, update: { $push: { a: { $each: [2], $sort: 1 } } }, expected: { a: [1, 2, 3] } },
  { name: '$push $sort -1', doc: { a: [3, 1] }, update: { $push: { a: { $each: [2], $sort: -1 } } }, expected: { a: [3, 2, 1] } },
  {
    name: '$push $sort by document field',
    doc: { a: [{ s: 3 }, { s: 1 }] },
    update: { $push: { a: { $each: [{ s: 2 }], $sort: { s: -1 } } } },
    expected: { a: [{ s: 3 }, { s: 2 }, { s: 1 }] },
  },
  {
    name: '$push $slice keeps first n',
    doc: { a: [1, 2] },
    update: { $push: { a: { $each: [3], $slice: 2 } } },
    expected: { a: [1, 2] },
  },
  {
    name: '$push negative $slice keeps last n',
    doc: { a: [1, 2] },
    update: { $push: { a: { $each: [3], $slice: -2 } } },
    expected: { a: [2, 3] },
  },
  {
    name: '$push $slice 0 empties',
    doc: { a: [1, 2] },
    update: { $push: { a: { $each: [3], $slice: 0 } } },
    expected: { a: [] },
  },
  {
    name: '$push empty $each with $slice trims',
    doc: { a: [1, 2, 3] },
    update: { $push: { a: { $each: [], $slice: 1 } } },
    expected: { a: [1] },
  },
  {
    name: '$push order: position, then sort, then slice',
    doc: { a: [5, 1] },
    update: { $push: { a: { $each: [4, 2], $position: 0, $sort: 1, $slice: -3 } } },
    expected: { a: [2, 4, 5] },
  },
  // $pop
  { name: '$pop 1 removes last', doc: { a: [1, 2, 3] }, update: { $pop: { a: 1 } }, expected: { a: [1, 2] } },
  { name: '$pop -1 removes first', doc: { a: [1, 2, 3] }, update: { $pop: { a: -1 } }, expected: { a: [2, 3] } },
  { name: '$pop empty array', doc: { a: [] }, update: { $pop: { a: 1 } }, expected: { a: [] } },
  { name: '$pop missing field is a no-op', doc: {}, update: { $pop: { a: 1 } }, expected: {} },
  // $pull
  { name: '$pull value', doc: { a: [1, 2, 1, 3] }, update: { $pull: { a: 1 } }, expected: { a: [2, 3] } },
  {
    name: '$pull exact document',
    doc: { a: [{ x: 1 }, { x: 2 }] },
    update: { $pull: { a: { x: 1 } } },
    expected: { a: [{ x: 2 }] },
  },
  {
    name: '$pull $in on scalars',
    doc: { tags: ['a', 'b', 'c'] },
    update: { $pull: { tags: { $in: ['a', 'b'] } } },
    expected: { tags: ['c'] },
  },
  { name: '$pull $gte on scalars', doc: { a: [1, 5, 7] }, update: { $pull: { a: { $gte: 5 } } }, expected: { a: [1] } },
  {
    name: '$pull condition on element documents',
    doc: { items: [{ price: 1 }, { price: 2 }, { price: 3, q: 1 }] },
    update: { $pull: { items: { price: { $gt: 1 } } } },
    expected: { items: [{ price: 1 }] },
  },
  {
    name: '$pull query matches documents containing the fields',
    doc: { items: [{ a: 1, b: 1 }, { a: 1, b: 2 }, 1] },
    update: { $pull: { items: { a: 1 } } },
    expected: { items: [1] },
  },
  {
    name: '$pull with $or is a query on element documents',
    doc: { items: [{ a: 1 }, { b: 2 }, { c: 3 }] },
    update: { $pull: { items: { $or: [{ a: 1 }, { b: 2 }] } } },
    expected: { items: [{ c: 3 }] },
  },
  {
    name: '$pull regex on strings',
    doc: { a: ['apple', 'banana'] },
    update: { $pull: { a: new BSONRegExp('^a') } },
    expected: { a: ['banana'] },
  },
  {
    name: '$pull array value',
    doc: {
      a: [
        [1, 2],
        [2, 1],
      ],
    },
    update: { $pull: { a: [1, 2] } },
    expected: { a: [[2, 1]] },
  },
  { name: '$pull missing field is a no-op', doc: {}, update: { $pull: { a: 1 } }, expected: {} },
  // $pullAll
  { name: '$pullAll', doc: { a: [1, 2, 3, 1, { x: 1 }] }, update: { $pullAll: { a: [1, 3, { x: 1 }] } }, expected: { a: [2] } },
  { name: '$pullAll missing field is a no-op', doc: {}, update: { $pullAll: { a: [1] } }, expected: {} },
  // $addToSet
  { name: '$addToSet new value', doc: { a: [1] }, update: { $addToSet: { a: 2 } }, expected: { a: [1, 2] } },
  { name: '$addToSet existing value', doc: { a: [1, 2] }, update: { $addToSet: { a: 2 } }, expected: { a: [1, 2] } },
  { name: '$addToSet document', doc: { a: [{ x: 1 }] }, update: { $addToSet: { a: { x: 1 } } }, expected: { a: [{ x: 1 }] } },
  { name: '$addToSet $each', doc: { a: [1] }, update: { $addToSet: { a: { $each: [1, 2, 2, 3] } } }, expected: { a: [1, 2, 3] } },
  {
    name: "$addToSet with the SDK's literal `each`",
    doc: { a: [1] },
    update: { $addToSet: { a: { each: [1, 2, 3] } } },
    expected: { a: [1, 2, 3] },
  },
  {
    name: '$addToSet missing field creates array',
    doc: {},
    update: { $addToSet: { a: { $each: [1, 1] } } },
    expected: { a: [1] },
  },
  // $bit
  { name: '$bit and', doc: { n: 13 }, update: { $bit: { n: { and: 10 } } }, expected: { n: 8 } },
  { name: '$bit or', doc: { n: 13 }, update: { $bit: { n: { or: 10 } } }, expected: { n: 15 } },
  { name: '$bit xor', doc: { n: 13 }, update: { $bit: { n: { xor: 10 } } }, expected: { n: 7 } },
  { name: '$bit missing field starts from 0', doc: {}, update: { $bit: { n: { or: 5 } } }, expected: { n: 5 } },
  { name: '$bit beyond 32 bits', doc: { n: 2 ** 40 + 1 }, update: { $bit: { n: { and: 2 ** 40 } } }, expected: { n: 2 ** 40 } },
  // $currentDate
  { name: '$currentDate true', doc: {}, update: { $currentDate: { d: true } }, expected: { d: new Date(NOW) } },
  {
    name: "$currentDate {$type: 'date'}",
    doc: {},
    update: { $currentDate: { 'o.d': { $type: 'date' } } },
    expected: { o: { d: new Date(NOW) } },
  },
  // $setOnInsert
  {
    name: '$setOnInsert ignored on update',
    doc: { a: 1 },
    update: { $set: { b: 1 }, $setOnInsert: { c: 1 } },
    expected: { a: 1, b: 1 },
  },
  {
    name: '$setOnInsert applied on upsert insert',
    doc: { a: 1 },
    update: { $set: { b: 1 }, $setOnInsert: { c: 1 } },
    upsertInsert: true,
    expected: { a: 1, b: 1, c: 1 },
  },
  // Several operators at once
  {
    name: 'several operators',
    doc: { _id: 'x', n: 1, tags: ['a'], o: { p: 1 } },
    update: { $inc: { n: 1 }, $push: { tags: { $each: ['b'] } }, $set: { 'o.q': 2 }, $unset: { 'o.p': '' } },
    expected: { _id: 'x', n: 2, tags: ['a', 'b'], o: { q: 2 } },
  },
];

for (const c of updateCases) {
  test(`applyUpdate: ${c.name}`, (t) => {
    const before = structuredClone(c.doc);
    const out = applyUpdate(c.doc, c.update, { upsertInsert: c.upsertInsert, now: NOW });
    t.deepEqual(out, c.expected);
    t.deepEqual(Object.keys(out), Object.keys(c.expected), 'field order');
    t.deepEqual(c.doc, before, 'input document is not mutated');
  });
}

test('applyUpdate: $currentDate timestamp', (t) => {
  const out = applyUpdate({}, { $currentDate: { ts: { $type: 'timestamp' } } }, { now: NOW });
  t.true(out.ts instanceof Timestamp);
  t.is((out.ts as Timestamp).high, Math.floor(NOW / 1000));
});

test('applyUpdate: result shares no objects with the input or the update', (t) => {
  const doc = { o: { p: [1] } };
  const value = { deep: [1] };
  const out = applyUpdate(doc, { $set: { v: value }, $push: { 'o.p': { $each: [2] } } });
  (out.v as { deep: number[] }).deep.push(2);
  t.deepEqual(value, { deep: [1] });
  t.deepEqual(doc, { o: { p: [1] } });
});

interface ErrorCase {
  name: string;
  doc?: Doc;
  update: Doc;
  message: RegExp;
}

const errorCases: ErrorCase[] = [
  { name: 'mixing operators and plain fields', update: { $set: { a: 1 }, b: 2 }, message: /mixes operators and plain fields/ },
  { name: 'plain document', update: { a: 1 }, message: /must use update operators/ },
  { name: 'unknown operator', update: { $foo: { a: 1 } }, message: /unknown update operator \$foo/ },
  { name: 'operand not an object', update: { $set: 5 }, message: /\$set expects an object/ },
  { name: '$set _id', update: { $set: { _id: 'y' } }, message: /不能更新_id的值/ },
  { name: '$set _id subfield', update: { $set: { '_id.a': 1 } }, message: /不能更新_id的值/ },
  { name: '$unset _id', update: { $unset: { _id: '' } }, message: /不能更新_id的值/ },
  { name: '$rename to _id', update: { $rename: { a: '_id' } }, message: /不能更新_id的值/ },
  { name: '$inc _id', update: { $inc: { _id: 1 } }, message: /不能更新_id的值/ },
  { name: 'conflict: same path in two operators', update: { $set: { a: 1 }, $inc: { a: 1 } }, message: /conflict at 'a'/ },
  { name: 'conflict: path and its prefix', update: { $set: { a: 1 }, $inc: { 'a.b': 1 } }, message: /conflict at 'a'/ },
  { name: 'conflict: within one operator', update: { $set: { 'a.b': 1, a: {} } }, message: /conflict at 'a'/ },
  { name: 'conflict: $rename target', update: { $rename: { a: 'b' }, $set: { 'b.c': 1 } }, message: /conflict at 'b'/ },
  { name: 'conflict: $setOnInsert counts too', update: { $set: { a: 1 }, $setOnInsert: { a: 2 } }, message: /conflict/ },
  { name: '$rename onto its own path', update: { $rename: { a: 'a.b' } }, message: /same path/ },
  { name: '$rename target not a string', update: { $rename: { a: 1 } }, message: /must be a string/ },
  {
    name: '$rename through an array',
    doc: { a: [{ b: 1 }] },
    update: { $rename: { 'a.0.b': 'c' } },
    message: /through an array/,
  },
  {
    name: '$-prefixed field in a $set value',
    update: { $set: { a: { $gt: 1 } } },
    message: /dollar \(\$\) prefixed field '\$gt'/,
  },
  {
    name: '$-prefixed field deep in a $set value',
    update: { $set: { a: [{ b: { $x: 1 } }] } },
    message: /'\$x' in 'a\.0\.b\.\$x'/,
  },
  { name: '$-prefixed path segment', update: { $set: { 'a.$x': 1 } }, message: /dollar/ },
  { name: 'empty path segment', update: { $set: { 'a..b': 1 } }, message: /invalid field path/ },
  { name: '$inc non-number operand', update: { $inc: { n: '1' } }, message: /\$inc for 'n' must be a number/ },
  { name: '$inc on a string field', doc: { n: 'x' }, update: { $inc: { n: 1 } }, message: /\$inc to field 'n'/ },
  { name: '$mul on null', doc: { n: null }, update: { $mul: { n: 2 } }, message: /\$mul to field 'n'/ },
  { name: '$set through a scalar', doc: { a: 5 }, update: { $set: { 'a.b': 1 } }, message: /Cannot create field 'b'/ },
  {
    name: '$push on a non-array',
    doc: { a: 5 },
    update: { $push: { a: { $each: [1] } } },
    message: /\$push needs an array at 'a'/,
  },
  { name: '$push $each not an array', update: { $push: { a: { $each: 1 } } }, message: /\$each for 'a' must be an array/ },
  { name: '$push unknown clause', update: { $push: { a: { $each: [1], $foo: 1 } } }, message: /unrecognized clause/ },
  { name: '$push bad $position', update: { $push: { a: { $each: [1], $position: 1.5 } } }, message: /\$position/ },
  { name: '$push bad $slice', update: { $push: { a: { $each: [1], $slice: 'x' } } }, message: /\$slice/ },
  { name: '$push bad $sort', update: { $push: { a: { $each: [1], $sort: 2 } } }, message: /\$sort/ },
  { name: '$push empty $sort object', update: { $push: { a: { $each: [1], $sort: {} } } }, message: /\$sort/ },
  { name: '$push $-prefixed field in element', update: { $push: { a: { $each: [{ $x: 1 }] } } }, message: /dollar/ },
  { name: '$pop bad direction', doc: { a: [1] }, update: { $pop: { a: 2 } }, message: /\$pop expects 1 or -1/ },
  { name: '$pop on a non-array', doc: { a: 'x' }, update: { $pop: { a: 1 } }, message: /\$pop needs an array/ },
  { name: '$pull on a non-array', doc: { a: 1 }, update: { $pull: { a: 1 } }, message: /\$pull needs an array/ },
  {
    name: '$pullAll operand not an array',
    doc: { a: [1] },
    update: { $pullAll: { a: 1 } },
    message: /\$pullAll expects an array/,
  },
  { name: '$addToSet on a non-array', doc: { a: {} }, update: { $addToSet: { a: 1 } }, message: /\$addToSet needs an array/ },
  {
    name: '$addToSet $each with other clauses',
    update: { $addToSet: { a: { $each: [1], $slice: 1 } } },
    message: /takes no other clauses/,
  },
  { name: '$bit unknown op', update: { $bit: { n: { nand: 1 } } }, message: /and, or and xor/ },
  { name: '$bit inherited property name', update: { $bit: { n: { constructor: 1 } } }, message: /and, or and xor/ },
  { name: '$bit non-integer operand', update: { $bit: { n: { and: 1.5 } } }, message: /must be an integer/ },
  { name: '$bit on a non-integer field', doc: { n: 1.5 }, update: { $bit: { n: { and: 1 } } }, message: /non-integer/ },
  { name: '$currentDate bad type', update: { $currentDate: { d: { $type: 'string' } } }, message: /\$currentDate/ },
];

for (const c of errorCases) {
  test(`applyUpdate refuses: ${c.name}`, (t) => {
    const err = t.throws(() => applyUpdate(c.doc ?? { _id: 'x' }, c.update), { instanceOf: CloudBaseError });
    t.is(err?.code, 'INVALID_PARAM');
    t.regex(err?.message ?? '', c.message);
  });
}

for (const path of ['a.$.b', 'a.$[]', 'a.$[x].b']) {
  test(`applyUpdate refuses positional path ${path} as unsupported`, (t) => {
    const err = t.throws(() => applyUpdate({ a: [{ b: 1 }] }, { $set: { [path]: 1 } }), { instanceOf: CloudBaseError });
    t.regex(err?.message ?? '', /positional update operator.*not supported by the local CloudBase emulator/);
  });
}

test('isOperatorUpdate', (t) => {
  t.true(isOperatorUpdate({ $set: { a: 1 }, $inc: { b: 1 } }));
  t.false(isOperatorUpdate({ a: 1 }));
  t.false(isOperatorUpdate({}));
  t.throws(() => isOperatorUpdate({ $set: { a: 1 }, b: 1 }), { message: /mixes/ });
});

test('replaceDocument keeps the addressed _id first', (t) => {
  t.deepEqual(replaceDocument('x', { a: 1, o: { p: 1 } }), { _id: 'x', a: 1, o: { p: 1 } });
  t.deepEqual(Object.keys(replaceDocument('x', { a: 1, _id: 'x' })), ['_id', 'a']);
});

test('replaceDocument refuses operators, another _id and $-prefixed fields', (t) => {
  t.throws(() => replaceDocument('x', { $set: { a: 1 } }), { message: /update operators/ });
  t.throws(() => replaceDocument('x', { _id: 'y', a: 1 }), { message: /不能更新_id的值/ });
  t.throws(() => replaceDocument('x', { a: { $b: 1 } }), { message: /dollar/ });
});

test('validateNewDocument refuses $-prefixed field names at any depth', (t) => {
  t.notThrows(() => validateNewDocument({ _id: 'a', a: { b: [{ c: 1 }] }, d: new Date(), r: new BSONRegExp('x') }));
  t.throws(() => validateNewDocument({ $a: 1 }), { message: /'\$a'/ });
  t.throws(() => validateNewDocument({ a: { b: [{ $c: 1 }] } }), { message: /'\$c' in 'a\.b\.0\.\$c'/ });
});

// ---- Projection ----

const PRODUCT: Doc = {
  _id: 'p1',
  name: 'tea',
  price: 5,
  spec: { weight: 100, origin: 'yunnan' },
  skus: [{ id: 1, stock: 3, price: 5 }, { id: 2, stock: 0, price: 7 }, 'legacy'],
  tags: ['a', 'b', 'c', 'd'],
};

interface ProjectionCase {
  name: string;
  spec: Doc;
  expected: Doc;
  doc?: Doc;
}

const projectionCases: ProjectionCase[] = [
  { name: 'inclusion keeps _id', spec: { name: 1, price: 1 }, expected: { _id: 'p1', name: 'tea', price: 5 } },
  { name: 'inclusion with booleans', spec: { name: true }, expected: { _id: 'p1', name: 'tea' } },
  { name: 'inclusion without _id', spec: { name: 1, _id: 0 }, expected: { name: 'tea' } },
  { name: 'inclusion follows document order', spec: { price: 1, name: 1 }, expected: { _id: 'p1', name: 'tea', price: 5 } },
  { name: 'only _id', spec: { _id: 1 }, expected: { _id: 'p1' } },
  { name: 'inclusion of a missing field', spec: { nope: 1 }, expected: { _id: 'p1' } },
  { name: 'inclusion dot path into object', spec: { 'spec.weight': 1 }, expected: { _id: 'p1', spec: { weight: 100 } } },
  { name: 'nested spec object equals dot path', spec: { spec: { weight: 1 } }, expected: { _id: 'p1', spec: { weight: 100 } } },
  {
    name: 'inclusion dot path into array of documents drops scalars',
    spec: { 'skus.id': 1, _id: 0 },
    expected: { skus: [{ id: 1 }, { id: 2 }] },
  },
  { name: 'inclusion path into a scalar leaves the field out', spec: { 'name.x': 1, _id: 0 }, expected: {} },
  { name: 'exclusion', spec: { skus: 0, tags: 0, spec: 0 }, expected: { _id: 'p1', name: 'tea', price: 5 } },
  {
    name: 'exclusion of _id only',
    spec: { _id: 0 },
    expected: { name: 'tea', price: 5, spec: PRODUCT.spec, skus: PRODUCT.skus, tags: PRODUCT.tags },
  },
  {
    name: 'exclusion dot path',
    spec: { 'spec.origin': 0, skus: 0, tags: 0 },
    expected: { _id: 'p1', name: 'tea', price: 5, spec: { weight: 100 } },
  },
  {
    name: 'exclusion dot path into array of documents keeps scalars',
    spec: { 'skus.stock': 0, 'skus.price': 0, _id: 0, name: 0, price: 0, spec: 0, tags: 0 },
    expected: { skus: [{ id: 1 }, { id: 2 }, 'legacy'] },
  },
  {
    name: '$slice n alone keeps every field',
    spec: { tags: { $slice: 2 }, skus: 0 },
    expected: { _id: 'p1', name: 'tea', price: 5, spec: PRODUCT.spec, tags: ['a', 'b'] },
  },
  { name: '$slice -n', spec: { tags: { $slice: -1 }, name: 1 }, expected: { _id: 'p1', name: 'tea', tags: ['d'] } },
  {
    name: '$slice [skip, limit]',
    spec: { tags: { $slice: [1, 2] }, _id: 0, name: 1 },
    expected: { name: 'tea', tags: ['b', 'c'] },
  },
  {
    name: '$slice [negative skip, limit]',
    spec: { tags: { $slice: [-3, 2] }, _id: 0, name: 1 },
    expected: { name: 'tea', tags: ['b', 'c'] },
  },
  {
    name: '$slice on a non-array returns it whole',
    spec: { name: { $slice: 1 }, _id: 0, price: 1 },
    expected: { name: 'tea', price: 5 },
  },
  {
    name: '$elemMatch keeps the first match only',
    spec: { skus: { $elemMatch: { stock: 0 } } },
    expected: { _id: 'p1', skus: [{ id: 2, stock: 0, price: 7 }] },
  },
  {
    name: '$elemMatch with no match omits the field',
    spec: { skus: { $elemMatch: { stock: 99 } }, name: 1 },
    expected: { _id: 'p1', name: 'tea' },
  },
  {
    name: '$elemMatch with operators on scalars',
    spec: { tags: { $elemMatch: { $gt: 'b' } }, _id: 0 },
    expected: { tags: ['c'] },
  },
];

for (const c of projectionCases) {
  test(`compileProjection: ${c.name}`, (t) => {
    const doc = c.doc ?? PRODUCT;
    const before = structuredClone(doc);
    const project = compileProjection(c.spec);
    if (!project) return t.fail('expected a projection');
    const out = project(doc);
    t.deepEqual(out, c.expected);
    t.deepEqual(Object.keys(out), Object.keys(c.expected), 'field order');
    t.deepEqual(doc, before, 'input document is not mutated');
  });
}

test('compileProjection: no projection for undefined or {}', (t) => {
  t.is(compileProjection(undefined), undefined);
  t.is(compileProjection({}), undefined);
});

test('compileProjection: the result shares no objects with the input', (t) => {
  const doc = { _id: 1, o: { p: [1] } };
  const out = compileProjection({ o: 1 })!(doc);
  (out.o as { p: number[] }).p.push(2);
  t.deepEqual(doc.o.p, [1]);
});

const projectionErrors: Array<{ name: string; spec: Doc; message: RegExp }> = [
  { name: 'mixing inclusion and exclusion', spec: { a: 1, b: 0 }, message: /cannot mix inclusion and exclusion/ },
  { name: 'mixing $elemMatch and exclusion', spec: { a: { $elemMatch: { x: 1 } }, b: 0 }, message: /cannot mix/ },
  { name: 'path collision', spec: { a: 1, 'a.b': 1 }, message: /collision/ },
  { name: 'path collision, child first', spec: { 'a.b': 1, a: 1 }, message: /collision/ },
  { name: 'string value', spec: { a: 'yes' }, message: /must be 1, 0, true, false/ },
  { name: 'unknown operator', spec: { a: { $foo: 1 } }, message: /unknown projection operator \$foo/ },
  { name: 'bad $slice', spec: { a: { $slice: 'x' } }, message: /\$slice/ },
  { name: '$slice with non-positive limit', spec: { a: { $slice: [1, 0] } }, message: /must be positive/ },
  { name: '$elemMatch on a nested field', spec: { 'a.b': { $elemMatch: { x: 1 } } }, message: /nested field/ },
  { name: '$-prefixed field', spec: { $a: 1 }, message: /cannot start with '\$'/ },
  { name: 'empty sub-projection', spec: { a: {} }, message: /empty object/ },
];

for (const c of projectionErrors) {
  test(`compileProjection refuses: ${c.name}`, (t) => {
    const err = t.throws(() => compileProjection(c.spec), { instanceOf: CloudBaseError });
    t.regex(err?.message ?? '', c.message);
  });
}

test('compileProjection refuses positional and $meta projections as unsupported', (t) => {
  t.throws(() => compileProjection({ 'a.$': 1 }), { message: /positional projection.*not supported/ });
  t.throws(() => compileProjection({ s: { $meta: 'textScore' } }), { message: /\$meta projection.*not supported/ });
});
