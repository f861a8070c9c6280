import { invalidParam, unsupported } from '../errors.js';
import {
  type Vars,
  avgOf,
  checkExpression,
  checkVariableName,
  describeValue,
  distinctValues,
  evaluateExpression,
  extremeOf,
  isNumeric,
  mergeObjects,
  stdDevOf,
  sumOf,
  valueKey,
} from './expression.js';
import { nearOf } from './geo.js';
import { compileFilter } from './matcher.js';
import { getPath, lookupAll, splitPath } from './paths.js';
import { parseSortSpec, sortDocs } from './sort.js';
import { type Doc, cloneValue, compareValues, isPlainObject, toNumber, typeBracket, typeName } from './values.js';

/** The aggregation pipeline (`coll.aggregate()...end()`), run in memory over decoded documents. */
export interface Stage {
  name: string;
  value: unknown;
}

export interface PipelineContext {
  /** Every document of another collection, for `$lookup`; throws when the collection does not exist. */
  loadCollection(name: string): Doc[];
  now: Date;
  random?: () => number;
}

interface Env {
  ctx: PipelineContext;
  vars: Vars;
}
type StageRunner = (docs: Doc[], spec: unknown, env: Env) => Doc[];

export function runPipeline(input: Doc[], stages: Stage[], ctx: PipelineContext): Doc[] {
  // Stages share unchanged sub-documents with their input; one deep copy at the end keeps the caller's input safe.
  return runStages(input, stages, { ctx, vars: { NOW: ctx.now } }).map(cloneValue);
}

function runStages(input: Doc[], stages: Stage[], env: Env): Doc[] {
  checkStageNames(stages);
  return stages.reduce((docs, stage) => STAGES[stage.name]!(docs, stage.value, env), input);
}

/** Every stage is known before any runs, so an unsupported stage fails even when an earlier one empties the input. */
function checkStageNames(stages: Stage[]): void {
  for (const stage of stages) {
    // The database runs a leading $geoNear itself (database.ts); anywhere else MongoDB refuses it.
    if (stage.name === '$geoNear') throw invalidParam('$geoNear is only valid as the first stage in a pipeline');
    if (!Object.hasOwn(STAGES, stage.name)) throw unsupported(`aggregation stage ${stage.name}`);
  }
}

/** Sub-pipelines (`$lookup.pipeline`, `$facet`) arrive as `[{$match: ...}, ...]`. */
function parseStages(raw: unknown, where: string): Stage[] {
  if (!Array.isArray(raw)) throw invalidParam(`${where} must be an array of stages, found: ${typeName(raw)}`);
  const stages = raw.map((item) => {
    const keys = isPlainObject(item) ? Object.keys(item) : [];
    if (keys.length !== 1)
      throw invalidParam(`${where}: a pipeline stage must be an object with exactly one field, found: ${describeValue(item)}`);
    return { name: keys[0]!, value: (item as Doc)[keys[0]!] };
  });
  checkStageNames(stages);
  return stages;
}

/** A stage's object argument, refusing unknown options and missing required ones. */
function stageOptions(stage: string, spec: unknown, allowed: readonly string[], required: readonly string[] = []): Doc {
  if (!isPlainObject(spec)) throw invalidParam(`the argument to ${stage} must be an object, found: ${typeName(spec)}`);
  for (const key of Object.keys(spec)) if (!allowed.includes(key)) throw invalidParam(`unrecognized option to ${stage}: ${key}`);
  for (const key of required) if (!Object.hasOwn(spec, key)) throw invalidParam(`${stage} requires '${key}' to be specified`);
  return spec;
}

/** `doc` with `path` set (or removed, for undefined), copying only the objects on the way; non-objects are replaced. */
function withPath(doc: Doc, path: string, value: unknown): Doc {
  return withParts(doc, splitPath(path), 0, value);
}

function withParts(doc: Doc, parts: string[], i: number, value: unknown): Doc {
  const out = { ...doc };
  const key = parts[i]!;
  if (i === parts.length - 1) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  } else {
    const child = out[key];
    out[key] = withParts(isPlainObject(child) ? child : {}, parts, i + 1, value);
  }
  return out;
}

function isFieldPathOrOperator(v: unknown): boolean {
  if (typeof v === 'string') return v.length > 1 && v.startsWith('$');
  return isPlainObject(v) && Object.keys(v).length === 1 && Object.keys(v)[0]!.startsWith('$');
}

