import { ErrorCode } from '../../../typings/common.js';
import { type AddressDoc } from '../model/address.js';
import { type SkuDoc,type SpuDoc } from '../model/catalog.js';
import { ShopError,notFound } from '../rules/errors.js';
import { db } from '../store/db.js';



/** The caller's address (another shopper's answers NOT_FOUND), read before anything is taken. */
export async function ownAddress(addressId: string, openid: string): Promise<AddressDoc> {
  const address = (await db.collection<AddressDoc>('addresses').where({ _id: addressId, openid }).limit(1).get()).data[0];
  if (!address) throw notFound('收货地址');
  return address;
}

/** The SKU and its SPU, on shelf, or NOT_FOUND. */
export function onShelf(sku: SkuDoc | undefined, spus: Map<string, SpuDoc>): { sku: SkuDoc; spu: SpuDoc } {
  const spu = sku && spus.get(sku.spuId);
  if (!sku || !spu || spu.status !== 'on_shelf') throw new ShopError(ErrorCode.NOT_FOUND, '商品已下架或不存在');
  return { sku, spu };
}

/**
 * Undoes one step of an attempt that could not finish. A failure here leaves a count too low (a unit or seat nobody
 * can take), never too many sold; it is logged for the merchant.
 */
export async function giveBack(what: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    console.error(`promotion: could not give back the ${what}`, err);
  }
}
