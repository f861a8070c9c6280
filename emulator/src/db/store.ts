import Database from 'better-sqlite3';
import { EJSON } from 'bson';
import fs from 'node:fs';
import path from 'node:path';
import { CloudBaseError, ErrorCode } from '../errors.js';
import { pathHasArray, splitPath } from './paths.js';
import { type IndexSpec, normalizeIndex, type IndexDeclaration } from './schema.js';
import { type Doc, indexKey, isPlainObject } from './values.js';

/**
 * Durable document storage on SQLite (better-sqlite3, WAL). One table per collection:
 *   seq  INTEGER PRIMARY KEY  insertion order (MongoDB's natural order, which unordered reads return)
 *   id   BLOB UNIQUE          the index key of `_id`
 *   ver  INTEGER              the logical clock value of the write that produced this version (for snapshots)
 *   doc  TEXT                 the document as canonical EJSON, exactly what `getDocument` sends back
 * Declared indexes are SQLite expression indexes over `cb_key(doc, 'path')`, a deterministic function giving an
 * order-preserving byte key (values.ts `indexKey`), so SQLite seeks and sorts on them without reading documents.
 */
export interface Row {
  seq: number;
  ver: number;
  doc: string;
}

export interface StoreOptions {
  /** A file path, or ':memory:' for tests. */
  file: string;
}

/** Bump when `indexKey` changes: existing index contents are then rebuilt on open. */
const KEY_FORMAT = 1;

export function tableName(collection: string): string {
  return `c$${collection}`;
}

export function keyExpression(pathName: string): string {
  return `cb_key(doc, '${pathName.replace(/'/g, "''")}')`;
}

interface CollectionMeta {
  name: string;
  indexes: IndexSpec[];
  /** Indexed paths that have held an array in some document: the planner no longer trusts them (see planner.ts). */
  multikey: Set<string>;
  /** Index paths, for the multikey check on every write. */
  indexedPaths: string[];
}

export class Store {
  readonly db: Database.Database;
  private readonly collections = new Map<string, CollectionMeta>();
  private clock = 0;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly keys: KeySource = { source: null };

  constructor(options: StoreOptions) {
    if (options.file !== ':memory:') fs.mkdirSync(path.dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives the process being killed (kill -9); only a power loss
    // can lose the last commits. That is the promise a local emulator needs, at a fraction of FULL's fsync cost.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // A 64 MiB page cache keeps the indexes of a million-document collection hot; the default 2 MiB thrashes.
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    // Checkpoint every 64 MiB of WAL rather than 4 MiB: bulk loads dirty the same index pages batch after batch, and
    // each checkpoint copies a page once however often it changed.
    this.db.pragma('wal_autocheckpoint = 16384');
    registerKeyFunction(this.db, this.keys);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta_collections (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS meta_indexes (collection TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL,
        PRIMARY KEY (collection, name));
      CREATE TABLE IF NOT EXISTS meta_multikey (collection TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (collection, path));
      CREATE TABLE IF NOT EXISTS meta_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.load();
  }

  private load(): void {
    const names = this.db.prepare('SELECT name FROM meta_collections ORDER BY created_at, name').pluck().all() as string[];
    for (const name of names) {
      const indexes = (this.db.prepare('SELECT spec FROM meta_indexes WHERE collection = ? ORDER BY name').pluck().all(name) as string[]).map(
        (s) => JSON.parse(s) as IndexSpec,
      );
      const multikey = new Set(this.db.prepare('SELECT path FROM meta_multikey WHERE collection = ?').pluck().all(name) as string[]);
      this.collections.set(name, meta(name, indexes, multikey));
      const max = this.db.prepare(`SELECT max(ver) FROM "${tableName(name)}"`).pluck().get() as number | null;
      this.clock = Math.max(this.clock, max ?? 0);
    }
    const format = this.db.prepare("SELECT value FROM meta_settings WHERE key = 'key_format'").pluck().get() as string | undefined;
    if (format !== String(KEY_FORMAT)) {
      if (format !== undefined) this.db.exec('REINDEX');
      this.db.prepare("INSERT OR REPLACE INTO meta_settings (key, value) VALUES ('key_format', ?)").run(String(KEY_FORMAT));
    }
  }

  close(): void {
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
      this.db.exec(`CREATE TABLE "${tableName(name)}" (seq INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, ver INTEGER NOT NULL, doc TEXT NOT NULL)`);
      this.db.prepare('INSERT INTO meta_collections (name, created_at) VALUES (?, ?)').run(name, Date.now());
    })();
    this.collections.set(name, meta(name, [], new Set()));
    return true;
  }

  dropCollection(name: string): void {
    this.collection(name);
    this.db.transaction(() => {
      this.db.exec(`DROP TABLE "${tableName(name)}"`);
      for (const t of ['meta_collections', 'meta_indexes', 'meta_multikey'])
        this.db.prepare(`DELETE FROM ${t} WHERE ${t === 'meta_collections' ? 'name' : 'collection'} = ?`).run(name);
    })();
    this.collections.delete(name);
    this.statements.clear();
  }

