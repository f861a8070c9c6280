import type { CustomerDetail, CustomerView, RfmSegment } from '../../../typings/admin-figures.js';
import type { Page } from '../../../typings/common.js';
import type { AddressDoc } from '../model/address.js';
import { AFTER_SALES, type AfterSaleDoc } from '../model/after-sale.js';
import { USER_COUPONS } from '../model/coupon.js';
import { type MemberUserDoc, USERS } from '../model/member.js';
import { ORDERS } from '../model/order.js';
import { addressBinding, readField } from '../platform/field-crypto.js';
import { notFound } from '../rules/errors.js';
import { type FactOrder, isPaid, orderRefunds, sum } from '../rules/figures.js';
import { maskDetail, maskPhone } from '../rules/masks.js';
import { levelFor } from '../rules/member-levels.js';
import { type CustomerRfm, type PaidFact, rfmOf } from '../rules/rfm.js';
import { readAll } from './daily-rollups.js';
import { _, db } from './db.js';
import { decodeCursor, encodeCursor } from './pagination.js';
import { loadMemberSettings } from './shop-settings.js';

/**
 * Customers for the back office (docs/back-office/figures.md): RFM computed on demand from the paid orders (one
 * indexed read of `openid`, `paidAt` and `amounts` per paid order), a customer's detail with personal data masked.
 */

type NamedUser = MemberUserDoc & { nickname?: string | null };

/** Every customer's RFM at `now`. */
export async function customersRfm(now: Date): Promise<CustomerRfm[]> {
  const paid = await readAll<{ _id: string; openid: string; paidAt: Date; amounts: { payable: number } }>(
    ORDERS,
    { paidAt: _.gt(new Date(0)) },
    ['openid', 'paidAt', 'amounts'],
  );
  return rfmOf(
    paid.map((o): PaidFact => ({ openid: o.openid, paidAt: new Date(o.paidAt), payable: o.amounts.payable })),
    now,
  );
}

async function nicknames(openids: string[]): Promise<Map<string, string | null>> {
  if (!openids.length) return new Map();
  const users = (
    await db
      .collection<NamedUser>(USERS)
      .where({ _id: _.in(openids) })
      .limit(openids.length)
      .get()
  ).data;
  return new Map(users.map((u) => [u._id, typeof u.nickname === 'string' ? u.nickname : null]));
}

const view = (c: CustomerRfm, nickname: string | null): CustomerView => ({
  ...c,
  nickname,
  lastPaidAt: c.lastPaidAt.toISOString(),
});

/** Customers by openid, of one segment or all, a page at a time (the cursor holds the last openid shown). */
export async function listCustomers(
  input: { segment?: RfmSegment; cursor?: string; pageSize: number },
  now: Date,
): Promise<Page<CustomerView>> {
  const after = input.cursor ? decodeCursor(input.cursor).id : undefined;
  const matching = (await customersRfm(now)).filter(
    (c) => (!input.segment || c.segment === input.segment) && (after === undefined || c.openid > after),
  );
  const page = matching.slice(0, input.pageSize);
  const names = await nicknames(page.map((c) => c.openid));
  const last = page[page.length - 1];
  return {
    items: page.map((c) => view(c, names.get(c.openid) ?? null)),
    ...(matching.length > input.pageSize && last ? { nextCursor: encodeCursor({ value: last.openid, id: last.openid }) } : {}),
  };
}

/** One shopper as the back office sees them; NOT_FOUND for an openid the shop has never seen. */
export async function customerDetail(openid: string, now: Date): Promise<CustomerDetail> {
  const [user, orders, cases, coupons, addresses, all, settings] = await Promise.all([
    db.collection<NamedUser>(USERS).doc(openid).get(),
    readAll<FactOrder>(ORDERS, { openid }, [
      'openid',
      'status',
      'createdAt',
      'paidAt',
      'amounts',
      'payment',
      'refundedAt',
      'refunds',
      'priceRefund',
    ]),
    readAll<AfterSaleDoc>(AFTER_SALES, { openid, status: 'refunded' }, ['refundFee']),
    readAll<{ _id: string; status: string }>(USER_COUPONS, { openid }, ['status']),
    db.collection<AddressDoc>('addresses').where({ openid }).orderBy('updatedAt', 'desc').limit(20).get(),
    customersRfm(now),
    loadMemberSettings(),
  ]);
  const member = user.data;
  if (!member && !orders.length) throw notFound('客户');
  const byStatus: Record<string, number> = {};
  for (const o of orders) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  const couponCounts: Record<string, number> = {};
  for (const c of coupons) couponCounts[c.status] = (couponCounts[c.status] ?? 0) + 1;
  const address = addresses.data.find((a) => a.isDefault) ?? addresses.data[0];
  const rfm = all.find((c) => c.openid === openid);
  const nickname = typeof member?.nickname === 'string' ? member.nickname : null;
  const lastOrder = orders.map((o) => new Date(o.createdAt)).sort((a, b) => b.getTime() - a.getTime())[0];
  const level = member ? levelFor(member.growth ?? 0, settings) : null;
  return {
    openid,
    nickname,
    rfm: rfm ? view(rfm, nickname) : null,
    orders: {
      total: orders.length,
      byStatus,
      paidFen: sum(orders.filter(isPaid).map((o) => o.amounts.payable)),
      refundedFen:
        sum(
          orders
            .flatMap(orderRefunds)
            .filter((r) => r.kind !== 'late')
            .map((r) => r.fee),
        ) + sum(cases.map((c) => c.refundFee)),
      ...(lastOrder ? { lastOrderAt: lastOrder.toISOString() } : {}),
    },
    points: member?.points ?? 0,
    growth: member?.growth ?? 0,
    level: level ? { level: level.index, name: level.name } : null,
    coupons: couponCounts,
    address: address
      ? {
          name: address.name,
          phone: readField(address.phone, addressBinding(address._id, 'phone'), maskPhone),
          region: `${address.province}${address.city}${address.district}`,
          detail: readField(address.detail, addressBinding(address._id, 'detail'), maskDetail),
        }
      : null,
  };
}
