import test from 'ava';
import { freshCollection, startWithSdk } from './helpers/sdk.js';
import type { Rec } from './helpers/sdk.js';

/** Query operators (the `_.gt()`, `_.in()`, … commands), sent by the real SDK, evaluated with MongoDB's semantics. */
const { emulator, db } = await startWithSdk();
test.after.always(() => emulator.close());
const _ = db.command;
const $ = db.command.aggregate;

const fixtures = [
  {
    _id: 'p1',
    name: 'Apple 苹果',
    price: 599,
    stock: 0,
    tags: ['fruit', 'red'],
    spec: { color: 'red', size: 'L' },
    items: [
      { sku: 'a', qty: 2 },
      { sku: 'b', qty: 5 },
    ],
    at: new Date('2026-01-01T00:00:00Z'),
  },
  {
    _id: 'p2',
    name: 'banana',
    price: 199,
    stock: 10,
    tags: ['fruit', 'yellow'],
    spec: { color: 'yellow', size: 'M' },
    items: [{ sku: 'c', qty: 1 }],
    at: new Date('2026-02-01T00:00:00Z'),
  },
  { _id: 'p3', name: 'Cherry', price: 1299, stock: 3, tags: [], spec: { color: 'red' }, items: [], note: null },
  { _id: 'p4', name: 'durian', price: '999', stock: 7, tags: ['smelly'] },
];

let coll: ReturnType<typeof db.collection>;
test.before(async () => {
  coll = db.collection(await freshCollection(db));
  await coll.add({ data: fixtures });
});

async function ids(query: Record<string, unknown>): Promise<string[]> {
  const res = await coll.where(query).get();
  return res.data.map((d: Rec) => d._id as string).sort();
}

const cases: Array<[string, () => Record<string, unknown>, string[]]> = [
  ['plain equality', () => ({ price: 599 }), ['p1']],
  ['eq', () => ({ price: _.eq(199) }), ['p2']],
  ['neq (missing fields match)', () => ({ note: _.neq(null) }), []],
  ['lt is type-bracketed (string "999" is not a number)', () => ({ price: _.lt(1000) }), ['p1', 'p2']],
  ['lte', () => ({ price: _.lte(599) }), ['p1', 'p2']],
  ['gt', () => ({ price: _.gt(600) }), ['p3']],
  ['gte', () => ({ stock: _.gte(7) }), ['p2', 'p4']],
  ['gt on strings', () => ({ price: _.gt('500') }), ['p4']],
  ['in', () => ({ price: _.in([199, 1299]) }), ['p2', 'p3']],
  ['nin', () => ({ price: _.nin([199, 1299]) }), ['p1', 'p4']],
  ['range with chained and', () => ({ price: _.gt(100).and(_.lt(700)) }), ['p1', 'p2']],
  ['field-level or', () => ({ stock: _.eq(0).or(_.gt(8)) }), ['p1', 'p2']],
  ['top-level or', () => _.or([{ price: 599 }, { stock: 3 }]), ['p1', 'p3']],
  ['top-level and', () => _.and([{ tags: 'fruit' }, { stock: _.gt(0) }]), ['p2']],
  ['nor', () => _.nor([{ tags: 'fruit' }, { stock: 7 }]), ['p3']],
  ['not', () => ({ price: _.not(_.gt(500)) }), ['p2', 'p4']],
  ['exists true', () => ({ note: _.exists(true) }), ['p3']],
  ['exists false', () => ({ 'spec.size': _.exists(false) }), ['p3', 'p4']],
  ['equality on null matches null and missing', () => ({ note: null }), ['p1', 'p2', 'p3', 'p4']],
  ['array contains a value', () => ({ tags: 'red' }), ['p1']],
  ['array equality', () => ({ tags: ['fruit', 'yellow'] }), ['p2']],
  ['all', () => ({ tags: _.all(['red', 'fruit']) }), ['p1']],
  ['size', () => ({ tags: _.size(0) }), ['p3']],
  ['elemMatch on documents', () => ({ items: _.elemMatch({ sku: 'b', qty: _.gt(3) }) }), ['p1']],
  ['elemMatch must match one element', () => ({ items: _.elemMatch({ sku: 'a', qty: _.gt(3) }) }), []],
  ['dot path into nested objects', () => ({ 'spec.color': 'red' }), ['p1', 'p3']],
  ['nested object is flattened to dot paths by the SDK', () => ({ spec: { size: 'M' } }), ['p2']],
  ['dot path through an array of documents', () => ({ 'items.qty': _.gte(5) }), ['p1']],
  ['numeric path segment indexes an array', () => ({ 'tags.0': 'smelly' }), ['p4']],
  ['mod', () => ({ stock: _.mod(5, 2) }), ['p4']],
  ['regex literal with options', () => ({ name: /^(apple|cherry)/i }), ['p1', 'p3']],
  ['db.RegExp', () => ({ name: db.RegExp({ regexp: 'AN', options: 'i' }) }), ['p2', 'p4']],
  ['regex with the g flag is read as a plain match', () => ({ name: /rian/g }), ['p4']],
  ['not regex', () => ({ name: _.not(/^[a-z]/) }), ['p1', 'p3']],
  ['dates compare', () => ({ at: _.gte(new Date('2026-01-15T00:00:00Z')) }), ['p2']],
  ['expr', () => _.expr($.gt(['$stock', 5])), ['p2', 'p4']],
  // An SDK quirk: every field-level or in one where() is merged into a single top-level $or.
  [
    'merged field-level ors are evaluated as sent',
    () => ({ price: _.eq(599).or(_.eq(199)), stock: _.or([_.eq(3), _.eq(7)]) }),
    ['p1', 'p2', 'p3', 'p4'],
  ],
];

for (const [title, query, expected] of cases) {
  test(title, async (t) => {
    t.deepEqual(await ids(query()), expected);
  });
}

test('expr compares two fields of the same document', async (t) => {
  const res = await coll.where(_.expr($.lt(['$stock', '$price']))).get();
  // aggregation comparisons order across types (numbers below strings), unlike query operators
  t.deepEqual(res.data.map((d: Rec) => d._id).sort(), ['p1', 'p2', 'p3', 'p4']);
});
