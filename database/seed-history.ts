import { chinaTimestamp } from '../cloudfunctions/shared/rules/new-orders.js';
import { beijingDay, dayStart, shiftDay } from '../cloudfunctions/shared/rules/figures.js';

/**
 * A few weeks of the demo shop's past, so the back office's figures are not empty (docs/back-office/figures.md):
 * shoppers' visits (what the `track` function writes: `visits`, `traffic_daily`, `product_views_daily`) and orders
 * created, paid, refunded in full or left unpaid at past times, with their payment records, plus the shoppers'
 * `users` documents. Deterministic for a given `seed`. Written with @cloudbase/node-sdk after `seedDemoShop` (it reads
 * the seeded SKUs); `npm start` writes it when it seeds a fresh shop, and tests can write it too. Past days only:
 * today is left to what happens today.
 */
export interface HistoryTarget {
  database(): {
    collection(name: string): {
      add(data: Record<string, unknown> | Array<Record<string, unknown>>): Promise<unknown>;
      limit(n: number): { get(): Promise<{ data?: unknown[] }> };
    };
  };
}

export interface HistoryOptions {
  /** Days of history before today (default 21). */
  days?: number;
  now?: Date;
  seed?: number;
  /** Shoppers' openids start with this (default `o-history-`). */
  prefix?: string;
}

export interface HistorySummary {
  days: number;
  orders: number;
  paidOrders: number;
  visits: number;
}

interface SkuSeed {
  _id: string;
  spuId: string;
  price: number;
  specValues: Record<string, string>;
  image?: string;
}

