/**
 * Who may do what in the back office: the roles, the permissions routes need, and the matrix between them, with the
 * labels the admin page shows. Plain values only (no zod), so the page can import them without bundling schemas;
 * typings/admin-access.ts re-exports them for everything else.
 */

/** 店主 everything; 运营 catalog, promotions, orders; 客服 reads, reviews; 财务 money and figures. */
export const ADMIN_ROLES = ['owner', 'operator', 'service', 'finance'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const ADMIN_ROLE_LABELS: Record<AdminRole, string> = { owner: '店主', operator: '运营', service: '客服', finance: '财务' };

/** What a route needs. */
export const ADMIN_PERMISSIONS = [
  'orders.read',
  'personal_data.read',
  'orders.ship',
  'refunds.decide',
  'withdrawals.manage',
  'catalog.read',
  'catalog.write',
  'stock.write',
  'promotions.read',
  'promotions.write',
  'reviews.manage',
  'customers.read',
  'figures.read',
  'finance.read',
  'data.export',
  'settings.write',
  'staff.manage',
  'audit.read',
] as const;
export type AdminPermission = (typeof ADMIN_PERMISSIONS)[number];

export const ADMIN_PERMISSION_LABELS: Record<AdminPermission, string> = {
  'orders.read': '查看订单',
  'personal_data.read': '查看完整个人信息',
  'orders.ship': '发货',
  'refunds.decide': '处理退款',
  'withdrawals.manage': '处理佣金提现',
  'catalog.read': '查看商品',
  'catalog.write': '编辑商品和分类',
  'stock.write': '调整库存',
  'promotions.read': '查看营销活动',
  'promotions.write': '管理营销活动',
  'reviews.manage': '管理评价',
  'customers.read': '查看客户',
  'figures.read': '查看经营数据',
  'finance.read': '查看财务对账',
  'data.export': '导出数据',
  'settings.write': '修改店铺设置',
  'staff.manage': '管理员工和角色',
  'audit.read': '查看操作日志',
};

/**
 * The permission matrix. The owner holds everything, including what later features add; the others hold what their
 * job needs and nothing that changes who works here.
 */
export const ROLE_PERMISSIONS: Readonly<Record<AdminRole, readonly AdminPermission[]>> = {
  owner: ADMIN_PERMISSIONS,
  // Runs the shop day to day: goods, stock, promotions, orders and their after-sales. Ships, so reads addresses.
  operator: [
    'orders.read',
    'personal_data.read',
    'orders.ship',
    'refunds.decide',
    'catalog.read',
    'catalog.write',
    'stock.write',
    'promotions.read',
    'promotions.write',
    'reviews.manage',
    'customers.read',
    'figures.read',
  ],
  // Answers shoppers: reads orders, goods, promotions and customers (masked), replies to reviews; changes no money.
  service: ['orders.read', 'catalog.read', 'promotions.read', 'customers.read', 'reviews.manage'],
  // Money: statements, figures, commission payouts, exports.
  finance: ['orders.read', 'withdrawals.manage', 'customers.read', 'figures.read', 'finance.read', 'data.export', 'audit.read'],
};
