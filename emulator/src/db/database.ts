import { EJSON, ObjectId } from 'bson';
import { CloudBaseError, ErrorCode, invalidParam, unsupported } from '../errors.js';
import { decode, decodeParsed, encode, readStorableDocument, withId } from '../ejson.js';
import { type Stage, runPipeline } from './aggregate.js';
import { compileFilter, type Predicate } from './matcher.js';
import { type QueryPlan, planQuery, tiebreakDirection } from './planner.js';
import { compileProjection } from './projection.js';
import { type SortSpec, parseSortSpec, sortComparator } from './sort.js';
import { type CollectionMeta, type Row, Store, tableName } from './store.js';
import { type Transaction, TransactionManager, conflict } from './transactions.js';
import { applyUpdate, isOperatorUpdate, replaceDocument, validateNewDocument } from './update.js';
import { type Doc, cloneValue, indexKey, isPlainObject, typeName } from './values.js';
import { type IndexSpec, checkCollectionName, geoIndexedPaths } from './schema.js';
import { type NearSpec, checkGeoFields, geoUses, nearOf, nearestGeometry, queryGeometry } from './geo.js';
import { setPath } from './paths.js';
import { randomHex } from '../random.js';

/**
 * The database actions of CloudBase's `/admin` API (listed in docs/wire-protocol.md), over the SQLite store and the transaction
 * manager. Each method takes the request body and returns the response fields besides `requestId`.
 */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

type Body = Record<string, unknown>;

interface Found {
  seq: number;
  idHex: string;
  text: string;
  doc: Doc;
}

interface FindOptions {
  sort?: SortSpec;
  skip?: number;
  limit?: number;
  tx?: Transaction | undefined;
}

interface PendingHistory {
  collection: string;
  idHex: string;
  previous: Row | undefined;
  ver: number;
}

export class DatabaseService {
  readonly transactions: TransactionManager;
  /** Statistics for the status page and benchmarks. */
  readonly stats = { requests: 0, errors: 0 };

  constructor(
    readonly store: Store,
    options: { transactionTtlMs?: number } = {},
  ) {
    this.transactions = new TransactionManager(() => store.now(), options.transactionTtlMs);
  }

  readonly actions: Record<string, (body: Body, now: number) => Body> = {
    'database.addCollection': (b) => this.addCollection(b),
    'database.insertDocument': (b, now) => this.insertDocument(b, now),
    'database.getDocument': (b, now) => this.getDocument(b, now),
    'database.calculateDocument': (b, now) => this.calculateDocument(b, now),
    'database.modifyDocument': (b, now) => this.modifyDocument(b, now),
    'database.modifyAndReturnDoc': (b, now) => this.modifyAndReturnDoc(b, now),
    'database.removeDocument': (b, now) => this.removeDocument(b, now),
    'database.aggregateDocuments': (b, now) => this.aggregateDocuments(b, now),
    'database.startTransaction': (_b, now) => ({ transactionId: this.transactions.begin(now).id }),
    'database.commitTransaction': (b, now) => this.commitTransaction(b, now),
    'database.abortTransaction': (b, now) => this.abortTransaction(b, now),
  };

  // ---- actions -------------------------------------------------------------------------------------------------

  private addCollection(body: Body): Body {
    const name = collectionName(body);
    if (!this.store.createCollection(name)) throw new CloudBaseError(ErrorCode.COLLECTION_ALREADY_EXIST, `Table exist: ${name}`);
    return {};
  }

  private insertDocument(body: Body, now: number): Body {
    const collection = this.existingCollection(body);
    if (!Array.isArray(body.data) || body.data.length === 0) throw invalidParam('data must be a nonempty array of documents');
    const ctx = { now };
    const docs = body.data.map((item) => {
      const read = readStorableDocument(typeof item === 'string' ? item : JSON.stringify(item), ctx);
      if (read.tree._id === undefined) {
        const id = newId();
        return { id, ...withId(id, read.tree, read.text) };
      }
      const id = typeof read.tree._id === 'string' ? read.tree._id : (decodeParsed({ v: read.tree._id }, ctx) as Doc).v;
      checkId(id);
      return { id, ...read };
    });
    const tx = this.transactionOf(body, now);
    if (tx) {
      for (const { id, text } of docs) this.txInsert(tx, collection, id, text);
    } else {
      this.writeAtomically((history) => {
        for (const { id, tree, text } of docs) this.insertTree(collection, id, tree, text, history);
      });
    }
    return { data: { insertedIds: docs.map((d) => wireId(d.id)) } };
  }

