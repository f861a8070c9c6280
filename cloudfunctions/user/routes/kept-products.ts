import {
  FavoriteAddInput,
  FavoriteHasInput,
  FootprintsClearInput,
  KeptListInput,
  type KeptProductPage,
  KeptRemoveInput,
} from '../../../typings/user.js';
import { route } from '../../shared/platform/route.js';
import { addFavorite, clearKept, isFavorite, listKept, removeKept } from '../../shared/store/kept-products.js';

/** The shopper's favorites (收藏) and footprints (浏览足迹; written by the `track` function's product views). */

export const favoritesAdd = route(FavoriteAddInput, async ({ spuId }, ctx): Promise<{ favorited: true }> => {
  await addFavorite(ctx.openid, spuId, ctx.now);
  return { favorited: true };
});

export const favoritesHas = route(FavoriteHasInput, async ({ spuId }, ctx): Promise<{ favorited: boolean }> => ({
  favorited: await isFavorite(ctx.openid, spuId),
}));

export const favoritesRemove = route(KeptRemoveInput, async ({ spuIds }, ctx): Promise<{ removed: true }> => {
  await removeKept('favorites', ctx.openid, spuIds);
  return { removed: true };
});

export const favoritesList = route(KeptListInput, (page, ctx): Promise<KeptProductPage> =>
  listKept('favorites', ctx.openid, page, ctx.now),
);

export const footprintsList = route(KeptListInput, (page, ctx): Promise<KeptProductPage> =>
  listKept('footprints', ctx.openid, page, ctx.now),
);

export const footprintsRemove = route(KeptRemoveInput, async ({ spuIds }, ctx): Promise<{ removed: true }> => {
  await removeKept('footprints', ctx.openid, spuIds);
  return { removed: true };
});

export const footprintsClear = route(FootprintsClearInput, async (_input, ctx): Promise<{ removed: true }> => {
  await clearKept('footprints', ctx.openid);
  return { removed: true };
});
