import { BSONRegExp, Binary, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';

/**
 * Document values as MongoDB (CloudBase's engine) orders and compares them. Decoded documents hold plain JS values
 * plus bson classes for the types JS lacks; `undefined` stands for a missing field.
 */
export type Doc = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** MongoDB's canonical type order (BSON comparison order): MinKey < null < numbers < strings < ... < MaxKey. */
export function typeBracket(v: unknown): number {
  if (v === undefined || v === null) return 2;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
  }
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof Timestamp) return 11; // before Long: in bson 6 a Timestamp is a Long subclass
  if (v instanceof Long || v instanceof Decimal128) return 3;
  if (v instanceof MinKey) return 1;
  if (v instanceof MaxKey) return 13;
  if (v instanceof Binary || v instanceof Uint8Array) return 7;
  if (v instanceof ObjectId) return 8;
  if (v instanceof Timestamp) return 11;
  if (v instanceof BSONRegExp || v instanceof RegExp) return 12;
  return 5;
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Decimal128) return Number(v.toString());
  return NaN;
}

/** Compares strings by code point, as MongoDB compares UTF-8 bytes (JS `<` compares UTF-16 units). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      const surrogateA = ca >= 0xd800 && ca <= 0xdfff;
      const surrogateB = cb >= 0xd800 && cb <= 0xdfff;
      if (surrogateA !== surrogateB) return surrogateA ? 1 : -1;
      return ca < cb ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareNumbers(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1; // NaN sorts below every other number in MongoDB
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order over values, as in MongoDB comparisons and sorts of non-array values. */
export function compareValues(a: unknown, b: unknown): number {
  const ta = typeBracket(a);
  const tb = typeBracket(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case 2:
    case 1:
    case 13:
      return 0;
    case 3:
      return compareNumbers(toNumber(a), toNumber(b));
    case 4:
      return compareStrings(a as string, b as string);
    case 9:
      return a === b ? 0 : a ? 1 : -1;
    case 10:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    case 6: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
    }
    case 5: {
      const ka = Object.keys(a as Doc).filter((k) => (a as Doc)[k] !== undefined);
      const kb = Object.keys(b as Doc).filter((k) => (b as Doc)[k] !== undefined);
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        const va = (a as Doc)[ka[i]!];
        const vb = (b as Doc)[kb[i]!];
        const bt = typeBracket(va) - typeBracket(vb);
        if (bt !== 0) return bt < 0 ? -1 : 1;
        const kc = compareStrings(ka[i]!, kb[i]!);
        if (kc !== 0) return kc;
        const c = compareValues(va, vb);
        if (c !== 0) return c;
      }
      return ka.length < kb.length ? -1 : ka.length > kb.length ? 1 : 0;
    }
    case 12: {
      const ra = regexParts(a);
      const rb = regexParts(b);
      return compareStrings(ra.pattern, rb.pattern) || compareStrings(ra.options, rb.options);
    }
    default:
      return compareStrings(String(a), String(b));
  }
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

function regexParts(v: unknown): { pattern: string; options: string } {
  if (v instanceof RegExp) return { pattern: v.source, options: v.flags };
  const r = v as BSONRegExp;
  return { pattern: r.pattern, options: r.options };
}

export function isRegex(v: unknown): v is RegExp | BSONRegExp {
  return v instanceof RegExp || v instanceof BSONRegExp;
}

const regexCache = new Map<string, RegExp>();
/** A JS RegExp for a stored or queried regex; MongoDB's `x` (extended) flag is emulated by stripping whitespace. */
export function toRegExp(v: RegExp | BSONRegExp | { pattern: string; options: string }): RegExp {
  if (v instanceof RegExp) return v.global || v.sticky ? new RegExp(v.source, v.flags.replace(/[gy]/g, '')) : v;
  const cacheKey = `${v.options}/${v.pattern}`;
  let re = regexCache.get(cacheKey);
  if (!re) {
    let pattern = v.pattern;
    if (v.options.includes('x'))
      pattern = pattern
        .replaceAll('\\#', '\u0000')
        .replace(/\s+|#.*$/gm, '')
        .replaceAll('\u0000', '\\#');
    const flags = [...v.options].filter((f) => 'ims'.includes(f)).join('') + 'u';
    try {
      re = new RegExp(pattern, flags);
    } catch {
      re = new RegExp(pattern, flags.replace('u', ''));
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(cacheKey, re);
  }
  return re;
}

/** Deep copy of a decoded value (documents are mutated by update operators on a copy, never in place). */
export function cloneValue<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneValue) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) out[k] = cloneValue(v[k]);
    return out as T;
  }
  return v;
}

/** MongoDB's `$type` names for each value, for `$type` queries and the `$type` expression. */
export function typeName(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'number')
    return Number.isInteger(v) && Math.abs(v) < 2 ** 31
      ? 'int'
      : Number.isInteger(v) && Number.isSafeInteger(v)
        ? 'long'
        : 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof Timestamp) return 'timestamp';
  if (v instanceof Long) return 'long';
  if (v instanceof Decimal128) return 'decimal';
  if (v instanceof ObjectId) return 'objectId';
  if (isRegex(v)) return 'regex';
  if (v instanceof Binary) return 'binData';
  if (v instanceof Timestamp) return 'timestamp';
  if (v instanceof MinKey) return 'minKey';
  if (v instanceof MaxKey) return 'maxKey';
  return 'object';
}

/**
 * An index key: a byte string whose memcmp order equals `compareValues` for scalars, so SQLite can index, seek and
 * sort by it. Arrays make an index multikey; the planner stops using such an index (see store.ts).
 */
export const KEY_ARRAY_PREFIX = 0x06;
export function indexKey(v: unknown): Buffer {
  const bracket = typeBracket(v);
  switch (bracket) {
    case 3: {
      const buf = Buffer.alloc(9);
      buf[0] = bracket;
      writeSortableDouble(buf, toNumber(v), 1);
      return buf;
    }
    case 4:
      return Buffer.concat([Buffer.from([bracket]), Buffer.from(v as string, 'utf8')]);
    case 9:
      return Buffer.from([bracket, v ? 1 : 0]);
    case 10: {
      const buf = Buffer.alloc(9);
      buf[0] = bracket;
      writeSortableDouble(buf, (v as Date).getTime(), 1);
      return buf;
    }
    case 2:
    case 1:
    case 13:
      return Buffer.from([bracket]);
    default:
      // Objects, arrays and rarer types: equality-safe (the same value gives the same bytes), ordered only by bracket
      // first, which is why the planner never pushes a range or sort on them into SQL.
      return Buffer.concat([Buffer.from([bracket]), Buffer.from(JSON.stringify(v) ?? '', 'utf8')]);
  }
}

/** The smallest key above every key of a bracket: the exclusive upper bound of a type-bracketed range. */
export function bracketEnd(bracket: number): Buffer {
  return Buffer.from([bracket + 1]);
}
export function bracketStart(bracket: number): Buffer {
  return Buffer.from([bracket]);
}

function writeSortableDouble(buf: Buffer, n: number, offset: number): void {
  if (Number.isNaN(n)) n = -Infinity; // NaN sorts lowest; the JS filter re-checks every candidate anyway
  if (Object.is(n, -0)) n = 0;
  buf.writeDoubleBE(n, offset);
  if (buf[offset]! & 0x80) {
    for (let i = offset; i < offset + 8; i++) buf[i] = ~buf[i]! & 0xff;
  } else {
    buf[offset] = buf[offset]! | 0x80;
  }
}
