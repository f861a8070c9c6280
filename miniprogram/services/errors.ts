import type { ErrorCode } from '../../typings/common';

/** The contract's codes, and `NETWORK` when the call never got an answer. */
export type ServiceErrorCode = ErrorCode | 'NETWORK';

export const NETWORK_MESSAGE = '网络不给力，请检查网络后重试';
export const INTERNAL_MESSAGE = '系统繁忙，请稍后再试';

/** A refusal of a route (its code and Chinese message, as docs/routes.md lists them), or a call that failed on the way. */
export class ServiceError extends Error {
  readonly code: ServiceErrorCode;

  constructor(code: ServiceErrorCode, message: string) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
  }
}

/** What a page shows for a failed call: the route's own message, or a generic one for anything else. */
export function messageOf(err: unknown): string {
  return err instanceof ServiceError ? err.message : INTERNAL_MESSAGE;
}
