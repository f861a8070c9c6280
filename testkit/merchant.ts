import type { AdminOrderView, AdminRole, RefundApproval } from '../typings/admin.js';
import type { Envelope } from '../typings/common.js';
import { type startShop } from './shop.js';

type Shop = Awaited<ReturnType<typeof startShop>>;

/**
 * The merchant's steps for tests, played through the real `admin` function and the gateway, as the back office does
 * them. The merchant is a test account the helpers put in `admins` on first use.
 */
export const TEST_MERCHANT = 'o-test-merchant';

const ensured = new WeakMap<Shop, Map<string, Promise<void>>>();

/** Makes sure `openid` is an active merchant with `role` (inserted with the node-sdk, as an owner would set staff up). */
export function ensureMerchant(shop: Shop, openid = TEST_MERCHANT, role: AdminRole = 'owner'): Promise<void> {
  let byOpenid = ensured.get(shop);
  if (!byOpenid) ensured.set(shop, (byOpenid = new Map()));
  const key = `${openid}:${role}`;
  let done = byOpenid.get(key);
  if (!done) {
    done = (async () => {
      const found = (await shop.db.collection('admins').doc(openid).get()).data[0] as
        { role?: string; active?: boolean } | undefined;
      if (found?.role === role && found.active === true) return;
      // `set` replaces or creates: concurrent first uses all write the same document.
      await shop.db
        .collection('admins')
        .doc(openid)
        .set({ role, name: `测试${role}`, active: true });
    })();
    byOpenid.set(key, done);
    done.catch(() => byOpenid.delete(key));
  }
  return done;
}

const queues = new WeakMap<Shop, Promise<unknown>>();

/**
 * One merchant action at a time per shop, as one person at the back office works: concurrent tests then share one
 * warm admin instance instead of each cold-starting its own, which on a busy machine slows everything else down.
 */
function inTurn<T>(shop: Shop, action: () => Promise<T>): Promise<T> {
  const run = (queues.get(shop) ?? Promise.resolve()).then(action, action);
  queues.set(
    shop,
    run.catch(() => undefined),
  );
  return run;
}

async function asMerchant<T>(shop: Shop, route: string, params: Record<string, unknown>): Promise<T> {
  await ensureMerchant(shop);
  const answer: Envelope<T> = await inTurn(shop, () => shop.call<T>('admin', route, params, TEST_MERCHANT));
  if (!answer.ok) throw new Error(`admin.${route} ${JSON.stringify(params)}: ${answer.code} ${answer.message}`);
  return answer.data;
}

export interface Shipment {
  carrier: string;
  trackingNo: string;
  /** When it shipped (default now); a past date makes an order due for automatic confirmation. */
  at?: Date;
}

/**
 * Ships a paid order with the admin function's `orders.ship`. With `at`, the order is then moved back in time — test
 * time travel, which no route offers: `shippedAt` and the history's ship entry are rewritten in the database directly,
 * so the jobs timer sees an order shipped `at`.
 */
export async function shipOrder(shop: Shop, orderId: string, { carrier, trackingNo, at }: Shipment): Promise<void> {
  await asMerchant<AdminOrderView>(shop, 'orders.ship', { orderId, carrier, trackingNo });
  if (!at) return;
  const order = (await shop.db.collection('orders').doc(orderId).get()).data[0] as { history: Array<{ event: string }> };
  const entry = order.history.map((h) => h.event).lastIndexOf('ship');
  await shop.db
    .collection('orders')
    .doc(orderId)
    .update({ shippedAt: at, [`history.${entry}.at`]: at });
}

/** Approves the order's refund request (`refunds.approve`); the refund itself completes when the sandbox calls back. */
export function approveRefund(shop: Shop, orderId: string): Promise<RefundApproval> {
  return asMerchant<RefundApproval>(shop, 'refunds.approve', { orderId });
}

/** Confirms receipt of the order's returned goods (`refunds.receive`), all sellable unless told; the refund follows. */
export function receiveReturn(
  shop: Shop,
  orderId: string,
  unsellable: Array<{ index: number; quantity: number }> = [],
): Promise<RefundApproval> {
  return asMerchant<RefundApproval>(shop, 'refunds.receive', { orderId, unsellable });
}
