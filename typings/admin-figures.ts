import { z } from 'zod';
import { RFM_SEGMENTS, type RfmSegment } from './labels.js';
import { Cursor, Id, PageSize, type Page } from './common.js';

/**
 * The back office's figures, customers and finance statement (`admin` function, docs/back-office/figures.md). Read
 * only: `figures.*` need `figures.read`, `customers.*` need `customers.read`, `finance.statement` needs `finance.read`.
 * Days are Beijing calendar days `YYYY-MM-DD`; money is integer fen; ratios are exact (numerator and denominator).
 */
export const FigureRoutes = {
  overview: 'figures.overview',
  rfm: 'figures.rfm',
  customersList: 'customers.list',
  customersDetail: 'customers.detail',
  statement: 'finance.statement',
  winBack: 'customers.winBack',
  campaigns: 'customers.campaigns',
} as const;

/** The longest range one call covers. */
export const MAX_FIGURE_DAYS = 366;
/** Targets shown next to the figures: payments that succeed, visitors who come back the next day. */
export const PAYMENT_SUCCESS_TARGET = 0.98;
export const NEXT_DAY_RETENTION_TARGET = 0.35;

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine(
    (text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text),
    '日期不存在',
  );

/** A range of Beijing days, both included, at most MAX_FIGURE_DAYS long. */
const DayRange = z
  .object({
    /** The first day, `YYYY-MM-DD` (Beijing). */
    from: Day,
    /** The last day, included. */
    to: Day,
  })
  .strict()
  .refine((r) => r.from <= r.to, { message: '开始日期不能晚于结束日期', path: ['to'] })
  .refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 < MAX_FIGURE_DAYS, {
    message: `一次最多查询 ${MAX_FIGURE_DAYS} 天`,
    path: ['to'],
  });

/**
 * `figures.overview` (figures.read): each day of `from`..`to` and the totals, from the daily roll-ups the jobs timer
 * writes (`figures_daily`; today's is at most a minute old): visitors, the funnel, orders, paying shoppers, GMV and
 * its decomposition GMV = visitors × conversion × orders per buyer × average order value (exact ratios), refunds,
 * payment success and next-day retention against their targets, and the top products by GMV. A day without a roll-up
 * counts as zero and is listed in `missingDays`. VALIDATION for a malformed day, `from` after `to`, or over 366 days.
 */
export const OverviewInput = DayRange;
export type OverviewInput = z.infer<typeof OverviewInput>;

/**
 * `finance.statement` (finance.read): per Beijing day of `from`..`to`, the payments WeChat Pay received (count and fen,
 * by its own time of payment, 0-fen orders left out), the refunds it paid back, its fee at the configured rate
 * (`PAY_FEE_BP`, default 60 = 0.6%, per payment rounded half up to the fen, given back in proportion on refunds), the
 * net, and the expected settlement day (`SETTLEMENT_DAYS` after, default T+1). VALIDATION as `figures.overview`.
 */
export const StatementInput = DayRange;
export type StatementInput = z.infer<typeof StatementInput>;

export { RFM_SEGMENTS, type RfmSegment };

/** `figures.rfm` (figures.read): how many customers each RFM segment holds today, and the average scores. */
export const RfmInput = z.object({}).strict();

/**
 * `customers.list` (customers.read): customers (shoppers with a paid order) by openid, a page at a time, optionally
 * of one RFM segment, each with R (days since the last paid order), F (paid orders in the last 365 days), M (fen paid
 * on them), their 1–5 scores and segment.
 */
export const CustomersListInput = z
  .object({
    /** Only the customers of this segment; all when absent. */
    segment: z.enum(RFM_SEGMENTS).optional(),
    /** `nextCursor` of the previous page. */
    cursor: Cursor.optional(),
    pageSize: PageSize,
  })
  .strict();
export type CustomersListInput = z.input<typeof CustomersListInput>;

/**
 * `customers.detail` (customers.read): one shopper: RFM, orders by status with what they paid and got back, points,
 * growth and member level, coupons by status, and the default address with phone and street masked. NOT_FOUND for a
 * shopper the shop has never seen.
 */
export const CustomerDetailInput = z
  .object({
    /** The shopper's openid, as `customers.list` shows it. */
    openid: z.string().min(1).max(64),
  })
  .strict();
export type CustomerDetailInput = z.infer<typeof CustomerDetailInput>;

/** The most customers one win-back campaign reaches. */
export const MAX_WIN_BACK_CUSTOMERS = 1000;

/**
 * `customers.winBack` (promotions.write, second verification): a win-back campaign. Issues one coupon of the template
 * to every customer of the RFM segment, as if each claimed it (the template's claim window, `total` and `perUser`
 * hold: a customer at the limit, or one past the total, is skipped with the reason), then sends the 优惠券到账
 * subscribe message to those of them who agreed to receive one (`user` function, `messages.consent`). Recorded as a
 * campaign (`customers.campaigns`) and audited. NOT_FOUND for an unknown template, INVALID_STATE for a template not
 * open for claims or a segment of over MAX_WIN_BACK_CUSTOMERS customers (nothing issued).
 */
export const WinBackInput = z
  .object({
    /** The RFM segment whose customers get the coupon. */
    segment: z.enum(RFM_SEGMENTS),
    /** The coupon template issued, open for claims. */
    templateId: Id,
  })
  .strict();
export type WinBackInput = z.infer<typeof WinBackInput>;

export interface WinBackResult {
  campaignId: string;
  segment: RfmSegment;
  templateId: string;
  customers: number;
  issued: number;
  /** Customers not given a coupon, by the refusal's message (e.g. 已达领取上限, 已抢光). */
  skipped: Record<string, number>;
  /** 优惠券到账 messages WeChat accepted; customers issued a coupon who had not agreed to messages get none. */
  sent: number;
  /** Messages tried and refused, by WeChat's errcode and message (the customer's acceptance is given back). */
  notSent: Record<string, number>;
}

