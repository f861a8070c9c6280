import { ErrorCode } from '../../../typings/common.js';
import { ShopError } from '../rules/errors.js';
import { _, db } from './db.js';

/**
 * Keyset pagination: a cursor holds the sort value and `_id` of the last item shown, so the next page is a range
 * query on an indexed field instead of a skip that grows with the page number.
 */

export interface CursorPosition {
  value: string | number;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.value, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if ((typeof value === 'string' || typeof value === 'number') && typeof id === 'string') return { value, id };
  } catch {
    // fall through
  }
  throw new ShopError(ErrorCode.VALIDATION, '分页参数不正确');
}

/**
 * The conditions for the page after `cursor` in `orderBy(field, direction).orderBy('_id', 'asc')` order: a range an
 * index can seek (`field` at or beyond the last value) plus the tie rule on `_id`, checked per document.
 */
export function afterCursor(
  field: string,
  direction: 'asc' | 'desc',
  cursor: string,
  asDate = false,
): Array<Record<string, unknown>> {
  const after = decodeCursor(cursor);
  const value = asDate ? timeOf(after.value) : after.value;
  const beyond = direction === 'desc' ? _.lt(value) : _.gt(value);
  const atOrBeyond = direction === 'desc' ? _.lte(value) : _.gte(value);
  return [{ [field]: atOrBeyond }, _.or([{ [field]: beyond }, { [field]: value, _id: _.gt(after.id) }])];
}

/** A time sort value as the cursor carries it (milliseconds); anything else never came from `pageOf`. */
function timeOf(value: string | number): Date {
  const time = typeof value === 'number' && Number.isSafeInteger(value) ? new Date(value) : undefined;
  if (!time || Number.isNaN(time.getTime())) throw new ShopError(ErrorCode.VALIDATION, '分页参数不正确');
  return time;
}

/** Splits a `pageSize + 1` read into the page and the cursor of the next one (absent on the last page). */
export function pageOf<T extends { _id: string }>(
  docs: T[],
  pageSize: number,
  sortValue: (doc: T) => string | number,
): { items: T[]; nextCursor?: string } {
  const items = docs.slice(0, pageSize);
  const last = items[items.length - 1];
  return docs.length > pageSize && last
    ? { items, nextCursor: encodeCursor({ value: sortValue(last), id: last._id }) }
    : { items };
}

/** Documents of `collection` matching `conditions`, newest first (`createdAt`, then `_id`), a page at a time. */
export async function pageNewestFirst<T extends { _id: string; createdAt: Date }>(
  collection: string,
  conditions: Array<Record<string, unknown>>,
  page: { cursor?: string; pageSize: number },
): Promise<{ items: T[]; nextCursor?: string }> {
  const all = [...conditions, ...(page.cursor ? afterCursor('createdAt', 'desc', page.cursor, true) : [])];
  const docs = db.collection<T>(collection);
  const query = all.length ? docs.where(_.and(all)) : docs;
  const found = (
    await query
      .orderBy('createdAt', 'desc')
      .orderBy('_id', 'asc')
      .limit(page.pageSize + 1)
      .get()
  ).data;
  return pageOf(found, page.pageSize, (d) => new Date(d.createdAt).getTime());
}