  private getDocument(body: Body, now: number): Body {
    const collection = this.existingCollection(body);
    const filter = parseQuery(body.query, now);
    const tx = this.transactionOf(body, now);
    const projection = compileProjection(parseOptionalObject(body.projection, 'projection', now));
    let found: Found[];
    if (body.queryType === 'DOC') {
      const one = this.findById(collection, docId(filter), tx);
      found = one ? [one] : [];
    } else {
      found = this.find(collection, filter, {
        sort: body.order === undefined ? [] : parseSortSpec(decode(sortText(body.order), { now })),
        skip: nonNegativeInt(body.offset, 'offset', 0),
        limit: pageLimit(body.limit),
        tx,
      });
    }
    return { data: { list: found.map((f) => (projection ? encode(projection(f.doc)) : f.text)) } };
  }

  private calculateDocument(body: Body, now: number): Body {
    const collection = this.existingCollection(body);
    const filter = parseQuery(body.query, now);
    return { data: { total: this.count(collection, filter) } };
  }

  private modifyDocument(body: Body, now: number): Body {
    const collection = this.existingCollection(body);
    const filter = parseQuery(body.query, now);
    const data = decodeObject(body.data, 'data', now);
    const tx = this.transactionOf(body, now);
    const replace = body.merge === false;
    if (body.queryType === 'DOC') {
      const id = docId(filter);
      if (replace) return this.setById(collection, id, data, tx);
      return { data: { updated: this.updateById(collection, id, data, tx) } };
    }
    if (replace) throw invalidParam('replacing documents by query (merge: false without a document id) is not supported');
    const multi = body.multi !== false;
    const update = toUpdate(data);
    const upsert = body.upsert === true;
    if (tx) {
      const targets = this.find(collection, filter, { tx, limit: multi ? undefined : 1 });
      let updated = 0;
      for (const t of targets) updated += this.txUpdate(tx, collection, t, update);
      return { data: { updated } };
    }
    return this.writeAtomically((history) => {
      const compiled = compileFilter(filter);
      const targets = this.find(collection, filter, { limit: multi ? undefined : 1 }, compiled);
      let updated = 0;
      for (const t of targets) if (this.updateRow(collection, t, applyUpdate(t.doc, update), history)) updated++;
      if (targets.length === 0 && upsert) {
        const doc = applyUpdate(equalityFields(filter), update, { upsertInsert: true });
        if (doc._id === undefined) doc._id = newId();
        this.insertDecoded(collection, doc, history);
        return { data: { updated: 0, upsert_id: wireId(doc._id) } };
      }
      return { data: { updated } };
    });
  }

  /** node-sdk's `updateAndReturn`: update the first match, answer with the new version. */
  private modifyAndReturnDoc(body: Body, now: number): Body {
    const collection = this.existingCollection(body);
    const filter = parseQuery(body.query, now);
    const update = toUpdate(decodeObject(body.data, 'data', now));
    const tx = this.transactionOf(body, now);
    const [target] = this.find(collection, filter, { tx, limit: 1 });
    if (!target) return { data: { updated: 0, doc: null } };
    const next = applyUpdate(target.doc, update);
    let updated: number;
    if (tx) updated = this.txUpdate(tx, collection, target, update);
    else updated = this.writeAtomically((history) => (this.updateRow(collection, target, next, history) ? 1 : 0));
    return { data: { updated, doc: encode(next) } };
  }

  private removeDocument(body: Body, now: number): Body {
    const collection = this.existingCollection(body);
    const filter = parseQuery(body.query, now);
    const tx = this.transactionOf(body, now);
    if (body.queryType === 'DOC') {
      const id = docId(filter);
      if (tx) {
        const visible = this.findById(collection, id, tx);
        if (!visible) return { data: { deleted: 0 } };
        this.txWrite(tx, collection, id, null);
        return { data: { deleted: 1 } };
      }
      return { data: { deleted: this.writeAtomically((h) => this.removeMatching(collection, { _id: id }, false, h)) } };
    }
    const multi = body.multi !== false;
    return { data: { deleted: this.writeAtomically((h) => this.removeMatching(collection, filter, multi, h)) } };
  }

