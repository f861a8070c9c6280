/**
 * How a project declares its collections to the emulator (the shop keeps its declarations in `database/`).
 * Index keys follow MongoDB's createIndex: `{ category: 1, price: -1 }`, and `{ location: '2dsphere' }` for a geo
 * index, which CloudBase requires for every geo query on the field.
 */
export type IndexDirection = 1 | -1 | '2dsphere';

export interface IndexDeclaration {
  /** Defaults to MongoDB's naming: `category_1_price_-1`, `location_2dsphere`. */
  name?: string;
  keys: Record<string, IndexDirection>;
  unique?: boolean;
}

export interface CollectionDeclaration {
  name: string;
  indexes?: IndexDeclaration[];
  /** CloudBase security rules (client-side access only; cloud functions bypass them). Kept for deploy tooling. */
  rules?: Record<string, unknown>;
}

export interface IndexSpec {
  name: string;
  keys: Array<[path: string, direction: IndexDirection]>;
  unique: boolean;
}

/** The ordered (1 / -1) keys of an index: what the store builds SQLite indexes on and the planner seeks. */
export function orderedKeys(spec: IndexSpec): Array<[path: string, direction: 1 | -1]> {
  return spec.keys.filter((k): k is [string, 1 | -1] => k[1] !== '2dsphere');
}

/** Paths with a 2dsphere key in some index: their values must be geometries, and geo queries may use them. */
export function geoIndexedPaths(indexes: IndexSpec[]): string[] {
  return [...new Set(indexes.flatMap((i) => i.keys.filter(([, d]) => d === '2dsphere').map(([p]) => p)))];
}

export function normalizeIndex(decl: IndexDeclaration): IndexSpec {
  const keys = Object.entries(decl.keys);
  if (keys.length === 0) throw new Error('an index needs at least one key');
  for (const [path, dir] of keys) {
    if (dir !== 1 && dir !== -1 && dir !== '2dsphere') throw new Error(`index key "${path}" must be 1, -1 or '2dsphere'`);
    if (path === '_id' && keys.length === 1) throw new Error('_id is always indexed (unique); do not declare it');
    if (dir === '2dsphere' && decl.unique) throw new Error(`a 2dsphere index ("${path}") cannot be unique`);
  }
  return {
    name: decl.name ?? keys.map(([p, d]) => `${p}_${d}`).join('_'),
    keys,
    unique: decl.unique ?? false,
  };
}

const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export function checkCollectionName(name: unknown): name is string {
  return typeof name === 'string' && COLLECTION_NAME.test(name);
}
