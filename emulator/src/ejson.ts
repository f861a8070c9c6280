import { EJSON } from 'bson';
import { invalidParam } from './errors.js';

/**
 * The SDK sends queries, updates and documents as canonical Extended JSON strings (docs/wire-protocol.md). bson
 * does the decoding; this module only prepares
 * what the SDK sends that bson would reject or misread, in one walk over the parsed JSON:
 * - `$tcb_server_date` (CloudBase's own type) becomes a `$date` of server time + offset;
 * - regex options go through verbatim from the SDK (`/x/g` sends "g"): flags that mean nothing to a match are dropped;
 * - `$numberLong` strings beyond int64 (2^63 arrives as "9223372036854776000") are read as doubles, not wrapped;
 * - malformed numbers are refused instead of becoming NaN.
 */
export interface DecodeContext {
  /** Server time in ms, used for every `$tcb_server_date` in one request so that they agree. */
  now: number;
}

const INT_PATTERN = /^-?\d+$/;
const DOUBLE_PATTERN = /^(-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|-?Infinity|NaN)$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const MATCH_REGEX_FLAGS = new Set(['i', 'm', 's', 'x', 'l', 'u']);

function prepare(node: unknown, ctx: DecodeContext): unknown {
  if (Array.isArray(node)) return node.map((item) => prepare(item, ctx));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const key = keys[0]!;
    const value = obj[key];
    switch (key) {
      case '$tcb_server_date': {
        const offset = (value as { offset?: unknown } | null)?.offset;
        const offsetMs =
          offset === undefined ? 0 : Number((EJSON.deserialize({ v: offset }, { relaxed: true }) as { v: unknown }).v);
        if (!Number.isFinite(offsetMs)) throw invalidParam('serverDate offset must be a number');
        return { $date: { $numberLong: String(Math.trunc(ctx.now + offsetMs)) } };
      }
      case '$numberInt':
        if (typeof value !== 'string' || !INT_PATTERN.test(value) || Math.abs(Number(value)) > 2 ** 31)
          throw invalidParam(`invalid $numberInt: ${JSON.stringify(value)}`);
        return obj;
      case '$numberLong': {
        if (typeof value !== 'string' || !INT_PATTERN.test(value))
          throw invalidParam(`invalid $numberLong: ${JSON.stringify(value)}`);
        const big = BigInt(value);
        return big > INT64_MAX || big < INT64_MIN ? Number(value) : obj;
      }
      case '$numberDouble':
        if (typeof value !== 'string' || !DOUBLE_PATTERN.test(value))
          throw invalidParam(`invalid $numberDouble: ${JSON.stringify(value)}`);
        return obj;
      case '$regularExpression': {
        const re = value as { pattern?: unknown; options?: unknown } | null;
        if (!re || typeof re.pattern !== 'string') throw invalidParam('invalid $regularExpression');
        const given = re.options ?? '';
        const options = [...new Set(typeof given === 'string' ? given : JSON.stringify(given))]
          .filter((f) => MATCH_REGEX_FLAGS.has(f))
          .sort()
          .join('');
        return { $regularExpression: { pattern: re.pattern, options } };
      }
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = prepare(obj[key], ctx);
  return out;
}

const NEEDS_PREPARE = /\$tcb_server_date|\$regularExpression|"\$numberLong"\s*:\s*"-?\d{19,}"/;
const MALFORMED_INTEGER = /"\$number(?:Int|Long)"\s*:\s*"(?!-?\d+")/;
const MALFORMED_DOUBLE = /"\$numberDouble"\s*:\s*"(?!(?:-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|-?Infinity|NaN)")/;

/** Parses one EJSON string from the wire into plain JS values (numbers, Date, BSONRegExp, ...). */
export function decode(text: string, ctx: DecodeContext): unknown {
  // Most requests hold nothing `prepare` would change: bson parses them in one pass once the numbers are checked.
  if (!NEEDS_PREPARE.test(text)) {
    if (MALFORMED_INTEGER.test(text) || MALFORMED_DOUBLE.test(text))
      throw invalidParam(`malformed EJSON number in ${text.slice(0, 200)}`);
    try {
      return EJSON.parse(text, { relaxed: true });
    } catch {
      // fall through: the slow path names the problem
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalidParam(`malformed EJSON: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`);
  }
  return decodeParsed(raw, ctx);
}

/** Same as `decode` for JSON that has already been parsed (e.g. part of the request body). */
export function decodeParsed(raw: unknown, ctx: DecodeContext): unknown {
  try {
    return EJSON.deserialize(prepare(raw, ctx) as Record<string, unknown>, { relaxed: true });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'INVALID_PARAM') throw err;
    throw invalidParam(`malformed EJSON: ${(err as Error).message}`);
  }
}

