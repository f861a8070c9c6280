/**
 * Errors the emulator answers with. CloudBase's server API signals every failure as HTTP 200 with a
 * truthy top-level `code` (docs/wire-protocol.md), so an error is data, not an HTTP status.
 */
export const ErrorCode = {
  SYS_ERR: 'SYS_ERR',
  INVALID_PARAM: 'INVALID_PARAM',
  COLLECTION_NOT_EXIST: 'DATABASE_COLLECTION_NOT_EXIST',
  COLLECTION_ALREADY_EXIST: 'DATABASE_COLLECTION_ALREADY_EXIST',
  DUPLICATE_WRITE: 'DATABASE_DUPLICATE_WRITE',
  TRANSACTION_CONFLICT: 'DATABASE_TRANSACTION_CONFLICT',
  TRANSACTION_FAIL: 'DATABASE_TRANSACTION_FAIL',
  FUNCTIONS_REQUEST_FAIL: 'FUNCTIONS_REQUEST_FAIL',
  FUNCTIONS_EXECUTE_FAIL: 'FUNCTIONS_EXECUTE_FAIL',
  FUNCTIONS_TIME_LIMIT_EXCEEDED: 'FUNCTIONS_TIME_LIMIT_EXCEEDED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class CloudBaseError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CloudBaseError';
  }
}

/** A request the emulator refuses because of what the caller sent: wrong types, unknown operators, bad EJSON. */
export function invalidParam(message: string): CloudBaseError {
  return new CloudBaseError(ErrorCode.INVALID_PARAM, message);
}

/** Features the real platform has but the emulator does not model: refused loudly rather than answered wrongly. */
export function unsupported(feature: string): CloudBaseError {
  return new CloudBaseError(ErrorCode.INVALID_PARAM, `${feature} is not supported by the local CloudBase emulator`);
}

export const TRANSACTION_CONFLICT_MESSAGE =
  '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. ' +
  'Please check your request, but if the problem persists, contact us.';

export const TRANSACTION_NOT_EXIST_MESSAGE =
  '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or ' +
  'abort in 30 seconds. Please check your request, but if the problem persists, contact us.';
