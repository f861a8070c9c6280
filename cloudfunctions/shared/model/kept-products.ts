/**
 * Products a shopper keeps: favorites (收藏) and footprints (浏览足迹), one document per shopper and product
 * (`_id` `openid:spuId`), so adding one again only moves it to the top (store/kept-products.ts).
 */
export const FAVORITES = 'favorites';
export const FOOTPRINTS = 'footprints';
export type KeptList = typeof FAVORITES | typeof FOOTPRINTS;

export interface KeptProductDoc {
  _id: string;
  openid: string;
  spuId: string;
  /** When it was favorited, or last viewed. */
  at: Date;
}

export const keptId = (openid: string, spuId: string) => `${openid}:${spuId}`;
