import {
  type PersonalField,
  addressBinding,
  orderAddressBinding,
  reencryptField,
  reencryptableValues,
} from '../shared/platform/field-crypto.js';
import { _, db } from '../shared/store/db.js';

/**
 * Moves personal data to the current key (docs/platform.md, "Personal data at rest"): addresses and orders whose phone
 * or street is v1 or under an old key (`reencryptableValues`) are re-encrypted under the current key, same binding.
 * Values under a key id that is not configured cannot be read, so they are left alone (and logged where they are read).
 */

const BATCH = 100;
/** Records rewritten at once: each is one conditional update, mostly waiting on the database. */
const CONCURRENCY = 4;
const FIELDS: readonly PersonalField[] = ['phone', 'detail'];

type Collection = 'addresses' | 'orders';

interface Target {
  /** Where the field is stored in a document of the collection. */
  path: (field: PersonalField) => string;
  binding: (id: string, field: PersonalField) => string;
  /** The top-level field holding the values, for the projection. */
  holder: string;
}

const TARGETS: Record<Collection, Target> = {
  addresses: { path: (f) => f, binding: addressBinding, holder: '' },
  orders: { path: (f) => `address.${f}`, binding: orderAddressBinding, holder: 'address' },
};

type Stored = { _id: string } & Record<string, unknown>;

function valueAt(doc: Stored, dotted: string): unknown {
  return dotted
    .split('.')
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), doc);
}

/**
 * Re-encrypts the record's due values under the current key. The update applies only if each rewritten value is still
 * the one read, so a concurrent save, or another firing that got there first, wins and nothing is written twice.
 * Answers whether this call rewrote the record.
 */
export async function reencryptRecord(collection: Collection, doc: Stored): Promise<boolean> {
  const target = TARGETS[collection];
  const due = reencryptableValues();
  const expected: Record<string, string> = {};
  const data: Record<string, string> = {};
  for (const field of FIELDS) {
    const path = target.path(field);
    const value = valueAt(doc, path);
    if (typeof value !== 'string' || !due.test(value)) continue;
    expected[path] = value;
    data[path] = reencryptField(value, target.binding(doc._id, field));
  }
  if (!Object.keys(data).length) return false;
  const written = await db
    .collection(collection)
    .where({ _id: doc._id, ...expected })
    .update({ data });
  return written.stats.updated === 1;
}

/** One collection, a page at a time by `_id` until none is due or the deadline passes. */
async function reencryptCollection(collection: Collection, deadline: number): Promise<{ rewritten: number; complete: boolean }> {
  const target = TARGETS[collection];
  const pattern = db.RegExp({ regexp: reencryptableValues().source });
  const filter = _.or(FIELDS.map((f) => ({ [target.path(f)]: pattern })));
  const projection = target.holder
    ? { _id: true, [target.holder]: true }
    : Object.fromEntries(['_id', ...FIELDS].map((f) => [f, true]));
  let rewritten = 0;
  let failed = false;
  let where = filter;
  while (Date.now() < deadline) {
    const page = (await db.collection<Stored>(collection).where(where).orderBy('_id', 'asc').limit(BATCH).field(projection).get())
      .data;
    let next = 0;
    const worker = async () => {
      while (next < page.length && Date.now() < deadline) {
        const doc = page[next++]!;
        try {
          if (await reencryptRecord(collection, doc)) rewritten++;
        } catch (err) {
          // Left as it is (the keyset cursor moves past it), tried again at the next firing.
          failed = true;
          console.error(`[jobs] reencrypt ${collection}/${doc._id} failed`, err);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (page.length < BATCH) return { rewritten, complete: next >= page.length && !failed };
    where = _.and([filter, { _id: _.gt(page[page.length - 1]!._id) }]);
  }
  return { rewritten, complete: false };
}

/**
 * Where the sweep records that every value is under the current key for a key configuration (`settledFor`): every
 * value written since is, so later firings skip the scan (one read instead of a pass over every address and order)
 * until the keys change. Deleting the document makes the next firing sweep again.
 */
const SWEEP_STATE = { collection: 'settings', id: 'field_crypto' } as const;

/**
 * The timer's sweep: addresses, then orders, within the firing's budget; what is left waits for the next firing.
 * Idempotent: a record under the current key is not found again. Answers the records rewritten.
 */
export async function reencryptPersonalData(deadline: number): Promise<number> {
  const config = reencryptableValues().source;
  const state = db.collection<{ _id: string; settledFor?: string }>(SWEEP_STATE.collection).doc(SWEEP_STATE.id);
  if ((await state.get()).data?.settledFor === config) return 0;
  let rewritten = 0;
  let complete = true;
  for (const collection of Object.keys(TARGETS) as Collection[]) {
    if (Date.now() >= deadline) return rewritten;
    const swept = await reencryptCollection(collection, deadline);
    rewritten += swept.rewritten;
    complete &&= swept.complete;
  }
  if (complete) await state.set({ data: { settledFor: config, settledAt: new Date() } });
  return rewritten;
}
