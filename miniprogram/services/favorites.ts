import { call } from './call';
import { removeKept } from './user';

/** The shopper's favorites (收藏), as the detail page's button toggles them. */

export async function isFavorite(spuId: string): Promise<boolean> {
  return (await call('user', 'favorites.has', { spuId })).favorited;
}

/** Favorites the product, or unfavorites it; answers whether it is a favorite now. */
export async function setFavorite(spuId: string, favorite: boolean): Promise<boolean> {
  if (favorite) await call('user', 'favorites.add', { spuId });
  else await removeKept('favorites', [spuId]);
  return favorite;
}
