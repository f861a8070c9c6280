import { ErrorCode } from '../../typings/common.js';
import { ShopError } from './errors.js';

/**
 * Keyset pagination: a cursor holds the sort value and `_id` of the last item shown, so the next page is a range
 * query on an indexed field instead of a skip that grows with the page number.
 */
export interface CursorPosition {
  value: string | number;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.value, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if ((typeof value === 'string' || typeof value === 'number') && typeof id === 'string') return { value, id };
  } catch {
    // fall through
  }
  throw new ShopError(ErrorCode.VALIDATION, '分页参数不正确');
}
