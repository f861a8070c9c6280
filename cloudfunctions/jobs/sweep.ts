import { ErrorCode } from '../../typings/common.js';
import { type OrderDoc } from '../shared/model/order.js';
import { ShopError } from '../shared/rules/errors.js';
import { _, db } from '../shared/store/db.js';

const BATCH = 100;
/** At most this many batches per sweep and firing; what is left waits for the next minute. */
const MAX_BATCHES = 20;
/**
 * Orders handled at once: each waits mostly on WeChat Pay's round trips, so a few in flight cut a firing's time
 * several-fold. Their stock-returning transactions go through `serially`: expired orders are often all of one SKU
 * (a flash sale), and concurrent transactions on one SKU would conflict faster than withRetries backs off.
 */
const CONCURRENCY = 8;

let queue: Promise<unknown> = Promise.resolve();

/** Runs `fn` after every earlier `serially` call of this instance has settled. */
export function serially<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

export interface SweepQuery<K extends keyof OrderDoc> {
  /** The orders due, by the index that serves the query. */
  filter: Record<string, unknown>;
  /** The indexed field the orders are visited in (ascending), `_id` breaking ties. */
  orderField: K | '_id';
  /** The fields the handler reads (`_id` always comes). */
  fields?: readonly K[];
}

/**
 * Visits every order matching `filter`, 100 at a time, each handled on its own, until none is left or the bounds are
 * reached (`deadline`, MAX_BATCHES); answers how often the handler reported each outcome. The batches follow a keyset
 * cursor, so an order the handler leaves as it was (nothing to do yet, or it failed) is not visited twice in one
 * firing. An order that changed meanwhile is refused by the transition table and skipped quietly; any other failure is
 * logged, and the order is tried again at the next firing.
 */
export async function sweep<K extends keyof OrderDoc, O extends string>(
  name: string,
  { filter, orderField, fields = [] }: SweepQuery<K>,
  handle: (order: Pick<OrderDoc, K | '_id'>) => Promise<O | undefined>,
  deadline: number,
): Promise<Partial<Record<O, number>>> {
  const counts: Partial<Record<O, number>> = {};
  const projection: Record<string, boolean> = { _id: true, [orderField]: true };
  for (const f of fields) projection[f] = true;
  let where = filter;
  for (let batch = 0; batch < MAX_BATCHES && Date.now() < deadline; batch++) {
    let query = db.collection<Pick<OrderDoc, K | '_id'>>('orders').where(where).orderBy(orderField, 'asc');
    if (orderField !== '_id') query = query.orderBy('_id', 'asc');
    const due = (await query.limit(BATCH).field(projection).get()).data;
    let next = 0;
    const worker = async () => {
      while (next < due.length && Date.now() < deadline) {
        const order = due[next++]!;
        try {
          const outcome = await handle(order);
          if (outcome) counts[outcome] = (counts[outcome] ?? 0) + 1;
        } catch (err) {
          if (!(err instanceof ShopError && err.code === ErrorCode.INVALID_STATE))
            console.error(`[jobs] ${name} ${order._id} failed`, err);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (due.length < BATCH || Date.now() >= deadline) break;
    where = after(filter, orderField, due[due.length - 1]!);
  }
  return counts;
}

/** `filter`, restricted to the orders after `last` in (orderField, _id) order. */
function after(filter: Record<string, unknown>, orderField: string, last: Record<string, unknown>): Record<string, unknown> {
  if (orderField === '_id') return _.and([filter, { _id: _.gt(last._id) }]);
  const value = last[orderField];
  return _.and([
    filter,
    { [orderField]: _.gte(value) },
    _.or([{ [orderField]: _.gt(value) }, { [orderField]: value, _id: _.gt(last._id) }]),
  ]);
}
