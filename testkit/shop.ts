import tcb from '@cloudbase/node-sdk';
import fs from 'node:fs';
import path from 'node:path';
import { collections } from '../database/collections.js';
import { seedDemoShop } from '../database/seed.js';
import {
  allServices,
  controlClient,
  type HostingOptions,
  type HttpRoute,
  sdkEnvironment,
  startEmulator,
} from '../emulator/index.js';
import { buildFunctions } from '../scripts/build-functions.js';
import type { Envelope } from '../typings/common.js';
import type { OrderView } from '../typings/order.js';
import { DEVELOPMENT_DATA_KEY } from '../scripts/local-env.js';

/**
 * The shop as deployed, offline: the real functions built with the real build, an in-memory emulator with the
 * shop's collections, the demo seed, and `call()` doing what `wx.cloud.callFunction` does for a signed-in shopper.
 */

type Rec = Record<string, any>;

/** An order document as node-sdk hands it back, with the fields tests look at typed. */
export type StoredOrder = Rec & {
  status: string;
  history: Array<{ event: string; from: string | null; to: string; actor: string; at: Date }>;
};

export const TEST_DATA_KEY = DEVELOPMENT_DATA_KEY;

/**
 * `env` is added to the functions' variables; `dataFile` (default in memory) with `seed: false` starts the shop again
 * on the data a previous one left, as a redeploy with other variables does.
 */
