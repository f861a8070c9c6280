import type { Page } from '../../typings/common.js';
import { _, db } from '../shared/store/db.js';
import { afterCursor, pageOf } from '../shared/store/pagination.js';

/**
 * One page of the caller's documents in `collection`, newest first by the date field `field` (keyset cursor on
 * (field, _id), served by the collection's `{openid: 1, <field>: -1}` index).
 */
export async function newestFirst<T extends { _id: string }, V>(
  collection: string,
  field: keyof T & string,
  openid: string,
  input: { cursor?: string | undefined; pageSize: number },
  view: (doc: T) => V,
): Promise<Page<V>> {
  const conditions: Array<Record<string, unknown>> = [{ openid }];
  if (input.cursor) conditions.push(...afterCursor(field, 'desc', input.cursor, true));
  const docs = (
    await db
      .collection<T>(collection)
      .where(_.and(conditions))
      .orderBy(field, 'desc')
      .orderBy('_id', 'asc')
      .limit(input.pageSize + 1)
      .get()
  ).data;
  const page = pageOf(docs, input.pageSize, (d) => new Date(d[field] as unknown as Date).getTime());
  return { items: page.items.map(view), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
