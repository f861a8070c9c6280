/**
 * Paged lists (orders, ledgers, coupons, products…): the first page replaces what is shown; later ones add only their
 * new rows to setData (`items[20]`, `items[21]`, …) so a long list does not cross to the view layer again.
 */

/** Where a list's next page stands: loading it, more to read, all read, or it failed (tap to retry). */
export type More = 'idle' | 'loading' | 'done' | 'error';

/** A list's first page: loading, shown, or failed (with a retry). */
export type ListStatus = 'loading' | 'ready' | 'error';

/** What a route answers for a page of a list (keyset paging: `nextCursor` asks for the next one). */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export function appendedRows<T>(key: string, shown: number, rows: T[]): Record<string, T> {
  return Object.fromEntries(rows.map((row, i) => [`${key}[${shown + i}]`, row]));
}

/** What a page of `rows` changes: the rows (replacing on the first page), the cursor and whether more follow. */
export function pagePatch<T>(
  key: string,
  shown: number,
  page: { rows: T[]; nextCursor?: string },
  first: boolean,
): Record<string, unknown> {
  return {
    ...(first ? { [key]: page.rows } : appendedRows(key, shown, page.rows)),
    cursor: page.nextCursor ?? '',
    more: page.nextCursor ? 'idle' : 'done',
    moreError: '',
  };
}

/** Whether the next page may be asked for: the list is shown, and no page is on its way or left to read. */
export function canLoadMore(status: string, more: More): boolean {
  return status === 'ready' && more !== 'loading' && more !== 'done';
}