export async function startShop(
  options: {
    only?: string[];
    env?: Record<string, string>;
    dataFile?: string;
    seed?: boolean;
    hosting?: HostingOptions;
    /** Instances per function at most (the emulator's default: twice the cores, 2 to 10). */
    instances?: number;
  } = {},
) {
  const functionsDir = path.resolve('build', 'test-functions', String(process.pid));
  await buildFunctions({ sourceDir: path.resolve('cloudfunctions'), outDir: functionsDir, only: options.only });
  const emulator = await startEmulator({
    port: 0,
    dataFile: options.dataFile ?? ':memory:',
    collections,
    services: allServices({
      functionsDir,
      // The HTTP access paths the environment declares (the admin web page's `/api/admin`).
      httpRoutes: (JSON.parse(fs.readFileSync('cloudbaserc.json', 'utf8')) as { httpAccess?: HttpRoute[] }).httpAccess,
      env: { SHOP_DATA_KEY: TEST_DATA_KEY, ...options.env },
      pay: { retryScheduleMs: [50, 100, 200], refundDelayMs: 50 },
      timers: { autoStart: false },
      maxInstances: options.instances,
      ...(options.hosting ? { hosting: options.hosting } : {}),
    }),
  });
  process.env.TENCENTCLOUD = 'true';
  const app = tcb.init({ env: emulator.envId, serviceUrl: `${emulator.url}/admin`, secretId: 'local', secretKey: 'local' });
  if (options.seed !== false) await seedDemoShop(app);

  async function call<T>(
    name: string,
    route: string,
    params: Record<string, unknown> = {},
    openid = 'o-shopper',
  ): Promise<Envelope<T>> {
    const res = await fetch(`${emulator.url}/functions/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
      body: JSON.stringify({ $url: route, ...params }),
    });
    const body = (await res.json()) as { result?: Envelope<T>; errMsg: string };
    if (!body.result) throw new Error(`${name}.${route}: ${body.errMsg}`);
    return body.result;
  }

  const db = app.database();

  /** The emulator's control API (`/__emulator/...`): the pay sandbox, timers, outbox (emulator/README.md). */
  async function control(method: string, path: string, body?: unknown): Promise<Rec> {
    const res = await fetch(`${emulator.url}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as Rec;
  }

  /** What the outside world holds, read back for assertions. */
  const inspect = {
    /** The order document as stored. */
    order: async (orderId: string): Promise<StoredOrder> =>
      (await db.collection('orders').doc(orderId).get()).data[0] as StoredOrder,
    stockOf: async (skuId: string): Promise<number> => (await db.collection('skus').doc(skuId).get()).data[0].stock as number,
    /** The order's trade in the pay sandbox, and its refunds. */
    payOrder: async (orderId: string): Promise<Rec | undefined> =>
      ((await control('GET', '/pay/orders')).orders as Rec[]).find((o) => o.outTradeNo === orderId),
    refundsOf: async (orderId: string): Promise<Rec[]> =>
      ((await control('GET', '/pay/refunds')).refunds as Rec[]).filter((r) => r.outTradeNo === orderId),
    /** Subscribe messages sent to a shopper (the outbox). */
    messagesTo: async (openid: string): Promise<Rec[]> =>
      ((await control('GET', '/outbox')).messages as Rec[]).filter((m) => m.touser === openid),
  };

  /** Saves an address for the shopper (as the address form does) and answers its id. */
  async function addressFor(openid: string): Promise<string> {
    const saved = await call<{ addressId: string }>(
      'user',
      'addresses.save',
      { name: '李四', phone: '13912345678', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号' },
      openid,
    );
    return dataOf(saved).addressId;
  }

  let orders = 0;
  /** Places an unpaid order of one SKU for the shopper (an address saved first), as checkout does. */
  async function orderFor(openid: string, skuId: string, quantity = 1): Promise<OrderView> {
    return placeOrder(openid, [{ skuId, quantity }]);
  }

  /** Places an unpaid order of these lines for the shopper, with checkout's other choices (coupon, points) in `extra`. */
  async function placeOrder(
    openid: string,
    lines: Array<{ skuId: string; quantity: number }>,
    extra: Rec = {},
  ): Promise<OrderView> {
    const addressId = await addressFor(openid);
    const idempotencyKey = `testkit-${process.pid}-${++orders}`;
    return dataOf(await call<OrderView>('order', 'create', { lines, addressId, idempotencyKey, ...extra }, openid));
  }

  let adjustments = 0;
  /** Sets points and growth as a merchant adjustment would: the user's balances and a ledger entry of the change, so they sum. */
  async function giveMember(openid: string, { points = 0, growth = 0 }: { points?: number; growth?: number }): Promise<void> {
    const user = (await db.collection('users').doc(openid).get()).data[0] as Rec | undefined;
    if (user) await db.collection('users').doc(openid).update({ points, growth });
    else
      await db
        .collection('users')
        .doc(openid)
        .set({ openid, nickname: null, avatarUrl: null, points, growth, createdAt: new Date(), updatedAt: new Date() });
    const refId = `setup-${++adjustments}`;
    await db.collection('points_ledger').add({
      _id: `${openid}:adjust:${refId}`,
      openid,
      delta: points - (user?.points ?? 0),
      balanceAfter: points,
      growthDelta: growth - (user?.growth ?? 0),
      growthAfter: growth,
      reason: 'adjust',
      refId,
      at: new Date(),
    });
  }

  /** Pays the order as the shopper would: `pay.create`, the sandbox pays, the notification marks it paid. */
  async function payFor(openid: string, orderId: string): Promise<void> {
    dataOf(await call('pay', 'create', { orderId }, openid));
    await control('POST', `/pay/orders/${orderId}/pay`, { openid });
    await until(`${orderId} paid`, async () => (await inspect.order(orderId)).status === 'paid');
  }

  /**
   * Points this test process's wx-server-sdk at the emulator, with the variables the CloudBase runtime gives a
   * function, so a test can run the shop's store and workflow modules in-process with the real SDK. Import those
   * modules only after this: they open the database when they load.
   */
  function useSdkInThisProcess(): void {
    Object.assign(process.env, sdkEnvironment(emulator), { TCB_ENV: emulator.envId });
  }

  /** The pay sandbox through the control API: `idle()` resolves once every pending notification was delivered. */
  const sandbox = controlClient(emulator.url);
  const pay = { idle: () => sandbox.payIdle() };

  return {
    emulator,
    app,
    db,
    call,
    control,
    inspect,
    addressFor,
    orderFor,
    placeOrder,
    payFor,
    giveMember,
    useSdkInThisProcess,
    pay,
    close: async () => {
      await emulator.close();
      fs.rmSync(functionsDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `attempts` calls with at most `inFlight` open at once and answers the results in call order. A rush test's
 * client shares its process with the emulator, so thousands of simultaneous requests would starve the emulator's own
 * thread; a few hundred in flight keep every instance busy and the queue full, which is the contention under test
 * (the benchmarks fire everything at once from another process).
 */
export async function rush<T>(attempts: number, inFlight: number, attempt: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(attempts);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, attempts) }, async () => {
      while (next < attempts) {
        const i = next++;
        results[i] = await attempt(i);
      }
    }),
  );
  return results;
}

/** Polls until `probe` answers something truthy (callbacks arrive on the sandbox's schedule). */
export async function until<T>(what: string, probe: () => Promise<T | false | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A coupon template document for a test: claimable now (from a day ago to a day ahead), ¥5 off everything, valid 7
 * days after claiming, 1 per shopper, `total` 100, with `fields` changed.
 */
export function couponTemplate(_id: string, fields: Record<string, unknown> = {}, now = Date.now()): Record<string, unknown> {
  const day = 86_400_000;
  return {
    _id,
    name: '测试券',
    description: '',
    rule: { kind: 'no_threshold', off: 500 },
    scope: { type: 'all' },
    validity: { type: 'relative', days: 7 },
    claimStartAt: new Date(now - day),
    claimEndAt: new Date(now + day),
    total: 100,
    perUser: 1,
    issued: 0,
    status: 'active',
    createdAt: new Date(now),
    updatedAt: new Date(now),
    ...fields,
  };
}

/** The data of a successful answer, or a test failure naming the refusal. */
export function dataOf<T>(answer: Envelope<T>): T {
  if (!answer.ok) throw new Error(`expected ok, got ${answer.code}: ${answer.message}`);
  return answer.data;
}
