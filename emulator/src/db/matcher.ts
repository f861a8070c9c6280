import { invalidParam, unsupported } from '../errors.js';
import { type Vars, evaluateExpression, expressionTruthy } from './expression.js';
import { lookupAll } from './paths.js';
import { distanceMeters, geometriesIn, intersects, nearSpec, queryGeometry, within, withinRegion } from './geo.js';
import { compileJsonSchema } from './jsonschema.js';
import { type Doc, compareValues, isPlainObject, isRegex, toRegExp, typeBracket, typeName, valuesEqual } from './values.js';

/**
 * MongoDB query semantics over decoded documents. A filter is compiled once into a predicate; every operator checks
 * its argument at compile time, so a bad query fails before any document is read.
 */
export type Predicate = (doc: Doc) => boolean;
type CandidatesPredicate = (candidates: unknown[]) => boolean;

/** Geo operators outside $near/$nearSphere/$geoWithin/$geoIntersects: legacy flat forms, or misplaced arguments. */
const GEO_OPERATORS = new Set([
  '$within',
  '$geometry',
  '$maxDistance',
  '$minDistance',
  '$box',
  '$center',
  '$centerSphere',
  '$polygon',
]);
const UNSUPPORTED_TOP_LEVEL = new Set(['$where', '$text', '$function', '$accumulator']);

export function compileFilter(filter: unknown, vars?: Vars): Predicate {
  if (!isPlainObject(filter)) throw invalidParam('query must be an object');
  const parts: Predicate[] = [];
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (value === undefined) continue;
    if (key.startsWith('$')) parts.push(compileTopLevelOperator(key, value, vars));
    else parts.push(compileFieldCondition(key, value, vars));
  }
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0]!;
  return (doc) => parts.every((p) => p(doc));
}

function compileTopLevelOperator(op: string, value: unknown, vars?: Vars): Predicate {
  switch (op) {
    case '$and':
    case '$or':
    case '$nor': {
      if (!Array.isArray(value) || value.length === 0) throw invalidParam(`${op} must be a nonempty array`);
      const subs = value.map((sub) => compileFilter(sub, vars));
      if (op === '$and') return (doc) => subs.every((p) => p(doc));
      if (op === '$or') return (doc) => subs.some((p) => p(doc));
      return (doc) => !subs.some((p) => p(doc));
    }
    case '$expr':
      return (doc) => expressionTruthy(evaluateExpression(value, doc, vars));
    case '$comment':
      return () => true;
    case '$jsonSchema':
      return compileJsonSchema(value);
  }
  if (UNSUPPORTED_TOP_LEVEL.has(op)) throw unsupported(`query operator ${op}`);
  throw invalidParam(`unknown top level operator: ${op}`);
}

export function isOperatorObject(value: unknown): value is Doc {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys[0]!.startsWith('$')) return false;
  if (keys.some((k) => !k.startsWith('$'))) throw invalidParam(`cannot mix operators and fields in ${JSON.stringify(keys)}`);
  return true;
}

function compileFieldCondition(path: string, condition: unknown, vars?: Vars): Predicate {
  const test = compileCondition(condition, vars);
  return (doc) => test(lookupAll(doc, path));
}

/** A condition on one field: an operator object, a regex, or a value to equal. */
function compileCondition(condition: unknown, vars?: Vars): CandidatesPredicate {
  if (isOperatorObject(condition)) return compileOperators(condition, vars);
  if (isRegex(condition)) return anyExpanded(regexTest(condition));
  return equalityTest(condition);
}

/** True if some candidate, or some element of a candidate array, satisfies `pred` (MongoDB's implicit array match). */
function anyExpanded(pred: (v: unknown) => boolean): CandidatesPredicate {
  return (candidates) => candidates.some((c) => pred(c) || (Array.isArray(c) && c.some(pred)));
}

function equalityTest(expected: unknown): CandidatesPredicate {
  return anyExpanded((v) => valuesEqual(v, expected));
}

