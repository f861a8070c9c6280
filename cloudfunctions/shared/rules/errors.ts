import { ErrorCode } from '../../../typings/common.js';

/** The refusals routes answer with: platform/route.ts turns a `ShopError` into `{ok: false, code, message}`. */

/** A refusal the shopper should see: its code is part of the contract, its message is shown as is (Chinese). */
export class ShopError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ShopError';
  }
}

export const notFound = (what: string) => new ShopError(ErrorCode.NOT_FOUND, `${what}不存在`);
