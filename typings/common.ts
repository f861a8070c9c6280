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

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor?: string;
}