// ---- $match, $sort, $skip, $limit, $count, $sample

function match(docs: Doc[], spec: unknown, env: Env): Doc[] {
  if (!isPlainObject(spec)) throw invalidParam(`the argument to $match must be an object, found: ${typeName(spec)}`);
  nearOf(spec, false);
  const test = compileFilter(spec, env.vars);
  return docs.filter((doc) => test(doc));
}

function sort(docs: Doc[], spec: unknown): Doc[] {
  const sortSpec = parseSortSpec(spec);
  if (sortSpec.length === 0) throw invalidParam('$sort stage must have at least one sort key');
  return sortDocs([...docs], sortSpec);
}

function integerArgument(stage: string, spec: unknown, min: 0 | 1): number {
  if (typeof spec !== 'number' || !Number.isInteger(spec) || spec < min)
    throw invalidParam(`${stage} must be a ${min ? 'positive' : 'non-negative'} integer, found: ${describeValue(spec)}`);
  return spec;
}

function skip(docs: Doc[], spec: unknown): Doc[] {
  return docs.slice(integerArgument('$skip', spec, 0));
}

/** MongoDB refuses `$limit: 0` ("the limit must be positive"), so the emulator does too. */
function limit(docs: Doc[], spec: unknown): Doc[] {
  return docs.slice(0, integerArgument('$limit', spec, 1));
}

function count(docs: Doc[], spec: unknown): Doc[] {
  if (typeof spec !== 'string' || spec === '') throw invalidParam('the count field must be a non-empty string');
  if (spec.startsWith('$')) throw invalidParam('the count field cannot be a $-prefixed path');
  if (spec.includes('.')) throw invalidParam("the count field cannot contain '.'");
  return docs.length ? [{ [spec]: docs.length }] : [];
}

function sample(docs: Doc[], spec: unknown, env: Env): Doc[] {
  const { size } = stageOptions('$sample', spec, ['size'], ['size']);
  if (!isNumeric(size)) throw invalidParam(`size argument to $sample must be a number, found: ${typeName(size)}`);
  if (toNumber(size) < 0) throw invalidParam('size argument to $sample must not be negative');
  const random = env.ctx.random ?? Math.random;
  const pool = [...docs];
  const n = Math.min(Math.trunc(toNumber(size)), pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}

// ---- $project, $addFields/$set, $unset

type ProjectionNode = { kind: 'include' } | { kind: 'exclude' } | { kind: 'computed'; expr: unknown } | ProjectionTree;
interface ProjectionTree {
  kind: 'tree';
  fields: Map<string, ProjectionNode>;
  hasComputed: boolean;
}

function newTree(): ProjectionTree {
  return { kind: 'tree', fields: new Map(), hasComputed: false };
}

function addProjectionPath(tree: ProjectionTree, path: string, node: ProjectionNode, stage: string): void {
  const parts = splitPath(path);
  if (parts.some((p) => p.startsWith('$'))) throw invalidParam(`${stage}: field path '${path}' may not start with '$'`);
  let target = tree;
  for (const part of parts.slice(0, -1)) {
    let child = target.fields.get(part);
    if (child === undefined) target.fields.set(part, (child = newTree()));
    if (child.kind !== 'tree') throw invalidParam(`${stage}: path collision at ${path}`);
    if (node.kind === 'computed') child.hasComputed = true;
    target = child;
  }
  const last = parts[parts.length - 1]!;
  if (target.fields.has(last)) throw invalidParam(`${stage}: path collision at ${path}`);
  target.fields.set(last, node);
  if (node.kind === 'computed') tree.hasComputed = true;
}

/** `{a: {b: 1}}` is the nested form of `{'a.b': 1}`; an object whose first key is an operator is an expression. */
function parseProjectionFields(tree: ProjectionTree, spec: Doc, prefix: string, stage: string, isProject: boolean): void {
  for (const [key, value] of Object.entries(spec)) {
    const path = prefix + key;
    if (isPlainObject(value) && !Object.keys(value)[0]?.startsWith('$')) {
      if (Object.keys(value).length > 0) {
        parseProjectionFields(tree, value, `${path}.`, stage, isProject);
        continue;
      }
      if (isProject) throw invalidParam(`${stage}: an empty object is not a valid value. Found empty object at path ${path}`);
    }
    if (isProject && (typeof value === 'boolean' || isNumeric(value))) {
      addProjectionPath(tree, path, { kind: value === false || value === 0 ? 'exclude' : 'include' }, stage);
    } else {
      checkExpression(value);
      addProjectionPath(tree, path, { kind: 'computed', expr: value }, stage);
    }
  }
}

function* projectionLeaves(tree: ProjectionTree, prefix = ''): Generator<[string, ProjectionNode]> {
  for (const [key, node] of tree.fields) {
    if (node.kind === 'tree') yield* projectionLeaves(node, `${prefix}${key}.`);
    else yield [prefix + key, node];
  }
}

function parseProject(spec: unknown): { exclusion: boolean; tree: ProjectionTree } {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0)
    throw invalidParam('$project specification must be an object with at least one field');
  const tree = newTree();
  parseProjectionFields(tree, spec, '', '$project', true);
  const id = tree.fields.get('_id');
  // A top-level `_id` may be included or excluded in either kind of projection.
  const leaves = [...projectionLeaves(tree)].filter(([path, node]) => !(path === '_id' && node.kind !== 'computed'));
  const excluded = leaves.find(([, node]) => node.kind === 'exclude');
  const included = leaves.find(([, node]) => node.kind !== 'exclude');
  if (excluded && included) {
    throw included[1].kind === 'computed'
      ? invalidParam(`$project: cannot use an expression (field '${included[0]}') in an exclusion projection`)
      : invalidParam(`$project: cannot do exclusion on field '${excluded[0]}' in an inclusion projection`);
  }
  const exclusion = excluded !== undefined || (included === undefined && id?.kind === 'exclude');
  if (exclusion && id?.kind === 'include') tree.fields.delete('_id');
  if (!exclusion && id === undefined) tree.fields.set('_id', { kind: 'include' });
  if (!exclusion && id?.kind === 'exclude') tree.fields.delete('_id');
  return { exclusion, tree };
}

