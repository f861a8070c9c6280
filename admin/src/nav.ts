import type { AdminPermission } from '../../typings/admin-roles.js';

/**
 * Every page of the back office: its path, title, the permission it needs and where it sits in the menu. The router
 * (router.ts) and the side menu (layouts/AdminLayout.vue) are both made from this one table, so a page a role cannot
 * use is neither listed nor reachable by its link.
 */
export interface PageEntry {
  path: string;
  name: string;
  title: string;
  permission?: AdminPermission;
  /** Menu group; absent: not in the menu (detail and editor pages, reached from their list). */
  group?: string;
  load: () => Promise<unknown>;
}

export const MENU_GROUPS = ['概览', '商品', '订单', '营销', '客户', '店铺'] as const;

export const PAGES: PageEntry[] = [
  {
    path: '/dashboard',
    name: 'dashboard',
    title: '经营概览',
    permission: 'figures.read',
    group: '概览',
    load: () => import('./pages/DashboardPage.vue'),
  },
  {
    path: '/finance',
    name: 'finance',
    title: '财务对账',
    permission: 'finance.read',
    group: '概览',
    load: () => import('./pages/FinancePage.vue'),
  },
  {
    path: '/products',
    name: 'products',
    title: '商品列表',
    permission: 'catalog.read',
    group: '商品',
    load: () => import('./pages/products/ProductListPage.vue'),
  },
  {
    path: '/products/new',
    name: 'product-new',
    title: '新建商品',
    permission: 'catalog.write',
    load: () => import('./pages/products/ProductEditorPage.vue'),
  },
  {
    path: '/products/:spuId',
    name: 'product-edit',
    title: '编辑商品',
    permission: 'catalog.read',
    load: () => import('./pages/products/ProductEditorPage.vue'),
  },
  {
    path: '/categories',
    name: 'categories',
    title: '商品分类',
    permission: 'catalog.read',
    group: '商品',
    load: () => import('./pages/products/CategoriesPage.vue'),
  },
  {
    path: '/stock',
    name: 'stock',
    title: '库存流水',
    permission: 'catalog.read',
    group: '商品',
    load: () => import('./pages/products/StockLedgerPage.vue'),
  },
  {
    path: '/orders',
    name: 'orders',
    title: '订单管理',
    permission: 'orders.read',
    group: '订单',
    load: () => import('./pages/orders/OrderListPage.vue'),
  },
  {
    path: '/orders/:orderId',
    name: 'order-detail',
    title: '订单详情',
    permission: 'orders.read',
    load: () => import('./pages/orders/OrderDetailPage.vue'),
  },
  {
    path: '/after-sales',
    name: 'after-sales',
    title: '售后处理',
    permission: 'orders.read',
    group: '订单',
    load: () => import('./pages/orders/AfterSalesPage.vue'),
  },
  {
    path: '/withdrawals',
    name: 'withdrawals',
    title: '佣金提现',
    permission: 'withdrawals.manage',
    group: '订单',
    load: () => import('./pages/orders/WithdrawalsPage.vue'),
  },
  {
    path: '/marketing/coupons',
    name: 'coupons',
    title: '优惠券',
    permission: 'promotions.read',
    group: '营销',
    load: () => import('./pages/marketing/CouponsPage.vue'),
  },
  {
    path: '/marketing/flash-sales',
    name: 'flash-sales',
    title: '限时秒杀',
    permission: 'promotions.read',
    group: '营销',
    load: () => import('./pages/marketing/FlashSalesPage.vue'),
  },
  {
    path: '/marketing/group-buys',
    name: 'group-buys',
    title: '阶梯拼团',
    permission: 'promotions.read',
    group: '营销',
    load: () => import('./pages/marketing/GroupBuysPage.vue'),
  },
  {
    path: '/marketing/campaigns',
    name: 'campaigns',
    title: '客户召回',
    permission: 'customers.read',
    group: '营销',
    load: () => import('./pages/marketing/CampaignsPage.vue'),
  },
  {
    path: '/marketing/member',
    name: 'member-settings',
    title: '会员与积分',
    permission: 'promotions.read',
    group: '营销',
    load: () => import('./pages/marketing/MemberSettingsPage.vue'),
  },
  {
    path: '/marketing/home',
    name: 'home-decor',
    title: '首页装修',
    permission: 'catalog.read',
    group: '营销',
    load: () => import('./pages/marketing/HomeDecorPage.vue'),
  },
  {
    path: '/reviews',
    name: 'reviews',
    title: '评价管理',
    permission: 'reviews.manage',
    group: '客户',
    load: () => import('./pages/customers/ReviewsPage.vue'),
  },
  {
    path: '/customers',
    name: 'customers',
    title: '客户列表',
    permission: 'customers.read',
    group: '客户',
    load: () => import('./pages/customers/CustomersPage.vue'),
  },
  {
    path: '/customers/:openid',
    name: 'customer-detail',
    title: '客户详情',
    permission: 'customers.read',
    load: () => import('./pages/customers/CustomerDetailPage.vue'),
  },
  {
    path: '/staff',
    name: 'staff',
    title: '员工与权限',
    permission: 'staff.manage',
    group: '店铺',
    load: () => import('./pages/shop/StaffPage.vue'),
  },
  {
    path: '/audit',
    name: 'audit',
    title: '操作日志',
    permission: 'audit.read',
    group: '店铺',
    load: () => import('./pages/shop/AuditLogPage.vue'),
  },
  { path: '/settings', name: 'settings', title: '账号设置', group: '店铺', load: () => import('./pages/shop/SettingsPage.vue') },
];

/** The first page a role may open: where sign-in lands. */
export function homePath(permissions: readonly AdminPermission[]): string {
  return PAGES.find((p) => p.group && (!p.permission || permissions.includes(p.permission)))?.path ?? '/settings';
}
