import type { CartLine, CartLineState, CartView } from '../../typings/cart.js';
import { type SkuDoc, type SpuDoc } from '../shared/model/catalog.js';

/** A cart line as stored in `carts`: one per (openid, skuId), enforced by a unique index. No price: prices are live. */
export interface CartDoc {
  _id: string;
  openid: string;
  skuId: string;
  quantity: number;
  selected: boolean;
  addedAt: Date;
}

export function lineState(quantity: number, sku: SkuDoc | undefined, spu: SpuDoc | undefined): CartLineState {
  if (!sku || !spu) return 'removed';
  if (spu.status !== 'on_shelf') return 'off_shelf';
  if (sku.stock <= 0) return 'sold_out';
  if (quantity > sku.stock) return 'low_stock';
  return 'ok';
}

/** Prices every line from its SKU as it is now, and totals the selected lines that can be checked out. */
export function cartView(docs: CartDoc[], skus: SkuDoc[], spus: SpuDoc[]): CartView {
  const skuById = new Map(skus.map((s) => [s._id, s]));
  const spuById = new Map(spus.map((s) => [s._id, s]));
  const lines = docs.map((doc): CartLine => {
    const sku = skuById.get(doc.skuId);
    const spu = sku ? spuById.get(sku.spuId) : undefined;
    const state = lineState(doc.quantity, sku, spu);
    const price = sku?.price ?? 0;
    return {
      skuId: doc.skuId,
      spuId: sku?.spuId ?? '',
      title: spu?.title ?? '',
      image: sku?.image || (spu?.images[0] ?? ''),
      specValues: sku?.specValues ?? {},
      price,
      originalPrice: sku?.originalPrice ?? 0,
      quantity: doc.quantity,
      stock: sku?.stock ?? 0,
      selected: doc.selected,
      state,
      subtotal: price * doc.quantity,
    };
  });
  const payable = lines.filter((l) => l.selected && l.state === 'ok');
  const available = lines.filter((l) => l.state === 'ok');
  return {
    lines,
    totals: {
      amount: payable.reduce((n, l) => n + l.subtotal, 0),
      quantity: payable.reduce((n, l) => n + l.quantity, 0),
      lines: payable.length,
    },
    count: lines.length,
    allSelected: available.length > 0 && available.every((l) => l.selected),
  };
}

/** The quantity a line may hold: what was asked for, but never more than is in stock. */
export function cappedQuantity(wanted: number, stock: number): { quantity: number; capped: boolean } {
  return wanted > stock ? { quantity: stock, capped: true } : { quantity: wanted, capped: false };
}
