import { isOperatorObject } from './matcher.js';
import type { SortSpec } from './sort.js';
import type { CollectionMeta } from './store.js';
import { type IndexSpec, orderedKeys } from './schema.js';
import { type Doc, bracketEnd, bracketStart, indexKey, isPlainObject, typeBracket } from './values.js';

/**
 * Turns the indexable part of a query into SQL over the key columns of declared indexes, so SQLite can seek and
 * sort with its indexes. The SQL is a superset filter: every row it yields is still checked by the compiled matcher,
 * so only conditions whose SQL form is exactly MongoDB's are marked `exact` (which allows SQL OFFSET and count(*)).
 * Paths that ever held an array (multikey) are left to the matcher, as are regexes, objects and arrays. A sorted query
 * with an `$in` is run as one ordered index scan per value, merged (database.ts `streamingSql`), as MongoDB does.
 */
export interface QueryPlan {
  where: string[];
  params: unknown[];
  /** SQL ORDER BY when the sort can be done by SQLite; null when the caller must sort in memory. */
  orderBy: string | null;
  /** True when `where` expresses the whole filter exactly. */
  exact: boolean;
  /**
   * The first `IN (...)` term, by its place in `where` and `params`: a sorted query with one can be run as one ordered
   * index scan per value, merged (see `streamingSql`), where SQLite would otherwise sort every match.
   */
  inList?: { clause: number; param: number; column: string; count: number };
}

type PlanContext = Pick<CollectionMeta, 'indexes' | 'multikey' | 'keyColumns'>;

const RANGE_OPS = new Set(['$eq', '$gt', '$gte', '$lt', '$lte', '$in']);

export function planQuery(filter: Doc | undefined, sort: SortSpec, ctx: PlanContext): QueryPlan {
  const indexed = new Set(ctx.indexes.flatMap((i) => orderedKeys(i).map(([p]) => p)).filter((p) => !ctx.multikey.has(p)));
  const plan: QueryPlan = { where: [], params: [], orderBy: null, exact: true };
  for (const [field, condition] of conjuncts(filter ?? {})) {
    if (field === undefined) {
      plan.exact = false;
      continue;
    }
    const column = field === '_id' ? 'id' : indexed.has(field) ? ctx.keyColumns.get(field)! : null;
    if (!column || !pushCondition(column, condition, plan)) plan.exact = false;
  }
  const sortable = sort.every(([p]) => p === '_id' || indexed.has(p));
  if (sortable) {
    // `_id` sorts on its key column where an index names it after other keys (e.g. `{stock: 1, _id: 1}` for keyset
    // pages on a field with many ties), so SQLite walks that index instead of sorting each run of equal values.
    const idColumn = ctx.keyColumns.get('_id') ?? 'id';
    const terms = sort.map(([p, d]) => `${p === '_id' ? idColumn : ctx.keyColumns.get(p)!} ${d === 1 ? 'ASC' : 'DESC'}`);
    terms.push(`seq ${tiebreakDirection(sort, ctx.indexes) === 1 ? 'ASC' : 'DESC'}`);
    plan.orderBy = terms.join(', ');
  }
  return plan;
}

/**
 * Ties break on insertion order in the direction an index scan yields them: SQLite index entries end with the rowid
 * in ascending order, so a sort that runs against the index's declared direction (a backward scan) meets equal keys
 * newest first. The in-memory sort uses the same rule, so a page never depends on whether an index served it.
 */
export function tiebreakDirection(sort: SortSpec, indexes: IndexSpec[]): 1 | -1 {
  const last = sort[sort.length - 1];
  if (!last) return 1;
  const [path, direction] = last;
  const declared = indexes.flatMap(orderedKeys).find(([p]) => p === path)?.[1] ?? 1;
  return direction === declared ? 1 : -1;
}

/** The top-level AND terms of a filter as [field, condition]; terms that are not plain field conditions give undefined. */
function conjuncts(filter: Doc): Array<[string | undefined, unknown]> {
  const out: Array<[string | undefined, unknown]> = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value)
        if (isPlainObject(sub)) out.push(...conjuncts(sub));
        else out.push([undefined, sub]);
    } else if (key.startsWith('$')) {
      out.push([undefined, value]);
    } else {
      out.push([key, value]);
    }
  }
  return out;
}

/** A value whose key order and equality are exactly MongoDB's (see `indexKey`). */
function isScalarKey(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v) && (Number.isSafeInteger(v) || !Number.isInteger(v));
  return typeof v === 'string' || typeof v === 'boolean' || v === null || (v instanceof Date && !Number.isNaN(v.getTime()));
}

function pushCondition(column: string, condition: unknown, plan: QueryPlan): boolean {
  let operators: Doc;
  try {
    operators = isOperatorObject(condition) ? condition : { $eq: condition };
  } catch {
    return false;
  }
  const ops = Object.entries(operators);
  if (!ops.every(([op]) => RANGE_OPS.has(op))) return false;
  for (const [op, arg] of ops) {
    if (op === '$in') {
      if (!Array.isArray(arg) || arg.length === 0 || !arg.every(isScalarKey)) return false;
    } else if (!isScalarKey(arg)) return false;
  }
  for (const [op, arg] of ops) {
    if (op === '$eq') {
      plan.where.push(`${column} = ?`);
      plan.params.push(indexKey(arg));
    } else if (op === '$in') {
      const values = arg as unknown[];
      plan.inList ??= { clause: plan.where.length, param: plan.params.length, column, count: values.length };
      plan.where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
      plan.params.push(...values.map(indexKey));
    } else {
      // Type bracketing: `$gt: 5` only matches numbers, so the range is closed at the end of the number bracket.
      const bracket = typeBracket(arg);
      const sqlOp = op === '$gt' ? '>' : op === '$gte' ? '>=' : op === '$lt' ? '<' : '<=';
      plan.where.push(`${column} ${sqlOp} ?`);
      plan.params.push(indexKey(arg));
      if (op === '$gt' || op === '$gte') {
        plan.where.push(`${column} < ?`);
        plan.params.push(bracketEnd(bracket));
      } else {
        plan.where.push(`${column} >= ?`);
        plan.params.push(bracketStart(bracket));
      }
    }
  }
  return true;
}
