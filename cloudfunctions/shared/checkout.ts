import type { Amounts, PricedLine, Preview } from '../../typings/order.js';
import type { SkuDoc, SpuDoc } from './catalog.js';
import { _, db } from './db.js';
import { priceOrder } from './pricing.js';

/**
 * Prices a checkout from the database, never from the client: the SKUs and SPUs of all lines are read in two queries
 * (no N+1), off-shelf or unknown items and short stock are reported per line.
 */
export const FREE_SHIPPING_FROM = 9900;
export const FREIGHT = 800;

export interface CatalogLine {
  sku: SkuDoc;
  spu: SpuDoc;
  quantity: number;
}

/** The SKUs of a cart in one query, by id. */
export async function readSkus(skuIds: string[]): Promise<Map<string, SkuDoc>> {
  const skus = (await db.collection<SkuDoc>('skus').where({ _id: _.in([...new Set(skuIds)]) }).limit(1000).get()).data;
  return new Map(skus.map((s) => [s._id, s]));
}

/** The SPUs of a cart in one query, by id. */
export async function readSpus(spuIds: string[]): Promise<Map<string, SpuDoc>> {
  const unique = [...new Set(spuIds)];
  const spus = unique.length ? (await db.collection<SpuDoc>('spus').where({ _id: _.in(unique) }).limit(1000).get()).data : [];
  return new Map(spus.map((s) => [s._id, s]));
}

export async function loadCatalog(skuIds: string[]): Promise<{ skus: Map<string, SkuDoc>; spus: Map<string, SpuDoc> }> {
  const skus = await readSkus(skuIds);
  return { skus, spus: await readSpus([...skus.values()].map((s) => s.spuId)) };
}

export function freightFor(subtotal: number): number {
  return subtotal >= FREE_SHIPPING_FROM ? 0 : FREIGHT;
}

/** Prices lines whose SKUs are known to exist and be on shelf. */
export function priceLines(lines: CatalogLine[]): { lines: PricedLine[]; amounts: Amounts } {
  const subtotal = lines.reduce((n, l) => n + l.sku.price * l.quantity, 0);
  const priced = priceOrder({ lines: lines.map((l) => ({ skuId: l.sku._id, unitPrice: l.sku.price, quantity: l.quantity })), freight: freightFor(subtotal) });
  return {
    lines: lines.map((l, i) => {
      const p = priced.lines[i]!;
      return {
        skuId: l.sku._id,
        spuId: l.spu._id,
        title: l.spu.title,
        image: l.sku.image || (l.spu.images[0] ?? ''),
        specValues: l.sku.specValues,
        unitPrice: p.unitPrice,
        quantity: p.quantity,
        subtotal: p.subtotal,
        payable: p.payable,
      };
    }),
    amounts: { subtotal: priced.subtotal, discountTotal: priced.discountTotal, freight: priced.freight, payable: priced.payable },
  };
}

export async function preview(lines: Array<{ skuId: string; quantity: number }>): Promise<Preview> {
  const { skus, spus } = await loadCatalog(lines.map((l) => l.skuId));
  const problems: Preview['problems'] = [];
  const buyable: CatalogLine[] = [];
  for (const line of lines) {
    const sku = skus.get(line.skuId);
    const spu = sku && spus.get(sku.spuId);
    if (!sku || !spu || spu.status !== 'on_shelf') problems.push({ skuId: line.skuId, code: 'NOT_FOUND', message: '商品已下架或不存在' });
    else if (sku.stock < line.quantity) problems.push({ skuId: line.skuId, code: 'OUT_OF_STOCK', message: sku.stock ? `库存仅剩 ${sku.stock} 件` : '已售罄', stock: sku.stock });
    else buyable.push({ sku, spu, quantity: line.quantity });
  }
  if (!buyable.length) return { lines: [], amounts: { subtotal: 0, discountTotal: 0, freight: 0, payable: 0 }, problems };
  return { ...priceLines(buyable), problems };
}