function regexTest(re: unknown): (v: unknown) => boolean {
  const regex = toRegExp(re as RegExp);
  return (v) => (typeof v === 'string' ? regex.test(v) : isRegex(v) && valuesEqual(v, re));
}

function compileOperators(ops: Doc, vars?: Vars): CandidatesPredicate {
  const tests: CandidatesPredicate[] = [];
  for (const op of Object.keys(ops)) {
    const arg = ops[op];
    if (arg === undefined) continue;
    if (op === '$options') {
      if (!('$regex' in ops)) throw invalidParam('$options needs a $regex');
      continue;
    }
    tests.push(compileOperator(op, arg, ops, vars));
  }
  return (candidates) => tests.every((t) => t(candidates));
}

function compileOperator(op: string, arg: unknown, ops: Doc, vars?: Vars): CandidatesPredicate {
  switch (op) {
    case '$eq':
      return equalityTest(arg);
    case '$ne': {
      const eq = equalityTest(arg);
      return (c) => !eq(c);
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return comparisonTest(op, arg);
    case '$in': {
      const inTest = membershipTest(op, arg);
      return inTest;
    }
    case '$nin': {
      const inTest = membershipTest(op, arg);
      return (c) => !inTest(c);
    }
    case '$exists':
      return arg ? (c) => c.some((v) => v !== undefined) : (c) => c.every((v) => v === undefined);
    case '$size': {
      if (typeof arg !== 'number' || !Number.isInteger(arg) || arg < 0) throw invalidParam('$size needs a nonnegative integer');
      return (c) => c.some((v) => Array.isArray(v) && v.length === arg);
    }
    case '$all': {
      if (!Array.isArray(arg)) throw invalidParam('$all needs an array');
      const each = arg.map((item) =>
        isPlainObject(item) && '$elemMatch' in item ? compileOperators(item, vars) : compileCondition(item, vars),
      );
      return (c) => each.length > 0 && each.every((t) => t(c));
    }
    case '$elemMatch':
      return elemMatchTest(arg, vars);
    case '$mod': {
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'number' || typeof arg[1] !== 'number')
        throw invalidParam('$mod needs [divisor, remainder]');
      const [divisor, remainder] = [Math.trunc(arg[0]), Math.trunc(arg[1])];
      if (divisor === 0) throw invalidParam('$mod divisor cannot be 0');
      return anyExpanded((v) => typeof v === 'number' && Number.isFinite(v) && Math.trunc(v) % divisor === remainder);
    }
    case '$regex': {
      const options = ops.$options;
      if (options !== undefined && typeof options !== 'string') throw invalidParam('$options must be a string');
      if (typeof arg === 'string') return anyExpanded(regexTest({ pattern: arg, options: options ?? '' }));
      if (isRegex(arg)) return anyExpanded(regexTest(arg));
      throw invalidParam('$regex must be a string or a regular expression');
    }
    case '$not': {
      if (!isRegex(arg) && !isOperatorObject(arg)) throw invalidParam('$not needs a regex or an operator object');
      const inner = compileCondition(arg, vars);
      return (c) => !inner(c);
    }
    case '$type': {
      const wanted = (Array.isArray(arg) ? arg : [arg]).map(typeAlias);
      return (c) =>
        c.some(
          (v) =>
            v !== undefined &&
            (wanted.some((w) => typeMatches(v, w)) ||
              (Array.isArray(v) && v.some((el) => wanted.some((w) => typeMatches(el, w))))),
        );
    }
    case '$geoWithin': {
      const region = withinRegion(arg);
      return (c) => geometriesIn(c).some(({ geometry }) => within(geometry, region));
    }
    case '$geoIntersects': {
      if (!isPlainObject(arg) || Object.keys(arg).length !== 1 || !('$geometry' in arg))
        throw invalidParam('$geoIntersects needs {$geometry: <GeoJSON>}');
      const shape = queryGeometry(arg.$geometry, op);
      intersects(shape, shape); // refuses what Turf's plane cannot represent before any document is read
      return (c) => geometriesIn(c).some(({ geometry }) => intersects(geometry, shape));
    }
    case '$near':
    case '$nearSphere': {
      // Here only the distance range; the order, and where $near may stand, are the caller's (database.ts).
      const near = nearSpec('', op, arg);
      return (c) =>
        geometriesIn(c).some(({ geometry }) => {
          const d = distanceMeters(near.point, geometry);
          return d >= near.min && d <= near.max;
        });
    }
  }
  if (GEO_OPERATORS.has(op)) throw unsupported(`geo query operator ${op}`);
  throw invalidParam(`unknown operator: ${op}`);
}