  private aggregateDocuments(body: Body, now: number): Body {
    const collection = this.existingCollection(body);
    if (!Array.isArray(body.stages)) throw invalidParam('stages must be an array');
    const stages: Stage[] = body.stages.map((s) => {
      if (!isPlainObject(s) || typeof s.stageKey !== 'string' || typeof s.stageValue !== 'string')
        throw invalidParam('each stage needs stageKey and stageValue');
      const parsed: unknown = JSON.parse(checkJson(s.stageValue));
      return { name: s.stageKey, value: (decodeParsed({ v: parsed }, { now }) as Doc).v };
    });
    // The leading $match, and a $sort right after it, run as an indexed query; the rest runs in memory.
    let filter: Doc = {};
    let sort: SortSpec = [];
    let rest = stages;
    let input: Doc[];
    if (rest[0]?.name === '$geoNear') {
      input = this.geoNearStage(collection, rest[0].value);
      rest = rest.slice(1);
    } else {
      if (rest[0]?.name === '$match') {
        if (!isPlainObject(rest[0].value)) throw invalidParam('$match needs an object');
        filter = rest[0].value;
        nearOf(filter, false);
        rest = rest.slice(1);
      }
      if (rest[0]?.name === '$sort') {
        sort = parseSortSpec(rest[0].value);
        rest = rest.slice(1);
      }
      input = this.find(collection, filter, { sort }).map((f) => f.doc);
    }
    const output = runPipeline(input, rest, {
      now: new Date(now),
      loadCollection: (name: string) => {
        if (!checkCollectionName(name)) throw invalidParam(`invalid collection name: ${JSON.stringify(name)}`);
        this.store.collection(name);
        return this.find(name, {}, {}).map((f) => f.doc);
      },
    });
    return { data: { list: output.map((d: Doc) => encode(d)) } };
  }

  private commitTransaction(body: Body, now: number): Body {
    const tx = this.transactions.get(body.transactionId, now);
    try {
      for (const [collection, writes] of tx.writes) {
        for (const idHex of writes.keys()) {
          const current = this.store.getRow(collection, Buffer.from(idHex, 'hex'));
          if (this.transactions.changedSince(collection, idHex, current, tx.snapshot)) {
            this.transactions.stats.conflicts++;
            throw conflict();
          }
        }
      }
      this.writeAtomically((history) => {
        for (const [collection, writes] of tx.writes) {
          for (const [idHex, write] of writes) {
            const idKey = Buffer.from(idHex, 'hex');
            const current = this.store.getRow(collection, idKey);
            const ver = this.store.tick();
            if (write.doc === null) {
              if (current) this.store.deleteRow(collection, current.seq);
            } else {
              if (current) this.store.updateRow(collection, current.seq, ver, write.doc);
              else this.insertEncoded(collection, idKey, ver, write.doc);
            }
            history.push({ collection, idHex, previous: current, ver });
          }
        }
      });
      this.transactions.stats.committed++;
    } finally {
      this.transactions.end(tx);
    }
    return {};
  }

  private abortTransaction(body: Body, now: number): Body {
    this.transactions.end(this.transactions.get(body.transactionId, now));
    return {};
  }

  // ---- reads ---------------------------------------------------------------------------------------------------

  /** The request's collection, which must exist (DATABASE_COLLECTION_NOT_EXIST otherwise, as in the cloud). */
  private existingCollection(body: Body): string {
    const name = collectionName(body);
    this.store.collection(name);
    return name;
  }

  private transactionOf(body: Body, now: number): Transaction | undefined {
    return body.transactionId === undefined || body.transactionId === ''
      ? undefined
      : this.transactions.get(body.transactionId, now);
  }

  findById(collection: string, id: unknown, tx?: Transaction): Found | undefined {
    this.store.collection(collection);
    const idKey = indexKey(id);
    const idHex = idKey.toString('hex');
    if (tx) {
      const own = tx.writes.get(collection)?.get(idHex);
      if (own) return own.doc === null ? undefined : found(Number.MAX_SAFE_INTEGER, idHex, own.doc);
      const visible = this.transactions.visibleAt(collection, idHex, this.store.getRow(collection, idKey), tx.snapshot);
      return visible ? found(visible.seq, idHex, visible.doc) : undefined;
    }
    const row = this.store.getRow(collection, idKey);
    return row ? found(row.seq, idHex, row.doc) : undefined;
  }