/** The included part of an inclusion projection; scalars inside arrays are dropped, as in MongoDB. */
function includeValue(tree: ProjectionTree, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => includeValue(tree, item)).filter((item) => item !== undefined);
  if (!isPlainObject(value)) return undefined;
  const out: Doc = {};
  for (const [key, v] of Object.entries(value)) {
    const node = tree.fields.get(key);
    if (node?.kind === 'include' && v !== undefined) out[key] = v;
    if (node?.kind === 'tree') {
      const projected = includeValue(node, v);
      if (projected !== undefined) out[key] = projected;
    }
  }
  return out;
}

function excludeValue(tree: ProjectionTree, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => excludeValue(tree, item));
  if (!isPlainObject(value)) return value;
  const out: Doc = {};
  for (const [key, v] of Object.entries(value)) {
    const node = tree.fields.get(key);
    if (node?.kind === 'exclude' || v === undefined) continue;
    out[key] = node?.kind === 'tree' ? excludeValue(node, v) : v;
  }
  return out;
}

/**
 * Sets the computed fields of `tree` into `value`: through arrays element by element, and replacing a scalar or a
 * missing value with a new object, as MongoDB does. A `$$REMOVE` result removes the field.
 */
function applyComputed(tree: ProjectionTree, value: unknown, root: Doc, env: Env): unknown {
  if (Array.isArray(value)) return value.map((item) => applyComputed(tree, item, root, env));
  const out: Doc = isPlainObject(value) ? { ...value } : {};
  for (const [key, node] of tree.fields) {
    if (node.kind === 'computed') {
      const result = evaluateExpression(node.expr, root, env.vars);
      if (result === undefined) delete out[key];
      else out[key] = result;
    } else if (node.kind === 'tree' && node.hasComputed) {
      out[key] = applyComputed(node, out[key], root, env);
    }
  }
  return out;
}

function project(docs: Doc[], spec: unknown, env: Env): Doc[] {
  const { exclusion, tree } = parseProject(spec);
  if (exclusion) return docs.map((doc) => excludeValue(tree, doc) as Doc);
  return docs.map((doc) => {
    const included = includeValue(tree, doc) as Doc;
    return tree.hasComputed ? (applyComputed(tree, included, doc, env) as Doc) : included;
  });
}

