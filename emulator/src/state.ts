import Database from 'better-sqlite3';
import type { EmulatorHost } from './host.js';
import type { OutboxEntry } from './openapi/service.js';
import type { PayOrder, PayRefund } from './pay/sandbox.js';
import type { TimerFiring } from './timers/service.js';

/**
 * The emulator's own state, kept in the data's SQLite file beside the collections so that it survives a restart as
 * the data does (and stays in memory with it under `--memory`): the WeChat Pay sandbox's orders and refunds with their
 * delivery attempts, the invocation log, the subscribe-message outbox and the timers' firings. The tables are
 * prefixed `emulator_`, apart from the store's collection tables (`c$…`) and its `meta_…` tables, which know nothing of
 * them. Documents are JSON text; the columns beside them are what the emulator looks up or filters on.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS emulator_pay_orders (
    out_trade_no TEXT PRIMARY KEY,
    transaction_id TEXT,
    -- 1 while a notification copy waits for a retry: picked up again after a restart
    awaiting INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS emulator_pay_orders_transaction ON emulator_pay_orders (transaction_id)
    WHERE transaction_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS emulator_pay_orders_awaiting ON emulator_pay_orders (awaiting) WHERE awaiting = 1;
  CREATE TABLE IF NOT EXISTS emulator_pay_refunds (
    out_refund_no TEXT PRIMARY KEY,
    out_trade_no TEXT NOT NULL,
    refund_id TEXT NOT NULL,
    -- 1 while PROCESSING or while a notification copy waits for a retry
    awaiting INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS emulator_pay_refunds_order ON emulator_pay_refunds (out_trade_no);
  CREATE INDEX IF NOT EXISTS emulator_pay_refunds_id ON emulator_pay_refunds (refund_id);
  CREATE INDEX IF NOT EXISTS emulator_pay_refunds_awaiting ON emulator_pay_refunds (awaiting) WHERE awaiting = 1;
  CREATE TABLE IF NOT EXISTS emulator_invocations (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    function TEXT NOT NULL,
    source TEXT NOT NULL,
    route TEXT,
    caller TEXT,
    -- ok | business_error | error; NULL while running
    outcome TEXT,
    summary TEXT NOT NULL,
    detail TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS emulator_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS emulator_timer_firings (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    function TEXT NOT NULL,
    doc TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS emulator_timer_firings_function ON emulator_timer_firings (function, seq);
`;

export interface EmulatorState {
  readonly pay: PayTables;
  readonly invocations: InvocationTable;
  readonly outbox: OutboxTable;
  readonly timerFirings: TimerFiringTable;
}

const states = new WeakMap<Database.Database, EmulatorState>();

/** The state tables in `db` (created on first use). */
export function stateIn(db: Database.Database): EmulatorState {
  let state = states.get(db);
  if (!state) {
    db.exec(SCHEMA);
    state = {
      pay: new PayTables(db),
      invocations: new InvocationTable(db),
      outbox: new OutboxTable(db),
      timerFirings: new TimerFiringTable(db),
    };
    states.set(db, state);
  }
  return state;
}

/** The state tables in the emulator's own SQLite file (or its in-memory database). */
export function stateOf(host: EmulatorHost): EmulatorState {
  return stateIn(host.database.store.db);
}

/** State kept nowhere but in this process, for a component used without an emulator (unit tests). */
export function memoryState(): EmulatorState {
  return stateIn(new Database(':memory:'));
}

/**
 * Services may finish work after the emulator closed its file (a firing that was running, say): what they would
 * write then is dropped rather than thrown at them, and reads come back empty.
 */
abstract class Table {
  private readonly statements = new Map<string, Database.Statement>();
  constructor(protected readonly db: Database.Database) {}

  protected get open(): boolean {
    return this.db.open;
  }

  /** Runs `fn` in one SQLite transaction: its writes land together or not at all. */
  atomically<T>(fn: () => T): T {
    return this.open ? this.db.transaction(fn)() : fn();
  }

  protected sql(text: string): Database.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) this.statements.set(text, (stmt = this.db.prepare(text)));
    return stmt;
  }

  protected docs<T>(text: string, ...params: unknown[]): T[] {
    if (!this.open) return [];
    return (
      this.sql(text)
        .pluck()
        .all(...params) as string[]
    ).map((doc) => JSON.parse(doc) as T);
  }

  protected doc<T>(text: string, ...params: unknown[]): T | undefined {
    if (!this.open) return undefined;
    const doc = this.sql(text)
      .pluck()
      .get(...params) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as T);
  }
}