  /**
   * Makes the collection's SQLite indexes match the declaration: missing ones are built, changed ones rebuilt.
   * Indexes that are no longer declared are dropped. A unique index that existing data violates fails loudly.
   */
  ensureIndexes(name: string, declarations: IndexDeclaration[]): void {
    const c = this.collection(name);
    const wanted = declarations.map(normalizeIndex);
    for (const spec of wanted) for (const [p] of spec.keys) if (!/^[A-Za-z0-9_$.-]+$/.test(p)) throw new Error(`unsupported index path "${p}"`);
    const table = tableName(name);
    this.db.transaction(() => {
      for (const old of c.indexes) {
        const still = wanted.find((w) => w.name === old.name);
        if (!still || JSON.stringify(still) !== JSON.stringify(old)) {
          this.db.exec(`DROP INDEX IF EXISTS "${sqlIndexName(name, old.name)}"`);
          this.db.prepare('DELETE FROM meta_indexes WHERE collection = ? AND name = ?').run(name, old.name);
        }
      }
      for (const spec of wanted) {
        if (c.indexes.some((old) => JSON.stringify(old) === JSON.stringify(spec))) continue;
        const columns = spec.keys.map(([p, d]) => `${keyExpression(p)} ${d === 1 ? 'ASC' : 'DESC'}`).join(', ');
        try {
          this.db.exec(`CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX "${sqlIndexName(name, spec.name)}" ON "${table}" (${columns})`);
        } catch (err) {
          throw new Error(`cannot build index ${spec.name} on ${name}: ${(err as Error).message}`);
        }
        this.db.prepare('INSERT INTO meta_indexes (collection, name, spec) VALUES (?, ?, ?)').run(name, spec.name, JSON.stringify(spec));
      }
    })();
    c.indexes = wanted;
    c.indexedPaths = [...new Set(wanted.flatMap((s) => s.keys.map(([p]) => p)))];
    // Rebuild the multikey set from the data, since the set of indexed paths changed.
    for (const p of c.indexedPaths) {
      if (c.multikey.has(p)) continue;
      const found = this.db.prepare(`SELECT 1 FROM "${table}" WHERE substr(${keyExpression(p)}, 1, 1) = x'06' LIMIT 1`).get();
      if (found) this.markMultikey(c, p);
    }
  }

  private markMultikey(c: CollectionMeta, p: string): void {
    c.multikey.add(p);
    this.db.prepare('INSERT OR IGNORE INTO meta_multikey (collection, path) VALUES (?, ?)').run(c.name, p);
  }

  /** Called for every document about to be written: an array under an indexed path turns that path multikey. */
  noteWrite(collection: string, doc: Doc): void {
    const c = this.collection(collection);
    for (const p of c.indexedPaths) if (!c.multikey.has(p) && pathHasArray(doc, p)) this.markMultikey(c, p);
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

  /** `tree`, the text's JSON.parse result when the caller has it, spares `cb_key` from parsing it again per index. */
  insertRow(collection: string, idKey: Buffer, ver: number, doc: string, tree?: unknown): number {
    this.keys.source = tree ? { text: doc, tree } : null;
    const info = this.statement(`INSERT INTO "${tableName(collection)}" (id, ver, doc) VALUES (?, ?, ?)`).run(idKey, ver, doc);
    return Number(info.lastInsertRowid);
  }

  updateRow(collection: string, seq: number, ver: number, doc: string): void {
    this.statement(`UPDATE "${tableName(collection)}" SET ver = ?, doc = ? WHERE seq = ?`).run(ver, doc, seq);
  }

  deleteRow(collection: string, seq: number): void {
    this.statement(`DELETE FROM "${tableName(collection)}" WHERE seq = ?`).run(seq);
  }

  count(collection: string): number {
    return this.statement(`SELECT count(*) FROM "${tableName(collection)}"`).pluck().get() as number;
  }

  /** Runs `fn` in one SQLite transaction: all of its writes land, or none (e.g. on a unique-index violation). */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

function meta(name: string, indexes: IndexSpec[], multikey: Set<string>): CollectionMeta {
  return { name, indexes, multikey, indexedPaths: [...new Set(indexes.flatMap((s) => s.keys.map(([p]) => p)))] };
}

function sqlIndexName(collection: string, index: string): string {
  return `i$${collection}$${index}`;
}

/** The document being inserted, as an EJSON tree: `cb_key` reads it instead of parsing the text it became. */
interface KeySource {
  source: { text: string; tree: unknown } | null;
}

/**
 * `cb_key(doc, path)`: the index key of the value at `path` in a stored document (a path crossing an array yields the
 * array's key). SQLite calls it for every index on every write, and for old versions when it updates or deletes them,
 * so it works on the EJSON tree (a native JSON.parse) and decodes only the leaf.
 */
function registerKeyFunction(db: Database.Database, keys: KeySource): void {
  let lastText = '';
  let lastTree: unknown;
  db.function('cb_key', { deterministic: true }, (docText: unknown, pathName: unknown) => {
    if (typeof docText !== 'string' || typeof pathName !== 'string') return null;
    if (docText !== lastText) {
      lastTree = keys.source?.text === docText ? keys.source.tree : JSON.parse(docText);
      lastText = docText;
    }
    let value: unknown = lastTree;
    for (const part of splitPath(pathName)) {
      if (Array.isArray(value)) break;
      value = isPlainObject(value) && !isWrapper(value) ? value[part] : undefined;
    }
    return treeKey(value);
  });
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
  return indexKey(EJSON.deserialize({ v: value }, { relaxed: true }).v);
}