function addFields(stage: string): StageRunner {
  return (docs, spec, env) => {
    if (!isPlainObject(spec) || Object.keys(spec).length === 0)
      throw invalidParam(`${stage} specification must be an object with at least one field`);
    const tree = newTree();
    parseProjectionFields(tree, spec, '', stage, false);
    return docs.map((doc) => applyComputed(tree, doc, doc, env) as Doc);
  };
}

function unset(docs: Doc[], spec: unknown): Doc[] {
  const fields = typeof spec === 'string' ? [spec] : spec;
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => typeof f === 'string' && f !== ''))
    throw invalidParam('$unset specification must be a string or an array of strings with at least one field');
  const tree = newTree();
  for (const field of fields as string[]) addProjectionPath(tree, field, { kind: 'exclude' }, '$unset');
  return docs.map((doc) => excludeValue(tree, doc) as Doc);
}

// ---- $group and the stages built on grouping

interface Accumulator {
  field: string;
  op: string;
  expr: unknown;
}

/** Each accumulator reduces the values its expression took over a group's documents, in input order. */
const ACCUMULATORS: Record<string, (values: unknown[]) => unknown> = {
  $sum: sumOf,
  $avg: avgOf,
  $min: (values) => extremeOf(values, -1),
  $max: (values) => extremeOf(values, 1),
  $first: (values) => values[0],
  $last: (values) => values[values.length - 1],
  $push: (values) => values.filter((v) => v !== undefined),
  $addToSet: (values) => distinctValues(values.filter((v) => v !== undefined)),
  $count: (values) => values.length,
  $stdDevPop: (values) => stdDevOf(values, false),
  $stdDevSamp: (values) => stdDevOf(values, true),
  $mergeObjects: (values) => mergeObjects('$mergeObjects', values),
};

function parseAccumulators(stage: string, spec: Doc, skipField?: string): Accumulator[] {
  return Object.entries(spec)
    .filter(([field]) => field !== skipField)
    .map(([field, value]) => {
      if (field.includes('.')) throw invalidParam(`${stage}: the field name '${field}' cannot contain '.'`);
      if (field.startsWith('$')) throw invalidParam(`${stage}: the field name '${field}' cannot be an operator name`);
      const keys = isPlainObject(value) ? Object.keys(value) : [];
      if (keys.length !== 1 || !keys[0]!.startsWith('$'))
        throw invalidParam(`${stage}: the field '${field}' must be an accumulator object`);
      const op = keys[0]!;
      if (!Object.hasOwn(ACCUMULATORS, op)) throw unsupported(`${stage} accumulator ${op}`);
      const expr = (value as Doc)[op];
      if (op === '$count') {
        if (!isPlainObject(expr) || Object.keys(expr).length > 0) throw invalidParam('$count takes no arguments, i.e. $count:{}');
      } else if (Array.isArray(expr)) {
        throw invalidParam(`The ${op} accumulator is a unary operator`);
      }
      checkExpression(expr);
      return { field, op, expr };
    });
}

/** Accumulated fields for one group; a missing result (`$first` of a missing field) is null, as in MongoDB. */
function accumulate(accumulators: Accumulator[], docs: Doc[], env: Env): Doc {
  const out: Doc = {};
  for (const { field, op, expr } of accumulators) {
    const values = op === '$count' ? docs.map(() => 1) : docs.map((doc) => evaluateExpression(expr, doc, env.vars));
    out[field] = ACCUMULATORS[op]!(values) ?? null;
  }
  return out;
}

/** Groups in first-seen order; a missing key groups with null. */
function groupBy(docs: Doc[], keyOf: (doc: Doc) => unknown): Array<{ key: unknown; docs: Doc[] }> {
  const groups = new Map<string, { key: unknown; docs: Doc[] }>();
  for (const doc of docs) {
    const key = keyOf(doc) ?? null;
    const id = valueKey(key);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key, docs: [] }));
    group.docs.push(doc);
  }
  return [...groups.values()];
}

function group(docs: Doc[], spec: unknown, env: Env): Doc[] {
  if (!isPlainObject(spec)) throw invalidParam(`the argument to $group must be an object, found: ${typeName(spec)}`);
  if (!Object.hasOwn(spec, '_id')) throw invalidParam('a group specification must include an _id');
  checkExpression(spec._id);
  const accumulators = parseAccumulators('$group', spec, '_id');
  return groupBy(docs, (doc) => evaluateExpression(spec._id, doc, env.vars)).map((g) => ({
    _id: g.key,
    ...accumulate(accumulators, g.docs, env),
  }));
}

