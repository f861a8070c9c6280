import { z } from 'zod';

/**
 * What every route shares: the answer envelope, the stable error codes, and the building blocks of inputs.
 * Functions validate with these schemas; the mini-program and the admin page import only the types.
 */
export const ErrorCode = {
  VALIDATION: 'VALIDATION',
  NOT_FOUND: 'NOT_FOUND',
  OUT_OF_STOCK: 'OUT_OF_STOCK',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  INVALID_STATE: 'INVALID_STATE',
  UNKNOWN_ROUTE: 'UNKNOWN_ROUTE',
  /** Back office: no session, or it ended (sign in again). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Back office: a sensitive action needs a fresh TOTP code (二次验证) first, through `auth.verify`. */
  VERIFICATION_REQUIRED: 'VERIFICATION_REQUIRED',
  /** Back office: too many failed sign-ins; the account opens again later. */
  ACCOUNT_LOCKED: 'ACCOUNT_LOCKED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export type Ok<T> = { ok: true; data: T };
export type Fail = { ok: false; code: ErrorCode; message: string };
export type Envelope<T> = Ok<T> | Fail;

/** Ids are short opaque strings; anything longer or stranger is refused before it reaches a query. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, '编号格式不正确');
export const Quantity = z.number().int().min(1).max(999);
export const PageSize = z.number().int().min(1).max(50).default(20);
/** An opaque cursor returned by the previous page. */
export const Cursor = z.string().min(1).max(512);

/** A parcel's carrier (shipping, and a return's way back); it ends up in a 20-character subscribe-message keyword. */
export const MAX_CARRIER = 20;
export const Carrier = z.string().trim().min(1, '请填写快递公司').max(MAX_CARRIER, `快递公司最多 ${MAX_CARRIER} 个字`);
/** A parcel's tracking number; it ends up in a 32-character subscribe-message keyword. */
export const TrackingNo = z
  .string()
  .trim()
  .min(4, '运单号至少 4 位')
  .max(32, '运单号最多 32 位')
  .regex(/^[A-Za-z0-9-]+$/, '运单号只能包含字母、数字和连字符');

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor?: string;
}
