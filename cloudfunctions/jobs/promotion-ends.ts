import { settleEndedFlashSales } from '../shared/store/flash-sale-units.js';

/**
 * The jobs timer's promotion sweep: flash sales past `endAt` give what they did not sell back to the SKU's stock,
 * each once, in the transaction that marks the sale settled (`ended`), so `skus.stock` is again all that ordinary
 * orders can sell (docs/architecture.md, "Stock rule"). Answers how many sales it settled. Group-buys hold no units:
 * their seats take stock from the SKU when each order is placed (workflows/group-buy-seats.ts), so they have nothing
 * to give back here.
 */
export function endPromotions(now: Date, deadline: number): Promise<number> {
  return settleEndedFlashSales(now, deadline);
}
