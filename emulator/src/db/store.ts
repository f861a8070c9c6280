import Database from 'better-sqlite3';
import { EJSON } from 'bson';
import fs from 'node:fs';
import path from 'node:path';
import { CloudBaseError, ErrorCode } from '../errors.js';
import { Checkpointer } from './checkpointer.js';
import { splitPath } from './paths.js';
import { type IndexSpec, normalizeIndex, orderedKeys, type IndexDeclaration } from './schema.js';
import { type Doc, KEY_ARRAY_PREFIX, indexKey, isPlainObject } from './values.js';

/**
 * Durable document storage on SQLite (better-sqlite3, WAL). One table per collection:
 *   seq  INTEGER PRIMARY KEY  insertion order (MongoDB's natural order, which unordered reads return)
 *   id   BLOB UNIQUE          the index key of `_id`
 *   ver  INTEGER              the logical clock value of the write that produced this version (for snapshots)
 *   doc  TEXT                 the document as canonical EJSON, exactly what `getDocument` sends back
 *   k0…  BLOB                 one column per indexed path: the order-preserving key of its value (values.ts `indexKey`)
 * Declared indexes are SQLite indexes over the key columns, so SQLite seeks and sorts on them without reading
 * documents. Keys are computed in JS on every write: plain columns cost a third of what expression indexes calling
 * back into JS did on bulk loads (measured).
 */
export interface Row {
  seq: number;
  ver: number;
  doc: string;
}

export interface StoreOptions {
  /** A file path, or ':memory:' for tests. */
  file: string;
  /** When the checkpointer copies the WAL back (checkpointer.ts); by default past 32 MiB, looked at every 200 ms. */
  checkpoint?: { walBytes: number; intervalMs: number };
}

/** Bump when `indexKey` changes: existing index contents are then rebuilt on open. */
const KEY_FORMAT = 2;

export function tableName(collection: string): string {
  return `c$${collection}`;
}

export interface CollectionMeta {
  name: string;
  indexes: IndexSpec[];
  /** Indexed paths that have held an array in some document: the planner no longer trusts them (see planner.ts). */
  multikey: Set<string>;
  /** Indexed path → the column holding its key. */
  keyColumns: Map<string, string>;
}

export class Store {
  readonly db: Database.Database;
  private readonly collections = new Map<string, CollectionMeta>();
  private clock = 0;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly checkpointer: Checkpointer | undefined;

