import { ErrorCode } from '../../../typings/common.js';
import type { FlashSaleTerms } from '../model/promotion.js';
import { ShopError } from './errors.js';

/**
 * The stock rule (docs/architecture.md, "Stock rule"): a promotion's units are taken out of the SKU's stock when it is
 * scheduled, so the SKU must have them. Pure: the store's `scheduleFlashSale` and the demo seed decide with these.
 */

/** Why `units` cannot be taken from a SKU that has `skuStock`, or undefined. */
export function holdUnitsRefusal(skuStock: number, units: number): ShopError | undefined {
  if (skuStock >= units) return undefined;
  return new ShopError(
    ErrorCode.OUT_OF_STOCK,
    `库存不足：该规格现有库存 ${Math.max(0, skuStock)} 件，无法为活动预留 ${units} 件`,
  );
}

/** The SKU's stock once `units` are held for a promotion; refused when it has fewer. */
export function stockAfterHolding(skuStock: number, units: number): number {
  const refusal = holdUnitsRefusal(skuStock, units);
  if (refusal) throw refusal;
  return skuStock - units;
}

const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
const invalid = (message: string) => new ShopError(ErrorCode.VALIDATION, message);

/** Why a flash sale with these terms cannot be scheduled at `now` whatever the stock, or undefined. */
export function flashSaleTermsRefusal(terms: FlashSaleTerms, now: Date): ShopError | undefined {
  if (!positiveInt(terms.units)) return invalid('秒杀数量必须是正整数');
  if (!positiveInt(terms.price)) return invalid('秒杀价必须是正整数（单位：分）');
  if (!positiveInt(terms.perUser)) return invalid('每人限购数量必须是正整数');
  const start = terms.startAt.getTime();
  const end = terms.endAt.getTime();
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return invalid('秒杀结束时间必须晚于开始时间');
  if (end <= now.getTime()) return invalid('秒杀结束时间已过');
  return undefined;
}
