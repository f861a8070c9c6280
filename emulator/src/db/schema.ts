/**
 * How a project declares its collections to the emulator (the shop keeps its declarations in `database/`).
 * Index keys follow MongoDB's createIndex: `{ category: 1, price: -1 }`.
 */
export interface IndexDeclaration {
  /** Defaults to MongoDB's naming: `category_1_price_-1`. */
  name?: string;
  keys: Record<string, 1 | -1>;
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
  keys: Array<[path: string, direction: 1 | -1]>;
  unique: boolean;
}

export function normalizeIndex(decl: IndexDeclaration): IndexSpec {
  const keys = Object.entries(decl.keys);
  if (keys.length === 0) throw new Error('an index needs at least one key');
  for (const [path, dir] of keys) {
    if (dir !== 1 && dir !== -1) throw new Error(`index key "${path}" must be 1 or -1`);
    if (path === '_id' && keys.length === 1) throw new Error('_id is always indexed (unique); do not declare it');
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
