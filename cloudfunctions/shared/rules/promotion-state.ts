import { ErrorCode } from '../../../typings/common.js';
import type { FlashSaleState } from '../../../typings/flashsale.js';
import type { ActivityView } from '../../../typings/groupbuy.js';
import type { FlashSaleDoc, GroupBuyActivityDoc } from '../model/promotion.js';
import { ShopError } from './errors.js';

/** Where a promotion stands at `now`: the windows of flash sales and group-buy activities. Pure. */

const ms = (d: Date | string) => new Date(d).getTime();

export function flashSaleState(sale: Pick<FlashSaleDoc, 'startAt' | 'endAt' | 'remaining'>, now: Date): FlashSaleState {
  if (now.getTime() < ms(sale.startAt)) return 'upcoming';
  if (now.getTime() >= ms(sale.endAt)) return 'ended';
  return sale.remaining > 0 ? 'running' : 'sold_out';
}

/** Why the sale cannot be bought from at `now` whatever its stock, or undefined. */
export function flashSaleClosed(sale: FlashSaleDoc, now: Date): ShopError | undefined {
  if (sale.status !== 'active') return new ShopError(ErrorCode.INVALID_STATE, '秒杀活动已结束');
  const state = flashSaleState(sale, now);
  if (state === 'upcoming') return new ShopError(ErrorCode.INVALID_STATE, '秒杀尚未开始');
  if (state === 'ended') return new ShopError(ErrorCode.INVALID_STATE, '秒杀已结束');
  return undefined;
}

export function activityState(activity: Pick<GroupBuyActivityDoc, 'startAt' | 'endAt'>, now: Date): ActivityView['state'] {
  if (now.getTime() < ms(activity.startAt)) return 'upcoming';
  return now.getTime() >= ms(activity.endAt) ? 'ended' : 'running';
}
