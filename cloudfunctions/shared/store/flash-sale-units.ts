import { type OrderDoc } from '../model/order.js';
import { FLASH_SALES, FLASH_SALE_BUYERS, buyerKey } from '../model/promotion.js';
import { type Transaction, _ } from './db.js';

/** Flash-sale units given back as an order effect, inside the order's transaction. */

/**
 * Order effect (workflows/order-effects.ts): a flash-sale order's units go back to the flash sale and to the shopper's
 * per-user count, not to the SKU (the sale has its own stock). Answers whether the order was a flash-sale order.
 */
export async function returnFlashSaleUnits(tx: Transaction, order: OrderDoc): Promise<boolean> {
  const promotion = order.promotion;
  if (promotion?.kind !== 'flash_sale') return false;
  await tx
    .collection(FLASH_SALES)
    .doc(promotion.flashSaleId)
    .update({ data: { remaining: _.inc(promotion.quantity) } });
  await tx
    .collection(FLASH_SALE_BUYERS)
    .doc(buyerKey(promotion.flashSaleId, order.openid))
    .update({ data: { bought: _.inc(-promotion.quantity) } });
  return true;
}
