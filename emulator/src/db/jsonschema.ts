import { Timestamp } from 'bson';
import { invalidParam } from '../errors.js';
import { type Doc, compareValues, isPlainObject, toNumber, toRegExp, typeBracket, typeName, valuesEqual } from './values.js';

/**
 * MongoDB's `$jsonSchema` query operator: JSON Schema draft 4 with `bsonType`, without `$ref`, `$schema`, `default`,
 * `definitions`, `format`, `id` and `type: "integer"`. Each keyword constrains only values of its own kind (`required`
 * only documents, `maxLength` only strings, ...), with BSON's notion of kinds: a date or an ObjectId is not an object.
 * Written here rather than on a JSON Schema library because those treat every JS object (a Date, an ObjectId) as a JSON
 * object and know no BSON types; translating around that would be as long as this.
 */
type Check = (value: unknown) => boolean;

const UNSUPPORTED = new Set(['$ref', '$schema', 'default', 'definitions', 'format', 'id']);
const JSON_TYPES = new Set(['object', 'array', 'number', 'boolean', 'string', 'null']);
const BSON_TYPES = new Set([
  'double',
  'string',
  'object',
  'array',
  'binData',
  'undefined',
  'objectId',
  'bool',
  'date',
  'null',
  'regex',
  'dbPointer',
  'javascript',
  'symbol',
  'javascriptWithScope',
  'int',
  'timestamp',
  'long',
  'decimal',
  'minKey',
  'maxKey',
  'number',
]);

export function compileJsonSchema(schema: unknown): (doc: Doc) => boolean {
  const check = compileSchema(schema, '');
  return (doc) => check(doc);
}

function fail(where: string, message: string): never {
  throw invalidParam(`$jsonSchema${where ? ` at '${where}'` : ''}: ${message}`);
}

function isDocument(v: unknown): v is Doc {
  return isPlainObject(v);
}

function isNumber(v: unknown): boolean {
  return v !== undefined && v !== null && !(v instanceof Timestamp) && typeBracket(v) === 3;
}

function nonNegativeInteger(where: string, keyword: string, v: unknown): number {
  if (!isNumber(v) || !Number.isInteger(toNumber(v)) || toNumber(v) < 0)
    fail(where, `'${keyword}' must be a non-negative integer, found ${JSON.stringify(v)}`);
  return toNumber(v);
}

function typeNames(where: string, keyword: string, v: unknown, allowed: Set<string>): string[] {
  const names = Array.isArray(v) ? v : [v];
  if (names.length === 0) fail(where, `'${keyword}' must name at least one type`);
  for (const name of names) {
    if (typeof name !== 'string') fail(where, `'${keyword}' must be a string or an array of strings`);
    if (keyword === 'type' && name === 'integer')
      fail(where, "type 'integer' is not currently supported; use bsonType 'int' or 'long'");
    if (!allowed.has(name)) fail(where, `unknown ${keyword} '${name}'`);
  }
  return names as string[];
}