/** The WeChat Pay sandbox's trades and refunds, each with its delivery attempts, in the order they were made. */
export class PayTables extends Table {
  order(outTradeNo: string): PayOrder | undefined {
    return this.doc('SELECT doc FROM emulator_pay_orders WHERE out_trade_no = ?', outTradeNo);
  }

  orderByTransactionId(transactionId: string): PayOrder | undefined {
    return this.doc('SELECT doc FROM emulator_pay_orders WHERE transaction_id = ?', transactionId);
  }

  orders(): PayOrder[] {
    return this.docs('SELECT doc FROM emulator_pay_orders ORDER BY rowid');
  }

  /** Orders with a notification waiting for a retry. */
  awaitingOrders(): PayOrder[] {
    return this.docs('SELECT doc FROM emulator_pay_orders WHERE awaiting = 1 ORDER BY rowid');
  }

  saveOrder(order: PayOrder, awaiting: boolean): void {
    if (!this.open) return;
    // An upsert, not INSERT OR REPLACE: the row keeps its rowid, so orders stay listed in the order they were made.
    this.sql(
      `INSERT INTO emulator_pay_orders (out_trade_no, transaction_id, awaiting, doc) VALUES (?, ?, ?, ?)
       ON CONFLICT (out_trade_no) DO UPDATE SET transaction_id = excluded.transaction_id, awaiting = excluded.awaiting,
       doc = excluded.doc`,
    ).run(order.outTradeNo, order.transactionId ?? null, awaiting ? 1 : 0, JSON.stringify(order));
  }

  refund(outRefundNo: string): PayRefund | undefined {
    return this.doc('SELECT doc FROM emulator_pay_refunds WHERE out_refund_no = ?', outRefundNo);
  }

  /** The refund with this out_refund_no or refund_id (queryRefund takes either). */
  refundsByNoOrId(key: string): PayRefund[] {
    return this.docs('SELECT doc FROM emulator_pay_refunds WHERE out_refund_no = ? OR refund_id = ? ORDER BY rowid', key, key);
  }

  refundsOf(outTradeNo: string): PayRefund[] {
    return this.docs('SELECT doc FROM emulator_pay_refunds WHERE out_trade_no = ? ORDER BY rowid', outTradeNo);
  }

  refunds(): PayRefund[] {
    return this.docs('SELECT doc FROM emulator_pay_refunds ORDER BY rowid');
  }

  /** Refunds still PROCESSING or with a notification waiting for a retry. */
  awaitingRefunds(): PayRefund[] {
    return this.docs('SELECT doc FROM emulator_pay_refunds WHERE awaiting = 1 ORDER BY rowid');
  }

  saveRefund(refund: PayRefund, awaiting: boolean): void {
    if (!this.open) return;
    this.sql(
      `INSERT INTO emulator_pay_refunds (out_refund_no, out_trade_no, refund_id, awaiting, doc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (out_refund_no) DO UPDATE SET awaiting = excluded.awaiting, doc = excluded.doc`,
    ).run(refund.outRefundNo, refund.outTradeNo, refund.refundId, awaiting ? 1 : 0, JSON.stringify(refund));
  }
}

/** One row of the invocation log: the columns filtered on, the summary the list shows, the rest for the detail. */
export interface InvocationRow {
  seq: number;
  id: string;
  functionName: string;
  source: string;
  route?: string;
  caller?: string;
  outcome?: string;
  summary: string;
  detail: string;
}

export interface InvocationFilter {
  functionName?: string;
  route?: string;
  source?: string;
  caller?: string;
  outcome?: string;
  excludeSource?: string;
  /** Only invocations started before this one (its seq). */
  before?: number;
}

/**
 * The invocation log, newest last by `seq` (the order invocations started). Filtered pages walk the primary key
 * backwards and test the filter columns row by row: the log is bounded (10,000 by default), which keeps that a few
 * milliseconds at worst without an index per filter.
 */
export class InvocationTable extends Table {
  lastSeq(): number {
    if (!this.open) return 0;
    return (this.sql('SELECT max(seq) FROM emulator_invocations').pluck().get() as number | null) ?? 0;
  }

