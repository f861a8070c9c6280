import type { CollectionDeclaration } from '../emulator/index.js';

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
      // the home page's row: the merchant's picks in order (home.setRecommended)
      { keys: { status: 1, recommendRank: 1 } },
      // the back office's product list (products.list), newest first, all or by category
      { keys: { createdAt: -1 } },
      { keys: { categoryId: 1, createdAt: -1 } },
    ],
    rules: serverOnly,
  },
  // Home page banners, shown in `sort` order while `active`.
  {
    name: 'banners',
    indexes: [
      { keys: { active: 1, sort: 1 } },
      // the back office's banner list (banners.list), active or not
      { keys: { sort: 1 } },
    ],
    rules: serverOnly,
  },
  // One document per SKU, `_id` is the skuId; stock is an integer taken by conditional writes that record the order
  // they hold it for (`holds`, store/stock-holds.ts) and given back by increments.
  {
    name: 'skus',
    indexes: [
      { keys: { spuId: 1 } },
      // the jobs timer's sweep of holds whose order was never written (a multikey index on the holds' times)
      { keys: { 'holds.at': 1 } },
      // the back office's low-stock list (products.list lowStockAt): SKUs at or under a stock count, keyset-paged on
      // (stock, _id); many SKUs share a stock count, so _id is in the index or every run of ties would be sorted
      { keys: { stock: 1, _id: 1 } },
    ],
    rules: serverOnly,
  },
  // The stock ledger (cloudfunctions/shared/store/stock-ledger.ts): one entry per back-office stock change, a SKU's or
  // a product's entries newest first (stock.ledger).
  { name: 'stock_ledger', indexes: [{ keys: { skuId: 1, at: -1 } }, { keys: { spuId: 1, at: -1 } }], rules: serverOnly },
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
      // the reconcile timer: payments that arrived after cancelling, whose refund is not confirmed yet
      { keys: { lateRefundPending: 1 } },
      // the reconcile timer: cancelled orders asked about for 48 hours in case a payment's notifications were lost
      { keys: { status: 1, cancelledAt: 1 } },
      // the figures' daily roll-up (store/daily-rollups.ts): orders paid, whose payment started, refunded on a day
      { keys: { paidAt: 1 } },
      { keys: { payStartedAt: 1 } },
      { keys: { refundedAt: 1 } },
      { keys: { 'priceRefund.refundedAt': 1 } },
      // the finance statement: payments by WeChat Pay's time of payment
      { keys: { 'payment.timeEnd': 1 } },
    ],
    rules: serverOnly,
  },
  // After-sale cases (cloudfunctions/shared/model/after-sale.ts), `_id` `<orderId>S<n>`: the shopper's list, an
  // order's cases, and the merchant's queue by status or all, newest first.
  {
    name: 'after_sales',
    indexes: [
      { keys: { openid: 1, createdAt: -1 } },
      { keys: { orderId: 1, createdAt: 1 } },
      { keys: { status: 1, createdAt: -1 } },
      { keys: { createdAt: -1 } },
      // the figures and the finance statement: cases refunded on a day
      { keys: { refundedAt: 1 } },
    ],
    rules: serverOnly,
  },
  // Figures (docs/back-office/figures.md): per Beijing day, the track function's counters (`_id` the day).
  { name: 'traffic_daily', indexes: [], rules: serverOnly },
  // Product views per day and product (`_id` `<day>:<spuId>`).
  { name: 'product_views_daily', indexes: [{ keys: { day: 1 } }], rules: serverOnly },
  // One document per shopper and day seen (`_id` `<day>:<openid>`): unique visitors and next-day retention.
  { name: 'visits', indexes: [{ keys: { day: 1, openid: 1 } }, { keys: { openid: 1, day: -1 } }], rules: serverOnly },
  // The jobs timer's daily roll-ups (`_id` the day `YYYY-MM-DD`), read by figures.overview; complete ones not recomputed.
  { name: 'figures_daily', indexes: [{ keys: { complete: 1, day: 1 } }], rules: serverOnly },
  // Reviews (cloudfunctions/shared/model/review.ts), `_id` `<orderId>-<index>`: one per order line (unique); a product's
  // visible reviews newest first, all, by band or with photos (reviews.list, featured first); the shopper's own
  // (reviews.mine); the back office's list, all or by product, stars, photos, reply or hidden (reviews.adminList).
  {
    name: 'reviews',
    indexes: [
      { keys: { orderId: 1, index: 1 }, unique: true },
      { keys: { spuId: 1, hidden: 1, featured: 1, createdAt: -1 } },
      { keys: { spuId: 1, hidden: 1, band: 1, createdAt: -1 } },
      { keys: { spuId: 1, hidden: 1, hasPhotos: 1, createdAt: -1 } },
      { keys: { openid: 1, createdAt: -1 } },
      { keys: { createdAt: -1 } },
      { keys: { spuId: 1, createdAt: -1 } },
      { keys: { hidden: 1, createdAt: -1 } },
      { keys: { replied: 1, createdAt: -1 } },
      { keys: { rating: 1, createdAt: -1 } },
    ],
    rules: serverOnly,
  },
  // A product's review counters (`_id` the spuId), moved in the transaction of every review change (reviews.summary).
  { name: 'review_stats', indexes: [], rules: serverOnly },
  // Merchants: `_id` is a WeChat merchant's openid or `staff:<username>`; `role` decides what they may do
  // (cloudfunctions/admin). The staff list, by role and active.
  { name: 'admins', indexes: [{ keys: { role: 1, active: 1 } }], rules: serverOnly },
  // Staff sign-in sessions, `_id` the SHA-256 of the cookie's token: all of one account's, to end them at once.
  { name: 'admin_sessions', indexes: [{ keys: { staffId: 1 } }], rules: serverOnly },
  // Every merchant action, chained by hash in `seq` order: the viewer newest first, by actor, action or target; the
  // verifier and the retention timer oldest first; `at` for a time range.
  {
    name: 'audit_logs',
    indexes: [
      { keys: { seq: -1 }, unique: true },
      { keys: { actor: 1, seq: -1 } },
      { keys: { action: 1, seq: -1 } },
      { keys: { target: 1, seq: -1 } },
      { keys: { at: -1 } },
    ],
    rules: serverOnly,
  },
  // The audit chain's head (last seq and hash) and retention anchor (the last entry removed for age).
  { name: 'audit_chain', indexes: [], rules: serverOnly },
  // Coupons (cloudfunctions/shared/model/coupon.ts): templates open for claiming by end of their claim window; `issued`
  // only moves by conditional increments.
  {
    name: 'coupon_templates',
    indexes: [
      { keys: { status: 1, claimEndAt: 1 } },
      // the back office's template list (coupons.list), newest first, all or by status
      { keys: { createdAt: -1 } },
      { keys: { status: 1, createdAt: -1 } },
    ],
    rules: serverOnly,
  },
  // Claimed coupons: the shopper's lists (available by expiry, used by claim time, expired), the coupon an order
  // holds, and how many of a template a shopper holds.
  {
    name: 'user_coupons',
    indexes: [
      { keys: { openid: 1, status: 1, validUntil: 1 } },
      { keys: { openid: 1, status: 1, claimedAt: -1 } },
      { keys: { openid: 1, templateId: 1 } },
      { keys: { orderId: 1 } },
      // the back office's used and locked counts per template (coupons.list)
      { keys: { templateId: 1, status: 1 } },
      // what came of a win-back campaign (customers.campaigns): its coupons spent
      { keys: { campaignId: 1, status: 1 } },
    ],
    rules: serverOnly,
  },
  // One counter per shopper and template, `_id` `${templateId}:${openid}`: the per-user claim limit's atomic guard.
  { name: 'coupon_claims', indexes: [{ keys: { templateId: 1 } }], rules: serverOnly },
  // Products a shopper keeps (shared/model/kept-products.ts), `_id` `${openid}:${spuId}`: favorites and footprints,
  // each list newest first.
  { name: 'favorites', indexes: [{ keys: { openid: 1, at: -1 } }], rules: serverOnly },
  { name: 'footprints', indexes: [{ keys: { openid: 1, at: -1 } }], rules: serverOnly },
  // Reaching shoppers (shared/model/marketing.ts): subscribe-message acceptances, `_id` `${openid}:${kind}`, each one
  // send; win-back campaigns, newest first (customers.campaigns).
  { name: 'message_consents', indexes: [{ keys: { openid: 1 } }], rules: serverOnly },
  { name: 'win_back_campaigns', indexes: [{ keys: { createdAt: -1 } }], rules: serverOnly },
  // Members (shared/model/member.ts; store/shop-settings.ts, points-ledger.ts, commission-ledger.ts).
  // `settings`: one document per area (`member`).
  { name: 'settings', rules: serverOnly },
  // Points ledger, `_id` `${openid}:${reason}:${refId}` (each event applies once); the shopper's ledger newest first.
  { name: 'points_ledger', indexes: [{ keys: { openid: 1, at: -1 } }], rules: serverOnly },
  // Daily check-ins, `_id` `${openid}:${YYYYMMDD}` (UTC+8): one per day; a month's days for the calendar.
  { name: 'checkins', indexes: [{ keys: { openid: 1, day: 1 } }], rules: serverOnly },
  // Invite codes, `_id` the code (the user document keeps its own): share links carry the code, never the openid.
  { name: 'invite_codes', rules: serverOnly },
  // Commission per order (`_id` order id): the timer settles pending ones whose refund window ended.
  {
    name: 'commissions',
    indexes: [{ keys: { status: 1, dueAt: 1 } }, { keys: { inviterOpenid: 1, createdAt: -1 } }],
    rules: serverOnly,
  },
  // Commission movements, `_id` derived from the event; the inviter's ledger newest first.
  { name: 'commission_ledger', indexes: [{ keys: { openid: 1, at: -1 } }], rules: serverOnly },
  // Withdrawal requests: the shopper's list, and the merchant's queue by status, oldest first.
  {
    name: 'withdrawals',
    indexes: [{ keys: { openid: 1, requestedAt: -1 } }, { keys: { status: 1, requestedAt: 1 } }],
    rules: serverOnly,
  },
  // Flash sales (cloudfunctions/shared/model/promotion.ts): running and upcoming ones by start; `remaining` only moves by
  // conditional increments.
  {
    name: 'flash_sales',
    indexes: [
      { keys: { status: 1, startAt: 1 } },
      { keys: { status: 1, endAt: 1 } },
      // the back office's list (flashsales.list), newest first, all or by status
      { keys: { createdAt: -1 } },
      { keys: { status: 1, createdAt: -1 } },
      // the back office's products.update: flash sales still holding a SKU it would remove
      { keys: { skuId: 1, status: 1 } },
    ],
    rules: serverOnly,
  },
  // One counter per shopper and flash sale, `_id` `${flashSaleId}:${openid}`: the per-user limit's atomic guard.
  { name: 'flash_sale_buyers', indexes: [{ keys: { flashSaleId: 1 } }], rules: serverOnly },
  // Group-buy (cloudfunctions/shared/model/promotion.ts): activities by start; groups joinable per activity, and the timer's
  // queues (open past expiry, failed with members to settle, succeeded with difference refunds to confirm).
  {
    name: 'group_buy_activities',
    indexes: [
      { keys: { status: 1, startAt: 1 } },
      // the back office's list (groupbuys.list), newest first, all or by status
      { keys: { createdAt: -1 } },
      { keys: { status: 1, createdAt: -1 } },
      // the back office's products.update: running group-buys of a product whose SKUs it would remove
      { keys: { spuId: 1, status: 1 } },
    ],
    rules: serverOnly,
  },
  {
    name: 'group_buy_groups',
    indexes: [
      { keys: { activityId: 1, status: 1, expiresAt: 1 } },
      { keys: { status: 1, expiresAt: 1 } },
      { keys: { status: 1, membersSettled: 1, expiresAt: 1 } },
      { keys: { status: 1, refundsDone: 1, expiresAt: 1 } },
    ],
    rules: serverOnly,
  },
  // One member per shopper and group, `_id` `${groupId}:${openid}` (a shopper joins once); a group's members in order.
  { name: 'group_buy_members', indexes: [{ keys: { groupId: 1, joinedAt: 1 } }], rules: serverOnly },
];
