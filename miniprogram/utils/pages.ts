/**
 * Page paths in one place. The tab pages are in the main package; the others arrive with their pages, in subpackages
 * whose roots keep these paths (`pages/product/` holds `detail/index`, …), so links stored in the database, such as a
 * banner's, stay valid.
 */
export const PAGES = {
  home: '/pages/home/index',
  category: '/pages/category/index',
  cart: '/pages/cart/index',
  user: '/pages/user/index',
  search: '/pages/search/index',
  productDetail: '/pages/product/detail/index',
  productList: '/pages/product/list/index',
  productReviews: '/pages/product/reviews/index',
  orderConfirm: '/pages/order/confirm/index',
  orderResult: '/pages/order/result/index',
  orderList: '/pages/order/list/index',
  orderDetail: '/pages/order/detail/index',
  orderReview: '/pages/order/review/index',
  afterSaleApply: '/pages/order/aftersale-apply/index',
  afterSaleList: '/pages/order/aftersale-list/index',
  afterSaleDetail: '/pages/order/aftersale-detail/index',
  flashSale: '/pages/promo/flashsale/index',
  groupBuys: '/pages/promo/groupbuy/index',
  groupBuyActivity: '/pages/promo/groupbuy-activity/index',
  group: '/pages/promo/group/index',
  couponCentre: '/pages/coupon/center/index',
  myCoupons: '/pages/coupon/mine/index',
  memberCentre: '/pages/member/center/index',
  points: '/pages/member/points/index',
  invite: '/pages/member/invite/index',
  addresses: '/pages/mine/addresses/index',
  addressEdit: '/pages/mine/address-edit/index',
  favorites: '/pages/mine/favorites/index',
  footprints: '/pages/mine/footprints/index',
  profile: '/pages/mine/profile/index',
  help: '/pages/mine/help/index',
  privacy: '/pages/mine/privacy/index',
} as const;

const TABS: ReadonlySet<string> = new Set([PAGES.home, PAGES.category, PAGES.cart, PAGES.user]);

/** True for the tab bar's pages, which open with `switchTab`. */
export function isTab(path: string): boolean {
  return TABS.has(path);
}

/** `/pages/x/index?a=1&b=%E4%B8%AD` from a path and its query (empty values left out). */
export function pageUrl(path: string, query: Record<string, string | number | undefined> = {}): string {
  const pairs = Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`);
  return pairs.length ? `${path}?${pairs.join('&')}` : path;
}