/** `$gt` and friends only match values of the argument's type bracket (MongoDB type bracketing). */
function comparisonTest(op: string, arg: unknown): CandidatesPredicate {
  if (isRegex(arg)) throw invalidParam(`${op} cannot take a regular expression`);
  const accept =
    op === '$gt'
      ? (c: number) => c > 0
      : op === '$gte'
        ? (c: number) => c >= 0
        : op === '$lt'
          ? (c: number) => c < 0
          : (c: number) => c <= 0;
  const bracket = typeBracket(arg);
  const test = (v: unknown) => typeBracket(v) === bracket && accept(compareValues(v, arg));
  return (candidates) => candidates.some((v) => (Array.isArray(v) ? (Array.isArray(arg) && test(v)) || v.some(test) : test(v)));
}

function membershipTest(op: string, arg: unknown): CandidatesPredicate {
  if (!Array.isArray(arg)) throw invalidParam(`${op} needs an array`);
  const tests = arg.map((item) => {
    if (isOperatorObject(item)) throw invalidParam(`cannot nest operators in ${op}`);
    return isRegex(item) ? regexTest(item) : (v: unknown) => valuesEqual(v, item);
  });
  return anyExpanded((v) => tests.some((t) => t(v)));
}

function elemMatchTest(arg: unknown, vars?: Vars): CandidatesPredicate {
  if (!isPlainObject(arg)) throw invalidParam('$elemMatch needs an object');
  const keys = Object.keys(arg);
  const valueMode = keys.length > 0 && keys.every((k) => k.startsWith('$') && !['$and', '$or', '$nor', '$expr'].includes(k));
  let elementMatches: (el: unknown) => boolean;
  if (valueMode) {
    const cond = compileOperators(arg, vars);
    elementMatches = (el) => cond([el]);
  } else {
    const pred = compileFilter(arg, vars);
    elementMatches = (el) => isPlainObject(el) && pred(el);
  }
  return (candidates) => candidates.some((v) => Array.isArray(v) && v.some(elementMatches));
}

const TYPE_CODES: Record<number, string> = {
  1: 'double',
  2: 'string',
  3: 'object',
  4: 'array',
  5: 'binData',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  10: 'null',
  11: 'regex',
  16: 'int',
  17: 'timestamp',
  18: 'long',
  19: 'decimal',
  [-1]: 'minKey',
  127: 'maxKey',
};

function typeAlias(t: unknown): string {
  if (typeof t === 'number' && TYPE_CODES[t]) return TYPE_CODES[t];
  if (typeof t === 'string' && (Object.values(TYPE_CODES).includes(t) || t === 'number')) return t;
  throw invalidParam(`unknown $type: ${JSON.stringify(t)}`);
}

function typeMatches(v: unknown, wanted: string): boolean {
  const actual = typeName(v);
  if (wanted === 'number') return ['int', 'long', 'double', 'decimal'].includes(actual);
  // JS numbers do not remember int vs double: an integral number counts as both, so code that works here works there.
  if (wanted === 'double' && (actual === 'int' || actual === 'long')) return true;
  if (wanted === 'long' && actual === 'int') return true;
  return actual === wanted;
}
