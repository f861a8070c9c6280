import {
  type AdminBannerView,
  BannerCreateInput,
  BannerDeleteInput,
  BannersListInput,
  BannerUpdateInput,
} from '../../../typings/admin-catalog.js';
import { createBanner, deleteBanner, listBanners, updateBanner } from '../../shared/store/catalog-writes.js';
import { actorOf } from '../audit.js';
import { adminRoute } from '../rbac.js';

/** The home page's banners in the back office (docs/back-office/catalog.md), stored as `product.home` reads them. */

export const list = adminRoute('catalog.read', BannersListInput, (): Promise<AdminBannerView[]> => listBanners());

export const create = adminRoute('catalog.write', BannerCreateInput, (input, ctx): Promise<AdminBannerView> =>
  createBanner(input, { actor: actorOf(ctx), now: ctx.now }),
);

export const update = adminRoute('catalog.write', BannerUpdateInput, (input, ctx): Promise<AdminBannerView> =>
  updateBanner(input, { actor: actorOf(ctx), now: ctx.now }),
);

export const remove = adminRoute('catalog.write', BannerDeleteInput, (input, ctx): Promise<{ bannerId: string }> =>
  deleteBanner(input.bannerId, input.version, { actor: actorOf(ctx), now: ctx.now }),
);