function sortByCount(docs: Doc[], spec: unknown, env: Env): Doc[] {
  if (!isFieldPathOrOperator(spec))
    throw invalidParam('the sortByCount field must be defined as a $-prefixed path or an expression object');
  checkExpression(spec);
  const counts = groupBy(docs, (doc) => evaluateExpression(spec, doc, env.vars)).map((g) => ({
    _id: g.key,
    count: g.docs.length,
  }));
  return counts.sort((a, b) => b.count - a.count);
}

function groupByExpression(stage: string, groupBy: unknown): unknown {
  if (!isFieldPathOrOperator(groupBy))
    throw invalidParam(
      `The ${stage} 'groupBy' field must be defined as a $-prefixed path or an expression object, but found: ${describeValue(groupBy)}`,
    );
  checkExpression(groupBy);
  return groupBy;
}

function outputAccumulators(stage: string, output: unknown): Accumulator[] {
  if (output === undefined) return [{ field: 'count', op: '$sum', expr: 1 }];
  if (!isPlainObject(output))
    throw invalidParam(`The ${stage} 'output' field must be an object, but found type: ${typeName(output)}`);
  return parseAccumulators(stage, output);
}

function checkBoundaries(spec: unknown): unknown[] {
  if (!Array.isArray(spec) || spec.length < 2)
    throw invalidParam(`The $bucket 'boundaries' field must be an array of at least 2 values, but found: ${describeValue(spec)}`);
  const boundaries: unknown[] = spec;
  for (let i = 1; i < boundaries.length; i++) {
    const [prev, next] = [boundaries[i - 1], boundaries[i]];
    if (typeBracket(prev) !== typeBracket(next))
      throw invalidParam(
        `All values in the 'boundaries' option to $bucket must have the same type. Found conflicting types ${typeName(prev)} and ${typeName(next)}.`,
      );
    if (compareValues(prev, next) >= 0)
      throw invalidParam(
        `The 'boundaries' option to $bucket must be sorted in ascending order, but ${describeValue(prev)} is not less than ${describeValue(next)}`,
      );
  }
  return boundaries;
}

/** `$bucket` is MongoDB's `$group` by boundary followed by `$sort: {_id: 1}`, so the default bucket sorts by its value. */
function bucket(docs: Doc[], spec: unknown, env: Env): Doc[] {
  const options = stageOptions('$bucket', spec, ['groupBy', 'boundaries', 'default', 'output'], ['groupBy', 'boundaries']);
  const groupByExpr = groupByExpression('$bucket', options.groupBy);
  const boundaries = checkBoundaries(options.boundaries);
  const lowest = boundaries[0];
  const highest = boundaries[boundaries.length - 1];
  const hasDefault = Object.hasOwn(options, 'default');
  if (
    hasDefault &&
    typeBracket(options.default) === typeBracket(lowest) &&
    compareValues(options.default, lowest) >= 0 &&
    compareValues(options.default, highest) < 0
  )
    throw invalidParam(
      "The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the highest boundary.",
    );
  const accumulators = outputAccumulators('$bucket', options.output);
  const grouped = groupBy(docs, (doc) => {
    const value = evaluateExpression(groupByExpr, doc, env.vars) ?? null;
    if (compareValues(value, lowest) >= 0 && compareValues(value, highest) < 0) {
      let i = 0;
      while (compareValues(value, boundaries[i + 1]) >= 0) i++;
      return boundaries[i];
    }
    if (!hasDefault) throw invalidParam('$bucket could not find a matching branch for an input, and no default was specified.');
    return options.default;
  });
  return grouped
    .map((g) => ({ _id: g.key, ...accumulate(accumulators, g.docs, env) }))
    .sort((a, b) => compareValues(a._id, b._id));
}

/**
 * `$bucketAuto`, following MongoDB: documents sorted by key, about n/buckets per bucket, equal keys never split, the
 * last bucket takes the rest; each bucket's max is the next bucket's min (the last one's is its largest key).
 */
