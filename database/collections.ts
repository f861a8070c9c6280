import type { CollectionDeclaration } from '../emulator/src/db/schema.js';

/**
 * Every collection the shop uses, its indexes and its security rules. The emulator creates them on start; the deploy
 * script creates them in a real environment. The mini-program never reads the database directly (all access goes
 * through cloud functions, which bypass rules), so every rule denies client access.
 */
const serverOnly = { read: false, write: false };

export const collections: CollectionDeclaration[] = [
  // Catalog
  { name: 'categories', indexes: [{ keys: { parentId: 1, sort: 1 } }], rules: serverOnly },
  {
    name: 'spus',
    indexes: [
      // listing a category, newest / best-selling / cheapest first, on-shelf only
      { keys: { categoryId: 1, status: 1, createdAt: -1 } },
      { keys: { categoryId: 1, status: 1, sales: -1 } },
      { keys: { categoryId: 1, status: 1, minPrice: 1 } },
      { keys: { status: 1, createdAt: -1 } },
    ],
    rules: serverOnly,
  },
  // Home page banners, shown in `sort` order while `active`.
  { name: 'banners', indexes: [{ keys: { active: 1, sort: 1 } }], rules: serverOnly },
  // One document per SKU, `_id` is the skuId; stock is an integer decremented in transactions.
  { name: 'skus', indexes: [{ keys: { spuId: 1 } }], rules: serverOnly },
  // Shoppers
  { name: 'users', indexes: [{ keys: { inviterOpenid: 1 } }], rules: serverOnly },
  { name: 'addresses', indexes: [{ keys: { openid: 1, updatedAt: -1 } }], rules: serverOnly },
  { name: 'carts', indexes: [{ keys: { openid: 1, skuId: 1 }, unique: true }], rules: serverOnly },
  // Orders
  {
    name: 'orders',
    indexes: [
      { keys: { openid: 1, createdAt: -1 } },
      { keys: { openid: 1, status: 1, createdAt: -1 } },
      { keys: { status: 1, expiresAt: 1 } },
      // the jobs timer: shipped orders due for automatic confirmation
      { keys: { status: 1, shippedAt: 1 } },
      { keys: { openid: 1, idempotencyKey: 1 }, unique: true },
      // the merchant's order list, newest first, by status or all
      { keys: { status: 1, createdAt: -1 } },
      { keys: { createdAt: -1 } },
      // the reconcile timer: approved refunds whose result has not arrived
      { keys: { status: 1, refundApprovedAt: 1 } },
    ],
    rules: serverOnly,
  },
  // Merchants: `_id` is the merchant's openid; `role` decides what they may do (cloudfunctions/admin).
  { name: 'admins', indexes: [{ keys: { role: 1 } }], rules: serverOnly },
  // Every merchant action, newest first, by actor or by the thing acted on.
  {
    name: 'audit_logs',
    indexes: [{ keys: { at: -1 } }, { keys: { actor: 1, at: -1 } }, { keys: { target: 1, at: -1 } }],
    rules: serverOnly,
  },
];