/** mulberry32: a small deterministic generator, so the same seed writes the same history. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SHOPPERS = 80;
const FREE_SHIPPING_FROM = 9_900;
const FREIGHT = 1_000;

export async function seedHistory(app: HistoryTarget, options: HistoryOptions = {}): Promise<HistorySummary> {
  const { days = 21, now = new Date(), seed = 1, prefix = 'o-history-' } = options;
  const random = generator(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const db = app.database();
  const skus = ((await db.collection('skus').limit(1000).get()).data ?? []) as SkuSeed[];
  const spus = ((await db.collection('spus').limit(1000).get()).data ?? []) as Array<{ _id: string; title: string }>;
  const titleOf = new Map(spus.map((s) => [s._id, s.title]));
  if (!skus.length) throw new Error('seedHistory: seed the demo shop first (no SKUs)');
  const shoppers = Array.from({ length: SHOPPERS }, (_v, i) => `${prefix}${String(i + 1).padStart(3, '0')}`);
  const today = beijingDay(now);
  const orders: Array<Record<string, unknown>> = [];
  const visits: Array<Record<string, unknown>> = [];
  const traffic: Array<Record<string, unknown>> = [];
  const productViews: Array<Record<string, unknown>> = [];
  const spent = new Map<string, number>();
  let previous = new Set<string>();
  let orderSeq = 0;
  for (let back = days; back >= 1; back--) {
    const day = shiftDay(today, -back);
    const start = dayStart(day).getTime();
    const at = (minLo = 8 * 60, minHi = 23 * 60) => new Date(start + between(minLo, minHi) * 60_000 + between(0, 59_000));
    // About 40% of yesterday's visitors come back; the rest are drawn from the pool.
    const target = between(25, 45);
    const seen = new Set([...previous].filter(() => random() < 0.4));
    while (seen.size < target) seen.add(pick(shoppers));
    const dayViews = new Map<string, number>();
    let pageViews = 0;
    let productViewCount = 0;
    let cartAdds = 0;
    let shares = 0;
    for (const openid of seen) {
      const viewed = random() < 0.7;
      const carted = viewed && random() < 0.35;
      pageViews += between(2, 8);
      if (viewed) {
        const n = between(1, 4);
        productViewCount += n;
        for (let k = 0; k < n; k++) {
          const spuId = pick(skus).spuId;
          dayViews.set(spuId, (dayViews.get(spuId) ?? 0) + 1);
        }
      }
      if (carted) cartAdds += between(1, 2);
      if (random() < 0.05) shares += 1;
      visits.push({
        _id: `${day}:${openid}`,
        day,
        openid,
        firstAt: at(),
        ...(viewed ? { productViewed: true } : {}),
        ...(carted ? { cartAdded: true } : {}),
      });
      if (!carted || random() > 0.6) continue;
      // An order: paid (most), paid then refunded in full, or left unpaid and closed.
      const lines = Array.from({ length: between(1, 2) }, () => {
        const sku = pick(skus);
        const quantity = between(1, 3);
        const subtotal = sku.price * quantity;
        return {
          skuId: sku._id,
          spuId: sku.spuId,
          title: titleOf.get(sku.spuId) ?? sku.spuId,
          image: sku.image ?? '',
          specValues: sku.specValues,
          unitPrice: sku.price,
          quantity,
          subtotal,
          payable: subtotal,
        };
      });
      const subtotal = lines.reduce((n, l) => n + l.subtotal, 0);
      const freight = subtotal >= FREE_SHIPPING_FROM ? 0 : FREIGHT;
      const payable = subtotal + freight;
      const createdAt = at(8 * 60, 22 * 60);
      const orderId = `${chinaTimestamp(createdAt)}${String(90_000_000 + ++orderSeq)}`;
      const payStartedAt = new Date(createdAt.getTime() + between(10, 90) * 1000);
      const fate = random();
      const base = {
        _id: orderId,
        openid,
        idempotencyKey: `history-${orderId}`,
        lines,
        amounts: { subtotal, discountTotal: 0, freight, payable },
        address: { name: '历史顾客', phone: '', province: '浙江省', city: '杭州市', district: '西湖区', detail: '' },
        remark: '',
        createdAt,
        expiresAt: new Date(createdAt.getTime() + 30 * 60_000),
        payStartedAt,
      };
      const created = { event: 'create', from: null, to: 'pending_payment', actor: 'shopper', at: createdAt };
      if (fate < 0.08) {
        const cancelledAt = new Date(createdAt.getTime() + 30 * 60_000);
        orders.push({
          ...base,
          status: 'cancelled',
          cancelledAt,
          payClosedAt: cancelledAt,
          history: [created, { event: 'timeout', from: 'pending_payment', to: 'cancelled', actor: 'system', at: cancelledAt }],
        });
        continue;
      }
      // Most payments are known from the notification within seconds; a few were recovered by the timer minutes later.
      const paidOn = new Date(payStartedAt.getTime() + between(5, 60) * 1000);
      const paidAt = new Date(paidOn.getTime() + (random() < 0.05 ? between(150, 400) : between(1, 5)) * 1000);
      const payment = { transactionId: `4200${orderId}`, totalFee: payable, timeEnd: chinaTimestamp(paidOn) };
      const paid = { event: 'pay', from: 'pending_payment', to: 'paid', actor: 'system', at: paidAt };
      spent.set(openid, (spent.get(openid) ?? 0) + payable);
      if (fate < 0.16) {
        const requested = new Date(paidAt.getTime() + 2 * 3_600_000);
        const refundedAt = new Date(requested.getTime() + between(1, 30) * 3_600_000);
        if (refundedAt.getTime() < dayStart(today).getTime()) {
          orders.push({
            ...base,
            status: 'refunded',
            paidAt,
            payment,
            refundRequestedFrom: 'paid',
            refundRequestedAt: requested,
            refundReason: '不想要了',
            refundApprovedAt: requested,
            refundedAt,
            history: [
              created,
              paid,
              { event: 'request_refund', from: 'paid', to: 'refunding', actor: 'shopper', at: requested },
              { event: 'approve_refund', from: 'refunding', to: 'refund_approved', actor: 'merchant', at: requested },
              { event: 'refund_succeeded', from: 'refund_approved', to: 'refunded', actor: 'system', at: refundedAt },
            ],
          });
          continue;
        }
      }
      const shippedAt = new Date(paidAt.getTime() + 20 * 3_600_000);
      const completedAt = new Date(shippedAt.getTime() + 3 * 86_400_000);
      const done = completedAt.getTime() < now.getTime();
      orders.push({
        ...base,
        status: done ? 'completed' : 'paid',
        paidAt,
        payment,
        ...(done
          ? {
              shippedAt,
              shipping: { carrier: '顺丰速运', trackingNo: `SF${orderId.slice(-10)}` },
              completedAt,
            }
          : {}),
        history: [
          created,
          paid,
          ...(done
            ? [
                { event: 'ship', from: 'paid', to: 'shipped', actor: 'merchant', at: shippedAt },
                { event: 'confirm_receipt', from: 'shipped', to: 'completed', actor: 'shopper', at: completedAt },
              ]
            : []),
        ],
      });
    }
    traffic.push({ _id: day, day, pageViews, productViews: productViewCount, shares, cartAdds });
    for (const [spuId, views] of dayViews) productViews.push({ _id: `${day}:${spuId}`, day, spuId, views });
    previous = seen;
  }
  const users = shoppers.map((openid, i) => ({
    _id: openid,
    openid,
    nickname: `老顾客${i + 1}`,
    avatarUrl: null,
    points: Math.floor((spent.get(openid) ?? 0) / 100),
    growth: Math.floor((spent.get(openid) ?? 0) / 100),
    createdAt: dayStart(shiftDay(today, -days - 30)),
    updatedAt: now,
  }));
  for (const [name, docs] of [
    ['orders', orders],
    ['visits', visits],
    ['traffic_daily', traffic],
    ['product_views_daily', productViews],
    ['users', users],
  ] as const) {
    for (let i = 0; i < docs.length; i += 500) await db.collection(name).add(docs.slice(i, i + 500));
  }
  return { days, orders: orders.length, paidOrders: orders.filter((o) => o.paidAt).length, visits: visits.length };
}
