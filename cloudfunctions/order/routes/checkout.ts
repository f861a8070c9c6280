import { CreateInput, PreviewInput, type OrderView, type Preview } from '../../../typings/order.js';
import { route } from '../../shared/platform/route.js';
import { toOrderView } from '../../shared/store/order-records.js';
import { placeCartOrder } from '../../shared/workflows/cart-order.js';
import { preview as priceCheckout } from '../../shared/workflows/checkout.js';

/** The checkout page's prices and breakdown for the caller (member level, coupons, points), all from the database. */
export const preview = route(PreviewInput, async ({ lines, couponId, usePoints }, ctx): Promise<Preview> =>
  priceCheckout(lines, { openid: ctx.openid, now: ctx.now, couponId, usePoints }),
);

/** Places the cart's order (workflows/cart-order.ts); the same idempotency key gives back the same order. */
export const create = route(CreateInput, async (input, ctx): Promise<OrderView> => toOrderView(await placeCartOrder(input, ctx)));
