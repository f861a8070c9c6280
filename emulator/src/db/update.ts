import { Timestamp } from 'bson';
import { invalidParam, unsupported } from '../errors.js';
import { compileFilter } from './matcher.js';
import { getPath, setPath, splitPath, unsetPath } from './paths.js';
import { parseSortSpec, sortComparator } from './sort.js';
import { type Doc, cloneValue, compareStrings, compareValues, isPlainObject, isRegex, valuesEqual } from './values.js';

/**
 * MongoDB update documents as the wx-server-sdk sends them (docs/wire-protocol.md), applied in JS to a copy of the
 * stored document.
 */

export interface UpdateOptions {
  /** The update is creating the document of an upsert: `$setOnInsert` applies. */
  upsertInsert?: boolean;
  /** Server time in ms for `$currentDate` (default: now), so that it can agree with `serverDate()` in the request. */
  now?: number;
}

interface Context {
  now: number;
}

/** One operator's change to one field; `arg` is the operand's value for that field. */
type Handler = (doc: Doc, path: string, arg: unknown, ctx: Context) => void;

const ID_MESSAGE = '不能更新_id的值 (cannot update _id)';

/** True for `{$set: …, $inc: …}`, false for a plain document; a mix of both is refused. */
export function isOperatorUpdate(update: Doc): boolean {
  const keys = Object.keys(update);
  const operators = keys.filter((k) => k.startsWith('$')).length;
  if (operators > 0 && operators < keys.length) {
    throw invalidParam(`update mixes operators and plain fields: ${keys.join(', ')}`);
  }
  return operators > 0;
}

export function applyUpdate(doc: Doc, update: Doc, options: UpdateOptions = {}): Doc {
  if (!isPlainObject(update)) throw invalidParam('update must be an object');
  if (Object.keys(update).length > 0 && !isOperatorUpdate(update)) {
    throw invalidParam('update must use update operators ($set, $inc, ...), not a plain document');
  }
  const changes = collectChanges(update);
  checkConflicts(changes);
  // MongoDB applies changes in field-name order, which decides where new fields land in the document.
  changes.sort((a, b) => comparePaths(a.path, b.path));

  const out = cloneValue(doc);
  const ctx: Context = { now: options.now ?? Date.now() };
  for (const change of changes) {
    if (change.op === '$setOnInsert' && !options.upsertInsert) continue;
    HANDLERS[change.op]!(out, change.path, change.arg, ctx);
  }
  return out;
}

/** The document `doc.set()` stores: the replacement under the addressed `_id`. */
export function replaceDocument(id: unknown, replacement: Doc): Doc {
  if (!isPlainObject(replacement)) throw invalidParam('replacement document must be an object');
  const operator = Object.keys(replacement).find((k) => k.startsWith('$'));
  if (operator) throw invalidParam(`a replacement document cannot contain update operators (found ${operator})`);
  if (replacement._id !== undefined && !valuesEqual(replacement._id, id)) throw invalidParam(ID_MESSAGE);
  validateNewDocument(replacement);
  const out: Doc = { _id: id };
  for (const [key, value] of Object.entries(replacement)) if (key !== '_id') out[key] = cloneValue(value);
  return out;
}

/** Refuses `$`-prefixed field names at any depth: MongoDB would not store them. */
export function validateNewDocument(doc: Doc): void {
  validateStorable(doc, '');
}

function validateStorable(value: unknown, where: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => validateStorable(item, where ? `${where}.${i}` : String(i)));
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const path = where ? `${where}.${key}` : key;
      if (key.startsWith('$')) throw invalidParam(`the dollar ($) prefixed field '${key}' in '${path}' is not valid for storage`);
      validateStorable(value[key], path);
    }
  }
}

// ---- Parsing and checks that do not depend on the document ----

interface Change {
  op: string;
  path: string;
  arg: unknown;
}

