import { HomeRecommendedInput, type HomeRecommendedView, HomeSetRecommendedInput } from '../../../typings/admin-catalog.js';
import { readRecommended, setRecommended } from '../../shared/store/home-recommendations.js';
import { actorOf } from '../audit.js';
import { adminRoute } from '../rbac.js';

/** The products the home page recommends (banners are catalog-banners.ts). */

export const recommended = adminRoute('catalog.read', HomeRecommendedInput, (): Promise<HomeRecommendedView> =>
  readRecommended(),
);

export const setRecommendedRoute = adminRoute(
  'catalog.write',
  HomeSetRecommendedInput,
  (input, ctx): Promise<HomeRecommendedView> =>
    setRecommended(input.spuIds, input.version, { actor: actorOf(ctx), now: ctx.now }),
);
