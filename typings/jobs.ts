/** The `jobs` function: run only by its timer trigger, never by a shopper. */
export interface JobsSummary {
  /** Unpaid orders past `expiresAt` closed (event `timeout`), their stock returned. */
  cancelled: number;
  /** Shipped orders older than `AUTO_CONFIRM_DAYS` completed (event `auto_confirm`). */
  confirmed: number;
}