function collectChanges(update: Doc): Change[] {
  const changes: Change[] = [];
  for (const [op, operand] of Object.entries(update)) {
    if (!Object.hasOwn(HANDLERS, op)) throw invalidParam(`unknown update operator ${op}`);
    if (!isPlainObject(operand)) throw invalidParam(`${op} expects an object of fields, got ${describe(operand)}`);
    for (const [path, arg] of Object.entries(operand)) {
      checkUpdatePath(path);
      if (op === '$rename') {
        if (typeof arg !== 'string') throw invalidParam(`$rename target for '${path}' must be a string`);
        checkUpdatePath(arg);
        if (arg === path || isPrefix(path, arg) || isPrefix(arg, path)) {
          throw invalidParam(`$rename source '${path}' and target '${arg}' must not be on the same path`);
        }
      }
      changes.push({ op, path, arg });
    }
  }
  return changes;
}

function checkUpdatePath(path: string): void {
  for (const part of splitPath(path)) {
    if (part === '$' || part.startsWith('$[')) throw unsupported(`positional update operator ('${path}')`);
    if (part.startsWith('$')) throw invalidParam(`the dollar ($) prefixed field '${part}' in '${path}' is not valid for storage`);
  }
  if (splitPath(path)[0] === '_id') throw invalidParam(ID_MESSAGE);
}

/** MongoDB refuses two changes to one path, or to a path and its prefix: `$set a` with `$inc a.b`. */
function checkConflicts(changes: Change[]): void {
  const touched = new Set<string>();
  const paths = changes.flatMap((c) => (c.op === '$rename' ? [c.path, c.arg as string] : [c.path]));
  for (const path of paths) {
    if (touched.has(path)) throw invalidParam(`updating the path '${path}' would create a conflict at '${path}'`);
    touched.add(path);
  }
  for (const path of paths) {
    const parts = splitPath(path);
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('.');
      if (touched.has(prefix)) throw invalidParam(`updating the path '${path}' would create a conflict at '${prefix}'`);
    }
  }
}

function isPrefix(prefix: string, path: string): boolean {
  return path.startsWith(`${prefix}.`);
}

/** Segment by segment; numeric segments in numeric order, as MongoDB orders field names it updates. */
function comparePaths(a: string, b: string): number {
  const pa = splitPath(a);
  const pb = splitPath(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y) || compareStrings(x, y);
    return compareStrings(x, y);
  }
  return pa.length - pb.length;
}

// ---- Operator handlers ----

const HANDLERS: Record<string, Handler> = {
  $set: setField,
  $setOnInsert: setField,
  $unset: (doc, path) => unsetPath(doc, path),
  $inc: (doc, path, arg) =>
    arithmetic(
      doc,
      path,
      arg,
      '$inc',
      (cur, n) => cur + n,
      (n) => n,
    ),
  $mul: (doc, path, arg) =>
    arithmetic(
      doc,
      path,
      arg,
      '$mul',
      (cur, n) => cur * n,
      () => 0,
    ),
  $min: (doc, path, arg) => {
    const cur = getPath(doc, path);
    if (cur === undefined || compareValues(arg, cur) < 0) setField(doc, path, arg);
  },
  $max: (doc, path, arg) => {
    const cur = getPath(doc, path);
    if (cur === undefined || compareValues(arg, cur) > 0) setField(doc, path, arg);
  },
  $rename: rename,
  $push: push,
  $addToSet: addToSet,
  $pop: (doc, path, arg) => {
    if (arg !== 1 && arg !== -1) throw invalidParam(`$pop expects 1 or -1 for '${path}', got ${describe(arg)}`);
    const array = existingArray(doc, path, '$pop');
    if (array?.length) setPath(doc, path, arg === 1 ? array.slice(0, -1) : array.slice(1));
  },
  $pull: (doc, path, arg) => {
    const array = existingArray(doc, path, '$pull');
    if (!array) return;
    const matches = pullMatcher(arg);
    setPath(
      doc,
      path,
      array.filter((el) => !matches(el)),
    );
  },
  $pullAll: (doc, path, arg) => {
    if (!Array.isArray(arg)) throw invalidParam(`$pullAll expects an array for '${path}', got ${describe(arg)}`);
    const array = existingArray(doc, path, '$pullAll');
    if (!array) return;
    setPath(
      doc,
      path,
      array.filter((el) => !arg.some((v) => valuesEqual(el, v))),
    );
  },
  $bit: bit,
  $currentDate: (doc, path, arg, ctx) => {
    let value: unknown;
    if (typeof arg === 'boolean') value = new Date(ctx.now);
    else if (isPlainObject(arg) && Object.keys(arg).length === 1 && arg.$type === 'date') value = new Date(ctx.now);
    else if (isPlainObject(arg) && Object.keys(arg).length === 1 && arg.$type === 'timestamp') {
      value = new Timestamp({ t: Math.floor(ctx.now / 1000), i: 1 });
    } else {
      throw invalidParam(`$currentDate for '${path}' expects true or {$type: 'date' | 'timestamp'}`);
    }
    setPath(doc, path, value);
  },
};

