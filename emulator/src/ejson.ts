import { EJSON } from 'bson';
import { invalidParam } from './errors.js';

/**
 * The wire carries canonical Extended JSON (wire reference §3.1). bson does the decoding; this module only prepares
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
        const offsetMs = offset === undefined ? 0 : Number(EJSON.deserialize({ v: offset }, { relaxed: true }).v);
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
        const options = [...new Set(String(re.options ?? ''))].filter((f) => MATCH_REGEX_FLAGS.has(f)).sort().join('');
        return { $regularExpression: { pattern: re.pattern, options } };
      }
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = prepare(obj[key], ctx);
  return out;
}

/** Parses one EJSON string from the wire into plain JS values (numbers, Date, BSONRegExp, ...). */
export function decode(text: string, ctx: DecodeContext): unknown {
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

/** Canonical EJSON, the form every `list` item takes on the wire (wire reference §3.4). */
export function encode(value: unknown): string {
  return EJSON.stringify(value as Record<string, unknown>, { relaxed: false });
}
