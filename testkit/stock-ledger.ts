/**
 * The stock rule's ledger for one SKU (docs/architecture.md, "Stock rule"), read back with node-sdk: every unit is in
 * exactly one place, so `skuStock + heldByPromotions + inLiveOrders + sold` stays what the SKU started with, whatever
 * ordinary orders, flash sales, group-buys, cancels and a sale's end do meanwhile. Tests and `npm run bench:promo`
 * compare it with the SKU's starting stock. (Partial after-sale refunds are not counted: the rushes have none.)
 */

type Rec = Record<string, any>;

/** The part of node-sdk's database this needs (tests and benchmarks each hold one). */
interface Db {
  collection(name: string): {
    doc(id: string): { get(): Promise<unknown> };
    where(filter: Rec): { skip(n: number): { limit(n: number): { get(): Promise<unknown> } } };
  };
}

export interface StockLedger {
  /** `skus.stock`: what ordinary orders can sell. */
  skuStock: number;
  /** Units flash sales on the SKU hold unsold and not yet given back (status `active` or `disabled`). */
  heldByPromotions: number;
  /** Units in orders not closed and not shipped: unpaid, paid, refund asked or approved. */
  inLiveOrders: number;
  /** Units in shipped or completed orders. */
  sold: number;
  total: number;
}

const LIVE = new Set(['pending_payment', 'paid', 'refunding', 'refund_approved']);
const SOLD = new Set(['shipped', 'completed']);
const PAGE = 1000;

async function all(db: Db, collection: string, filter: Rec): Promise<Rec[]> {
  const found: Rec[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const page = ((await db.collection(collection).where(filter).skip(skip).limit(PAGE).get()) as { data: Rec[] }).data;
    found.push(...page);
    if (page.length < PAGE) return found;
  }
}

export async function stockLedger(db: Db, skuId: string): Promise<StockLedger> {
  const [sku, sales, orders] = await Promise.all([
    db.collection('skus').doc(skuId).get() as Promise<{ data: Rec[] }>,
    all(db, 'flash_sales', { skuId }),
    all(db, 'orders', { 'lines.skuId': skuId }),
  ]);
  const skuStock = sku.data[0]?.stock as number;
  const heldByPromotions = sales
    .filter((s) => s.status === 'active' || s.status === 'disabled')
    .reduce((n, s) => n + (s.remaining as number), 0);
  let inLiveOrders = 0;
  let sold = 0;
  for (const order of orders) {
    const units = (order.lines as Rec[]).filter((l) => l.skuId === skuId).reduce((n, l) => n + (l.quantity as number), 0);
    if (LIVE.has(order.status)) inLiveOrders += units;
    else if (SOLD.has(order.status)) sold += units;
  }
  return { skuStock, heldByPromotions, inLiveOrders, sold, total: skuStock + heldByPromotions + inLiveOrders + sold };
}

/** One line: the terms, their sum, what it must be and the difference (0 when every unit is accounted for). */
export function describeLedger(ledger: StockLedger, expected: number): string {
  const { skuStock, heldByPromotions, inLiveOrders, sold, total } = ledger;
  return (
    `SKU stock ${skuStock} + held by promotions ${heldByPromotions} + in live orders ${inLiveOrders} + sold ${sold}` +
    ` = ${total}; expected ${expected}; difference ${total - expected}`
  );
}
