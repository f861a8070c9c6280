/** Memory of one function instance: no SDK, no database, `now` passed in, so it sits with the rules. */

/**
 * What this function instance saw sold out (a SKU, a flash sale, a coupon template), for a moment. In a rush nearly
 * every attempt comes after the last unit went, and each would otherwise cost a read; only refusals are remembered,
 * so it can never sell or issue too many. Stock given back or added is seen up to `ms` later.
 */
export class SoldOutMemory {
  private readonly until = new Map<string, number>();
  constructor(private readonly ms = 1000) {}
  has(id: string, now: Date): boolean {
    return (this.until.get(id) ?? 0) > now.getTime();
  }
  remember(id: string, now: Date): void {
    if (this.until.size > 1000) this.until.clear();
    this.until.set(id, now.getTime() + this.ms);
  }
}
