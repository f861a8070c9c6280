import { type CsvExport, OrdersExportInput } from '../../../typings/admin-export.js';
import { exportOrders } from '../order-export.js';
import { adminRoute } from '../rbac.js';

/** Data exports (typings/admin-export.ts): permission data.export and a fresh second verification. */

export const orders = adminRoute('data.export', OrdersExportInput, (input, ctx): Promise<CsvExport> => exportOrders(input, ctx), {
  verify: true,
});
