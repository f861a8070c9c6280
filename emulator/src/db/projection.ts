import { invalidParam, unsupported } from '../errors.js';
import { compileFilter } from './matcher.js';
import { splitPath } from './paths.js';
import { type Doc, cloneValue, isPlainObject } from './values.js';

/**
 * The `field()` projection of `get()`: `{f: 1 | 0}` as the SDK sends it in `projection`, plus booleans,
 * nested specs (`{a: {b: 1}}` = `{"a.b": 1}`) and the `$slice` / `$elemMatch` array operators
 * (`_.project.slice(n)`, `_.project.elemMatch(q)`).
 */

type Rule =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'slice'; skip: number | undefined; limit: number }
  | { kind: 'elemMatch'; matches: (element: unknown) => boolean };

/** Projection paths as a tree of field names, with a rule at each leaf. */
type Tree = Map<string, Tree | Rule>;

const INCLUDE: Rule = { kind: 'include' };
const EXCLUDE: Rule = { kind: 'exclude' };

export function compileProjection(spec: Doc | undefined): ((doc: Doc) => Doc) | undefined {
  if (spec === undefined) return undefined;
  if (!isPlainObject(spec)) throw invalidParam('projection must be an object');
  const entries = flattenSpec(spec, '');
  if (entries.length === 0) return undefined;

  const tree: Tree = new Map();
  let inclusions = 0;
  let exclusions = 0;
  let slices = 0;
  for (const [path, value] of entries) {
    const rule = parseRule(path, value);
    if (rule.kind === 'slice') slices++;
    else if (path !== '_id' && rule.kind === 'exclude') exclusions++;
    else if (path !== '_id') inclusions++;
    addRule(tree, path, rule);
  }
  if (inclusions && exclusions) {
    throw invalidParam('projection cannot mix inclusion and exclusion (only _id may be excluded from an inclusion)');
  }
  // `_id` alone decides the mode only when nothing else does: `{_id: 1}` returns just `_id`.
  const inclusive = inclusions > 0 || (exclusions === 0 && slices === 0 && tree.get('_id') === INCLUDE);
  if (!inclusive) return (doc) => exclude(doc, tree);
  if (!tree.has('_id')) tree.set('_id', INCLUDE);
  return (doc) => include(doc, tree);
}

/** `{a: {b: 1}}` becomes `[["a.b", 1]]`; operator objects (`{$slice: 2}`) are values, not sub-projections. */
function flattenSpec(spec: Doc, prefix: string): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(spec)) {
    const path = prefix + key;
    const nested = isPlainObject(value) && !Object.keys(value).some((k) => k.startsWith('$'));
    if (!nested) {
      out.push([path, value]);
      continue;
    }
    if (Object.keys(value).length === 0) throw invalidParam(`projection of '${path}' is an empty object`);
    out.push(...flattenSpec(value, `${path}.`));
  }
  return out;
}

function parseRule(path: string, value: unknown): Rule {
  for (const part of splitPath(path)) {
    if (part === '$' || part.startsWith('$[')) throw unsupported(`positional projection ('${path}')`);
    if (part.startsWith('$')) throw invalidParam(`projection field '${path}' cannot start with '$'`);
  }
  if (typeof value === 'boolean') return value ? INCLUDE : EXCLUDE;
  if (typeof value === 'number') return value === 0 ? EXCLUDE : INCLUDE;
  if (!isPlainObject(value)) throw invalidParam(`projection value for '${path}' must be 1, 0, true, false or an operator`);

  const keys = Object.keys(value);
  if (keys.length !== 1) throw invalidParam(`projection of '${path}' takes one operator, got ${keys.join(', ')}`);
  const operator = keys[0]!;
  const arg = value[operator];
  switch (operator) {
    case '$slice':
      return parseSlice(path, arg);
    case '$elemMatch': {
      if (path.includes('.')) throw invalidParam(`$elemMatch projection cannot be used on a nested field ('${path}')`);
      if (!isPlainObject(arg)) throw invalidParam(`$elemMatch projection of '${path}' needs an object`);
      const test = compileFilter({ v: { $elemMatch: arg } });
      return { kind: 'elemMatch', matches: (element) => test({ v: [element] }) };
    }
    case '$meta':
      throw unsupported(`$meta projection ('${path}')`);
    default:
      throw invalidParam(`unknown projection operator ${operator} for '${path}'`);
  }
}