  /**
   * Documents matching `filter`, sorted, skipped and limited. Outside a transaction SQLite does the indexed part
   * (see planner.ts) and rows stream until the page is full; inside one, the snapshot is assembled from the
   * current rows, the versions superseded since the snapshot and the transaction's own writes.
   */
  find(collection: string, filter: Doc, options: FindOptions, compiled?: Predicate): Found[] {
    const meta = this.store.collection(collection);
    const near = this.checkGeoQuery(meta.indexes, filter, true);
    const matches = compiled ?? compileFilter(filter);
    const sort = options.sort ?? [];
    const skip = options.skip ?? 0;
    const limit = options.limit ?? Infinity;
    const plan = planQuery(filter, sort, meta);
    const where = plan.where.length ? ` WHERE ${plan.where.join(' AND ')}` : '';
    const table = tableName(collection);

    if (!options.tx && !near && (plan.orderBy || sort.length === 0)) {
      const { sql, params, pushPage } = streamingSql(table, plan, where, skip, limit);
      const out: Found[] = [];
      let toSkip = pushPage ? 0 : skip;
      for (const row of this.store.statement(sql).iterate(...params) as Iterable<{ seq: number; id: Buffer; doc: string }>) {
        const f = found(row.seq, row.id.toString('hex'), row.doc);
        if (!plan.exact && !matches(f.doc)) continue;
        if (toSkip > 0) {
          toSkip--;
          continue;
        }
        out.push(f);
        if (out.length >= limit) break;
      }
      return out;
    }

    // Everything that matches, then sort and page in memory.
    const all = new Map<string, Found>();
    const rows = this.store.statement(`SELECT seq, id, ver, doc FROM "${table}"${where}`).iterate(...plan.params) as Iterable<{
      seq: number;
      id: Buffer;
      ver: number;
      doc: string;
    }>;
    const tx = options.tx;
    for (const row of rows) {
      if (tx && row.ver > tx.snapshot) continue; // revisited below from the history
      const f = found(row.seq, row.id.toString('hex'), row.doc);
      if (matches(f.doc)) all.set(f.idHex, f);
    }
    if (tx) {
      const own = tx.writes.get(collection);
      const revisit = new Set([...this.transactions.historyIds(collection), ...(own?.keys() ?? [])]);
      let ownSeq = Number.MAX_SAFE_INTEGER - 1_000_000;
      for (const idHex of revisit) {
        all.delete(idHex);
        const write = own?.get(idHex);
        let visible: { doc: string; seq: number } | null;
        if (write) visible = write.doc === null ? null : { doc: write.doc, seq: ownSeq++ };
        else
          visible = this.transactions.visibleAt(
            collection,
            idHex,
            this.store.getRow(collection, Buffer.from(idHex, 'hex')),
            tx.snapshot,
          );
        if (!visible) continue;
        const f = found(visible.seq, idHex, visible.doc);
        if (matches(f.doc)) all.set(idHex, f);
      }
    }
    const list = [...all.values()];
    if (near && sort.length === 0) {
      // $near orders by distance, nearest first; an explicit sort replaces that order, as in MongoDB.
      const distance = new Map(list.map((f) => [f, nearestGeometry(f.doc, near.path, near.point)?.distance ?? Infinity]));
      list.sort((a, b) => distance.get(a)! - distance.get(b)! || a.seq - b.seq);
    } else {
      const bySort = sortComparator(sort);
      const tiebreak = tiebreakDirection(sort, meta.indexes);
      list.sort((a, b) => bySort(a.doc, b.doc) || (a.seq - b.seq) * tiebreak);
    }
    return list.slice(skip, skip + limit);
  }