/** `customers.campaigns` (customers.read): win-back campaigns, newest first, with what came of each. */
export const CampaignsListInput = z.object({ cursor: Cursor.optional(), pageSize: PageSize }).strict();
export type CampaignsListInput = z.input<typeof CampaignsListInput>;

export interface CampaignView extends WinBackResult {
  couponName: string;
  /** Who ran it (their name, as the audit trail shows it) and when (ISO 8601). */
  actor: string;
  createdAt: string;
  /** `running` while coupons and messages go out; a campaign interrupted midway stays so, with what it recorded. */
  status: 'running' | 'done';
  /** Live: the campaign's coupons spent on a paid order (a coupon given back by a cancel or refund no longer counts). */
  used: number;
  /** Live: the paid orders those coupons are on, and what shoppers paid for them (fen). */
  orders: number;
  orderAmount: number;
}
export type CampaignPage = Page<CampaignView>;

/** An exact ratio: `value` (rounded to 4 decimals) is for display only, `null` when `denominator` is 0. */
export interface Ratio {
  numerator: number;
  denominator: number;
  value: number | null;
}

export interface ProductFigures {
  spuId: string;
  title: string;
  /** Units on orders paid that day, and their `payable` in fen (after discounts, freight excluded). */
  units: number;
  gmv: number;
}

/** One day's roll-up as stored in `figures_daily` (`_id` = the day). */
export interface FiguresDayDoc {
  _id: string;
  day: string;
  /** Shoppers seen: tracked by the `track` function, or who created or paid an order that day. */
  visitors: number;
  trackedVisitors: number;
  pageViews: number;
  productViews: number;
  shares: number;
  cartAdds: number;
  /** Tracked visitors who viewed a product, who added to the cart. */
  productViewers: number;
  cartAdders: number;
  orderCreators: number;
  ordersCreated: number;
  payingShoppers: number;
  paidOrders: number;
  /** Fen payable on the orders paid that day. */
  gmv: number;
  /** Refunds of paid orders recorded that day. */
  refunds: { count: number; fee: number };
  /** Orders whose payment started that day (`pay.create`), how many of them are paid, and of those how many were recovered by reconciliation. */
  payments: { started: number; paid: number; recovered: number };
  /** Tracked visitors of the day (`base`) and of them those tracked the next day; `final` once the next day is over. */
  retention: { base: number; retained: number; final: boolean };
  products: ProductFigures[];
  /** The day and the next are over: the roll-up is final and never recomputed. */
  complete: boolean;
  rolledUpAt: Date;
}

export interface FiguresSummary {
  visitors: number;
  payingShoppers: number;
  paidOrders: number;
  gmv: number;
  /** payingShoppers ÷ visitors. */
  conversion: Ratio;
  /** paidOrders ÷ payingShoppers. */
  ordersPerBuyer: Ratio;
  /** Average order value: gmv ÷ paidOrders. */
  aov: Ratio;
  /** 客单价: gmv ÷ payingShoppers (= ordersPerBuyer × aov), so gmv = visitors × conversion × revenuePerBuyer. */
  revenuePerBuyer: Ratio;
  /** The products of the ratios' numerators over their denominators give `gmv` exactly (false only when a denominator is 0 and gmv is not). */
  decompositionHolds: boolean;
  funnel: { visitors: number; productViewers: number; cartAdders: number; orderCreators: number; payingShoppers: number };
  pageViews: number;
  productViews: number;
  cartAdds: number;
  shares: number;
  ordersCreated: number;
  refunds: { count: number; fee: number };
  payments: { started: number; paid: number; recovered: number; successRate: Ratio; meetsTarget: boolean | null };
  retention: { base: number; retained: number; rate: Ratio; meetsTarget: boolean | null; final: boolean };
}

export interface FiguresDayView extends FiguresSummary {
  day: string;
  rolledUpAt?: string;
}

export interface FiguresOverview {
  from: string;
  to: string;
  days: FiguresDayView[];
  /** Over the range: counts and money added up over the days (visitors and paying shoppers are per day, so summed). */
  totals: FiguresSummary;
  topProducts: ProductFigures[];
  targets: { paymentSuccessRate: number; nextDayRetention: number };
  missingDays: string[];
}

export interface RfmScores {
  recencyDays: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
}

export interface CustomerView extends RfmScores {
  openid: string;
  nickname: string | null;
  lastPaidAt: string;
}

export type CustomerPage = Page<CustomerView>;

export interface RfmOverview {
  customers: number;
  averages: { r: number; f: number; m: number };
  segments: Array<{ segment: RfmSegment; customers: number }>;
}

export interface CustomerDetail {
  openid: string;
  nickname: string | null;
  rfm: CustomerView | null;
  orders: { total: number; byStatus: Record<string, number>; paidFen: number; refundedFen: number; lastOrderAt?: string };
  points: number;
  growth: number;
  level: { level: number; name: string } | null;
  coupons: Record<string, number>;
  address: { name: string; phone: string; region: string; detail: string } | null;
}

export interface StatementDay {
  day: string;
  payments: { count: number; fee: number };
  refunds: { count: number; fee: number };
  /** WeChat Pay's fee on the day's payments, less what it gives back on the day's refunds. */
  payFee: number;
  net: number;
  settlementDay: string;
}

export interface Statement {
  from: string;
  to: string;
  feeBp: number;
  settlementDays: number;
  days: StatementDay[];
  totals: Omit<StatementDay, 'day' | 'settlementDay'>;
}