function setField(doc: Doc, path: string, arg: unknown): void {
  validateStorable(arg, path);
  setPath(doc, path, cloneValue(arg));
}

function arithmetic(
  doc: Doc,
  path: string,
  arg: unknown,
  op: string,
  combine: (cur: number, n: number) => number,
  onMissing: (n: number) => number,
): void {
  if (typeof arg !== 'number') throw invalidParam(`${op} for '${path}' must be a number, got ${describe(arg)}`);
  const cur = getPath(doc, path);
  if (cur === undefined) setPath(doc, path, onMissing(arg));
  else if (typeof cur === 'number') setPath(doc, path, combine(cur, arg));
  else throw invalidParam(`cannot apply ${op} to field '${path}' of non-numeric type (${describe(cur)})`);
}

function rename(doc: Doc, from: string, arg: unknown): void {
  const to = arg as string;
  if (crossesArray(doc, from) || crossesArray(doc, to)) {
    throw invalidParam(`$rename cannot move '${from}' to '${to}': a path goes through an array`);
  }
  const value = getPath(doc, from);
  if (value === undefined) return;
  unsetPath(doc, from);
  setPath(doc, to, value);
}

/** True when an existing array sits on the way to `path` (not at its end): `$rename` refuses array elements. */
function crossesArray(doc: Doc, path: string): boolean {
  let value: unknown = doc;
  for (const part of splitPath(path).slice(0, -1)) {
    if (!isPlainObject(value)) return Array.isArray(value);
    value = value[part];
  }
  return Array.isArray(value);
}

const PUSH_MODIFIERS = new Set(['$each', '$position', '$slice', '$sort']);

function push(doc: Doc, path: string, arg: unknown): void {
  const modifiers = isPlainObject(arg) && '$each' in arg ? arg : { $each: [arg] };
  for (const key of Object.keys(modifiers)) {
    if (!PUSH_MODIFIERS.has(key)) throw invalidParam(`unrecognized clause in $push for '${path}': ${key}`);
  }
  const { $each: items, $position: position, $slice: slice, $sort: sort } = modifiers;
  if (!Array.isArray(items)) throw invalidParam(`$push $each for '${path}' must be an array, got ${describe(items)}`);
  if (position !== undefined && !Number.isInteger(position))
    throw invalidParam(`$push $position for '${path}' must be an integer`);
  if (slice !== undefined && !Number.isInteger(slice)) throw invalidParam(`$push $slice for '${path}' must be an integer`);
  const compare = sort === undefined ? undefined : pushSortComparator(sort, path);
  validateStorable(items, path);

  const current = existingArray(doc, path, '$push') ?? [];
  let at = position === undefined ? current.length : (position as number);
  at = at < 0 ? Math.max(0, current.length + at) : Math.min(at, current.length);
  let array = [...current.slice(0, at), ...cloneValue<unknown[]>(items), ...current.slice(at)];
  if (compare) array.sort(compare);
  if (slice !== undefined) {
    const n = slice as number;
    array = n >= 0 ? array.slice(0, n) : array.slice(Math.max(0, array.length + n));
  }
  setPath(doc, path, array);
}

/** `$sort: 1 | -1` orders the elements themselves; `$sort: {field: ±1}` orders documents by their fields. */
function pushSortComparator(sort: unknown, path: string): (a: unknown, b: unknown) => number {
  if (sort === 1 || sort === -1) return (a, b) => compareValues(a, b) * sort;
  if (!isPlainObject(sort) || Object.keys(sort).length === 0) {
    throw invalidParam(`$push $sort for '${path}' must be 1, -1 or a non-empty object of field directions`);
  }
  const byFields = sortComparator(parseSortSpec(sort));
  // Non-document elements have none of the sort fields, so they compare as null.
  return (a, b) => byFields(asDoc(a), asDoc(b));
}