  /** SQLite's plan for a non-transactional find: how tests and benchmarks check that indexes are used. */
  explain(collection: string, filter: Doc, sort: SortSpec = [], limit = 20): string[] {
    const plan = planQuery(filter, sort, this.store.collection(collection));
    const where = plan.where.length ? ` WHERE ${plan.where.join(' AND ')}` : '';
    const table = tableName(collection);
    const { sql, params } =
      plan.orderBy || sort.length === 0
        ? streamingSql(table, plan, where, 0, limit)
        : { sql: `SELECT seq, id, ver, doc FROM "${table}"${where}`, params: plan.params };
    return (this.store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
  }

  count(collection: string, filter: Doc): number {
    const meta = this.store.collection(collection);
    this.checkGeoQuery(meta.indexes, filter, false);
    const plan = planQuery(filter, [], meta);
    const where = plan.where.length ? ` WHERE ${plan.where.join(' AND ')}` : '';
    if (plan.exact)
      return this.store
        .statement(`SELECT count(*) FROM "${tableName(collection)}"${where}`)
        .pluck()
        .get(...plan.params) as number;
    return this.find(collection, filter, {}).length;
  }

  // ---- geo -----------------------------------------------------------------------------------------------------

  /**
   * Checks a query's geo conditions against the collection: each needs a 2dsphere index on its field (CloudBase
   * requires one for every geo query), and `$near` may stand only where MongoDB allows it. Answers the $near condition.
   */
  private checkGeoQuery(indexes: IndexSpec[], filter: Doc, nearAllowed: boolean): NearSpec | undefined {
    const uses = geoUses(filter);
    if (uses.length === 0) return undefined;
    const indexed = geoPathsOf(indexes);
    for (const use of uses)
      if (!indexed.includes(use.path))
        throw invalidParam(
          `unable to find index for ${use.op} query: '${use.path}' has no geo index (declare { keys: { '${use.path}': '2dsphere' } })`,
        );
    return nearOf(filter, nearAllowed);
  }

  /** A 2dsphere-indexed field holds only geometries (MongoDB: "Can't extract geo keys"). */
  private checkGeoFields(collection: string, doc: Doc | string): void {
    const paths = geoPathsOf(this.store.collection(collection).indexes);
    if (paths.length === 0) return;
    checkGeoFields(typeof doc === 'string' ? (EJSON.parse(doc, { relaxed: true }) as Doc) : doc, paths);
  }

  /**
   * The `$geoNear` stage (only as the first stage): the documents matching `query`, nearest first, each with its
   * distance in metres (times `distanceMultiplier`) in `distanceField`. Options as CloudBase documents them; `limit`
   * defaults to 100 as in MongoDB 4.0.
   */
  private geoNearStage(collection: string, spec: unknown): Doc[] {
    const allowed = ['near', 'distanceField', 'spherical', 'maxDistance', 'minDistance', 'query', 'distanceMultiplier'];
    allowed.push('includeLocs', 'key', 'limit', 'num');
    if (!isPlainObject(spec)) throw invalidParam('$geoNear requires an object');
    for (const key of Object.keys(spec))
      if (!allowed.includes(key)) throw invalidParam(`unrecognized option to $geoNear: ${key}`);
    const { distanceField, includeLocs, query } = spec;
    if (typeof distanceField !== 'string' || distanceField === '' || distanceField.startsWith('$'))
      throw invalidParam("$geoNear requires a 'distanceField' option as a String");
    if (includeLocs !== undefined && (typeof includeLocs !== 'string' || includeLocs === '' || includeLocs.startsWith('$')))
      throw invalidParam("$geoNear 'includeLocs' must be a field path");
    if (spec.spherical !== true)
      throw invalidParam("$geoNear needs 'spherical: true' (CloudBase requires it; geo indexes are 2dsphere)");
    if (Array.isArray(spec.near)) throw unsupported('$geoNear near a legacy coordinate pair (use a GeoJSON Point)');
    const near = queryGeometry(spec.near, '$geoNear near');
    if (near.type !== 'Point') throw invalidParam("$geoNear 'near' must be a Point");
    const number = (name: string, fallback: number) => {
      const v = spec[name];
      if (v === undefined) return fallback;
      if (typeof v !== 'number' || !(v >= 0)) throw invalidParam(`$geoNear '${name}' must be a non-negative number`);
      return v;
    };
    const [min, max, multiplier] = [number('minDistance', 0), number('maxDistance', Infinity), number('distanceMultiplier', 1)];
    const limit = number('num', number('limit', GEO_NEAR_DEFAULT_LIMIT));
    if (!Number.isInteger(limit) || limit < 1) throw invalidParam("$geoNear 'limit' must be a positive integer");
    if (query !== undefined && !isPlainObject(query)) throw invalidParam("$geoNear 'query' must be an object");
    if (query) nearOf(query, false);
    const indexed = geoPathsOf(this.store.collection(collection).indexes);
    let key: string;
    if (spec.key !== undefined) {
      if (typeof spec.key !== 'string' || !indexed.includes(spec.key))
        throw invalidParam(`$geoNear 'key': no 2dsphere index on ${JSON.stringify(spec.key)}`);
      key = spec.key;
    } else if (indexed.length === 1) {
      key = indexed[0]!;
    } else {
      throw invalidParam(
        indexed.length === 0
          ? 'unable to find index for $geoNear query: the collection has no 2dsphere index'
          : `there is more than one 2dsphere index (${indexed.join(', ')}); specify which with the $geoNear 'key' option`,
      );
    }
    const nearest: Array<{ doc: Doc; distance: number; value: unknown }> = [];
    for (const { doc } of this.find(collection, query ?? {}, {})) {
      const hit = nearestGeometry(doc, key, near.coordinates);
      if (hit && hit.distance >= min && hit.distance <= max) nearest.push({ doc, ...hit });
    }
    nearest.sort((a, b) => a.distance - b.distance); // stable: equal distances keep insertion order
    return nearest.slice(0, limit).map(({ doc, distance, value }) => {
      setPath(doc, distanceField, distance * multiplier);
      if (includeLocs !== undefined) setPath(doc, includeLocs, cloneValue(value));
      return doc;
    });
  }

  // ---- writes --------------------------------------------------------------------------------------------------

  /** Runs writes in one SQLite transaction; versions they superseded are recorded for open snapshots once it commits. */
  private writeAtomically<T>(fn: (history: PendingHistory[]) => T): T {
    const history: PendingHistory[] = [];
    const result = this.store.atomically(() => fn(history));
    for (const h of history) this.transactions.recordSuperseded(h.collection, h.idHex, h.previous, h.ver);
    return result;
  }

  private insertEncoded(collection: string, idKey: Buffer, ver: number, text: string, tree?: Doc): number {
    try {
      return this.store.insertRow(collection, idKey, ver, text, tree);
    } catch (err) {
      throw duplicateError(err, this.store.collection(collection));
    }
  }

  /** Inserts a document given as its text and EJSON tree (see readStorableDocument). */
  private insertTree(collection: string, id: unknown, tree: Doc, text: string, history: PendingHistory[]): void {
    this.checkGeoFields(collection, text);
    const idKey = indexKey(id);
    const ver = this.store.tick();
    this.insertEncoded(collection, idKey, ver, text, tree);
    history.push({ collection, idHex: idKey.toString('hex'), previous: undefined, ver });
  }

  private insertDecoded(collection: string, doc: Doc, history: PendingHistory[]): void {
    const text = encode(doc);
    this.insertTree(collection, doc._id, JSON.parse(text) as Doc, text, history);
  }

  /** Writes a new version of a found document; false when the update changed nothing. */
  private updateRow(collection: string, target: Found, next: Doc, history: PendingHistory[]): boolean {
    const text = encode(next);
    if (text === target.text) return false;
    this.checkGeoFields(collection, next);
    const previous = this.store.getRow(collection, indexKey(target.doc._id));
    const ver = this.store.tick();
    try {
      this.store.updateRow(collection, target.seq, ver, text);
    } catch (err) {
      throw duplicateError(err, this.store.collection(collection));
    }
    history.push({ collection, idHex: target.idHex, previous, ver });
    return true;
  }

  private removeMatching(collection: string, filter: Doc, multi: boolean, history: PendingHistory[]): number {
    const targets = this.find(collection, filter, { limit: multi ? undefined : 1 });
    for (const t of targets) {
      const previous = this.store.getRow(collection, indexKey(t.doc._id));
      this.store.deleteRow(collection, t.seq);
      history.push({ collection, idHex: t.idHex, previous, ver: this.store.tick() });
    }
    return targets.length;
  }

  private updateById(collection: string, id: unknown, data: Doc, tx?: Transaction): number {
    const update = toUpdate(data);
    const target = this.findById(collection, id, tx);
    if (!target) return 0;
    if (tx) return this.txUpdate(tx, collection, target, update);
    return this.writeAtomically((h) => (this.updateRow(collection, target, applyUpdate(target.doc, update), h) ? 1 : 0));
  }

  private setById(collection: string, id: unknown, data: Doc, tx?: Transaction): Body {
    checkId(id);
    const next = replaceDocument(id, data);
    validateNewDocument(next);
    const existing = this.findById(collection, id, tx);
    if (tx) {
      this.txWrite(tx, collection, id, encode(next));
      return { data: { updated: existing ? 1 : 0, upsert_id: null } };
    }
    return this.writeAtomically((h) => {
      if (existing) {
        // The cloud counts a replaced document as updated even when its content did not change (matched, not modified).
        this.updateRow(collection, existing, next, h);
        return { data: { updated: 1, upsert_id: null } };
      }
      this.insertDecoded(collection, next, h);
      return { data: { updated: 0, upsert_id: wireId(id) } };
    });
  }

  private txInsert(tx: Transaction, collection: string, id: unknown, text: string): void {
    if (this.findById(collection, id, tx)) throw duplicateKey(collection, id);
    this.txWrite(tx, collection, id, text);
  }

  private txUpdate(tx: Transaction, collection: string, target: Found, update: Doc): number {
    const text = encode(applyUpdate(target.doc, update));
    if (text === target.text) return 0;
    this.txWrite(tx, collection, target.doc._id, text);
    return 1;
  }

  private txWrite(tx: Transaction, collection: string, id: unknown, doc: string | null): void {
    if (doc !== null) this.checkGeoFields(collection, doc);
    const idKey = indexKey(id);
    const idHex = idKey.toString('hex');
    this.transactions.checkWritable(tx, collection, idHex, this.store.getRow(collection, idKey));
    this.transactions.lock(tx, collection, idHex, { id, doc });
  }
}

/** A query SQLite answers in the requested order, so rows can stream until the page is full. */
/** Values of an `IN` list up to which a sorted query runs as one ordered scan per value, merged. */
const MERGE_IN_VALUES = 32;

function streamingSql(table: string, plan: QueryPlan, where: string, skip: number, limit: number) {
  const pushPage = plan.exact && Number.isFinite(limit);
  const page = pushPage ? ' LIMIT ? OFFSET ?' : '';
  const pageParams = pushPage ? [limit, skip] : [];
  const inList = plan.inList;
  if (plan.orderBy && inList && inList.count > 1 && inList.count <= MERGE_IN_VALUES) {
    // `k IN (a, b) ORDER BY s` reads and sorts every match; `k = a ... UNION ALL k = b ... ORDER BY s` is merged by
    // SQLite from one index scan per value, already in order, so rows stream and the page stops the read (MongoDB
    // merges the per-value index ranges the same way). The sort columns are selected for the compound's ORDER BY.
    const sortColumns = plan.orderBy
      .split(', ')
      .map((term) => term.split(' ')[0]!)
      .filter((c) => c !== 'seq' && c !== 'id');
    const columns = ['seq', 'id', 'doc', ...sortColumns].join(', ');
    const arms: string[] = [];
    const params: unknown[] = [];
    for (let i = 0; i < inList.count; i++) {
      const terms = plan.where.map((term, at) => (at === inList.clause ? `${inList.column} = ?` : term));
      arms.push(`SELECT ${columns} FROM "${table}" WHERE ${terms.join(' AND ')}`);
      params.push(
        ...plan.params.slice(0, inList.param),
        plan.params[inList.param + i],
        ...plan.params.slice(inList.param + inList.count),
      );
    }
    const sql = `${arms.join(' UNION ALL ')} ORDER BY ${plan.orderBy}${page}`;
    return { sql, params: [...params, ...pageParams], pushPage };
  }
  const sql = `SELECT seq, id, doc FROM "${table}"${where} ORDER BY ${plan.orderBy ?? 'seq ASC'}${page}`;
  return { sql, params: [...plan.params, ...pageParams], pushPage };
}

// ---- request parsing ---------------------------------------------------------------------------------------------

/** A stored document; decoded only when something needs its fields (an exact indexed page never does). */
function found(seq: number, idHex: string, text: string): Found {
  let doc: Doc | undefined;
  return {
    seq,
    idHex,
    text,
    get doc() {
      return (doc ??= EJSON.parse(text, { relaxed: true }) as Doc);
    },
  };
}

function collectionName(body: Body): string {
  const name = body.collectionName;
  if (!checkCollectionName(name)) throw invalidParam(`invalid collectionName: ${JSON.stringify(name)}`);
  return name;
}

function parseQuery(query: unknown, now: number): Doc {
  if (query === undefined || query === '' || query === null) return {};
  const decoded = typeof query === 'string' ? decode(query, { now }) : decodeParsed(query, { now });
  if (!isPlainObject(decoded)) throw invalidParam('query must be an object');
  compileFilter(decoded); // refuse a bad query before anything is read or written
  return decoded;
}

function parseOptionalObject(value: unknown, what: string, now: number): Doc | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return decodeObject(value, what, now);
}