  constructor(options: StoreOptions) {
    if (options.file !== ':memory:') fs.mkdirSync(path.dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives the process being killed (kill -9); only a power loss
    // can lose the last commits. That is the promise a local emulator needs, at a fraction of FULL's fsync cost.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // Up to 256 MiB of page cache keeps the indexes of a million-document collection hot; the default 2 MiB thrashes.
    this.db.pragma('cache_size = -262144');
    this.db.pragma('temp_store = MEMORY');
    // The checkpointer (a worker thread) copies the WAL back once it passes 32 MiB, so the fsyncs are not paid here
    // (bulk loads 13-15% faster, measured). This connection's automatic checkpoint, every 256 MiB of WAL rather than
    // 4 MiB, then has little left to copy, and rewinds the WAL; the file is cut back to 64 MiB afterwards.
    this.db.pragma('wal_autocheckpoint = 65536');
    this.db.pragma('journal_size_limit = 67108864');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta_collections (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS meta_indexes (collection TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL,
        PRIMARY KEY (collection, name));
      CREATE TABLE IF NOT EXISTS meta_multikey (collection TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (collection, path));
      CREATE TABLE IF NOT EXISTS meta_key_columns (collection TEXT NOT NULL, path TEXT NOT NULL, name TEXT NOT NULL,
        PRIMARY KEY (collection, path));
      CREATE TABLE IF NOT EXISTS meta_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.load();
    // Started last: a store that failed to open leaves no worker behind.
    if (options.file !== ':memory:')
      this.checkpointer = new Checkpointer(options.file, options.checkpoint ?? { walBytes: 32 * 1024 * 1024, intervalMs: 200 });
  }

  private load(): void {
    const names = this.db.prepare('SELECT name FROM meta_collections ORDER BY created_at, name').pluck().all() as string[];
    for (const name of names) {
      const indexes = (
        this.db.prepare('SELECT spec FROM meta_indexes WHERE collection = ? ORDER BY name').pluck().all(name) as string[]
      ).map((s) => JSON.parse(s) as IndexSpec);
      const multikey = new Set(
        this.db.prepare('SELECT path FROM meta_multikey WHERE collection = ?').pluck().all(name) as string[],
      );
      const columns = this.db.prepare('SELECT path, name FROM meta_key_columns WHERE collection = ?').raw().all(name) as Array<
        [string, string]
      >;
      this.collections.set(name, { name, indexes, multikey, keyColumns: new Map(columns) });
      const max = this.db
        .prepare(`SELECT max(ver) FROM "${tableName(name)}"`)
        .pluck()
        .get() as number | null;
      this.clock = Math.max(this.clock, max ?? 0);
    }
    const format = this.db.prepare("SELECT value FROM meta_settings WHERE key = 'key_format'").pluck().get() as
      string | undefined;
    if (format !== String(KEY_FORMAT)) {
      if (format !== undefined)
        for (const c of this.collections.values()) for (const p of c.keyColumns.keys()) this.backfillKeys(c, p);
      this.db.prepare("INSERT OR REPLACE INTO meta_settings (key, value) VALUES ('key_format', ?)").run(String(KEY_FORMAT));
    }
  }

  close(): void {
    this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }

  /** The logical clock: every committed write gets the next value; snapshots remember the value they started at. */
  now(): number {
    return this.clock;
  }
  tick(): number {
    return ++this.clock;
  }

  hasCollection(name: string): boolean {
    return this.collections.has(name);
  }

  collectionNames(): string[] {
    return [...this.collections.keys()];
  }

  collection(name: string): CollectionMeta {
    const c = this.collections.get(name);
    if (!c) throw new CloudBaseError(ErrorCode.COLLECTION_NOT_EXIST, `Db or Table not exist: ${name}`);
    return c;
  }

  /** Creates a collection; false if it already existed. */
  createCollection(name: string): boolean {
    if (this.collections.has(name)) return false;
    this.db.transaction(() => {
      this.db.exec(
        `CREATE TABLE "${tableName(name)}" (seq INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, ver INTEGER NOT NULL, doc TEXT NOT NULL)`,
      );
      this.db.prepare('INSERT INTO meta_collections (name, created_at) VALUES (?, ?)').run(name, Date.now());
    })();
    this.collections.set(name, { name, indexes: [], multikey: new Set(), keyColumns: new Map() });
    return true;
  }

  /**
   * Makes the collection's SQLite indexes match the declaration: key columns are added (and filled) for new paths,
   * missing indexes built, changed ones rebuilt, and indexes and columns no longer declared dropped. A unique index that
   * existing data violates fails loudly.
   */
  ensureIndexes(name: string, declarations: IndexDeclaration[]): void {
    const c = this.collection(name);
    const wanted = declarations.map(normalizeIndex);
    const same = (a: IndexSpec, b: IndexSpec) => JSON.stringify(a) === JSON.stringify(b);
    const table = tableName(name);
    // A 2dsphere key gets no key column: geo queries are evaluated in memory (geo.ts).
    const wantedPaths = new Set(wanted.flatMap((spec) => orderedKeys(spec).map(([p]) => p)));
    this.db.transaction(() => {
      for (const old of c.indexes) {
        if (wanted.some((w) => same(w, old))) continue;
        this.db.exec(`DROP INDEX IF EXISTS "${sqlIndexName(name, old.name)}"`);
        this.db.prepare('DELETE FROM meta_indexes WHERE collection = ? AND name = ?').run(name, old.name);
      }
      for (const [p, column] of c.keyColumns) {
        if (wantedPaths.has(p)) continue;
        this.db.exec(`ALTER TABLE "${table}" DROP COLUMN ${column}`);
        this.db.prepare('DELETE FROM meta_key_columns WHERE collection = ? AND path = ?').run(name, p);
        this.db.prepare('DELETE FROM meta_multikey WHERE collection = ? AND path = ?').run(name, p);
        c.keyColumns.delete(p);
        c.multikey.delete(p);
      }
      for (const p of wantedPaths) {
        if (c.keyColumns.has(p)) continue;
        const used = new Set(c.keyColumns.values());
        let n = 0;
        while (used.has(`k${n}`)) n++;
        this.db.exec(`ALTER TABLE "${table}" ADD COLUMN k${n} BLOB`);
        this.db.prepare('INSERT INTO meta_key_columns (collection, path, name) VALUES (?, ?, ?)').run(name, p, `k${n}`);
        c.keyColumns.set(p, `k${n}`);
        this.backfillKeys(c, p);
      }
      for (const spec of wanted) {
        if (c.indexes.some((old) => same(old, spec))) continue;
        const columns = orderedKeys(spec)
          .map(([p, d]) => `${c.keyColumns.get(p)} ${d === 1 ? 'ASC' : 'DESC'}`)
          .join(', ');
        try {
          if (columns)
            this.db.exec(
              `CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX "${sqlIndexName(name, spec.name)}" ON "${table}" (${columns})`,
            );
        } catch (err) {
          throw new Error(`cannot build index ${spec.name} on ${name}: ${(err as Error).message}`);
        }
        this.db
          .prepare('INSERT INTO meta_indexes (collection, name, spec) VALUES (?, ?, ?)')
          .run(name, spec.name, JSON.stringify(spec));
      }
    })();
    c.indexes = wanted;
    this.statements.clear();
  }

  /** Fills a key column from the stored documents (a new index, or a new key format). */
  private backfillKeys(c: CollectionMeta, p: string): void {
    const table = tableName(c.name);
    const update = this.db.prepare(`UPDATE "${table}" SET ${c.keyColumns.get(p)} = ? WHERE seq = ?`);
    const rows = this.db.prepare(`SELECT seq, doc FROM "${table}"`).raw().all() as Array<[number, string]>;
    for (const [seq, doc] of rows) update.run(this.keyOf(c, JSON.parse(doc), p), seq);
  }

  /** The key of `path` in a document's EJSON tree; meeting an array there makes the path multikey, for good. */
  private keyOf(c: CollectionMeta, tree: unknown, p: string): Buffer {
    const key = keyAt(tree, p);
    if (key[0] === KEY_ARRAY_PREFIX && !c.multikey.has(p)) {
      c.multikey.add(p);
      this.db.prepare('INSERT OR IGNORE INTO meta_multikey (collection, path) VALUES (?, ?)').run(c.name, p);
    }
    return key;
  }

  private keysOf(c: CollectionMeta, tree: unknown): Buffer[] {
    return [...c.keyColumns.keys()].map((p) => this.keyOf(c, tree, p));
  }

  statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  getRow(collection: string, idKey: Buffer): Row | undefined {
    return this.statement(`SELECT seq, ver, doc FROM "${tableName(collection)}" WHERE id = ?`).get(idKey) as Row | undefined;
  }

  /** `tree` is the text's JSON.parse result when the caller has it (it is parsed otherwise), for the key columns. */
  insertRow(collection: string, idKey: Buffer, ver: number, doc: string, tree: unknown = JSON.parse(doc)): number {
    const c = this.collection(collection);
    const columns = [...c.keyColumns.values()];
    const sql = `INSERT INTO "${tableName(collection)}" (id, ver, doc${columns.map((k) => `, ${k}`).join('')}) VALUES (?, ?, ?${', ?'.repeat(columns.length)})`;
    return Number(this.statement(sql).run(idKey, ver, doc, ...this.keysOf(c, tree)).lastInsertRowid);
  }

  updateRow(collection: string, seq: number, ver: number, doc: string): void {
    const c = this.collection(collection);
    const columns = [...c.keyColumns.values()];
    const sql = `UPDATE "${tableName(collection)}" SET ver = ?, doc = ?${columns.map((k) => `, ${k} = ?`).join('')} WHERE seq = ?`;
    this.statement(sql).run(ver, doc, ...this.keysOf(c, JSON.parse(doc)), seq);
  }

  deleteRow(collection: string, seq: number): void {
    this.statement(`DELETE FROM "${tableName(collection)}" WHERE seq = ?`).run(seq);
  }

  count(collection: string): number {
    return this.statement(`SELECT count(*) FROM "${tableName(collection)}"`)
      .pluck()
      .get() as number;
  }

  /** Runs `fn` in one SQLite transaction: all of its writes land, or none (e.g. on a unique-index violation). */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

function sqlIndexName(collection: string, index: string): string {
  return `i$${collection}$${index}`;
}

/**
 * The index key of the value at `path` in a document's EJSON tree. Arrays are not traversed: a path that meets one
 * yields the array's key, which the store takes as the sign of a multikey path.
 */
export function keyAt(tree: unknown, pathName: string): Buffer {
  let value: unknown = tree;
  for (const part of splitPath(pathName)) {
    if (Array.isArray(value)) break;
    value = isPlainObject(value) && !isWrapper(value) ? value[part] : undefined;
  }
  return treeKey(value);
}

function isWrapper(value: Doc): boolean {
  for (const key in value) return key.startsWith('$');
  return false;
}

/** `indexKey` of an EJSON tree value; numbers and dates, nearly every indexed value, are read without bson. */
export function treeKey(value: unknown): Buffer {
  if (value === null || typeof value !== 'object') return indexKey(value);
  if (!Array.isArray(value)) {
    const v = value as Doc;
    if (typeof v.$numberInt === 'string' || typeof v.$numberDouble === 'string' || typeof v.$numberLong === 'string')
      return indexKey(Number(v.$numberInt ?? v.$numberDouble ?? v.$numberLong));
    const date = v.$date;
    if (isPlainObject(date) && typeof date.$numberLong === 'string') return indexKey(new Date(Number(date.$numberLong)));
  }
  return indexKey((EJSON.deserialize({ v: value }, { relaxed: true }) as { v: unknown }).v);
}
