import {
  type StockAdjustResult,
  StockAdjustInput,
  StockBulkAdjustInput,
  type StockLedgerEntryView,
  StockLedgerInput,
} from '../../../typings/admin-catalog.js';
import type { Page } from '../../../typings/common.js';
import { adjustStock, bulkAdjustStock, listLedger } from '../../shared/store/stock-ledger.js';
import { actorOf } from '../audit.js';
import { adminRoute } from '../rbac.js';

/**
 * Stock in the back office (docs/back-office/catalog.md): every change through the stock ledger, in the transaction
 * that changes the SKU and its product's total. Many SKUs at once need a second verification.
 */

export const adjust = adminRoute('stock.write', StockAdjustInput, (input, ctx): Promise<StockAdjustResult> =>
  adjustStock(input, { actor: actorOf(ctx), now: ctx.now }),
);

export const bulkAdjust = adminRoute(
  'stock.write',
  StockBulkAdjustInput,
  (input, ctx): Promise<StockAdjustResult[]> =>
    bulkAdjustStock(input.items, input.reason, input.note, { actor: actorOf(ctx), now: ctx.now }),
  { verify: true },
);

export const ledger = adminRoute('catalog.read', StockLedgerInput, (input): Promise<Page<StockLedgerEntryView>> =>
  listLedger(input),
);