function decodeObject(value: unknown, what: string, now: number): Doc {
  const decoded = typeof value === 'string' ? decode(value, { now }) : decodeParsed(value, { now });
  if (!isPlainObject(decoded)) throw invalidParam(`${what} must be an object`);
  return decoded;
}

/** The `order` field is the EJSON text of a sort object, as the SDK sends it; no other value decodes to one. */
function sortText(order: unknown): string {
  if (typeof order !== 'string') throw invalidParam(`order must be an EJSON string, got ${typeName(order)}`);
  return order;
}

function checkJson(text: string): string {
  try {
    JSON.parse(text);
  } catch {
    throw invalidParam(`malformed stage value: ${text.slice(0, 200)}`);
  }
  return text;
}

function docId(filter: Doc): unknown {
  if (!('_id' in filter) || filter._id === undefined) throw invalidParam('a document query needs an _id');
  checkId(filter._id);
  return filter._id;
}

function checkId(id: unknown): void {
  if (!(typeof id === 'string' || typeof id === 'number' || isPlainObject(id) || id instanceof ObjectId) || id === '')
    throw invalidParam(`invalid _id: ${JSON.stringify(id)}`);
}

/** An id as the platform answers it in `insertedIds` and `upsert_id`: an ObjectId as its 24-hex string. */
function wireId(id: unknown): unknown {
  return id instanceof ObjectId ? id.toHexString() : id;
}

