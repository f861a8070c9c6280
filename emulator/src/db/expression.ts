import { BSONRegExp, BSONSymbol, Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'bson';
import { type CloudBaseError, invalidParam, unsupported } from '../errors.js';
import { resolveFieldPath } from './paths.js';
import { type Doc, compareStrings, compareValues, isPlainObject, toNumber, toRegExp, typeBracket, typeName } from './values.js';

/**
 * MongoDB aggregation expressions evaluated over decoded documents: `$field.path`, `$$variables`, operator objects
 * (`{$add: [...]}`), expression objects (`{a: '$x'}`), arrays and literals.
 */
export type Vars = Record<string, unknown>;

interface Scope {
  root: Doc;
  vars: Vars;
}
type Operator = (args: unknown, scope: Scope, op: string) => unknown;

export function evaluateExpression(expr: unknown, root: Doc, vars: Vars = {}): unknown {
  return evaluate(expr, { root, vars });
}

/** MongoDB's truthiness for `$cond`, `$and`, `$filter`, `$expr`...: false, null, missing and zero are false. */
export function expressionTruthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (isNumeric(v)) return toNumber(v) !== 0;
  return true;
}

/** Walks an expression before any document is read, so an unknown operator fails even on an empty input. */
export function checkExpression(expr: unknown): void {
  if (Array.isArray(expr)) {
    for (const item of expr) checkExpression(item);
    return;
  }
  if (!isPlainObject(expr)) return;
  for (const [key, value] of Object.entries(expr)) {
    if (key === '$literal') continue;
    if (key.startsWith('$') && !Object.hasOwn(OPERATORS, key)) throw unsupported(`aggregation operator ${key}`);
    checkExpression(value);
  }
}

const USER_VARIABLE = /^[a-z\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/;
/** User variables (`$let`, `as`, `$lookup` `let`) must start with a lowercase letter, as in MongoDB. */
export function checkVariableName(name: unknown, where: string): string {
  if (typeof name !== 'string' || !USER_VARIABLE.test(name))
    throw invalidParam(
      `${where}: invalid variable name ${describeValue(name)}; it must start with a lowercase letter and contain only letters, digits and '_'`,
    );
  return name;
}

export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v instanceof Date) return `Date(${v.toISOString()})`;
  try {
    return JSON.stringify(v) ?? unrenderable(v);
  } catch {
    return unrenderable(v);
  }
}

/** What String() says of a value JSON cannot render: a bigint, a symbol, a function, or an object holding a cycle. */
function unrenderable(v: unknown): string {
  switch (typeof v) {
    case 'bigint':
    case 'symbol':
    case 'function':
      return v.toString();
    default:
      return Array.isArray(v) ? v.join() : Object.prototype.toString.call(v);
  }
}

/** bson's Timestamp extends Long, so `typeBracket` alone would count it as a number. */
export function isNumeric(v: unknown): v is number | bigint | Long | Decimal128 {
  return v !== undefined && v !== null && !(v instanceof Timestamp) && typeBracket(v) === 3;
}

