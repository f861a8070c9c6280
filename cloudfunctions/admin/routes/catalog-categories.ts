import {
  type AdminCategoryView,
  CategoriesListInput,
  CategoryCreateInput,
  CategoryUpdateInput,
} from '../../../typings/admin-catalog.js';
import { createCategory, listCategories, updateCategory } from '../../shared/store/catalog-writes.js';
import { actorOf } from '../audit.js';
import { adminRoute } from '../rbac.js';

/** Categories in the back office (docs/back-office/catalog.md): the whole tree, create, rename/move/sort/hide. */

export const list = adminRoute('catalog.read', CategoriesListInput, (): Promise<AdminCategoryView[]> => listCategories());

export const create = adminRoute('catalog.write', CategoryCreateInput, (input, ctx): Promise<AdminCategoryView> =>
  createCategory(input, { actor: actorOf(ctx), now: ctx.now }),
);

export const update = adminRoute('catalog.write', CategoryUpdateInput, (input, ctx): Promise<AdminCategoryView> =>
  updateCategory(input, { actor: actorOf(ctx), now: ctx.now }),
);