function nonNegativeInt(value: unknown, what: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw invalidParam(`${what} must be a nonnegative integer`);
  return value;
}

/** The platform's page rule: 100 by default (also for 0), 1000 at most. */
function pageLimit(value: unknown): number {
  const n = nonNegativeInt(value, 'limit', DEFAULT_LIMIT);
  return n === 0 ? DEFAULT_LIMIT : Math.min(n, MAX_LIMIT);
}

/** MongoDB 4.0's default for `$geoNear`'s `limit`; later versions dropped it (see README: unverified for CloudBase). */
const GEO_NEAR_DEFAULT_LIMIT = 100;

const geoPathsCache = new WeakMap<IndexSpec[], string[]>();
/** Cached per index list: a collection's `indexes` array is replaced whenever its declaration changes. */
function geoPathsOf(indexes: IndexSpec[]): string[] {
  let paths = geoPathsCache.get(indexes);
  if (!paths) geoPathsCache.set(indexes, (paths = geoIndexedPaths(indexes)));
  return paths;
}

/** An update document as sent: operators, or (raw node-sdk) plain fields, which MongoDB-style merging reads as `$set`. */
function toUpdate(data: Doc): Doc {
  if (Object.keys(data).length === 0) throw invalidParam('update data must not be empty');
  return isOperatorUpdate(data) ? data : { $set: data };
}