function isNullish(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

/** A missing value inside an array becomes null, as MongoDB stores it. */
function nullIfMissing(v: unknown): unknown {
  return v === undefined ? null : v;
}

function evaluate(expr: unknown, scope: Scope): unknown {
  if (typeof expr === 'string') return expr.startsWith('$') ? resolveReference(expr, scope) : expr;
  if (Array.isArray(expr)) return expr.map((item) => nullIfMissing(evaluate(item, scope)));
  if (!isPlainObject(expr)) return expr;
  const keys = Object.keys(expr);
  if (keys[0]?.startsWith('$')) {
    if (keys.length !== 1)
      throw invalidParam(
        `an expression specification must contain exactly one field, the name of the expression. Found ${keys.length} fields in ${describeValue(expr)}`,
      );
    const op = keys[0];
    if (!Object.hasOwn(OPERATORS, op)) throw unsupported(`aggregation operator ${op}`);
    return OPERATORS[op]!(expr[op], scope, op);
  }
  const out: Doc = {};
  for (const key of keys) {
    if (key.startsWith('$')) throw invalidParam(`field names in an expression object may not start with '$': ${key}`);
    if (key.includes('.')) throw invalidParam(`field names in an expression object may not contain '.': ${key}`);
    const value = evaluate(expr[key], scope);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function resolveReference(ref: string, scope: Scope): unknown {
  if (!ref.startsWith('$$')) {
    if (ref.length === 1) throw invalidParam("'$' by itself is not a valid field path");
    return resolveFieldPath(currentDocument(scope), ref.slice(1));
  }
  const dot = ref.indexOf('.');
  const name = dot === -1 ? ref.slice(2) : ref.slice(2, dot);
  const value = variable(name, scope);
  return dot === -1 ? value : resolveFieldPath(value, ref.slice(dot + 1));
}

function currentDocument(scope: Scope): unknown {
  return Object.hasOwn(scope.vars, 'CURRENT') ? scope.vars.CURRENT : scope.root;
}

function variable(name: string, scope: Scope): unknown {
  switch (name) {
    case 'ROOT':
      return scope.root;
    case 'CURRENT':
      return currentDocument(scope);
    case 'REMOVE':
      return undefined;
    case 'NOW':
      return scope.vars.NOW ?? new Date();
  }
  if (!Object.hasOwn(scope.vars, name)) throw invalidParam(`Use of undefined variable: ${name}`);
  return scope.vars[name];
}

function withVars(scope: Scope, vars: Vars): Scope {
  return { root: scope.root, vars: { ...scope.vars, ...vars } };
}

// ---- arguments

/** The operand list: `{$op: [a, b]}` or, for one operand, `{$op: a}`. */
function operands(op: string, args: unknown, min: number, max = min): unknown[] {
  const list = Array.isArray(args) ? args : [args];
  if (list.length < min || list.length > max) {
    const expected = min === max ? `exactly ${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw invalidParam(`Expression ${op} takes ${expected} arguments. ${list.length} were passed in.`);
  }
  return list;
}

function evalOperands(op: string, args: unknown, scope: Scope, min: number, max = min): unknown[] {
  return operands(op, args, min, max).map((arg) => evaluate(arg, scope));
}

function evalSingle(op: string, args: unknown, scope: Scope): unknown {
  return evaluate(operands(op, args, 1)[0], scope);
}

/** Named arguments (`{$filter: {input, as, cond}}`), refusing unknown ones. */
function namedArgs(op: string, args: unknown, allowed: readonly string[], required: readonly string[]): Doc {
  if (!isPlainObject(args)) throw invalidParam(`${op} expects an object as its argument, found: ${typeName(args)}`);
  for (const key of Object.keys(args)) if (!allowed.includes(key)) throw invalidParam(`Unrecognized parameter to ${op}: ${key}`);
  for (const key of required) if (!Object.hasOwn(args, key)) throw invalidParam(`Missing '${key}' parameter to ${op}`);
  return args;
}

function isOperatorObject(v: unknown): boolean {
  return isPlainObject(v) && Object.keys(v)[0]?.startsWith('$') === true;
}

function requireNumber(op: string, v: unknown, accepted = 'numeric types'): number {
  if (!isNumeric(v)) throw invalidParam(`${op} only supports ${accepted}, not ${typeName(v)}`);
  return toNumber(v);
}

function requireIntegral(op: string, v: unknown, what: string): number {
  if (!isNumeric(v)) throw invalidParam(`${op}'s ${what} must be a numeric value, but is ${typeName(v)}`);
  const n = toNumber(v);
  if (!Number.isInteger(n)) throw invalidParam(`${op}'s ${what} must be representable as a 32-bit integer: ${n}`);
  return n;
}

function requireIndex(op: string, v: unknown, what: string): number {
  if (!isNumeric(v) || !Number.isInteger(toNumber(v)))
    throw invalidParam(
      `${op} requires an integral ${what}, found a value of type: ${typeName(v)}, with value: ${describeValue(v)}`,
    );
  const n = toNumber(v);
  if (n < 0) throw invalidParam(`${op} requires a nonnegative ${what}, found: ${n}`);
  return n;
}

function requireArray(op: string, v: unknown, message?: string): unknown[] {
  if (!Array.isArray(v)) throw invalidParam(message ?? `${op}'s argument must be an array, but is ${typeName(v)}`);
  return v;
}

// ---- arithmetic

/** Compensated (Neumaier) summation, close to MongoDB's double-double sums: ten times 0.1 is exactly 1. */
function preciseSum(values: number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const x of values) {
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return Number.isFinite(sum) ? sum + compensation : sum;
}

function add(args: unknown, scope: Scope, op: string): unknown {
  const numbers: number[] = [];
  let date: Date | undefined;
  for (const v of evalOperands(op, args, scope, 0, Infinity)) {
    if (isNullish(v)) return null;
    if (v instanceof Date) {
      if (date) throw invalidParam('only one date allowed in an $add expression');
      date = v;
    } else {
      numbers.push(requireNumber(op, v, 'numeric or date types'));
    }
  }
  const total = preciseSum(numbers);
  return date ? new Date(date.getTime() + Math.round(total)) : total;
}

function subtract(args: unknown, scope: Scope, op: string): unknown {
  const [a, b] = evalOperands(op, args, scope, 2);
  if (isNullish(a) || isNullish(b)) return null;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (a instanceof Date && isNumeric(b)) return new Date(a.getTime() - Math.round(toNumber(b)));
  if (isNumeric(a) && isNumeric(b)) return toNumber(a) - toNumber(b);
  throw invalidParam(`can't $subtract ${typeName(b)} from ${typeName(a)}`);
}

function multiply(args: unknown, scope: Scope, op: string): unknown {
  let product = 1;
  for (const v of evalOperands(op, args, scope, 0, Infinity)) {
    if (isNullish(v)) return null;
    product *= requireNumber(op, v);
  }
  return product;
}

/** `$divide`, `$mod` and `$pow`: two numbers, null when either is null or missing. */
function binaryMath(compute: (a: number, b: number, op: string) => number): Operator {
  return (args, scope, op) => {
    const [a, b] = evalOperands(op, args, scope, 2);
    if (isNullish(a) || isNullish(b)) return null;
    return compute(requireNumber(op, a), requireNumber(op, b), op);
  };
}

function divide(a: number, b: number): number {
  if (b === 0) throw invalidParam("can't $divide by zero");
  return a / b;
}

function mod(a: number, b: number): number {
  if (b === 0) throw invalidParam("can't $mod by zero");
  return a % b;
}

function pow(base: number, exponent: number): number {
  if (base === 0 && exponent < 0) throw invalidParam('$pow cannot take a base of 0 and a negative exponent');
  return base ** exponent;
}

function log(x: number, base: number): number {
  if (!(x > 0) && !Number.isNaN(x)) throw invalidParam(`$log's argument must be a positive number, but is ${x}`);
  if (!(base > 0 && base !== 1) && !Number.isNaN(base))
    throw invalidParam(`$log's base must be a positive number not equal to 1, but is ${base}`);
  return Math.log(x) / Math.log(base);
}

function unaryMath(compute: (x: number) => number, domain?: { test: (x: number) => boolean; message: string }): Operator {
  return (args, scope, op) => {
    const v = evalSingle(op, args, scope);
    if (isNullish(v)) return null;
    const x = requireNumber(op, v);
    if (domain && !Number.isNaN(x) && !domain.test(x)) throw invalidParam(`${op}'s argument ${domain.message}, but is ${x}`);
    return compute(x);
  };
}

const positive = { test: (x: number) => x > 0, message: 'must be a positive number' };
const nonNegative = { test: (x: number) => x >= 0, message: 'must be greater than or equal to 0' };

/** `$round` rounds half to even, as MongoDB does; both work on the 15-digit decimal form to avoid 1.005 → 1.00499… */
function roundOrTrunc(mode: 'round' | 'trunc'): Operator {
  return (args, scope, op) => {
    const list = evalOperands(op, args, scope, 1, 2);
    const [v, p] = list;
    if (isNullish(v) || (list.length > 1 && isNullish(p))) return null;
    const x = requireNumber(op, v);
    const place = list.length > 1 ? requireIntegral(op, p, 'place') : 0;
    if (place < -20 || place > 100)
      throw invalidParam(`cannot apply ${op} with precision value ${place} value must be in [-20, 100]`);
    if (!Number.isFinite(x)) return x;
    const factor = 10 ** Math.abs(place);
    const scaled = Number((place >= 0 ? x * factor : x / factor).toPrecision(15));
    const rounded = mode === 'trunc' ? Math.trunc(scaled) : roundHalfEven(scaled);
    return place >= 0 ? rounded / factor : rounded * factor;
  };
}

function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const diff = v - floor;
  if (diff !== 0.5) return Math.round(v);
  return floor % 2 === 0 ? floor : floor + 1;
}

// ---- comparison

/** Aggregation comparison: like `compareValues`, except that a missing value sorts below null (`$eq: ['$x', null]` is false when x is missing). */
function compareExpressionValues(a: unknown, b: unknown): number {
  if (a === undefined || b === undefined) {
    if (a === b) return 0;
    const other = a === undefined ? b : a;
    const missingFirst = typeBracket(other) === 1 ? 1 : -1; // only MinKey is lower than missing
    return a === undefined ? missingFirst : -missingFirst;
  }
  return compareValues(a, b);
}

function expressionEquals(a: unknown, b: unknown): boolean {
  return compareExpressionValues(a, b) === 0;
}

function comparison(test: (c: number) => boolean): Operator {
  return (args, scope, op) => {
    const [a, b] = evalOperands(op, args, scope, 2);
    return test(compareExpressionValues(a, b));
  };
}

// ---- boolean and conditional

function and(args: unknown, scope: Scope, op: string): boolean {
  return operands(op, args, 0, Infinity).every((arg) => expressionTruthy(evaluate(arg, scope)));
}

function or(args: unknown, scope: Scope, op: string): boolean {
  return operands(op, args, 0, Infinity).some((arg) => expressionTruthy(evaluate(arg, scope)));
}

function cond(args: unknown, scope: Scope, op: string): unknown {
  let parts: unknown[];
  if (Array.isArray(args)) {
    parts = operands(op, args, 3);
  } else {
    const named = namedArgs(op, args, ['if', 'then', 'else'], ['if', 'then', 'else']);
    parts = [named.if, named.then, named.else];
  }
  return evaluate(expressionTruthy(evaluate(parts[0], scope)) ? parts[1] : parts[2], scope);
}

function ifNull(args: unknown, scope: Scope, op: string): unknown {
  const list = operands(op, args, 2, Infinity);
  for (const arg of list.slice(0, -1)) {
    const v = evaluate(arg, scope);
    if (!isNullish(v)) return v;
  }
  return evaluate(list[list.length - 1], scope);
}

function switchOp(args: unknown, scope: Scope, op: string): unknown {
  const named = namedArgs(op, args, ['branches', 'default'], ['branches']);
  if (!Array.isArray(named.branches) || named.branches.length === 0) throw invalidParam('$switch requires at least one branch');
  const branches = named.branches.map((b) => {
    if (!isPlainObject(b)) throw invalidParam(`$switch expected each branch to be an object, found: ${typeName(b)}`);
    return namedArgs('$switch branch', b, ['case', 'then'], ['case', 'then']);
  });
  for (const branch of branches) if (expressionTruthy(evaluate(branch.case, scope))) return evaluate(branch.then, scope);
  if (!Object.hasOwn(named, 'default'))
    throw invalidParam('$switch could not find a matching branch for an input, and no default was specified.');
  return evaluate(named.default, scope);
}

// ---- strings

const ISO_DATE_FORMAT = '%Y-%m-%dT%H:%M:%S.%LZ';

/** MongoDB's string coercion for `$substr*`, `$toLower`, `$strcasecmp`: null and missing become "". */
function coerceToString(op: string, v: unknown): string {
  if (isNullish(v)) return '';
  if (typeof v === 'string') return v;
  if (isNumeric(v)) return String(v);
  if (v instanceof Date) return formatDate(op, v.getTime(), 0, ISO_DATE_FORMAT);
  throw invalidParam(`${op}: can't convert from BSON type ${typeName(v)} to String`);
}

function requireString(op: string, v: unknown): string {
  if (typeof v !== 'string') throw invalidParam(`${op} requires a string argument, found: ${typeName(v)}`);
  return v;
}

function concat(args: unknown, scope: Scope, op: string): unknown {
  let out = '';
  for (const v of evalOperands(op, args, scope, 0, Infinity)) {
    if (isNullish(v)) return null;
    if (typeof v !== 'string') throw invalidParam(`$concat only supports strings, not ${typeName(v)}`);
    out += v;
  }
  return out;
}

function isContinuationByte(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

function substrBytes(args: unknown, scope: Scope, op: string): string {
  const [s, start, length] = evalOperands(op, args, scope, 3);
  const bytes = Buffer.from(coerceToString(op, s), 'utf8');
  if (!isNumeric(start)) throw invalidParam(`${op}: starting index must be a numeric type (is BSON type ${typeName(start)})`);
  if (!isNumeric(length)) throw invalidParam(`${op}: length must be a numeric type (is BSON type ${typeName(length)})`);
  const lower = Math.trunc(toNumber(start));
  if (lower < 0) throw invalidParam(`${op}: starting index must be non-negative (got: ${lower})`);
  const count = Math.trunc(toNumber(length));
  const upper = count < 0 ? bytes.length : Math.min(bytes.length, lower + count);
  if (lower >= bytes.length) return '';
  if (isContinuationByte(bytes[lower])) throw invalidParam(`${op}: Invalid range, starting index is a UTF-8 continuation byte.`);
  if (isContinuationByte(bytes[upper]))
    throw invalidParam(`${op}: Invalid range, ending index is in the middle of a UTF-8 character.`);
  return bytes.subarray(lower, upper).toString('utf8');
}

function substrCP(args: unknown, scope: Scope, op: string): string {
  const [s, start, count] = evalOperands(op, args, scope, 3);
  const codePoints = Array.from(coerceToString(op, s));
  const index = requireIntegral(op, start, 'starting index');
  const length = requireIntegral(op, count, 'length');
  if (length < 0) throw invalidParam(`${op}: length must be a nonnegative integer.`);
  if (index < 0) throw invalidParam(`${op}: the starting index must be nonnegative integer.`);
  return codePoints.slice(index, index + length).join('');
}

/** MongoDB's case mapping is ASCII-only. */
function caseMapping(upper: boolean): Operator {
  return (args, scope, op) => {
    const s = coerceToString(op, evalSingle(op, args, scope));
    return upper ? s.replace(/[a-z]+/g, (m) => m.toUpperCase()) : s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  };
}

function strcasecmp(args: unknown, scope: Scope, op: string): number {
  const [a, b] = evalOperands(op, args, scope, 2).map((v) => coerceToString(op, v).replace(/[a-z]+/g, (m) => m.toUpperCase()));
  return compareStrings(a!, b!);
}

function split(args: unknown, scope: Scope, op: string): unknown {
  const [s, separator] = evalOperands(op, args, scope, 2);
  if (isNullish(s) || isNullish(separator)) return null;
  if (typeof s !== 'string')
    throw invalidParam(`$split requires an expression that evaluates to a string as a first argument, found: ${typeName(s)}`);
  if (typeof separator !== 'string')
    throw invalidParam(
      `$split requires an expression that evaluates to a string as a second argument, found: ${typeName(separator)}`,
    );
  if (separator === '') throw invalidParam('$split requires a non-empty separator');
  return s.split(separator);
}

const WHITESPACE = new Set(
  Array.from(
    '\0 \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000',
  ),
);

function trim(fromStart: boolean, fromEnd: boolean): Operator {
  return (args, scope, op) => {
    const named = namedArgs(op, args, ['input', 'chars'], ['input']);
    const input = evaluate(named.input, scope);
    let chars = WHITESPACE;
    if (Object.hasOwn(named, 'chars')) {
      const given = evaluate(named.chars, scope);
      if (isNullish(given)) return null;
      if (typeof given !== 'string') throw invalidParam(`${op} requires 'chars' to be a string, found: ${typeName(given)}`);
      chars = new Set(Array.from(given));
    }
    if (isNullish(input)) return null;
    if (typeof input !== 'string') throw invalidParam(`${op} requires its input to be a string, found: ${typeName(input)}`);
    const codePoints = Array.from(input);
    let start = 0;
    let end = codePoints.length;
    while (fromStart && start < end && chars.has(codePoints[start]!)) start++;
    while (fromEnd && end > start && chars.has(codePoints[end - 1]!)) end--;
    return codePoints.slice(start, end).join('');
  };
}

function indexOfCP(args: unknown, scope: Scope, op: string): unknown {
  const list = evalOperands(op, args, scope, 2, 4);
  const [s, token] = list;
  if (isNullish(s)) return null;
  if (typeof s !== 'string') throw invalidParam(`${op} requires a string as the first argument, found: ${typeName(s)}`);
  if (typeof token !== 'string') throw invalidParam(`${op} requires a string as the second argument, found: ${typeName(token)}`);
  const haystack = Array.from(s);
  const needle = Array.from(token);
  const from = list.length > 2 ? requireIndex(op, list[2], 'starting index') : 0;
  const to = list.length > 3 ? Math.min(haystack.length, requireIndex(op, list[3], 'ending index')) : haystack.length;
  for (let i = from; i + needle.length <= to; i++) if (needle.every((c, k) => haystack[i + k] === c)) return i;
  return -1;
}

/** `$indexOfBytes`: like `$indexOfCP`, in UTF-8 bytes; the end index is exclusive. */
function indexOfBytes(args: unknown, scope: Scope, op: string): unknown {
  const list = evalOperands(op, args, scope, 2, 4);
  const [s, token] = list;
  if (isNullish(s)) return null;
  if (typeof s !== 'string') throw invalidParam(`${op} requires a string as the first argument, found: ${typeName(s)}`);
  if (typeof token !== 'string') throw invalidParam(`${op} requires a string as the second argument, found: ${typeName(token)}`);
  const haystack = Buffer.from(s, 'utf8');
  const from = list.length > 2 ? requireIndex(op, list[2], 'starting index') : 0;
  const to = list.length > 3 ? Math.min(haystack.length, requireIndex(op, list[3], 'ending index')) : haystack.length;
  if (from > to) return -1;
  return haystack.subarray(0, to).indexOf(Buffer.from(token, 'utf8'), from);
}

function regexMatch(args: unknown, scope: Scope, op: string): boolean {
  const named = namedArgs(op, args, ['input', 'regex', 'options'], ['input', 'regex']);
  const input = evaluate(named.input, scope);
  const regex = evaluate(named.regex, scope);
  const options = Object.hasOwn(named, 'options') ? evaluate(named.options, scope) : undefined;
  let pattern: string;
  let flags = '';
  if (regex instanceof RegExp) {
    pattern = regex.source;
    flags = regex.flags;
  } else if (regex instanceof BSONRegExp) {
    pattern = regex.pattern;
    flags = regex.options;
  } else if (typeof regex === 'string') {
    pattern = regex;
  } else if (isNullish(regex)) {
    return false;
  } else {
    throw invalidParam(`${op} needs 'regex' to be of type string or regex, found: ${typeName(regex)}`);
  }
  if (!isNullish(options)) {
    if (typeof options !== 'string')
      throw invalidParam(`${op} needs 'options' to be of type string, found: ${typeName(options)}`);
    if (flags && options) throw invalidParam(`${op}: found regex option(s) specified in both 'regex' and 'option' fields`);
    const bad = [...options].find((f) => !'imsx'.includes(f));
    if (bad) throw invalidParam(`${op}: invalid flag in regex options: ${bad}`);
    flags = options;
  }
  if (isNullish(input)) return false;
  if (typeof input !== 'string') throw invalidParam(`${op} needs 'input' to be of type string, found: ${typeName(input)}`);
  return toRegExp({ pattern, options: flags }).test(input);
}

// ---- arrays

function elementAt(op: string, array: unknown, index: unknown): unknown {
  if (isNullish(array) || isNullish(index)) return null;
  requireArray(op, array);
  const i = requireIntegral(op, index, 'index');
  return (array as unknown[])[i < 0 ? (array as unknown[]).length + i : i];
}

function inArray(args: unknown, scope: Scope, op: string): boolean {
  const [v, array] = evalOperands(op, args, scope, 2);
  requireArray(op, array, `$in requires an array as a second argument, found: ${typeName(array)}`);
  return (array as unknown[]).some((item) => expressionEquals(v, item));
}

function indexOfArray(args: unknown, scope: Scope, op: string): unknown {
  const list = evalOperands(op, args, scope, 2, 4);
  const [array, target] = list;
  if (isNullish(array)) return null;
  requireArray(op, array, `$indexOfArray requires an array as a first argument, found: ${typeName(array)}`);
  const items = array as unknown[];
  const from = list.length > 2 ? requireIndex(op, list[2], 'starting index') : 0;
  const to = list.length > 3 ? Math.min(items.length, requireIndex(op, list[3], 'ending index')) : items.length;
  for (let i = from; i < to; i++) if (expressionEquals(items[i], target)) return i;
  return -1;
}

function slice(args: unknown, scope: Scope, op: string): unknown {
  const list = evalOperands(op, args, scope, 2, 3);
  if (list.some(isNullish)) return null;
  const array = requireArray(op, list[0], `First argument to $slice must be an array, but is of type: ${typeName(list[0])}`);
  const first = requireIntegral(op, list[1], 'second argument');
  if (list.length === 2) return first >= 0 ? array.slice(0, first) : array.slice(Math.max(0, array.length + first));
  const count = requireIntegral(op, list[2], 'third argument');
  if (count <= 0) throw invalidParam(`Third argument to $slice must be positive: ${count}`);
  const start = first >= 0 ? Math.min(first, array.length) : Math.max(0, array.length + first);
  return array.slice(start, start + count);
}

function concatArrays(args: unknown, scope: Scope, op: string): unknown {
  const out: unknown[] = [];
  for (const v of evalOperands(op, args, scope, 0, Infinity)) {
    if (isNullish(v)) return null;
    out.push(...requireArray(op, v, `$concatArrays only supports arrays, not ${typeName(v)}`));
  }
  return out;
}

function filter(args: unknown, scope: Scope, op: string): unknown {
  const named = namedArgs(op, args, ['input', 'as', 'cond', 'limit'], ['input', 'cond']);
  const name = checkVariableName(named.as ?? 'this', op);
  let limit = Infinity;
  if (Object.hasOwn(named, 'limit')) {
    const given = evaluate(named.limit, scope);
    if (!isNullish(given)) {
      limit = requireIntegral(op, given, 'limit');
      if (limit < 1) throw invalidParam(`$filter: limit must be greater than 0: ${limit}`);
    }
  }
  const input = evaluate(named.input, scope);
  if (isNullish(input)) return null;
  const out: unknown[] = [];
  for (const item of requireArray(op, input, `input to $filter must be an array not ${typeName(input)}`)) {
    if (out.length >= limit) break;
    if (expressionTruthy(evaluate(named.cond, withVars(scope, { [name]: item })))) out.push(item);
  }
  return out;
}

function map(args: unknown, scope: Scope, op: string): unknown {
  const named = namedArgs(op, args, ['input', 'as', 'in'], ['input', 'in']);
  const name = checkVariableName(named.as ?? 'this', op);
  const input = evaluate(named.input, scope);
  if (isNullish(input)) return null;
  const items = requireArray(op, input, `input to $map must be an array not ${typeName(input)}`);
  return items.map((item) => nullIfMissing(evaluate(named.in, withVars(scope, { [name]: item }))));
}

function reduce(args: unknown, scope: Scope, op: string): unknown {
  const named = namedArgs(op, args, ['input', 'initialValue', 'in'], ['input', 'initialValue', 'in']);
  const input = evaluate(named.input, scope);
  if (isNullish(input)) return null;
  const items = requireArray(op, input, `$reduce requires 'input' to be an array, found: ${typeName(input)}`);
  let value = evaluate(named.initialValue, scope);
  for (const item of items) value = evaluate(named.in, withVars(scope, { value, this: item }));
  return value;
}

function reverseArray(args: unknown, scope: Scope, op: string): unknown {
  const v = evalSingle(op, args, scope);
  if (isNullish(v)) return null;
  return [...requireArray(op, v, `The argument to $reverseArray must be an array, but was of type: ${typeName(v)}`)].reverse();
}

const MAX_RANGE_LENGTH = 10_000_000;

function range(args: unknown, scope: Scope, op: string): unknown[] {
  const list = evalOperands(op, args, scope, 2, 3);
  const start = requireIntegral(op, list[0], 'starting value');
  const end = requireIntegral(op, list[1], 'ending value');
  const step = list.length > 2 ? requireIntegral(op, list[2], 'step value') : 1;
  if (step === 0) throw invalidParam('$range requires a non-zero step value');
  if ((end - start) / step > MAX_RANGE_LENGTH) throw invalidParam(`$range would produce more than ${MAX_RANGE_LENGTH} values`);
  const out: number[] = [];
  for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
  return out;
}

/** A string equal for exactly the values `compareValues` finds equal: keys sets, groups and `$addToSet`. */
export function valueKey(v: unknown): string {
  if (v === undefined) return 'u';
  if (v === null) return 'z';
  if (isNumeric(v)) return `n${toNumber(v)}`;
  if (typeof v === 'string') return `s${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (v instanceof Date) return `d${v.getTime()}`;
  if (Array.isArray(v)) return `[${v.map(valueKey).join(',')}]`;
  if (isPlainObject(v)) {
    const fields = Object.keys(v).filter((k) => v[k] !== undefined);
    return `{${fields.map((k) => `${JSON.stringify(k)}:${valueKey(v[k])}`).join(',')}}`;
  }
  if (v instanceof RegExp) return `r/${v.source}/${v.flags}`;
  if (v instanceof BSONRegExp) return `r/${v.pattern}/${v.options}`;
  return `${typeName(v)}:${ownText(v)}`;
}

/** String(v) for the values left to `valueKey`: bson classes print themselves, but MinKey, MaxKey, Code and DBRef have only Object's text. */
function ownText(v: unknown): string {
  if (v instanceof Timestamp) return v.toJSON().$timestamp; // its 64-bit value in decimal, as Long's toString gives it
  if (
    v instanceof ObjectId ||
    v instanceof Binary ||
    v instanceof Uint8Array ||
    v instanceof BSONSymbol ||
    v instanceof Int32 ||
    v instanceof Double
  )
    return v.toString();
  return Object.prototype.toString.call(v);
}

export function distinctValues(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = valueKey(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** MongoDB builds set results in an ordered set, so they come back sorted. */
function sortedSet(values: unknown[]): unknown[] {
  return distinctValues(values).sort(compareValues);
}

function setUnion(args: unknown, scope: Scope, op: string): unknown {
  const all: unknown[] = [];
  for (const v of evalOperands(op, args, scope, 0, Infinity)) {
    if (isNullish(v)) return null;
    all.push(...requireArray(op, v, `All operands of ${op} must be arrays. One argument is of type: ${typeName(v)}`));
  }
  return sortedSet(all);
}

function setIntersection(args: unknown, scope: Scope, op: string): unknown {
  const sets: unknown[][] = [];
  for (const v of evalOperands(op, args, scope, 0, Infinity)) {
    if (isNullish(v)) return null;
    sets.push(requireArray(op, v, `All operands of ${op} must be arrays. One argument is of type: ${typeName(v)}`));
  }
  if (sets.length === 0) return [];
  const others = sets.slice(1).map((s) => new Set(s.map(valueKey)));
  return sortedSet(sets[0]!.filter((v) => others.every((s) => s.has(valueKey(v)))));
}

function setDifference(args: unknown, scope: Scope, op: string): unknown {
  const [a, b] = evalOperands(op, args, scope, 2);
  if (isNullish(a) || isNullish(b)) return null;
  const left = requireArray(op, a, `both operands of $setDifference must be arrays. First argument is of type: ${typeName(a)}`);
  const right = requireArray(op, b, `both operands of $setDifference must be arrays. Second argument is of type: ${typeName(b)}`);
  const exclude = new Set(right.map(valueKey));
  return distinctValues(left).filter((v) => !exclude.has(valueKey(v)));
}

function setEquals(args: unknown, scope: Scope, op: string): boolean {
  const keySets = evalOperands(op, args, scope, 2, Infinity).map((v, i) => {
    const array = requireArray(
      op,
      v,
      `All operands of $setEquals must be arrays. ${i + 1}-th argument is of type: ${typeName(v)}`,
    );
    return new Set(array.map(valueKey));
  });
  const [first, ...rest] = keySets;
  return rest.every((s) => s.size === first!.size && [...s].every((k) => first!.has(k)));
}

function setIsSubset(args: unknown, scope: Scope, op: string): boolean {
  const [a, b] = evalOperands(op, args, scope, 2);
  const left = requireArray(op, a, `both operands of $setIsSubset must be arrays. First argument is of type: ${typeName(a)}`);
  const right = new Set(
    requireArray(op, b, `both operands of $setIsSubset must be arrays. Second argument is of type: ${typeName(b)}`).map(valueKey),
  );
  return left.every((v) => right.has(valueKey(v)));
}

function elementsTrue(all: boolean): Operator {
  return (args, scope, op) => {
    const items = requireArray(op, evalSingle(op, args, scope));
    return all ? items.every(expressionTruthy) : items.some(expressionTruthy);
  };
}

// ---- $sum/$avg/$min/$max, shared with the $group accumulators

export function sumOf(values: unknown[]): number {
  return preciseSum(values.filter(isNumeric).map(toNumber));
}

export function avgOf(values: unknown[]): number | null {
  const numbers = values.filter(isNumeric).map(toNumber);
  return numbers.length ? preciseSum(numbers) / numbers.length : null;
}

/** `$min`/`$max` over any types (BSON order), ignoring null and missing. */
export function extremeOf(values: unknown[], direction: 1 | -1): unknown {
  let best: unknown = null;
  for (const v of values) {
    if (isNullish(v)) continue;
    if (best === null || compareValues(v, best) * direction > 0) best = v;
  }
  return best;
}

export function stdDevOf(values: unknown[], sample: boolean): number | null {
  const numbers = values.filter(isNumeric).map(toNumber);
  const n = numbers.length;
  if (n === 0 || (sample && n < 2)) return null;
  const mean = preciseSum(numbers) / n;
  const squares = preciseSum(numbers.map((x) => (x - mean) ** 2));
  return Math.sqrt(squares / (sample ? n - 1 : n));
}

export function mergeObjects(op: string, values: unknown[]): Doc {
  const out: Doc = {};
  for (const v of values) {
    if (isNullish(v)) continue;
    if (!isPlainObject(v))
      throw invalidParam(`${op} requires object inputs, but input ${describeValue(v)} is of type ${typeName(v)}`);
    for (const [key, value] of Object.entries(v)) if (value !== undefined) out[key] = value;
  }
  return out;
}

/** `{$sum: [a, b]}` sums its operands; a single operand that is an array is summed element by element. */
function overOperands(compute: (values: unknown[]) => unknown): Operator {
  return (args, scope, op) => {
    const values = evalOperands(op, args, scope, 0, Infinity);
    return compute(values.length === 1 && Array.isArray(values[0]) ? values[0] : values);
  };
}

// ---- types and conversion

type ConvertTarget = 'double' | 'decimal' | 'int' | 'long' | 'string' | 'bool' | 'date' | 'objectId';
const TYPE_CODES: Record<number, ConvertTarget> = {
  1: 'double',
  2: 'string',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  16: 'int',
  18: 'long',
  19: 'decimal',
};
const CONVERT_TARGETS = new Set<string>(Object.values(TYPE_CODES));

const INTEGER_STRING = /^[+-]?\d+$/;
const NUMBER_STRING = /^[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf(inity)?|nan)$/i;
const INT32_RANGE = 2 ** 31;
const INT64_RANGE = 2 ** 63;

function conversionError(message: string): CloudBaseError {
  return invalidParam(`${message} in $convert with no onError value`);
}

function unsupportedConversion(v: unknown, to: string): CloudBaseError {
  return conversionError(`Unsupported conversion from ${typeName(v)} to ${to}`);
}

function parseNumberString(s: string): number {
  if (!NUMBER_STRING.test(s)) throw conversionError(`Failed to parse number '${s}'`);
  const lower = s.toLowerCase().replace(/^\+/, '');
  if (lower.endsWith('nan')) return NaN;
  if (lower.startsWith('inf') || lower.startsWith('-inf')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(s);
}

function toDouble(v: unknown): number {
  if (isNumeric(v)) return toNumber(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return parseNumberString(v);
  if (v instanceof Date) return v.getTime();
  throw unsupportedConversion(v, 'double');
}

function toInteger(v: unknown, to: 'int' | 'long'): number {
  const limit = to === 'int' ? INT32_RANGE : INT64_RANGE;
  let n: number;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isNumeric(v)) {
    n = toNumber(v);
    if (Number.isNaN(n)) throw conversionError('Attempt to convert NaN value to integer type');
    if (!Number.isFinite(n)) throw conversionError('Attempt to convert infinity value to integer type');
    n = Math.trunc(n) + 0;
  } else if (typeof v === 'string') {
    if (!INTEGER_STRING.test(v)) throw conversionError(`Failed to parse number '${v}': Did not consume whole string`);
    n = Number(v);
  } else if (v instanceof Date && to === 'long') {
    return v.getTime();
  } else {
    throw unsupportedConversion(v, to);
  }
  if (n < -limit || n >= limit) throw conversionError('Conversion would overflow target type');
  return n;
}

function toStringValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (isNumeric(v) || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return formatDate('$convert', v.getTime(), 0, ISO_DATE_FORMAT);
  if (v instanceof ObjectId) return v.toHexString();
  throw unsupportedConversion(v, 'string');
}

function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (isNumeric(v)) return toNumber(v) !== 0;
  return true;
}

const DATE_STRING = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** ISO 8601 dates; without a zone designator the time is UTC, as in MongoDB (JS would read it as local time). */
function parseDateString(s: string): Date | undefined {
  const m = DATE_STRING.exec(s.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    return undefined;
  return new Date(ms - (m[8] ? (parseOffset(m[8]) ?? 0) : 0) * 60_000);
}

function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  if (isNumeric(v) && typeName(v) !== 'int') return new Date(toNumber(v));
  if (typeof v === 'string') {
    const date = parseDateString(v);
    if (!date) throw conversionError(`Error parsing date string '${v}'`);
    return date;
  }
  if (v instanceof ObjectId) return v.getTimestamp();
  if (v instanceof Timestamp) return new Date(v.t * 1000);
  throw unsupportedConversion(v, 'date');
}

function toObjectId(v: unknown): ObjectId {
  if (v instanceof ObjectId) return v;
  if (typeof v === 'string') {
    if (!/^[0-9a-fA-F]{24}$/.test(v)) throw conversionError(`Failed to parse objectId '${v}'`);
    return new ObjectId(v);
  }
  throw unsupportedConversion(v, 'objectId');
}

const CONVERTERS: Record<ConvertTarget, (v: unknown) => unknown> = {
  double: toDouble,
  decimal: toDouble, // decimals are plain JS numbers in the emulator
  int: (v) => toInteger(v, 'int'),
  long: (v) => toInteger(v, 'long'),
  string: toStringValue,
  bool: toBool,
  date: toDate,
  objectId: toObjectId,
};

function convertTarget(to: unknown): ConvertTarget {
  if (typeof to === 'string' && CONVERT_TARGETS.has(to)) return to as ConvertTarget;
  if (isNumeric(to) && TYPE_CODES[toNumber(to)]) return TYPE_CODES[toNumber(to)]!;
  if (typeof to === 'string' || isNumeric(to)) throw unsupported(`$convert to ${describeValue(to)}`);
  throw invalidParam(`$convert's 'to' argument must be a string or number, but is ${typeName(to)}`);
}

function convert(args: unknown, scope: Scope, op: string): unknown {
  const named = namedArgs(op, args, ['input', 'to', 'onError', 'onNull'], ['input', 'to']);
  const to = evaluate(named.to, scope);
  if (isNullish(to)) return null;
  const target = convertTarget(to);
  const input = evaluate(named.input, scope);
  if (isNullish(input)) return Object.hasOwn(named, 'onNull') ? evaluate(named.onNull, scope) : null;
  try {
    return CONVERTERS[target](input);
  } catch (err) {
    if (Object.hasOwn(named, 'onError')) return evaluate(named.onError, scope);
    throw err;
  }
}

/** `$toInt`, `$toString`...: `$convert` without onError/onNull. */
function convertTo(target: ConvertTarget): Operator {
  return (args, scope, op) => {
    const v = evalSingle(op, args, scope);
    return isNullish(v) ? null : CONVERTERS[target](v);
  };
}

// ---- dates

const DAY_MS = 86_400_000;

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  dayOfWeek: number; // 1 = Sunday
  dayOfYear: number;
  isoDayOfWeek: number; // 1 = Monday
  isoWeek: number;
  isoWeekYear: number;
  week: number; // weeks start on Sunday; days before the first Sunday are week 0
  offsetMinutes: number;
}

function dateParts(ms: number, offsetMinutes: number): DateParts {
  const local = new Date(ms + offsetMinutes * 60_000);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  const midnight = Date.UTC(year, month - 1, day);
  const dayOfYear = Math.round((midnight - Date.UTC(year, 0, 1)) / DAY_MS) + 1;
  const weekday = local.getUTCDay();
  const isoDayOfWeek = weekday === 0 ? 7 : weekday;
  const thursday = new Date(midnight + (4 - isoDayOfWeek) * DAY_MS);
  const isoWeekYear = thursday.getUTCFullYear();
  return {
    year,
    month,
    day,
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
    dayOfWeek: weekday + 1,
    dayOfYear,
    isoDayOfWeek,
    isoWeek: Math.floor((thursday.getTime() - Date.UTC(isoWeekYear, 0, 1)) / (7 * DAY_MS)) + 1,
    isoWeekYear,
    week: Math.floor((dayOfYear - 1 + 7 - weekday) / 7),
    offsetMinutes,
  };
}

function parseOffset(tz: string): number | undefined {
  const m = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(tz);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();
function zoneFormatter(op: string, tz: string): Intl.DateTimeFormat {
  let fmt = zoneFormatters.get(tz);
  if (!fmt) {
    try {
      fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw invalidParam(`${op}: unrecognized time zone identifier: "${tz}"`);
    }
    zoneFormatters.set(tz, fmt);
  }
  return fmt;
}

/** Minutes east of UTC at instant `ms` for "+08:00", "+0800", "+08", or an Olson name such as "Asia/Shanghai". */
function timezoneOffset(op: string, tz: unknown, ms: number): number {
  if (typeof tz !== 'string') throw invalidParam(`${op}: timezone must evaluate to a string, found ${typeName(tz)}`);
  const fixed = parseOffset(tz);
  if (fixed !== undefined) return fixed;
  const parts: Record<string, number> = {};
  for (const p of zoneFormatter(op, tz).formatToParts(new Date(ms))) parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day, parts.hour! % 24, parts.minute, parts.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

function toDateArgument(op: string, v: unknown): Date {
  if (v instanceof Date) return v;
  if (v instanceof ObjectId) return v.getTimestamp();
  if (v instanceof Timestamp) return new Date(v.t * 1000);
  throw invalidParam(`${op}: can't convert from BSON type ${typeName(v)} to Date`);
}

/** The operand of `$year` & co: a date expression, `[date]`, or `{date, timezone}`. Null when either is null. */
function dateOperand(op: string, args: unknown, scope: Scope): DateParts | null {
  let dateExpr = args;
  let zoneExpr: unknown;
  let hasZone = false;
  if (Array.isArray(args)) {
    dateExpr = operands(op, args, 1)[0];
  } else if (isPlainObject(args) && !isOperatorObject(args)) {
    const named = namedArgs(op, args, ['date', 'timezone'], ['date']);
    dateExpr = named.date;
    hasZone = Object.hasOwn(named, 'timezone');
    zoneExpr = named.timezone;
  }
  const value = evaluate(dateExpr, scope);
  if (isNullish(value)) return null;
  const ms = toDateArgument(op, value).getTime();
  if (!hasZone) return dateParts(ms, 0);
  const zone = evaluate(zoneExpr, scope);
  if (isNullish(zone)) return null;
  return dateParts(ms, timezoneOffset(op, zone, ms));
}

function datePart(pick: (p: DateParts) => number): Operator {
  return (args, scope, op) => {
    const parts = dateOperand(op, args, scope);
    return parts === null ? null : pick(parts);
  };
}

const pad = (n: number, width: number) => String(Math.abs(n)).padStart(width, '0');
const signed = (n: number) => (n < 0 ? '-' : '+');

const DATE_FORMAT_SPECIFIERS: Record<string, (p: DateParts) => string> = {
  Y: (p) => pad(p.year, 4),
  m: (p) => pad(p.month, 2),
  d: (p) => pad(p.day, 2),
  H: (p) => pad(p.hour, 2),
  M: (p) => pad(p.minute, 2),
  S: (p) => pad(p.second, 2),
  L: (p) => pad(p.millisecond, 3),
  j: (p) => pad(p.dayOfYear, 3),
  w: (p) => String(p.dayOfWeek),
  u: (p) => String(p.isoDayOfWeek),
  U: (p) => pad(p.week, 2),
  V: (p) => pad(p.isoWeek, 2),
  G: (p) => pad(p.isoWeekYear, 4),
  z: (p) => `${signed(p.offsetMinutes)}${pad(Math.trunc(p.offsetMinutes / 60), 2)}${pad(p.offsetMinutes % 60, 2)}`,
  Z: (p) => `${signed(p.offsetMinutes)}${Math.abs(p.offsetMinutes)}`,
  '%': () => '%',
};

function checkDateFormat(op: string, format: string): void {
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') continue;
    const spec = format[++i];
    if (spec === undefined) throw invalidParam(`${op}: unmatched '%' at end of format string`);
    if (!Object.hasOwn(DATE_FORMAT_SPECIFIERS, spec))
      throw invalidParam(`${op}: invalid format character '%${spec}' in format string`);
  }
}

function formatDate(op: string, ms: number, offsetMinutes: number, format: string): string {
  checkDateFormat(op, format);
  const parts = dateParts(ms, offsetMinutes);
  return format.replace(/%(.)/gs, (_, spec: string) => DATE_FORMAT_SPECIFIERS[spec]!(parts));
}

function dateToString(args: unknown, scope: Scope, op: string): unknown {
  const named = namedArgs(op, args, ['date', 'format', 'timezone', 'onNull'], ['date']);
  const hasZone = Object.hasOwn(named, 'timezone');
  let format = hasZone ? '%Y-%m-%dT%H:%M:%S.%L' : ISO_DATE_FORMAT;
  if (Object.hasOwn(named, 'format')) {
    const given = evaluate(named.format, scope);
    if (isNullish(given)) return null;
    if (typeof given !== 'string') throw invalidParam(`${op} requires that 'format' be a string, found: ${typeName(given)}`);
    checkDateFormat(op, given);
    format = given;
  }
  const value = evaluate(named.date, scope);
  if (isNullish(value)) return Object.hasOwn(named, 'onNull') ? evaluate(named.onNull, scope) : null;
  const ms = toDateArgument(op, value).getTime();
  let offset = 0;
  if (hasZone) {
    const zone = evaluate(named.timezone, scope);
    if (isNullish(zone)) return null;
    offset = timezoneOffset(op, zone, ms);
  }
  return formatDate(op, ms, offset, format);
}

/** `$dateFromParts`: calendar (`year`...) or ISO week (`isoWeekYear`...) parts, each carried over when out of range. */
const CALENDAR_PARTS = [
  ['year', 1970],
  ['month', 1],
  ['day', 1],
] as const;
const ISO_PARTS = [
  ['isoWeekYear', 1970],
  ['isoWeek', 1],
  ['isoDayOfWeek', 1],
] as const;
const TIME_PARTS = [
  ['hour', 0],
  ['minute', 0],
  ['second', 0],
  ['millisecond', 0],
] as const;

function dateFromParts(args: unknown, scope: Scope, op: string): unknown {
  if (!isPlainObject(args)) throw invalidParam(`${op} only supports an object as its argument, found: ${typeName(args)}`);
  const iso = Object.keys(args).some((k) => k.startsWith('iso'));
  const dateParts = iso ? ISO_PARTS : CALENDAR_PARTS;
  if (iso && CALENDAR_PARTS.some(([k]) => Object.hasOwn(args, k)))
    throw invalidParam(`${op}: 'year', 'month' and 'day' cannot be mixed with 'isoWeekYear', 'isoWeek' and 'isoDayOfWeek'`);
  const allowed = [...dateParts, ...TIME_PARTS].map(([k]) => k as string);
  for (const key of Object.keys(args))
    if (key !== 'timezone' && !allowed.includes(key)) throw invalidParam(`Unrecognized argument to ${op}: ${key}`);
  if (!Object.hasOwn(args, dateParts[0][0])) throw invalidParam(`${op} requires either 'year' or 'isoWeekYear' to be present`);
  const values: number[] = [];
  for (const [name, fallback] of [...dateParts, ...TIME_PARTS]) {
    if (!Object.hasOwn(args, name)) {
      values.push(fallback);
      continue;
    }
    const v = evaluate(args[name], scope);
    if (isNullish(v)) return null;
    if (!isNumeric(v) || !Number.isInteger(toNumber(v)))
      throw invalidParam(`${op}: '${name}' must evaluate to an integer, found ${typeName(v)} with value ${describeValue(v)}`);
    const n = toNumber(v);
    const [min, max] = name === 'year' || name === 'isoWeekYear' ? [1, 9999] : [-32768, 32767];
    if (n < min || n > max)
      throw invalidParam(`${op}: '${name}' must evaluate to an integer in the range ${min} to ${max}, found ${n}`);
    values.push(n);
  }
  const [y, a, b, hour, minute, second, millisecond] = values as [number, number, number, number, number, number, number];
  let local: number;
  if (iso) {
    // ISO week 1 is the week with January 4th; weeks start on Monday.
    const jan4 = utcDate(y, 0, 4);
    const weekday = (new Date(jan4).getUTCDay() + 6) % 7;
    local = jan4 + ((a - 1) * 7 + (b - 1) - weekday) * DAY_MS;
  } else {
    local = utcDate(y, a - 1, b);
  }
  local += ((hour * 60 + minute) * 60 + second) * 1000 + millisecond;
  if (!Object.hasOwn(args, 'timezone')) return new Date(local);
  const zone = evaluate(args.timezone, scope);
  if (isNullish(zone)) return null;
  return new Date(localToUtc(op, zone, local));
}

/** Date.UTC without its mapping of years 0-99 to 1900-1999; months and days carry over. */
function utcDate(year: number, monthIndex: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  return d.getTime();
}

/** The instant at which the wall clock of zone `tz` shows `local` (ms as if UTC). */
function localToUtc(op: string, tz: unknown, local: number): number {
  const first = local - timezoneOffset(op, tz, local) * 60_000;
  const second = local - timezoneOffset(op, tz, first) * 60_000;
  return second;
}

const UTC_ZONES = new Set(['UTC', 'GMT', 'Etc/UTC', 'Etc/GMT']);
function isUtcZone(tz: string): boolean {
  return UTC_ZONES.has(tz) || parseOffset(tz) === 0;
}

/** What `$dateFromString` reads for each format specifier (MongoDB's list); other characters must match literally. */
const PARSE_SPECIFIERS: Record<string, string> = {
  d: '(\\d{1,2})',
  G: '(\\d{4})',
  H: '(\\d{1,2})',
  L: '(\\d{1,3})',
  m: '(\\d{1,2})',
  M: '(\\d{1,2})',
  S: '(\\d{1,2})',
  u: '([1-7])',
  V: '(\\d{1,2})',
  Y: '(\\d{4})',
  z: '([+-]\\d{2}:?\\d{2})',
  Z: '([+-]\\d{1,4})',
};

interface ParsedDate {
  /** Wall-clock time, as if UTC. */
  local: number;
  /** Minutes east of UTC when the string named its zone. */
  offset?: number;
}

/** A failure to read a date string: what `onError` replaces. */
function dateParseError(message: string): CloudBaseError {
  return Object.assign(invalidParam(message), { conversion: true });
}

function checkParseFormat(op: string, format: string): void {
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') continue;
    const spec = format[++i];
    if (spec === undefined) throw invalidParam(`${op}: unmatched '%' at end of format string`);
    if (spec !== '%' && !Object.hasOwn(PARSE_SPECIFIERS, spec))
      throw invalidParam(`${op}: invalid format character '%${spec}' in format string`);
  }
}

function parseWithFormat(op: string, input: string, format: string): ParsedDate {
  let pattern = '^';
  const fields: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      pattern += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const spec = format[++i];
    if (spec === undefined) throw invalidParam(`${op}: unmatched '%' at end of format string`);
    if (spec === '%') {
      pattern += '%';
      continue;
    }
    if (!Object.hasOwn(PARSE_SPECIFIERS, spec)) throw invalidParam(`${op}: invalid format character '%${spec}' in format string`);
    pattern += PARSE_SPECIFIERS[spec];
    fields.push(spec);
  }
  const m = new RegExp(`${pattern}$`).exec(input);
  if (!m) throw dateParseError(`${op}: an error occurred while parsing '${input}' with format '${format}'`);
  const got: Record<string, string> = {};
  fields.forEach((f, i) => (got[f] = m[i + 1]!));
  const num = (f: string, fallback: number) => (got[f] === undefined ? fallback : Number(got[f]));
  const [hour, minute, second] = [num('H', 0), num('M', 0), num('S', 0)];
  const millis = got.L === undefined ? 0 : Number(got.L.padEnd(3, '0'));
  if (hour > 23 || minute > 59 || second > 59) throw dateParseError(`${op}: time out of range in '${input}'`);
  let day: number;
  if (got.G !== undefined || got.V !== undefined || got.u !== undefined) {
    const jan4 = utcDate(num('G', 1970), 0, 4);
    const weekday = (new Date(jan4).getUTCDay() + 6) % 7;
    const week = num('V', 1);
    if (week < 1 || week > 53) throw dateParseError(`${op}: ISO week out of range in '${input}'`);
    day = jan4 + ((week - 1) * 7 + (num('u', 1) - 1) - weekday) * DAY_MS;
  } else {
    const [year, month, dom] = [num('Y', 1970), num('m', 1), num('d', 1)];
    day = utcDate(year, month - 1, dom);
    const check = new Date(day);
    if (month < 1 || month > 12 || check.getUTCDate() !== dom) throw dateParseError(`${op}: invalid date in '${input}'`);
  }
  const local = day + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  let offset: number | undefined;
  if (got.z !== undefined) offset = parseOffset(got.z);
  if (got.Z !== undefined) offset = Number(got.Z);
  return offset === undefined ? { local } : { local, offset };
}

function parseIsoString(op: string, input: string): ParsedDate {
  const m = DATE_STRING.exec(input.trim());
  if (!m) throw dateParseError(`${op}: Error parsing date string '${input}'`);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const date = utcDate(year, month - 1, day);
  if (new Date(date).getUTCDate() !== day || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59)
    throw dateParseError(`${op}: Error parsing date string '${input}'`);
  const local = date + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  return m[8] === undefined ? { local } : { local, offset: m[8] === 'Z' ? 0 : parseOffset(m[8])! };
}

/**
 * `$dateFromString`: ISO 8601 strings, or `format` with MongoDB's specifiers. A string naming its own zone cannot be
 * given a (non-UTC) `timezone` too. Parse failures, and a dateString that is not a string, go to `onError`.
 */
function dateFromString(args: unknown, scope: Scope, op: string): unknown {
  const named = namedArgs(op, args, ['dateString', 'format', 'timezone', 'onError', 'onNull'], ['dateString']);
  let format: string | undefined;
  if (Object.hasOwn(named, 'format')) {
    const given = evaluate(named.format, scope);
    if (isNullish(given)) return null;
    if (typeof given !== 'string') throw invalidParam(`${op}: format must be a string, found: ${typeName(given)}`);
    checkParseFormat(op, given);
    format = given;
  }
  let zone: string | undefined;
  if (Object.hasOwn(named, 'timezone')) {
    const given = evaluate(named.timezone, scope);
    if (isNullish(given)) return null;
    if (typeof given !== 'string') throw invalidParam(`${op}: timezone must evaluate to a string, found ${typeName(given)}`);
    timezoneOffset(op, given, 0); // refuses an unknown zone
    zone = given;
  }
  const input = evaluate(named.dateString, scope);
  if (isNullish(input)) return Object.hasOwn(named, 'onNull') ? evaluate(named.onNull, scope) : null;
  try {
    if (typeof input !== 'string')
      throw dateParseError(
        `${op} requires that 'dateString' be a string, found: ${typeName(input)} with value ${describeValue(input)}`,
      );
    const parsed = format === undefined ? parseIsoString(op, input) : parseWithFormat(op, input, format);
    if (parsed.offset !== undefined) {
      if (zone !== undefined && !isUtcZone(zone))
        throw dateParseError(
          `${op}: you cannot pass in a date/time string with time zone information together with a timezone argument`,
        );
      return new Date(parsed.local - parsed.offset * 60_000);
    }
    return new Date(zone === undefined ? parsed.local : localToUtc(op, zone, parsed.local));
  } catch (err) {
    if (Object.hasOwn(named, 'onError') && (err as { conversion?: boolean }).conversion) return evaluate(named.onError, scope);
    throw err;
  }
}

// ---- objects and variables

function objectToArray(args: unknown, scope: Scope, op: string): unknown {
  const v = evalSingle(op, args, scope);
  if (isNullish(v)) return null;
  if (!isPlainObject(v)) throw invalidParam(`$objectToArray requires a document input, found: ${typeName(v)}`);
  return Object.entries(v)
    .filter(([, value]) => value !== undefined)
    .map(([k, value]) => ({ k, v: value }));
}

function arrayToObject(args: unknown, scope: Scope, op: string): unknown {
  const v = evalSingle(op, args, scope);
  if (isNullish(v)) return null;
  const items = requireArray(op, v, `$arrayToObject requires an array input, found: ${typeName(v)}`);
  const out: Doc = {};
  const pairs = Array.isArray(items[0]);
  if (items.length && !pairs && !isPlainObject(items[0]))
    throw invalidParam(`Unrecognised input type format for $arrayToObject: ${typeName(items[0])}`);
  for (const item of items) {
    let key: unknown;
    let value: unknown;
    if (pairs) {
      if (!Array.isArray(item))
        throw invalidParam(
          `$arrayToObject requires a consistent input format. Elements must all be arrays or all be objects. Array was detected, now found: ${typeName(item)}`,
        );
      if (item.length !== 2)
        throw invalidParam(`$arrayToObject requires an array of size 2 arrays, found array of size: ${item.length}`);
      key = item[0];
      value = item[1];
    } else {
      if (!isPlainObject(item))
        throw invalidParam(
          `$arrayToObject requires a consistent input format. Elements must all be arrays or all be objects. Object was detected, now found: ${typeName(item)}`,
        );
      const fields = Object.keys(item);
      if (fields.length !== 2 || !fields.includes('k') || !fields.includes('v'))
        throw invalidParam(`$arrayToObject requires an object with keys 'k' and 'v', found: ${describeValue(item)}`);
      key = item.k;
      value = item.v;
    }
    if (typeof key !== 'string')
      throw invalidParam(`$arrayToObject requires the key to be of type string, found: ${typeName(key)}`);
    if (key.includes('\0')) throw invalidParam('Key field cannot contain an embedded null byte');
    out[key] = value;
  }
  return out;
}

function getField(args: unknown, scope: Scope, op: string): unknown {
  let fieldExpr = args;
  let inputExpr: unknown = '$$CURRENT';
  if (isPlainObject(args) && !isOperatorObject(args)) {
    const named = namedArgs(op, args, ['field', 'input'], ['field']);
    fieldExpr = named.field;
    if (Object.hasOwn(named, 'input')) inputExpr = named.input;
  }
  if (typeof fieldExpr === 'string' && fieldExpr.startsWith('$'))
    throw invalidParam(
      `${op} requires 'field' to be a constant string; use {$literal: ${JSON.stringify(fieldExpr)}} for a name starting with '$'`,
    );
  const field = evaluate(fieldExpr, scope);
  if (typeof field !== 'string')
    throw invalidParam(`${op} requires 'field' to evaluate to type String, but got ${typeName(field)}`);
  const input = evaluate(inputExpr, scope);
  if (isNullish(input)) return null;
  if (!isPlainObject(input)) throw invalidParam(`${op} requires 'input' to evaluate to type Object, but got ${typeName(input)}`);
  return input[field];
}

function letOp(args: unknown, scope: Scope, op: string): unknown {
  const named = namedArgs(op, args, ['vars', 'in'], ['vars', 'in']);
  if (!isPlainObject(named.vars)) throw invalidParam(`${op} requires 'vars' to be an object, found: ${typeName(named.vars)}`);
  const bound: Vars = {};
  for (const [name, expr] of Object.entries(named.vars)) {
    if (name !== 'CURRENT') checkVariableName(name, op); // CURRENT is the one system variable MongoDB lets $let rebind
    bound[name] = evaluate(expr, scope);
  }
  return evaluate(named.in, withVars(scope, bound));
}

// ---- dispatch

const OPERATORS: Record<string, Operator> = {
  $literal: (args) => args,

  $add: add,
  $subtract: subtract,
  $multiply: multiply,
  $divide: binaryMath(divide),
  $mod: binaryMath(mod),
  $pow: binaryMath(pow),
  $log: binaryMath(log),
  $abs: unaryMath(Math.abs),
  $ceil: unaryMath(Math.ceil),
  $floor: unaryMath(Math.floor),
  $sqrt: unaryMath(Math.sqrt, nonNegative),
  $exp: unaryMath(Math.exp),
  $ln: unaryMath(Math.log, positive),
  $log10: unaryMath(Math.log10, positive),
  $round: roundOrTrunc('round'),
  $trunc: roundOrTrunc('trunc'),

  $eq: comparison((c) => c === 0),
  $ne: comparison((c) => c !== 0),
  $gt: comparison((c) => c > 0),
  $gte: comparison((c) => c >= 0),
  $lt: comparison((c) => c < 0),
  $lte: comparison((c) => c <= 0),
  $cmp: (args, scope, op) => {
    const [a, b] = evalOperands(op, args, scope, 2);
    return Math.sign(compareExpressionValues(a, b));
  },

  $and: and,
  $or: or,
  $not: (args, scope, op) => !expressionTruthy(evalSingle(op, args, scope)),
  $cond: cond,
  $ifNull: ifNull,
  $switch: switchOp,

  $concat: concat,
  $substr: substrBytes,
  $substrBytes: substrBytes,
  $substrCP: substrCP,
  $toLower: caseMapping(false),
  $toUpper: caseMapping(true),
  $strLenBytes: (args, scope, op) => Buffer.byteLength(requireString(op, evalSingle(op, args, scope)), 'utf8'),
  $strLenCP: (args, scope, op) => Array.from(requireString(op, evalSingle(op, args, scope))).length,
  $split: split,
  $trim: trim(true, true),
  $ltrim: trim(true, false),
  $rtrim: trim(false, true),
  $indexOfCP: indexOfCP,
  $indexOfBytes: indexOfBytes,
  $regexMatch: regexMatch,
  $strcasecmp: strcasecmp,

  $size: (args, scope, op) => {
    const v = evalSingle(op, args, scope);
    return requireArray(op, v, `The argument to $size must be an array. Type of argument was: ${typeName(v)}`).length;
  },
  $arrayElemAt: (args, scope, op) => {
    const [array, index] = evalOperands(op, args, scope, 2);
    return elementAt(op, array, index);
  },
  $first: (args, scope, op) => elementAt(op, evalSingle(op, args, scope), 0),
  $last: (args, scope, op) => elementAt(op, evalSingle(op, args, scope), -1),
  $in: inArray,
  $indexOfArray: indexOfArray,
  $isArray: (args, scope, op) => Array.isArray(evalSingle(op, args, scope)),
  $slice: slice,
  $concatArrays: concatArrays,
  $filter: filter,
  $map: map,
  $reduce: reduce,
  $reverseArray: reverseArray,
  $range: range,
  $setUnion: setUnion,
  $setIntersection: setIntersection,
  $setDifference: setDifference,
  $setEquals: setEquals,
  $setIsSubset: setIsSubset,
  $allElementsTrue: elementsTrue(true),
  $anyElementTrue: elementsTrue(false),
  $sum: overOperands(sumOf),
  $avg: overOperands(avgOf),
  $min: overOperands((values) => extremeOf(values, -1)),
  $max: overOperands((values) => extremeOf(values, 1)),
  $stdDevPop: overOperands((values) => stdDevOf(values, false)),
  $stdDevSamp: overOperands((values) => stdDevOf(values, true)),

  $type: (args, scope, op) => typeName(evalSingle(op, args, scope)),
  $isNumber: (args, scope, op) => isNumeric(evalSingle(op, args, scope)),
  $convert: convert,
  $toString: convertTo('string'),
  $toInt: convertTo('int'),
  $toLong: convertTo('long'),
  $toDouble: convertTo('double'),
  $toDecimal: convertTo('decimal'),
  $toBool: convertTo('bool'),
  $toDate: convertTo('date'),
  $toObjectId: convertTo('objectId'),

  $year: datePart((p) => p.year),
  $month: datePart((p) => p.month),
  $dayOfMonth: datePart((p) => p.day),
  $hour: datePart((p) => p.hour),
  $minute: datePart((p) => p.minute),
  $second: datePart((p) => p.second),
  $millisecond: datePart((p) => p.millisecond),
  $dayOfWeek: datePart((p) => p.dayOfWeek),
  $dayOfYear: datePart((p) => p.dayOfYear),
  $week: datePart((p) => p.week),
  $isoDayOfWeek: datePart((p) => p.isoDayOfWeek),
  $isoWeek: datePart((p) => p.isoWeek),
  $isoWeekYear: datePart((p) => p.isoWeekYear),
  $dateToString: dateToString,
  $dateFromParts: dateFromParts,
  $dateFromString: dateFromString,

  $mergeObjects: (args, scope, op) => mergeObjects(op, evalOperands(op, args, scope, 0, Infinity)),
  $objectToArray: objectToArray,
  $arrayToObject: arrayToObject,
  $getField: getField,
  $let: letOp,
};