function bucketAuto(docs: Doc[], spec: unknown, env: Env): Doc[] {
  const options = stageOptions('$bucketAuto', spec, ['groupBy', 'buckets', 'output', 'granularity'], ['groupBy', 'buckets']);
  if (Object.hasOwn(options, 'granularity')) throw unsupported("$bucketAuto 'granularity'");
  const groupByExpr = groupByExpression('$bucketAuto', options.groupBy);
  if (!isNumeric(options.buckets))
    throw invalidParam(`The $bucketAuto 'buckets' field must be a numeric value, but found type: ${typeName(options.buckets)}`);
  const buckets = toNumber(options.buckets);
  if (!Number.isInteger(buckets) || buckets <= 0)
    throw invalidParam(
      `The $bucketAuto 'buckets' field must be a positive 32-bit integer, but found: ${describeValue(options.buckets)}`,
    );
  const accumulators = outputAccumulators('$bucketAuto', options.output);
  const keyed = docs
    .map((doc) => ({ key: evaluateExpression(groupByExpr, doc, env.vars) ?? null, doc }))
    .sort((a, b) => compareValues(a.key, b.key));
  const size = Math.max(1, Math.round(keyed.length / buckets));
  const out: Doc[] = [];
  let end = 0;
  for (let n = 1; n <= buckets && end < keyed.length; n++) {
    const start = end;
    end = n === buckets ? keyed.length : Math.min(keyed.length, start + size);
    while (end < keyed.length && compareValues(keyed[end]!.key, keyed[end - 1]!.key) === 0) end++;
    const max = end < keyed.length ? keyed[end]!.key : keyed[end - 1]!.key;
    const members = keyed.slice(start, end).map((k) => k.doc);
    out.push({ _id: { min: keyed[start]!.key, max }, ...accumulate(accumulators, members, env) });
  }
  return out;
}

// ---- $unwind, $lookup, $replaceRoot/$replaceWith, $facet

function unwind(docs: Doc[], spec: unknown): Doc[] {
  const options =
    typeof spec === 'string'
      ? { path: spec }
      : stageOptions('$unwind', spec, ['path', 'includeArrayIndex', 'preserveNullAndEmptyArrays'], ['path']);
  const { path, includeArrayIndex: indexField, preserveNullAndEmptyArrays: preserve = false } = options;
  if (typeof path !== 'string' || path.length < 2 || !path.startsWith('$'))
    throw invalidParam(`path option to $unwind stage should be prefixed with a '$': ${describeValue(path)}`);
  if (indexField !== undefined && (typeof indexField !== 'string' || indexField === '' || indexField.startsWith('$')))
    throw invalidParam(
      `includeArrayIndex option to $unwind stage should be a non-empty string not starting with '$': ${describeValue(indexField)}`,
    );
  if (typeof preserve !== 'boolean')
    throw invalidParam(`preserveNullAndEmptyArrays option to $unwind stage must be a boolean, found: ${typeName(preserve)}`);
  const field = path.slice(1);
  splitPath(field);
  const withIndex = (doc: Doc, index: number | null) => (indexField === undefined ? doc : withPath(doc, indexField, index));
  const out: Doc[] = [];
  for (const doc of docs) {
    const value = getPath(doc, field);
    if (Array.isArray(value) && value.length > 0) {
      value.forEach((item, i) => out.push(withIndex(withPath(doc, field, item), i)));
    } else if (Array.isArray(value) || value === null || value === undefined) {
      // An empty array is removed from the preserved document; null stays null.
      if (preserve) out.push(withIndex(Array.isArray(value) ? withPath(doc, field, undefined) : doc, null));
    } else {
      out.push(withIndex(doc, null)); // a non-array value unwinds as a one-element array
    }
  }
  return out;
}

/** The values `localField` joins on: array elements one by one, and null when the field is missing. */
function localValues(doc: Doc, path: string): unknown[] {
  const values = lookupAll(doc, path)
    .flatMap((v): unknown[] => (Array.isArray(v) ? v : [v]))
    .filter((v) => v !== undefined);
  return values.length ? values : [null];
}