/** The equality fields of a filter, the seed of an upserted document (MongoDB's upsert rule). */
function equalityFields(filter: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(filter))
    if (!k.startsWith('$') && !(isPlainObject(v) && Object.keys(v).some((x) => x.startsWith('$')))) out[k] = v;
  return out;
}

export function newId(): string {
  // 32 hex characters like the platform's ids, time-ordered so that ids sort roughly by creation.
  return Date.now().toString(16).padStart(12, '0') + randomHex(10);
}

function duplicateKey(collection: string, id: unknown): CloudBaseError {
  return new CloudBaseError(
    ErrorCode.DUPLICATE_WRITE,
    `E11000 duplicate key error collection: ${collection} dup key: { _id: ${JSON.stringify(id)} }`,
  );
}

/** SQLite's UNIQUE violations, on `id` or the key column of a unique index, as MongoDB's duplicate key error. */
function duplicateError(err: unknown, collection: CollectionMeta): unknown {
  const message = (err as Error).message ?? '';
  if (!(err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) return err;
  const column = /\.(id|k\d+)\b/.exec(message)?.[1];
  const path = [...collection.keyColumns].find(([, c]) => c === column)?.[0];
  const index = column === 'id' ? '_id_' : collection.indexes.find((i) => i.unique && i.keys.some(([p]) => p === path))?.name;
  return new CloudBaseError(
    ErrorCode.DUPLICATE_WRITE,
    `E11000 duplicate key error collection: ${collection.name}${index ? ` index: ${index}` : ''}`,
  );
}
