import { CloudBaseError, ErrorCode, TRANSACTION_CONFLICT_MESSAGE, TRANSACTION_NOT_EXIST_MESSAGE } from '../errors.js';
import type { Row } from './store.js';
import { randomHex } from '../random.js';

/**
 * CloudBase's transaction semantics (docs/platform.md) on top of a single SQLite writer:
 * - snapshot isolation: a transaction reads the versions current at its first operation (the logical clock value then;
 *   MongoDB takes the snapshot there, not at startTransaction), plus its own writes, which stay in memory until commit;
 * - first writer wins: writing a document another open transaction has written, or that changed after the snapshot,
 *   fails at once with DATABASE_TRANSACTION_CONFLICT; commit re-checks, since writes outside any transaction never wait;
 * - 30 s to commit or abort, DATABASE_TRANSACTION_FAIL afterwards.
 * Old versions needed by open snapshots are kept in `history` until no open transaction can see them.
 */
export const TRANSACTION_TTL_MS = 30_000;

export interface PendingWrite {
  /** The document's `_id` as decoded. */
  id: unknown;
  /** Canonical EJSON of the new version, or null for a removal. */
  doc: string | null;
}

export interface Transaction {
  id: string;
  /** The clock value the transaction reads at; meaningful once `snapshotTaken` (its first operation). */
  snapshot: number;
  snapshotTaken: boolean;
  startedAt: number;
  /** collection → id key (hex) → pending write, in write order. */
  writes: Map<string, Map<string, PendingWrite>>;
}

interface Version {
  /** The version was current for clock values in [from, to). */
  from: number;
  to: number;
  /** null: the document did not exist in that interval. */
  doc: string | null;
  seq: number;
}

export function conflict(): CloudBaseError {
  return new CloudBaseError(ErrorCode.TRANSACTION_CONFLICT, TRANSACTION_CONFLICT_MESSAGE);
}

export class TransactionManager {
  private readonly open = new Map<string, Transaction>();
  /** "collection\0idhex" → the transaction that holds the document's write lock. */
  private readonly locks = new Map<string, string>();
  /** collection → id hex → superseded versions. */
  private readonly history = new Map<string, Map<string, Version[]>>();
  /** Counts since start, for the status API and benchmarks: how much work contention wastes. */
  readonly stats = { started: 0, committed: 0, conflicts: 0 };

  constructor(
    private readonly clock: () => number,
    private readonly ttlMs = TRANSACTION_TTL_MS,
  ) {}

  get openCount(): number {
    return this.open.size;
  }

  begin(now = Date.now()): Transaction {
    this.expire(now);
    const tx: Transaction = {
      id: randomHex(12),
      snapshot: this.clock(),
      snapshotTaken: false,
      startedAt: now,
      writes: new Map(),
    };
    this.open.set(tx.id, tx);
    this.stats.started++;
    return tx;
  }

  /**
   * The live transaction for an id, or DATABASE_TRANSACTION_FAIL if it is unknown, finished or expired. Every operation
   * of a transaction goes through here, so the first one takes the snapshot.
   */
  get(id: unknown, now = Date.now()): Transaction {
    this.expire(now);
    const tx = typeof id === 'string' ? this.open.get(id) : undefined;
    if (!tx) throw new CloudBaseError(ErrorCode.TRANSACTION_FAIL, TRANSACTION_NOT_EXIST_MESSAGE);
    if (!tx.snapshotTaken) {
      tx.snapshot = this.clock();
      tx.snapshotTaken = true;
    }
    return tx;
  }

  end(tx: Transaction): void {
    this.open.delete(tx.id);
    for (const [collection, writes] of tx.writes)
      for (const idHex of writes.keys()) this.locks.delete(lockKey(collection, idHex));
    this.prune();
  }

  /** Ends transactions past their 30 seconds, releasing their locks; their pending writes are discarded. */
  expire(now = Date.now()): void {
    for (const tx of this.open.values()) if (now - tx.startedAt > this.ttlMs) this.end(tx);
  }

  /**
   * Checks that `tx` may write the document: no other open transaction wrote it, and it has not changed since the
   * snapshot. `current` is the committed row now.
   */
  checkWritable(tx: Transaction, collection: string, idHex: string, current: Row | undefined): void {
    const holder = this.locks.get(lockKey(collection, idHex));
    if ((holder !== undefined && holder !== tx.id) || this.changedSince(collection, idHex, current, tx.snapshot)) {
      this.stats.conflicts++;
      throw conflict();
    }
  }

  lock(tx: Transaction, collection: string, idHex: string, write: PendingWrite): void {
    this.locks.set(lockKey(collection, idHex), tx.id);
    let writes = tx.writes.get(collection);
    if (!writes) tx.writes.set(collection, (writes = new Map<string, PendingWrite>()));
    writes.set(idHex, write);
  }

  changedSince(collection: string, idHex: string, current: Row | undefined, snapshot: number): boolean {
    if (current && current.ver > snapshot) return true;
    const versions = this.history.get(collection)?.get(idHex);
    return !!versions && versions.some((v) => v.to > snapshot);
  }

  /** The committed version visible at `snapshot`, given the current row. */
  visibleAt(collection: string, idHex: string, current: Row | undefined, snapshot: number): { doc: string; seq: number } | null {
    if (current && current.ver <= snapshot) return { doc: current.doc, seq: current.seq };
    const versions = this.history.get(collection)?.get(idHex);
    const v = versions?.find((x) => x.from <= snapshot && snapshot < x.to);
    if (v) return v.doc === null ? null : { doc: v.doc, seq: v.seq };
    return null;
  }

  /** Ids (hex) with versions superseded while some transaction was open: the rows a snapshot query must revisit. */
  historyIds(collection: string): Iterable<string> {
    return this.history.get(collection)?.keys() ?? [];
  }

  /**
   * Records that a committed write at clock `ver` superseded `previous` (undefined: the document did not exist),
   * when an open transaction may still need to see the old version.
   */
  recordSuperseded(collection: string, idHex: string, previous: Row | undefined, ver: number): void {
    if (this.open.size === 0) return;
    let byId = this.history.get(collection);
    if (!byId) this.history.set(collection, (byId = new Map<string, Version[]>()));
    let versions = byId.get(idHex);
    if (!versions) byId.set(idHex, (versions = []));
    const lastTo = versions.length ? versions[versions.length - 1]!.to : 0;
    versions.push({
      from: previous ? previous.ver : lastTo,
      to: ver,
      doc: previous ? previous.doc : null,
      seq: previous?.seq ?? 0,
    });
  }

  private prune(): void {
    if (this.open.size === 0) {
      this.history.clear();
      return;
    }
    // A transaction that has not read yet will see the current rows: it needs no history.
    const oldest = Math.min(...[...this.open.values()].filter((t) => t.snapshotTaken).map((t) => t.snapshot));
    for (const [collection, byId] of this.history) {
      for (const [idHex, versions] of byId) {
        const kept = versions.filter((v) => v.to > oldest);
        if (kept.length) byId.set(idHex, kept);
        else byId.delete(idHex);
      }
      if (byId.size === 0) this.history.delete(collection);
    }
  }

  openTransactions(): Array<{ id: string; snapshot: number; startedAt: number; writes: number }> {
    return [...this.open.values()].map((t) => ({
      id: t.id,
      snapshot: t.snapshot,
      startedAt: t.startedAt,
      writes: [...t.writes.values()].reduce((n, w) => n + w.size, 0),
    }));
  }
}

function lockKey(collection: string, idHex: string): string {
  return `${collection}\u0000${idHex}`;
}