function lookup(docs: Doc[], spec: unknown, env: Env): Doc[] {
  const options = stageOptions('$lookup', spec, ['from', 'as', 'localField', 'foreignField', 'let', 'pipeline'], ['from', 'as']);
  const { from, as, localField, foreignField } = options;
  if (typeof from !== 'string' || from === '')
    throw invalidParam(`$lookup 'from' must be a collection name, found: ${describeValue(from)}`);
  if (typeof as !== 'string' || as === '')
    throw invalidParam(`$lookup 'as' must be a non-empty string, found: ${describeValue(as)}`);
  splitPath(as);
  const byEquality = localField !== undefined || foreignField !== undefined;
  if (byEquality && (typeof localField !== 'string' || typeof foreignField !== 'string'))
    throw invalidParam("$lookup requires both 'localField' and 'foreignField' to be strings when either is given");
  const hasPipeline = Object.hasOwn(options, 'pipeline');
  if (!byEquality && !hasPipeline)
    throw invalidParam("$lookup requires either 'pipeline' or both 'localField' and 'foreignField'");
  const letSpec = options.let ?? {};
  if (!isPlainObject(letSpec)) throw invalidParam(`$lookup 'let' must be an object, found: ${typeName(letSpec)}`);
  if (Object.hasOwn(options, 'let') && !hasPipeline) throw invalidParam("$lookup 'let' requires a 'pipeline'");
  for (const [name, expr] of Object.entries(letSpec)) {
    checkVariableName(name, '$lookup let');
    checkExpression(expr);
  }
  const subStages = hasPipeline ? parseStages(options.pipeline, '$lookup pipeline') : [];
  const foreign = env.ctx.loadCollection(from);
  return docs.map((doc) => {
    let joined = foreign;
    if (byEquality) {
      const test = compileFilter({ [foreignField as string]: { $in: localValues(doc, localField as string) } });
      joined = foreign.filter((f) => test(f));
    }
    if (hasPipeline) {
      const vars: Vars = { ...env.vars };
      for (const [name, expr] of Object.entries(letSpec)) vars[name] = evaluateExpression(expr, doc, env.vars);
      joined = runStages(joined, subStages, { ctx: env.ctx, vars });
    }
    return withPath(doc, as, [...joined]);
  });
}

function replaceDocuments(stage: string, docs: Doc[], newRoot: unknown, env: Env): Doc[] {
  checkExpression(newRoot);
  return docs.map((doc) => {
    const root = evaluateExpression(newRoot, doc, env.vars);
    if (!isPlainObject(root))
      throw invalidParam(
        `${stage}: 'newRoot' expression must evaluate to an object, but resulting value was: ${describeValue(root)}. ` +
          `Type of resulting value: '${typeName(root)}'.`,
      );
    return root;
  });
}

function replaceRoot(docs: Doc[], spec: unknown, env: Env): Doc[] {
  const { newRoot } = stageOptions('$replaceRoot', spec, ['newRoot'], ['newRoot']);
  return replaceDocuments('$replaceRoot', docs, newRoot, env);
}

function replaceWith(docs: Doc[], spec: unknown, env: Env): Doc[] {
  return replaceDocuments('$replaceWith', docs, spec, env);
}

function facet(docs: Doc[], spec: unknown, env: Env): Doc[] {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0)
    throw invalidParam('$facet specification must be a non-empty object');
  const facets = Object.entries(spec).map(([name, raw]) => {
    if (name.startsWith('$') || name.includes('.'))
      throw invalidParam(`$facet output field '${name}' may not start with '$' or contain '.'`);
    const stages = parseStages(raw, `$facet '${name}'`);
    if (stages.length === 0) throw invalidParam(`$facet '${name}' must have at least one stage`);
    if (stages.some((s) => s.name === '$facet')) throw invalidParam('$facet is not allowed to be used within a $facet stage');
    return [name, stages] as const;
  });
  return [Object.fromEntries(facets.map(([name, stages]) => [name, runStages(docs, stages, env)]))];
}

// ---- dispatch: anything not listed ($geoNear, $out, $merge, $graphLookup, $collStats, $indexStats, $redact...) is refused

const STAGES: Record<string, StageRunner> = {
  $match: match,
  $project: project,
  $addFields: addFields('$addFields'),
  $set: addFields('$set'),
  $unset: unset,
  $group: group,
  $sort: sort,
  $skip: skip,
  $limit: limit,
  $unwind: unwind,
  $lookup: lookup,
  $count: count,
  $replaceRoot: replaceRoot,
  $replaceWith: replaceWith,
  $sortByCount: sortByCount,
  $sample: sample,
  $bucket: bucket,
  $bucketAuto: bucketAuto,
  $facet: facet,
};
