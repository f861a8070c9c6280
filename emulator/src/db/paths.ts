import { invalidParam } from '../errors.js';
import { type Doc, isPlainObject } from './values.js';

/** Dot paths (`a.b.0.c`) into documents, with MongoDB's traversal of arrays. */

const pathCache = new Map<string, string[]>();
export function splitPath(path: string): string[] {
  let parts = pathCache.get(path);
  if (!parts) {
    parts = path.split('.');
    if (parts.some((p) => p === '')) throw invalidParam(`invalid field path: "${path}"`);
    if (pathCache.size > 10000) pathCache.clear();
    pathCache.set(path, parts);
  }
  return parts;
}

const INDEX_SEGMENT = /^\d+$/;

/**
 * Every value a query condition on `path` is tested against. Arrays met on the way are traversed (MongoDB's implicit
 * array iteration: `{"a.b": 1}` matches `{a: [{b: 1}]}`); a numeric segment also indexes into an array.
 * A missing field yields `undefined`. Arrays at the end are returned whole; the matcher tests them and their elements.
 */
export function lookupAll(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  walk(doc, splitPath(path), 0, out);
  return out;
}

function walk(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(value);
    return;
  }
  const part = parts[i]!;
  if (Array.isArray(value)) {
    if (INDEX_SEGMENT.test(part)) {
      walk(value[Number(part)], parts, i + 1, out);
      return;
    }
    let found = false;
    for (const el of value) {
      if (isPlainObject(el)) {
        walk(el[part], parts, i + 1, out);
        found = true;
      }
    }
    if (!found) out.push(undefined);
    return;
  }
  if (isPlainObject(value)) {
    walk(value[part], parts, i + 1, out);
    return;
  }
  out.push(undefined);
}

/** The one value at `path`, without array traversal except for numeric segments (projection, `$`-field paths). */
export function getPath(doc: unknown, path: string): unknown {
  let value: unknown = doc;
  for (const part of splitPath(path)) {
    if (Array.isArray(value) && INDEX_SEGMENT.test(part)) value = value[Number(part)];
    else if (isPlainObject(value)) value = value[part];
    else return undefined;
  }
  return value;
}

/**
 * Values for an aggregation field path (`$a.b`): arrays met on the way map over their elements, as MongoDB does
 * (`$items.price` on `{items: [{price: 1}, {price: 2}]}` is `[1, 2]`).
 */
export function resolveFieldPath(doc: unknown, path: string): unknown {
  return resolveParts(doc, splitPath(path), 0);
}

function resolveParts(value: unknown, parts: string[], i: number): unknown {
  if (i === parts.length) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const el of value) {
      if (isPlainObject(el) || Array.isArray(el)) {
        const r = resolveParts(el, parts, i);
        if (r !== undefined) out.push(r);
      }
    }
    return out;
  }
  if (isPlainObject(value)) return resolveParts(value[parts[i]!], parts, i + 1);
  return undefined;
}

/**
 * Sets `path` in `doc` (mutating), creating objects on the way; a numeric segment on an array sets that index,
 * padding with null as MongoDB does. Fails on a path through a scalar, as MongoDB does.
 */
export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = splitPath(path);
  let target: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    const next = childOf(target, part);
    if (next === undefined || next === null) {
      const created: Doc = {};
      assignChild(target, part, created, path);
      target = created;
    } else if (isPlainObject(next) || Array.isArray(next)) {
      target = next;
    } else {
      throw invalidParam(`Cannot create field '${parts[i + 1]}' in element {${part}: ${JSON.stringify(next)}}`);
    }
  }
  assignChild(target, parts[parts.length - 1]!, value, path);
}

/** Removes `path` from `doc` (mutating); on an array element it sets null, as MongoDB's `$unset` does. */
export function unsetPath(doc: Doc, path: string): void {
  const parts = splitPath(path);
  let target: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    target = childOf(target, parts[i]!);
    if (!isPlainObject(target) && !Array.isArray(target)) return;
  }
  const last = parts[parts.length - 1]!;
  if (Array.isArray(target)) {
    if (INDEX_SEGMENT.test(last) && Number(last) < target.length) target[Number(last)] = null;
  } else if (isPlainObject(target)) {
    delete target[last];
  }
}

function childOf(target: unknown, part: string): unknown {
  if (Array.isArray(target)) return INDEX_SEGMENT.test(part) ? target[Number(part)] : undefined;
  if (isPlainObject(target)) return target[part];
  return undefined;
}

function assignChild(target: unknown, part: string, value: unknown, path: string): void {
  if (Array.isArray(target)) {
    if (!INDEX_SEGMENT.test(part)) throw invalidParam(`Cannot create field '${part}' in an array (path "${path}")`);
    const index = Number(part);
    while (target.length < index) target.push(null);
    target[index] = value;
  } else if (isPlainObject(target)) {
    target[part] = value;
  } else {
    throw invalidParam(`Cannot set field path "${path}"`);
  }
}