function jsonTypeMatches(v: unknown, name: string): boolean {
  switch (name) {
    case 'object':
      return isDocument(v);
    case 'array':
      return Array.isArray(v);
    case 'number':
      return isNumber(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    default:
      return v === null;
  }
}

/** JS numbers do not remember int vs double: an integral number counts as both, as in the `$type` query operator. */
function bsonTypeMatches(v: unknown, name: string): boolean {
  if (name === 'number') return isNumber(v);
  const actual = typeName(v);
  if (name === 'double' && (actual === 'int' || actual === 'long') && typeof v === 'number') return true;
  if (name === 'long' && actual === 'int') return true;
  return actual === name;
}

function subSchemas(where: string, keyword: string, v: unknown): Check[] {
  if (!Array.isArray(v) || v.length === 0) fail(where, `'${keyword}' must be a non-empty array of schemas`);
  return v.map((s, i) => compileSchema(s, `${where}.${keyword}.${i}`));
}

function compileSchema(schema: unknown, where: string): Check {
  if (!isDocument(schema)) fail(where, `a schema must be an object, found ${typeName(schema)}`);
  const checks: Check[] = [];
  const onKind = (kind: (v: unknown) => boolean, check: Check) => checks.push((v) => !kind(v) || check(v));
  for (const [keyword, arg] of Object.entries(schema)) {
    if (UNSUPPORTED.has(keyword)) fail(where, `keyword '${keyword}' is not currently supported`);
    switch (keyword) {
      case 'title':
      case 'description':
        if (typeof arg !== 'string') fail(where, `'${keyword}' must be a string`);
        break;
      case 'type': {
        const names = typeNames(where, keyword, arg, JSON_TYPES);
        checks.push((v) => v !== undefined && names.some((n) => jsonTypeMatches(v, n)));
        break;
      }
      case 'bsonType': {
        const names = typeNames(where, keyword, arg, BSON_TYPES);
        checks.push((v) => v !== undefined && names.some((n) => bsonTypeMatches(v, n)));
        break;
      }
      case 'enum': {
        if (!Array.isArray(arg) || arg.length === 0) fail(where, "'enum' must be a non-empty array");
        checks.push((v) => arg.some((e) => valuesEqual(v, e)));
        break;
      }
      case 'maximum':
      case 'minimum': {
        if (!isNumber(arg)) fail(where, `'${keyword}' must be a number`);
        const exclusive = schema[keyword === 'maximum' ? 'exclusiveMaximum' : 'exclusiveMinimum'] === true;
        const sign = keyword === 'maximum' ? 1 : -1;
        onKind(isNumber, (v) => {
          const c = compareValues(v, arg) * sign;
          return exclusive ? c < 0 : c <= 0;
        });
        break;
      }
      case 'exclusiveMaximum':
      case 'exclusiveMinimum': {
        if (typeof arg !== 'boolean') fail(where, `'${keyword}' must be a boolean`);
        const base = keyword === 'exclusiveMaximum' ? 'maximum' : 'minimum';
        if (!Object.hasOwn(schema, base)) fail(where, `'${keyword}' requires '${base}'`);
        break;
      }
      case 'multipleOf': {
        if (!isNumber(arg) || toNumber(arg) <= 0) fail(where, "'multipleOf' must be a positive number");
        const divisor = toNumber(arg);
        onKind(isNumber, (v) => {
          const q = toNumber(v) / divisor;
          return Number.isFinite(q) && Math.abs(q - Math.round(q)) < 1e-9;
        });
        break;
      }
      case 'maxLength':
      case 'minLength': {
        const n = nonNegativeInteger(where, keyword, arg);
        onKind(
          (v) => typeof v === 'string',
          (v) => {
            const length = Array.from(v as string).length;
            return keyword === 'maxLength' ? length <= n : length >= n;
          },
        );
        break;
      }
      case 'pattern': {
        if (typeof arg !== 'string') fail(where, "'pattern' must be a string");
        const re = compileRegex(where, arg);
        onKind(
          (v) => typeof v === 'string',
          (v) => re.test(v as string),
        );
        break;
      }
      case 'maxItems':
      case 'minItems': {
        const n = nonNegativeInteger(where, keyword, arg);
        onKind(Array.isArray, (v) => (keyword === 'maxItems' ? (v as unknown[]).length <= n : (v as unknown[]).length >= n));
        break;
      }
      case 'uniqueItems': {
        if (typeof arg !== 'boolean') fail(where, "'uniqueItems' must be a boolean");
        if (arg)
          onKind(Array.isArray, (v) => {
            const items = v as unknown[];
            return items.every((item, i) => items.findIndex((other) => valuesEqual(other, item)) === i);
          });
        break;
      }
      case 'items': {
        if (Array.isArray(arg)) {
          const each = arg.map((s, i) => compileSchema(s, `${where}.items.${i}`));
          const extra = schema.additionalItems;
          const rest: Check | undefined =
            extra === undefined || extra === true
              ? undefined
              : extra === false
                ? () => false
                : compileSchema(extra, `${where}.additionalItems`);
          onKind(Array.isArray, (v) =>
            (v as unknown[]).every((item, i) => (i < each.length ? each[i]!(item) : rest ? rest(item) : true)),
          );
        } else {
          const each = compileSchema(arg, `${where}.items`);
          onKind(Array.isArray, (v) => (v as unknown[]).every(each));
        }
        break;
      }
      case 'additionalItems':
        if (typeof arg !== 'boolean' && !isDocument(arg)) fail(where, "'additionalItems' must be a boolean or a schema");
        break; // applied with 'items'
      case 'properties':
      case 'patternProperties':
      case 'additionalProperties':
        break; // compiled together below
      case 'required': {
        if (!Array.isArray(arg) || arg.length === 0 || !arg.every((n) => typeof n === 'string'))
          fail(where, "'required' must be a non-empty array of strings");
        if (new Set(arg).size !== arg.length) fail(where, "'required' must not contain duplicates");
        onKind(isDocument, (v) => arg.every((name) => (v as Doc)[name] !== undefined));
        break;
      }
      case 'maxProperties':
      case 'minProperties': {
        const n = nonNegativeInteger(where, keyword, arg);
        onKind(isDocument, (v) => {
          const count = Object.values(v as Doc).filter((x) => x !== undefined).length;
          return keyword === 'maxProperties' ? count <= n : count >= n;
        });
        break;
      }
      case 'dependencies': {
        if (!isDocument(arg)) fail(where, "'dependencies' must be an object");
        for (const [name, dep] of Object.entries(arg)) {
          if (Array.isArray(dep)) {
            if (!dep.every((d) => typeof d === 'string')) fail(where, `'dependencies.${name}' must be an array of strings`);
            onKind(isDocument, (v) => (v as Doc)[name] === undefined || dep.every((d) => (v as Doc)[d] !== undefined));
          } else {
            const sub = compileSchema(dep, `${where}.dependencies.${name}`);
            onKind(isDocument, (v) => (v as Doc)[name] === undefined || sub(v));
          }
        }
        break;
      }
      case 'allOf': {
        const subs = subSchemas(where, keyword, arg);
        checks.push((v) => subs.every((c) => c(v)));
        break;
      }
      case 'anyOf': {
        const subs = subSchemas(where, keyword, arg);
        checks.push((v) => subs.some((c) => c(v)));
        break;
      }
      case 'oneOf': {
        const subs = subSchemas(where, keyword, arg);
        checks.push((v) => subs.filter((c) => c(v)).length === 1);
        break;
      }
      case 'not': {
        const sub = compileSchema(arg, `${where}.not`);
        checks.push((v) => !sub(v));
        break;
      }
      default:
        fail(where, `unknown keyword '${keyword}'`);
    }
  }
  const objectCheck = compileProperties(schema, where);
  if (objectCheck) onKind(isDocument, objectCheck);
  // Property schemas are applied to present fields only (compileProperties), so a missing field is never checked.
  return (v) => checks.every((c) => c(v));
}

function compileRegex(where: string, pattern: string): RegExp {
  try {
    return toRegExp({ pattern, options: '' });
  } catch {
    return fail(where, `invalid regular expression '${pattern}'`);
  }
}

function compileProperties(schema: Doc, where: string): Check | undefined {
  const { properties, patternProperties, additionalProperties } = schema;
  if (properties === undefined && patternProperties === undefined && additionalProperties === undefined) return undefined;
  if (properties !== undefined && !isDocument(properties)) fail(where, "'properties' must be an object");
  if (patternProperties !== undefined && !isDocument(patternProperties)) fail(where, "'patternProperties' must be an object");
  if (additionalProperties !== undefined && typeof additionalProperties !== 'boolean' && !isDocument(additionalProperties))
    fail(where, "'additionalProperties' must be a boolean or a schema");
  const named = new Map(Object.entries(properties ?? {}).map(([k, s]) => [k, compileSchema(s, `${where}.properties.${k}`)]));
  const patterned = Object.entries(patternProperties ?? {}).map(
    ([p, s]) => [compileRegex(where, p), compileSchema(s, `${where}.patternProperties.${p}`)] as const,
  );
  const additional: Check | undefined =
    additionalProperties === undefined || additionalProperties === true
      ? undefined
      : additionalProperties === false
        ? () => false
        : compileSchema(additionalProperties, `${where}.additionalProperties`);
  return (v) => {
    for (const [key, value] of Object.entries(v as Doc)) {
      if (value === undefined) continue;
      const own = named.get(key);
      if (own && !own(value)) return false;
      let matched = own !== undefined;
      for (const [re, check] of patterned) {
        if (!re.test(key)) continue;
        matched = true;
        if (!check(value)) return false;
      }
      if (!matched && additional && !additional(value)) return false;
    }
    return true;
  };
}
