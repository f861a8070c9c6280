import { ErrorCode } from '../../../typings/common.js';
import { notFound, ShopError } from '../rules/errors.js';
import type { Transaction } from './db.js';

/**
 * Optimistic concurrency for what staff edit (products, categories, promotions, settings, staff): every such document
 * carries `version`, an edit names the version it was made on, and it lands only if the document is still at that
 * version, so two staff editing one product get CONFLICT instead of one silently overwriting the other. Inside a
 * transaction, so the change, its derived fields and its audit entry land together (or not at all).
 */
export const CONFLICT_MESSAGE = '内容已被他人修改，请刷新后再编辑';

export interface Versioned {
  _id: string;
  version: number;
}

/**
 * Reads `id` in `tx`, refuses it unless at `expected` (NOT_FOUND when missing), writes `change(before)` with the
 * version bumped, and answers both sides for the audit entry.
 */
export async function updateVersioned<T extends Versioned>(
  tx: Transaction,
  collection: string,
  id: string,
  expected: number,
  what: string,
  change: (before: T) => Partial<Omit<T, '_id' | 'version'>>,
): Promise<{ before: T; after: T }> {
  const ref = tx.collection<T>(collection).doc(id);
  const before = (await ref.get()).data;
  if (!before) throw notFound(what);
  if ((before.version ?? 0) !== expected) throw new ShopError(ErrorCode.CONFLICT, CONFLICT_MESSAGE);
  const fields = { ...change(before), version: expected + 1 };
  await ref.update({ data: fields });
  return { before, after: { ...before, ...fields } };
}
