import { messageOf } from '../services/errors';
import { appendedRows, canLoadMore, type ListStatus, type More, type Page } from './paging';

export interface PagedListOptions<Item, Row> {
  /** The rows' key in the page's data (`orders`, `products`…). */
  key: string;
  /** One page of the list, from its start (`cursor` undefined) or from a cursor. */
  fetch: (cursor: string | undefined) => Promise<Page<Item>>;
  /** What the page shows of an item (the item itself by default). */
  row?: (item: Item) => Row;
  /** Each row once: a row whose id was shown already is left out of later pages (lists that may shift while read). */
  idOf?: (row: Row) => string;
}

/**
 * A list read page by page into a page's data (`sink` is its setData): `status`, `errorMessage`, the rows under `key`,
 * `more` and `moreError`. `reload()` starts over (an answer to an earlier reload that arrives late is dropped), `more()`
 * appends the next page until the last.
 */
export class PagedList<Item, Row = Item> {
  private generation = 0;
  private cursor: string | undefined;
  private count = 0;
  private seen = new Set<string>();
  private state: { status: ListStatus; more: More } = { status: 'loading', more: 'idle' };

  constructor(
    private readonly sink: (patch: Record<string, unknown>) => void,
    private readonly options: PagedListOptions<Item, Row>,
  ) {}

  /** The data of a list not read yet, to spread in a page's `data`. */
  static empty(
    key: string,
  ): Record<string, unknown> & { status: ListStatus; errorMessage: string; more: More; moreError: string } {
    return { status: 'loading', errorMessage: '', [key]: [], more: 'idle', moreError: '' };
  }

  /** The first page; `keep` leaves the rows shown until it comes (a refresh), and a failure then only says so. */
  async reload(keep = false): Promise<void> {
    const generation = ++this.generation;
    const keeping = keep && this.state.status === 'ready';
    if (!keeping) this.set(PagedList.empty(this.options.key));
    try {
      const page = await this.options.fetch(undefined);
      if (generation !== this.generation) return;
      const rows = this.rowsOf(page.items);
      this.seen = new Set(this.options.idOf ? rows.map(this.options.idOf) : []);
      this.count = rows.length;
      this.cursor = page.nextCursor;
      this.set({ status: 'ready', errorMessage: '', [this.options.key]: rows, ...this.moreOf(page) });
    } catch (err) {
      if (generation !== this.generation) return;
      if (keeping) void wx.showToast({ title: messageOf(err), icon: 'none' });
      else this.set({ status: 'error', errorMessage: messageOf(err), [this.options.key]: [] });
    }
  }

  /** The next page, unless one is on its way, the list failed or it is over. */
  async more(): Promise<void> {
    if (!canLoadMore(this.state.status, this.state.more) || !this.cursor) return;
    const generation = this.generation;
    this.set({ more: 'loading' });
    try {
      const page = await this.options.fetch(this.cursor);
      if (generation !== this.generation) return;
      const idOf = this.options.idOf;
      const rows = this.rowsOf(page.items).filter((row) => !idOf || !this.seen.has(idOf(row)));
      if (idOf) rows.forEach((row) => this.seen.add(idOf(row)));
      const added = appendedRows(this.options.key, this.count, rows);
      this.count += rows.length;
      this.cursor = page.nextCursor;
      this.set({ ...added, ...this.moreOf(page) });
    } catch (err) {
      if (generation !== this.generation) return;
      this.set({ more: 'error', moreError: messageOf(err) });
    }
  }

  private rowsOf(items: Item[]): Row[] {
    const row = this.options.row;
    return row ? items.map((item) => row(item)) : (items as unknown as Row[]);
  }

  private moreOf(page: Page<Item>): { more: More; moreError: string } {
    return { more: page.nextCursor ? 'idle' : 'done', moreError: '' };
  }

  private set(patch: Record<string, unknown>): void {
    if (patch.status) this.state.status = patch.status as ListStatus;
    if (patch.more) this.state.more = patch.more as More;
    this.sink(patch);
  }
}

const lists = new WeakMap<object, object>();

/**
 * The page's list, made on its first use with `options` (a page's `this` carries no fields of its own in typings);
 * its rows go to the page's data.
 */
export function pagedListOf<Item, Row = Item>(
  page: { setData(patch: Record<string, unknown>): void },
  options: () => PagedListOptions<Item, Row>,
): PagedList<Item, Row> {
  let list = lists.get(page) as PagedList<Item, Row> | undefined;
  if (!list) {
    list = new PagedList((patch) => page.setData(patch), options());
    lists.set(page, list);
  }
  return list;
}