function parseSlice(path: string, arg: unknown): Rule {
  if (Number.isInteger(arg)) return { kind: 'slice', skip: undefined, limit: arg as number };
  if (Array.isArray(arg) && arg.length === 2 && arg.every((n) => Number.isInteger(n))) {
    const [skip, limit] = arg as [number, number];
    if (limit <= 0) throw invalidParam(`$slice limit for '${path}' must be positive`);
    return { kind: 'slice', skip, limit };
  }
  throw invalidParam(`$slice for '${path}' must be an integer or [skip, limit]`);
}

function addRule(tree: Tree, path: string, rule: Rule): void {
  const parts = splitPath(path);
  let node = tree;
  for (let i = 0; i < parts.length - 1; i++) {
    const child = node.get(parts[i]!);
    if (child !== undefined && !(child instanceof Map)) throw invalidParam(`projection path collision at '${path}'`);
    if (child === undefined) {
      const created: Tree = new Map();
      node.set(parts[i]!, created);
      node = created;
    } else {
      node = child;
    }
  }
  const last = parts[parts.length - 1]!;
  if (node.has(last)) throw invalidParam(`projection path collision at '${path}'`);
  node.set(last, rule);
}

/** Inclusion: only the listed fields, in document order; a path into an array projects each document in it. */
function include(doc: Doc, tree: Tree): Doc {
  const out: Doc = {};
  for (const [key, value] of Object.entries(doc)) {
    const rule = tree.get(key);
    if (rule === undefined || value === undefined) continue;
    const projected = rule instanceof Map ? includeNested(value, rule) : applyRule(value, rule);
    if (projected !== undefined) out[key] = projected;
  }
  return out;
}

function includeNested(value: unknown, tree: Tree): unknown {
  if (isPlainObject(value)) return include(value, tree);
  // Scalars in the array have none of the listed fields, so MongoDB drops them.
  if (Array.isArray(value))
    return value.filter((el) => isPlainObject(el) || Array.isArray(el)).map((el) => includeNested(el, tree));
  return undefined;
}

/** Exclusion: everything except the listed fields (and with `$slice` applied). */
function exclude(doc: Doc, tree: Tree): Doc {
  const out: Doc = {};
  for (const [key, value] of Object.entries(doc)) {
    const rule = tree.get(key);
    const projected =
      rule === undefined ? cloneValue(value) : rule instanceof Map ? excludeNested(value, rule) : applyRule(value, rule);
    if (projected !== undefined) out[key] = projected;
  }
  return out;
}

function excludeNested(value: unknown, tree: Tree): unknown {
  if (isPlainObject(value)) return exclude(value, tree);
  if (Array.isArray(value)) return value.map((el) => excludeNested(el, tree));
  return cloneValue(value);
}

/** The projected value of one field, or undefined to leave the field out. */
function applyRule(value: unknown, rule: Rule): unknown {
  switch (rule.kind) {
    case 'include':
      return cloneValue(value);
    case 'exclude':
      return undefined;
    case 'slice':
      return Array.isArray(value) ? cloneValue(slice(value, rule.skip, rule.limit)) : cloneValue(value);
    case 'elemMatch': {
      if (!Array.isArray(value)) return undefined;
      const index = value.findIndex(rule.matches);
      return index < 0 ? undefined : [cloneValue(value[index])];
    }
  }
}

function slice(array: unknown[], skip: number | undefined, limit: number): unknown[] {
  if (skip === undefined) return limit >= 0 ? array.slice(0, limit) : array.slice(Math.max(0, array.length + limit));
  const start = skip < 0 ? Math.max(0, array.length + skip) : skip;
  return array.slice(start, start + limit);
}