/** The keys of EJSON's type wrappers (`{"$numberInt": "1"}`, `{"$date": …}`), plus CloudBase's server date. */
const TYPE_WRAPPERS = new Set([
  '$numberInt',
  '$numberLong',
  '$numberDouble',
  '$numberDecimal',
  '$date',
  '$oid',
  '$binary',
  '$uuid',
  '$timestamp',
  '$regularExpression',
  '$minKey',
  '$maxKey',
  '$symbol',
  '$code',
  '$undefined',
  '$dbPointer',
  '$tcb_server_date',
]);

/**
 * Reads a document to insert and keeps it in its wire form (an EJSON tree, as JSON.parse gives it), so it is stored
 * as text without a decode/encode round trip, which dominated bulk loads. It is checked as thoroughly as a decode:
 * numbers and server dates go through `prepare`, every other type wrapper through bson, and `$`-prefixed field
 * names, which MongoDB will not store, are refused. `text` is what to store: the input itself when nothing needed
 * rewriting, as for nearly every document.
 */
export function readStorableDocument(input: string, ctx: DecodeContext): { tree: Record<string, unknown>; text: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(input);
  } catch {
    throw invalidParam(`malformed EJSON: ${input.length > 200 ? `${input.slice(0, 200)}…` : input}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || isTypeWrapper(raw))
    throw invalidParam('each document must be an object');
  const tree = storable(raw, ctx, '') as Record<string, unknown>;
  return { tree, text: NEEDS_PREPARE.test(input) ? JSON.stringify(tree) : input };
}

/** Puts `_id` first in a stored document's text, as the platform does for the ids it assigns. */
export function withId(id: string, tree: Record<string, unknown>, text: string): { tree: Record<string, unknown>; text: string } {
  const rest = text.trim().slice(1);
  return {
    tree: { _id: id, ...tree },
    text: `{"_id":${JSON.stringify(id)}${rest.trimStart().startsWith('}') ? '' : ','}${rest}`,
  };
}

function isTypeWrapper(obj: object): boolean {
  const keys = Object.keys(obj);
  return keys.length === 1 && TYPE_WRAPPERS.has(keys[0]!);
}

/** Numbers and `$date: {$numberLong}`, nearly every wrapper in a document, are fully checked by `prepare`. */
function checkedByPrepare(wrapper: Record<string, unknown>): boolean {
  if ('$numberInt' in wrapper || '$numberLong' in wrapper || '$numberDouble' in wrapper) return true;
  const date = wrapper.$date as Record<string, unknown> | undefined;
  return (
    date !== null &&
    typeof date === 'object' &&
    Object.keys(date).length === 1 &&
    typeof date.$numberLong === 'string' &&
    INT_PATTERN.test(date.$numberLong)
  );
}

/** Checks a parsed document in place; only wrappers that `prepare` rewrites are replaced. */
function storable(node: unknown, ctx: DecodeContext, where: string): unknown {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = storable(node[i], ctx, `${where}.${i}`);
    return node;
  }
  if (node === null || typeof node !== 'object') return node;
  if (isTypeWrapper(node)) {
    const prepared = prepare(node, ctx) as Record<string, unknown>;
    if (checkedByPrepare(prepared)) return prepared;
    try {
      EJSON.deserialize({ v: prepared }, { relaxed: true }); // throws on a malformed wrapper ($oid: "x", $date: "soon")
    } catch (err) {
      throw invalidParam(`malformed EJSON value at ${where.slice(1) || 'the top level'}: ${(err as Error).message}`);
    }
    return prepared;
  }
  const obj = node as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (key.startsWith('$'))
      throw invalidParam(`the dollar ($) prefixed field '${key}' in '${`${where}.${key}`.slice(1)}' is not valid for storage`);
    obj[key] = storable(obj[key], ctx, `${where}.${key}`);
  }
  return obj;
}

/** Canonical EJSON: each document the SDK receives (`list` items) is a string in this form, which it parses itself. */
export function encode(value: unknown): string {
  return EJSON.stringify(value, { relaxed: false });
}
