/**
 * Status lists and their Chinese labels that the functions and the admin page both show. Plain values only (no zod),
 * so the page can import them without bundling schemas; the contracts (order-after-sale.ts, review.ts,
 * admin-figures.ts) and the rules re-export or use them from here, so each list is written once.
 */

/**
 * An after-sale case's statuses: `requested` (the merchant decides), `awaiting_return` (approved return: the shopper
 * sends the goods back), `returning` (on its way back: the merchant confirms receipt), `refunding` (WeChat Pay is
 * returning the money), then `refunded`; or closed without money: `rejected`, `withdrawn`, or `closed` when the order
 * was refunded in full another way meanwhile (a group-buy that failed).
 */
export const AFTER_SALE_STATUSES = [
  'requested',
  'awaiting_return',
  'returning',
  'refunding',
  'refunded',
  'rejected',
  'withdrawn',
  'closed',
] as const;
export type AfterSaleStatus = (typeof AFTER_SALE_STATUSES)[number];

export const AFTER_SALE_STATUS_LABELS: Record<AfterSaleStatus, string> = {
  requested: '待商家处理',
  awaiting_return: '待买家退货',
  returning: '退货中',
  refunding: '退款中',
  refunded: '已退款',
  rejected: '已拒绝',
  withdrawn: '已撤销',
  closed: '已关闭',
};

/** The events of an order's history (the order lifecycle table in cloudfunctions/shared/rules/order-transitions.ts). */
export const ORDER_EVENT_LABELS = {
  create: '下单',
  pay: '支付',
  cancel: '取消订单',
  timeout: '超时关闭',
  late_payment: '处理超时到账的支付',
  payment_mismatch: '支付金额不符，关闭并退款',
  ship: '发货',
  confirm_receipt: '确认收货',
  auto_confirm: '自动确认收货',
  request_refund: '申请退款',
  withdraw_refund: '撤销退款申请',
  approve_refund: '同意退款',
  reject_refund: '拒绝退款',
  refund_succeeded: '完成退款',
  partial_refund: '完成部分退款',
  group_failed: '拼团失败关闭',
  group_refund: '拼团失败退款',
} as const satisfies Record<string, string>;

/** Who did something to an order. */
export const ACTOR_LABELS = { shopper: '买家', merchant: '商家', system: '系统' } as const satisfies Record<string, string>;

/** The tags a shopper may pick for a review (codes in requests and counters, labels for display). */
export const REVIEW_TAG_LABELS = {
  quality: '质量很好',
  as_described: '与描述相符',
  value: '性价比高',
  fast_delivery: '物流很快',
  good_packaging: '包装完好',
  true_to_size: '尺码标准',
  looks_good: '颜值很高',
  good_service: '客服热情',
} as const;
export type ReviewTag = keyof typeof REVIEW_TAG_LABELS;

/** The eight RFM segments, recency × frequency × monetary each high or low against the average. */
export const RFM_SEGMENTS = [
  '重要价值客户',
  '重要发展客户',
  '重要保持客户',
  '重要挽留客户',
  '一般价值客户',
  '一般发展客户',
  '一般保持客户',
  '一般挽留客户',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];