function asDoc(v: unknown): Doc {
  return isPlainObject(v) ? v : {};
}

function addToSet(doc: Doc, path: string, arg: unknown): void {
  const items = addToSetItems(arg, path);
  validateStorable(items, path);
  const array = existingArray(doc, path, '$addToSet') ?? [];
  for (const item of items) {
    if (!array.some((el) => valuesEqual(el, item))) array.push(cloneValue(item));
  }
  setPath(doc, path, array);
}

function addToSetItems(arg: unknown, path: string): unknown[] {
  if (!isPlainObject(arg)) return [arg];
  const keys = Object.keys(arg);
  // The SDK's `_.addToSet({each: [...]})` sends `each` without the `$`, though CloudBase's SDK docs promise `$each`.
  if (keys.length === 1 && keys[0] === 'each' && Array.isArray(arg.each)) return arg.each;
  if (!('$each' in arg)) return [arg];
  if (keys.length > 1) throw invalidParam(`$addToSet with $each for '${path}' takes no other clauses (found ${keys.join(', ')})`);
  if (!Array.isArray(arg.$each)) throw invalidParam(`$addToSet $each for '${path}' must be an array, got ${describe(arg.$each)}`);
  return arg.$each;
}

// Operators such as $and/$or at the top of a `$pull` condition make it a query on element documents, as in MongoDB.
const TOP_LEVEL_QUERY_OPERATORS = new Set(['$and', '$or', '$nor', '$expr', '$where', '$text', '$comment', '$jsonSchema']);

/**
 * Which elements `$pull` removes: a condition on the element itself (`{$in: [...]}`, a regex), a query on element
 * documents (`{price: {$gt: 1}}`), or else elements equal to the value.
 */
function pullMatcher(arg: unknown): (element: unknown) => boolean {
  const firstKey = isPlainObject(arg) ? Object.keys(arg)[0] : undefined;
  if (isRegex(arg) || (firstKey?.startsWith('$') && !TOP_LEVEL_QUERY_OPERATORS.has(firstKey))) {
    const test = compileFilter({ v: arg });
    return (element) => test({ v: element });
  }
  if (isPlainObject(arg)) {
    const test = compileFilter(arg);
    return (element) => isPlainObject(element) && test(element);
  }
  return (element) => valuesEqual(element, arg);
}

const BIT_OPS: Record<string, (a: bigint, b: bigint) => bigint> = {
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  xor: (a, b) => a ^ b,
};

function bit(doc: Doc, path: string, arg: unknown): void {
  if (!isPlainObject(arg) || Object.keys(arg).length === 0) {
    throw invalidParam(`$bit for '${path}' expects an object like {and|or|xor: integer}`);
  }
  const cur = getPath(doc, path) ?? 0;
  if (typeof cur !== 'number' || !Number.isInteger(cur)) {
    throw invalidParam(`cannot apply $bit to field '${path}' of non-integer type (${describe(cur)})`);
  }
  let result = BigInt(cur);
  for (const [name, operand] of Object.entries(arg)) {
    const op = Object.hasOwn(BIT_OPS, name) ? BIT_OPS[name] : undefined;
    if (!op) throw invalidParam(`$bit for '${path}' supports and, or and xor, not ${name}`);
    if (typeof operand !== 'number' || !Number.isInteger(operand)) {
      throw invalidParam(`$bit ${name} for '${path}' must be an integer, got ${describe(operand)}`);
    }
    result = BigInt.asIntN(64, op(result, BigInt(operand)));
  }
  setPath(doc, path, Number(result));
}

// ---- Helpers ----

/** The array at `path`, or undefined when the field is missing; any other value is refused. */
function existingArray(doc: Doc, path: string, op: string): unknown[] | undefined {
  const value = getPath(doc, path);
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalidParam(`${op} needs an array at '${path}', found ${describe(value)}`);
  return value as unknown[];
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (typeof v === 'object') return isPlainObject(v) ? 'object' : (v.constructor?.name ?? 'object');
  return `${typeof v} ${JSON.stringify(v)}`;
}
