/**
 * Multi-step writes without a transaction (placing an order from a promotion, claiming a coupon): each step that takes
 * something names the step that gives it back, so an attempt that fails half-way undoes exactly what it took.
 */

/** What an attempt has taken so far, each with the step that gives it back. */
export class Holdings {
  private readonly taken: Array<{ what: string; giveBack: () => Promise<unknown>; keep?: () => Promise<unknown> }> = [];

  /**
   * Runs `take`; if a later step fails, `giveBack` undoes it. A `take` that throws has taken nothing. `keep`, if any,
   * runs once the order is written (`keepAll`): a holding that left evidence for the timer tidies it up.
   */
  async take<R>(
    what: string,
    take: () => Promise<R>,
    giveBack: (taken: R) => Promise<unknown>,
    keep?: (taken: R) => Promise<unknown>,
  ): Promise<R> {
    const result = await take();
    this.taken.push({ what, giveBack: () => giveBack(result), keep: keep && (() => keep(result)) });
    return result;
  }

  /**
   * The order is written: everything taken stays taken. The `keep` steps run at once; one that fails only leaves
   * evidence the timer tidies up later (store/stock-holds.ts), so it is logged, not thrown.
   */
  async keepAll(): Promise<void> {
    const kept = this.taken.splice(0);
    await Promise.all(
      kept.map(async ({ what, keep }) => {
        try {
          await keep?.();
        } catch (err) {
          console.error(`could not settle the ${what}`, err);
        }
      }),
    );
  }

  /**
   * Gives up giving back the holdings named `what`: the step after them may have landed after all (its answer was
   * lost), so only a sweep that can see its outcome may give them back (store/stock-holds.ts for the stock).
   */
  leave(what: string): void {
    for (let i = this.taken.length - 1; i >= 0; i--) if (this.taken[i]!.what === what) this.taken.splice(i, 1);
  }

  /**
   * Gives everything back, latest first. A give-back that fails leaves a count too low (a unit or seat nobody can
   * take), never too many sold; it is logged for the merchant.
   */
  async giveBackAll(): Promise<void> {
    for (const { what, giveBack } of this.taken.reverse()) {
      try {
        await giveBack();
      } catch (err) {
        console.error(`could not give back the ${what}`, err);
      }
    }
    this.taken.length = 0;
  }
}
