/**
 * How checkout was opened (PAGES.orderConfirm): `?from=cart` checks out the cart's selected lines (read back from the
 * cart), `?skuId=<id>&quantity=<n>` buys one SKU now (立即购买 on the product page). Anything else is refused.
 */
export type CheckoutEntry =
  { kind: 'cart' } | { kind: 'buy'; lines: Array<{ skuId: string; quantity: number }> } | { kind: 'invalid' };

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function checkoutEntry(query: Record<string, string | undefined>): CheckoutEntry {
  if (query.from === 'cart') return { kind: 'cart' };
  const skuId = decodeURIComponent(query.skuId ?? '');
  const quantity = Number(query.quantity ?? 1);
  if (ID.test(skuId) && Number.isInteger(quantity) && quantity >= 1 && quantity <= 999) {
    return { kind: 'buy', lines: [{ skuId, quantity }] };
  }
  return { kind: 'invalid' };
}
