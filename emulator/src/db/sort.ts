import { invalidParam } from '../errors.js';
import { lookupAll } from './paths.js';
import { type Doc, compareValues } from './values.js';

export type SortSpec = Array<[path: string, direction: 1 | -1]>;

/** Reads an `order`/`$sort` object (`{price: -1, _id: 1}`) into an ordered list, refusing anything but ±1. */
export function parseSortSpec(spec: unknown): SortSpec {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw invalidParam('sort must be an object');
  return Object.entries(spec as Doc).map(([path, dir]) => {
    if (dir !== 1 && dir !== -1) throw invalidParam(`sort direction for "${path}" must be 1 or -1, got ${JSON.stringify(dir)}`);
    return [path, dir];
  });
}

/**
 * The key MongoDB sorts a document by on one path: for arrays (or paths through arrays) the smallest element when
 * ascending and the largest when descending; a missing field sorts as null.
 */
function sortKey(doc: Doc, path: string, direction: 1 | -1): unknown {
  const values = lookupAll(doc, path).flatMap((v): unknown[] => (Array.isArray(v) ? (v.length ? v : [undefined]) : [v]));
  let best = values[0];
  for (let i = 1; i < values.length; i++) {
    const c = compareValues(values[i], best);
    if (direction === 1 ? c < 0 : c > 0) best = values[i];
  }
  return best;
}

export function sortComparator(spec: SortSpec): (a: Doc, b: Doc) => number {
  return (a, b) => {
    for (const [path, dir] of spec) {
      const c = compareValues(sortKey(a, path, dir), sortKey(b, path, dir));
      if (c !== 0) return c * dir;
    }
    return 0;
  };
}

/** A stable sort (Array.prototype.sort is stable), so ties keep insertion order as on the platform. */
export function sortDocs<T extends Doc>(docs: T[], spec: SortSpec): T[] {
  return spec.length ? docs.sort(sortComparator(spec)) : docs;
}
