import type { TotpSetup } from '../typings/admin-access.js';
import type { AdminOrderView, AdminRole, RefundApproval } from '../typings/admin.js';
import type { Envelope } from '../typings/common.js';
import { Authenticator } from './admin-web.js';
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

const authenticators = new WeakMap<Shop, Map<string, Authenticator>>();

/**
 * Gives `openid` a second verification (二次验证) the way a merchant does: on first use it sets up an authenticator
 * (`auth.totpSetup`, then `auth.totpConfirm` with a code), then sends a fresh code to `auth.verify`. Sensitive routes
 * (refund approval, withdrawals, exports, staff changes) then let the merchant through for a few minutes; a
 * verification with over a minute left is reused.
 */
export async function verifyMerchant(shop: Shop, openid = TEST_MERCHANT, role: AdminRole = 'owner'): Promise<void> {
  await ensureMerchant(shop, openid, role);
  let apps = authenticators.get(shop);
  if (!apps) authenticators.set(shop, (apps = new Map()));
  await inTurn(shop, async () => {
    const call = async <T>(route: string, params: Record<string, unknown> = {}): Promise<T> => {
      const answer = await shop.call<T>('admin', route, params, openid);
      if (!answer.ok) throw new Error(`admin.${route} as ${openid}: ${answer.code} ${answer.message}`);
      return answer.data;
    };
    const stored = (await shop.db.collection('admins').doc(openid).get()).data[0] as
      { totp?: string; verifiedUntil?: Date } | undefined;
    let app = apps.get(openid);
    // A test that rewrote the account (another role) took its authenticator with it; a shop started again on kept data
    // (a redeploy) has an account whose authenticator this process never saw: reset it, as staff.resetTotp does.
    if (!stored?.totp || !app) {
      if (stored?.totp) {
        const remove = shop.db.command.remove();
        await shop.db.collection('admins').doc(openid).update({ totp: remove, totpPending: remove, totpStep: remove });
      }
      const setup = await call<TotpSetup>('auth.totpSetup');
      app = new Authenticator(setup.secret);
      apps.set(openid, app);
      await call('auth.totpConfirm', { code: await app.nextCode() });
    } else if (stored.verifiedUntil && new Date(stored.verifiedUntil).getTime() - Date.now() > 60_000) {
      return;
    }
    await call('auth.verify', { code: await app.nextCode() });
  });
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

/**
 * Calls an `admin` route as a WeChat merchant with `role` (openid `o-test-<role>` unless given) and answers the
 * envelope as it came, refusals included: for tests of the back office's routes.
 */
export async function adminCall<T>(
  shop: Shop,
  route: string,
  params: Record<string, unknown> = {},
  { role = 'owner', openid }: { role?: AdminRole; openid?: string } = {},
): Promise<Envelope<T>> {
  const who = openid ?? (role === 'owner' ? TEST_MERCHANT : `o-test-${role}`);
  await ensureMerchant(shop, who, role);
  return inTurn(shop, () => shop.call<T>('admin', route, params, who));
}

async function asMerchant<T>(shop: Shop, route: string, params: Record<string, unknown>): Promise<T> {
  const answer = await adminCall<T>(shop, route, params);
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
export async function approveRefund(shop: Shop, orderId: string): Promise<RefundApproval> {
  await verifyMerchant(shop);
  return asMerchant<RefundApproval>(shop, 'refunds.approve', { orderId });
}

/** Confirms receipt of the order's returned goods (`refunds.receive`), all sellable unless told; the refund follows. */
export async function receiveReturn(
  shop: Shop,
  orderId: string,
  unsellable: Array<{ index: number; quantity: number }> = [],
): Promise<RefundApproval> {
  await verifyMerchant(shop);
  return asMerchant<RefundApproval>(shop, 'refunds.receive', { orderId, unsellable });
}
