import {
  type AdminProductCard,
  type AdminProductDetail,
  type AdminProductPage,
  ProductCreateInput,
  ProductDeleteInput,
  ProductDetailInput,
  ProductsListInput,
  ProductsSetStatusInput,
  ProductUpdateInput,
} from '../../../typings/admin-catalog.js';
import {
  createProduct,
  deleteProduct,
  listProducts,
  productDetail,
  setProductsStatus,
  updateProduct,
} from '../../shared/store/catalog-writes.js';
import { actorOf } from '../audit.js';
import { adminRoute, requireVerification } from '../rbac.js';

/**
 * Products in the back office (docs/back-office/catalog.md): list and detail, create with the SKU matrix, edit (a
 * price moving by more than PRICE_CHANGE_VERIFY_SHARE needs a second verification), shelve in bulk, soft delete.
 */

export const list = adminRoute('catalog.read', ProductsListInput, (input): Promise<AdminProductPage> => listProducts(input));

export const detail = adminRoute('catalog.read', ProductDetailInput, ({ spuId }): Promise<AdminProductDetail> =>
  productDetail(spuId),
);

export const create = adminRoute('catalog.write', ProductCreateInput, (input, ctx): Promise<AdminProductDetail> =>
  createProduct(input, { actor: actorOf(ctx), now: ctx.now }),
);

export const update = adminRoute('catalog.write', ProductUpdateInput, (input, ctx): Promise<AdminProductDetail> =>
  updateProduct(input, { actor: actorOf(ctx), now: ctx.now }, () => requireVerification(ctx)),
);

export const setStatus = adminRoute('catalog.write', ProductsSetStatusInput, (input, ctx): Promise<AdminProductCard[]> =>
  setProductsStatus(input.spuIds, input.status, { actor: actorOf(ctx), now: ctx.now }),
);

export const remove = adminRoute('catalog.write', ProductDeleteInput, (input, ctx): Promise<AdminProductCard> =>
  deleteProduct(input.spuId, input.version, { actor: actorOf(ctx), now: ctx.now }),
);