  /** Writes the rows (new or updated) and drops every row at or below `dropThrough`, in one transaction. */
  write(rows: InvocationRow[], dropThrough: number): void {
    if (!this.open) return;
    const upsert = this.sql(
      `INSERT INTO emulator_invocations (seq, id, function, source, route, caller, outcome, summary, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (seq) DO UPDATE SET outcome = excluded.outcome, summary = excluded.summary, detail = excluded.detail`,
    );
    const drop = this.sql('DELETE FROM emulator_invocations WHERE seq <= ?');
    this.db.transaction(() => {
      for (const r of rows)
        upsert.run(
          r.seq,
          r.id,
          r.functionName,
          r.source,
          r.route ?? null,
          r.caller ?? null,
          r.outcome ?? null,
          r.summary,
          r.detail,
        );
      if (dropThrough > 0) drop.run(dropThrough);
    })();
  }

  get(id: string): { seq: number; summary: string; detail: string } | undefined {
    if (!this.open) return undefined;
    return this.sql('SELECT seq, summary, detail FROM emulator_invocations WHERE id = ?').get(id) as
      { seq: number; summary: string; detail: string } | undefined;
  }

  /** Up to `limit` summaries, newest first, with their seq. */
  page(filter: InvocationFilter, limit: number): Array<{ seq: number; summary: string }> {
    if (!this.open) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    const equal = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      params.push(value);
    };
    equal('function', filter.functionName);
    equal('route', filter.route);
    equal('source', filter.source);
    equal('caller', filter.caller);
    equal('outcome', filter.outcome);
    if (filter.excludeSource !== undefined) {
      where.push('source <> ?');
      params.push(filter.excludeSource);
    }
    if (filter.before !== undefined) {
      where.push('seq < ?');
      params.push(filter.before);
    }
    const sql = `SELECT seq, summary FROM emulator_invocations ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq DESC LIMIT ?`;
    return this.sql(sql).all(...params, limit) as Array<{ seq: number; summary: string }>;
  }

  /** Rows still marked running (a process that was killed): the caller rewrites them. */
  unfinished(): Array<{ seq: number; summary: string; detail: string }> {
    if (!this.open) return [];
    return this.sql('SELECT seq, summary, detail FROM emulator_invocations WHERE outcome IS NULL').all() as Array<{
      seq: number;
      summary: string;
      detail: string;
    }>;
  }
}

/** The subscribe-message outbox, oldest first; ids keep counting up after a clear. */
export class OutboxTable extends Table {
  add(entry: Omit<OutboxEntry, 'id'>, keep: number): OutboxEntry | undefined {
    if (!this.open) return undefined;
    const id = Number(this.sql('INSERT INTO emulator_outbox (doc) VALUES (?)').run(JSON.stringify(entry)).lastInsertRowid);
    this.sql('DELETE FROM emulator_outbox WHERE id <= ?').run(id - keep);
    return { id, ...entry };
  }

  all(): OutboxEntry[] {
    if (!this.open) return [];
    return (this.sql('SELECT id, doc FROM emulator_outbox ORDER BY id').all() as Array<{ id: number; doc: string }>).map(
      ({ id, doc }) => ({ id, ...(JSON.parse(doc) as Omit<OutboxEntry, 'id'>) }),
    );
  }

  clear(): number {
    if (!this.open) return 0;
    return this.sql('DELETE FROM emulator_outbox').run().changes;
  }

  /** The largest msgid handed out so far, so the next ones stay above it after a restart. */
  lastMsgId(): number {
    if (!this.open) return 0;
    return (this.sql("SELECT max(json_extract(doc, '$.msgid')) FROM emulator_outbox").pluck().get() as number | null) ?? 0;
  }
}

/** Each timer's latest firings. */
export class TimerFiringTable extends Table {
  add(firing: TimerFiring, keep: number): void {
    if (!this.open) return;
    this.sql('INSERT INTO emulator_timer_firings (function, doc) VALUES (?, ?)').run(firing.functionName, JSON.stringify(firing));
    this.sql(
      `DELETE FROM emulator_timer_firings WHERE function = ? AND seq <= (
         SELECT seq FROM emulator_timer_firings WHERE function = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    ).run(firing.functionName, firing.functionName, keep);
  }

  /** Newest first. */
  latest(functionName: string, keep: number): TimerFiring[] {
    return this.docs('SELECT doc FROM emulator_timer_firings WHERE function = ? ORDER BY seq DESC LIMIT ?', functionName, keep);
  }
}
