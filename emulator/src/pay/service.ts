import type http from 'node:http';
import { type EmulatorHost, type RawReply, readBody, sendJson } from '../host.js';
import { unsupported } from '../errors.js';
import type { InvocationSource } from '../functions/types.js';
import { stateOf } from '../state.js';
import {
  type DeliveryAttempt,
  PAY_API_NAMES,
  type PayApiName,
  type PayOrder,
  type PayRefund,
  PaySandbox,
  REFUND_FAILURES,
  type RefundFailure,
  SandboxError,
  pendingRetries,
} from './sandbox.js';

/**
 * The WeChat Pay sandbox as an emulator service: the `wx.wxPayApi` multipart action that `cloud.cloudPay.*` calls,
 * the platform's side (payment and refund notifications delivered to cloud functions, with WeChat's retries), and
 * the `/__emulator/pay/*` control API with which a test or the web UI plays the shopper, the merchant on WeChat Pay's
 * merchant platform and WeChat Pay itself (refunds that end unpaid), and injects faults.
 * Trades, refunds and every delivery attempt are kept in the data's SQLite file (state.ts): after a restart, refunds
 * still PROCESSING complete and notifications that were waiting for a retry get it. Faults are not kept.
 */
export interface PayOptions {
  /** Wait before each retry of a failed delivery; the last entry repeats. WeChat's schedule by default. */
  retryScheduleMs?: number[];
  /** Calls per notification copy, the first included; by default one more than the schedule has entries. */
  maxAttempts?: number;
  /** How long a refund stays PROCESSING before it succeeds and its callback is delivered. */
  refundDelayMs?: number;
}

export interface PayFaults {
  /** Extra copies of every notification, delivered concurrently with the original (each retried on its own). */
  duplicateNotifications?: number;
  /** Latency before every delivery attempt; lifting it lets the attempts waiting on it go at once. */
  delayMs?: number;
  /** The next N delivery attempts count as failed without calling the function. */
  refuseCalls?: number;
  /** After a refund succeeds, deliver the order's payment notification once more (a late duplicate). */
  deliverAfterRefund?: boolean;
  /** Refunds stay PROCESSING (no completion, no callback) while set; lifting it completes them after the usual delay. */
  holdRefunds?: boolean;
  /**
   * These cloudPay APIs answer WeChat Pay's system error (`result_code: 'FAIL', err_code: 'SYSTEMERROR'`) and apply
   * nothing, as when WeChat Pay is down. Only the shop's calls (`wx.wxPayApi`) fail, not the merchant platform's.
   */
  failingCalls?: PayApiName[];
}

/** What the merchant can do on WeChat Pay's merchant platform, outside the shop (`POST /__emulator/pay/merchant/:call`). */
export const MERCHANT_CALLS = ['unifiedOrder', 'closeOrder', 'refund'] as const satisfies readonly PayApiName[];
export type MerchantCall = (typeof MERCHANT_CALLS)[number];

export interface PayHandle {
  readonly sandbox: PaySandbox;
  faults(): PayFaults;
  setFaults(faults: PayFaults): void;
  /** The shopper pays; `notify: false` sends no notification (one that was lost; `redeliver` can send it later). */
  pay(outTradeNo: string, openid?: string, notify?: boolean): PayOrder;
  failPayment(outTradeNo: string): PayOrder;
  redeliver(outTradeNo: string): PayOrder;
  /** A PROCESSING refund ends unpaid (CHANGE or REFUNDCLOSE); its notification goes out. */
  failRefund(outRefundNo: string, status: RefundFailure): PayRefund;
  /** A call the merchant makes on the merchant platform, answered as the sandbox answers the API. */
  merchant(call: MerchantCall, request: unknown): Record<string, unknown>;
  /**
   * Resolves true once no delivery or refund timer is pending or running (refunds held by `holdRefunds` do not
   * count), or false if `timeoutMs` passes first (by default it waits as long as it takes).
   */
  idle(timeoutMs?: number): Promise<boolean>;
}

/** How long `POST /__emulator/pay/idle` waits by default, and at most. */
const IDLE_WAIT_DEFAULT_MS = 10_000;
const IDLE_WAIT_MAX_MS = 60_000;

// 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h: WeChat Pay v2's documented notify schedule.
const WECHAT_RETRY_SCHEDULE_MS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map(
  (s) => s * 1000,
);

const handles = new WeakMap<EmulatorHost, PayHandle>();

/** The pay sandbox installed on a host, for tests and other services. */
export function payHandleOf(host: EmulatorHost): PayHandle | undefined {
  return handles.get(host);
}

/** `services: [payService({ retryScheduleMs: [50, 100] })]`; `installPay` is the default configuration. */
export function payService(options: PayOptions = {}): (host: EmulatorHost) => PayHandle {
  return (host) => install(host, options);
}

export const installPay = payService();

interface Notification {
  kind: 'payment' | 'refund';
  /** The order's outTradeNo or the refund's outRefundNo: whose delivery log the attempts go to. */
  key: string;
  functionName: string;
  event: Record<string, unknown>;
}

function install(host: EmulatorHost, options: PayOptions): PayHandle {
  const schedule = options.retryScheduleMs?.length ? options.retryScheduleMs : WECHAT_RETRY_SCHEDULE_MS;
  const maxAttempts = options.maxAttempts ?? schedule.length + 1;
  const refundDelayMs = options.refundDelayMs ?? 1000;
  let faults: PayFaults = {};
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const sleepers = new Set<() => void>();
  const running = new Set<Promise<unknown>>();
  const idleWaiters = new Set<() => void>();
  /** Copies of each notification started so far (`payment:<outTradeNo>`, `refund:<outRefundNo>`). */
  const copiesStarted = new Map<string, number>();
  /** The outRefundNos of refunds kept PROCESSING by `holdRefunds`. */
  const heldRefunds: string[] = [];

  const sandbox = new PaySandbox({
    envId: host.envId,
    functionExists: (name) => !host.functions || host.functions.names().includes(name),
    onRefundAccepted: (refund) => accepted(refund.outRefundNo),
    tables: stateOf(host).pay,
  });

  function accepted(outRefundNo: string): void {
    if (faults.holdRefunds) heldRefunds.push(outRefundNo);
    else later(refundDelayMs, () => completeRefund(outRefundNo));
  }

  /** Runs `fn` after `ms` unless closed first; answers a cancel. */
  function later(ms: number, fn: () => void): () => void {
    if (closed) return () => undefined;
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
      wakeIfIdle();
    }, ms);
    timers.add(timer);
    return () => {
      clearTimeout(timer);
      timers.delete(timer);
    };
  }

  /** The fault delay: a wait that close() or lifting `delayMs` cuts short, so nothing hangs on a timer. */
  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        sleepers.delete(wake);
        cancel();
        resolve();
      };
      sleepers.add(wake);
      const cancel = later(ms, wake);
    });
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    running.add(promise);
    void promise.finally(() => {
      running.delete(promise);
      wakeIfIdle();
    });
    return promise;
  }

  // Every later() and track() runs its continuation (a retry, a callback) before its own bookkeeping ends, so once
  // both sets are empty nothing more can be scheduled without a new request.
  function wakeIfIdle(): void {
    if (timers.size === 0 && running.size === 0) for (const wake of [...idleWaiters]) wake();
  }

  function whenIdle(timeoutMs = Infinity): Promise<boolean> {
    if (timers.size === 0 && running.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (idle: boolean) => {
        idleWaiters.delete(wake);
        clearTimeout(deadline);
        resolve(idle);
      };
      const wake = () => done(true);
      idleWaiters.add(wake);
      const deadline = Number.isFinite(timeoutMs) ? setTimeout(() => done(false), timeoutMs) : undefined;
    });
  }

  /** Delivers one notification: the original plus any duplicate copies the faults ask for. */
  function deliver(n: Notification): Promise<void> {
    const copies = 1 + (faults.duplicateNotifications ?? 0);
    // Copies are numbered per notification so redeliveries and duplicates stay distinguishable in the log.
    const first = copiesStarted.get(`${n.kind}:${n.key}`) ?? nextCopy(stored(n)?.deliveries ?? []);
    copiesStarted.set(`${n.kind}:${n.key}`, first + copies);
    const firsts = Array.from({ length: copies }, (_, i) => attempt(n, first + i, 1));
    return Promise.all(firsts).then(() => undefined);
  }

  /** One call; on failure, schedules the next per the retry schedule. Resolves when this call is over. */
  function attempt(n: Notification, copy: number, number: number): Promise<void> {
    return track(
      (async () => {
        if (closed) return;
        if (faults.delayMs) await sleep(faults.delayMs);
        if (closed) return;
        const record: DeliveryAttempt = { kind: n.kind, attempt: number, copy, at: new Date().toISOString(), outcome: 'failed' };
        if (faults.refuseCalls && faults.refuseCalls > 0) {
          faults.refuseCalls--;
          record.outcome = 'refused';
        } else if (!host.functions) {
          record.outcome = 'no-runtime';
          record.error = 'no function runtime is installed';
        } else {
          const source: InvocationSource = n.kind;
          try {
            const outcome = await host.functions.invoke(n.functionName, structuredClone(n.event), { source });
            record.invocationId = outcome.invocationId;
            if (outcome.ok) {
              record.result = outcome.result;
              // WeChat counts only `{errcode: 0}` as an acknowledgement; anything else is retried.
              const acknowledged = (outcome.result as { errcode?: unknown } | null)?.errcode === 0;
              record.outcome = acknowledged ? 'acknowledged' : 'rejected';
            } else {
              record.error = `${outcome.code}: ${outcome.message}`;
            }
          } catch (err) {
            record.error = `runtime error: ${(err as Error).message ?? String(err)}`;
          }
        }
        if (record.outcome !== 'acknowledged' && number < maxAttempts) {
          record.retryInMs = schedule[Math.min(number - 1, schedule.length - 1)]!;
          // Once closed, the retry is only recorded as due: the next emulator on the file makes it.
          later(record.retryInMs, () => void attempt(n, copy, number + 1));
        }
        sandbox.recordDelivery(n.kind, n.key, record);
      })(),
    );
  }

  function stored(n: Notification): PayOrder | PayRefund | undefined {
    return n.kind === 'payment' ? sandbox.orders.get(n.key) : sandbox.refunds.get(n.key);
  }

  /** The next copy number of a notification, after those its log holds (from before a restart, say). */
  function nextCopy(deliveries: DeliveryAttempt[]): number {
    return deliveries.reduce((next, d) => Math.max(next, d.copy + 1), 0);
  }

  function paymentNotification(order: PayOrder): Notification {
    return { kind: 'payment', key: order.outTradeNo, functionName: order.functionName, event: order.notification! };
  }

  function refundNotification(refund: PayRefund): Notification {
    return { kind: 'refund', key: refund.outRefundNo, functionName: refund.functionName, event: refund.notification! };
  }

  function completeRefund(outRefundNo: string): void {
    // It may have ended otherwise meanwhile (failRefund).
    if (sandbox.refunds.get(outRefundNo)?.status !== 'PROCESSING') return;
    const refund = sandbox.completeRefund(outRefundNo);
    const done = deliver(refundNotification(refund));
    if (faults.deliverAfterRefund) {
      const order = sandbox.orderOrThrow(refund.outTradeNo);
      void track(done.then(() => deliver(paymentNotification(order))));
    }
  }

  /** What a previous emulator on the same file left unfinished: retries that were due, refunds still PROCESSING. */
  function resume(): void {
    const { orders, refunds } = sandbox.unfinished();
    const retry = (n: Notification, deliveries: DeliveryAttempt[]) => {
      const due = pendingRetries(deliveries);
      if (due.length) copiesStarted.set(`${n.kind}:${n.key}`, nextCopy(deliveries));
      for (const d of due) later(Math.max(0, d.dueAt - Date.now()), () => void attempt(n, d.copy, d.attempt));
    };
    for (const order of orders) if (order.notification) retry(paymentNotification(order), order.deliveries);
    for (const refund of refunds) {
      if (refund.status === 'PROCESSING') accepted(refund.outRefundNo);
      if (refund.notification) retry(refundNotification(refund), refund.deliveries);
    }
  }

  const handle: PayHandle = {
    sandbox,
    faults: () => ({ ...faults, ...(faults.failingCalls && { failingCalls: [...faults.failingCalls] }) }),
    setFaults: (next) => {
      faults = { ...next, ...(next.failingCalls && { failingCalls: [...next.failingCalls] }) };
      if (!faults.delayMs) for (const wake of [...sleepers]) wake();
      if (!faults.holdRefunds) for (const no of heldRefunds.splice(0)) later(refundDelayMs, () => completeRefund(no));
    },
    pay: (outTradeNo, openid, notify = true) => {
      const order = sandbox.pay(outTradeNo, openid);
      if (notify) void deliver(paymentNotification(order));
      return order;
    },
    failPayment: (outTradeNo) => sandbox.failPayment(outTradeNo),
    redeliver: (outTradeNo) => {
      const order = sandbox.orderOrThrow(outTradeNo);
      if (!order.notification) throw new SandboxError('ORDERNOTPAID', '订单未支付，没有可重发的支付通知');
      void deliver(paymentNotification(order));
      return order;
    },
    failRefund: (outRefundNo, status) => {
      const refund = sandbox.failRefund(outRefundNo, status);
      const held = heldRefunds.indexOf(outRefundNo);
      if (held >= 0) heldRefunds.splice(held, 1);
      void deliver(refundNotification(refund));
      return refund;
    },
    merchant: (call, request) => sandbox.call(call, request, undefined, 'VENDOR_PLATFORM'),
    idle: whenIdle,
  };
  handles.set(host, handle);

  const payApi = (parts: Map<string, Buffer>): RawReply => {
    const apiName = parts.get('apiName')?.toString('utf8') ?? '';
    if (!(PAY_API_NAMES as readonly string[]).includes(apiName)) throw unsupported(`cloudPay.${apiName}`);
    let request: unknown;
    try {
      request = JSON.parse(parts.get('requestData')?.toString('utf8') ?? '');
    } catch {
      request = undefined; // answered as a malformed request by the sandbox
    }
    const reply = faults.failingCalls?.includes(apiName as PayApiName)
      ? sandbox.systemError(request)
      : sandbox.call(apiName as PayApiName, request, appidOf(parts.get('apiOptions')));
    // Not `application/json; charset=utf-8`: with exactly that type, node-sdk parses the body itself and the SDK
    // fails (docs/wire-protocol.md, on cloudPay).
    return { contentType: 'application/json', body: JSON.stringify(reply) };
  };
  // The executor turns a throw (an unknown API) into a rejection, as an async handler would.
  host.addMultipartAction('wx.wxPayApi', (parts) => new Promise((resolve) => resolve(payApi(parts))));

  const control = (
    method: string,
    path: string,
    fn: (params: Record<string, string>, body: Record<string, unknown>) => unknown,
  ) =>
    host.addRoute(method, `/__emulator/pay${path}`, async (req, res, params) => {
      try {
        sendJson(res, 200, fn(params, await jsonBody(req)));
      } catch (err) {
        if (err instanceof SandboxError) sendJson(res, err.status, { code: err.code, message: err.message });
        else if (err instanceof BadControlRequest) sendJson(res, 400, { code: 'INVALID_PARAM', message: err.message });
        else throw err;
      }
    });

  control('GET', '/orders', () => {
    const refunds = new Map<string, string[]>();
    for (const r of sandbox.refunds.values()) refunds.set(r.outTradeNo, [...(refunds.get(r.outTradeNo) ?? []), r.outRefundNo]);
    return { orders: [...sandbox.orders.values()].map((o) => ({ ...o, refunds: refunds.get(o.outTradeNo) ?? [] })) };
  });
  control('GET', '/refunds', () => ({ refunds: [...sandbox.refunds.values()] }));
  control('POST', '/orders/:outTradeNo/pay', ({ outTradeNo }, body) =>
    handle.pay(outTradeNo!, optionalString(body, 'openid'), optionalBoolean(body, 'notify')),
  );
  control('POST', '/orders/:outTradeNo/fail', ({ outTradeNo }) => handle.failPayment(outTradeNo!));
  control('POST', '/notifications/:outTradeNo/redeliver', ({ outTradeNo }) => handle.redeliver(outTradeNo!));
  control('POST', '/refunds/:outRefundNo/outcome', ({ outRefundNo }, body) => {
    const status = body.status;
    if (!(REFUND_FAILURES as readonly unknown[]).includes(status))
      throw new BadControlRequest(`status must be one of ${REFUND_FAILURES.join(', ')} (a refund that ends unpaid)`);
    return handle.failRefund(outRefundNo!, status as RefundFailure);
  });
  control('POST', '/merchant/:call', ({ call }, body) => {
    if (!(MERCHANT_CALLS as readonly string[]).includes(call!))
      throw new BadControlRequest(`unknown merchant call ${call}: one of ${MERCHANT_CALLS.join(', ')}`);
    return handle.merchant(call as MerchantCall, body);
  });
  control('GET', '/faults', () => handle.faults());
  control('POST', '/faults', (_params, body) => {
    const next: PayFaults = {};
    for (const key of ['duplicateNotifications', 'delayMs', 'refuseCalls'] as const) {
      const value = body[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
        throw new BadControlRequest(`${key} must be a non-negative integer`);
      next[key] = value;
    }
    for (const key of ['deliverAfterRefund', 'holdRefunds'] as const) {
      const value = optionalBoolean(body, key);
      if (value !== undefined) next[key] = value;
    }
    const failing = body.failingCalls;
    if (failing !== undefined) {
      if (!Array.isArray(failing) || !failing.every((name) => (PAY_API_NAMES as readonly unknown[]).includes(name)))
        throw new BadControlRequest(`failingCalls must be an array of cloudPay API names (${PAY_API_NAMES.join(', ')})`);
      next.failingCalls = [...new Set(failing as PayApiName[])];
    }
    handle.setFaults(next);
    return handle.faults();
  });
  // Answers once every pending notification has been delivered, so a test can wait on the deliveries themselves.
  host.addRoute('POST', '/__emulator/pay/idle', async (req, res) => {
    let timeoutMs = IDLE_WAIT_DEFAULT_MS;
    try {
      const value = (await jsonBody(req)).timeoutMs;
      if (value !== undefined) {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > IDLE_WAIT_MAX_MS) {
          throw new BadControlRequest(`timeoutMs must be an integer from 0 to ${IDLE_WAIT_MAX_MS}`);
        }
        timeoutMs = value;
      }
    } catch (err) {
      if (err instanceof BadControlRequest) return sendJson(res, 400, { code: 'INVALID_PARAM', message: err.message });
      throw err;
    }
    if (await whenIdle(timeoutMs)) return sendJson(res, 200, { idle: true });
    sendJson(res, 504, {
      code: 'PAY_NOT_IDLE',
      message: `still busy after ${timeoutMs} ms: ${timers.size} timer(s) pending, ${running.size} delivery attempt(s) running`,
    });
  });

  host.onClose(async () => {
    closed = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const wake of [...sleepers]) wake();
    wakeIfIdle();
    await Promise.allSettled([...running]);
  });
  resume();
  return handle;
}

class BadControlRequest extends Error {}

async function jsonBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readBody(req, 1024 * 1024)).toString('utf8').trim();
  if (!raw) return {};
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new BadControlRequest('body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadControlRequest('body must be a JSON object');
  return body as Record<string, unknown>;
}

function optionalBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new BadControlRequest(`${key} must be a boolean`);
  return value;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !value) throw new BadControlRequest(`${key} must be a non-empty string`);
  return value;
}

/** `apiOptions` is protobuf `ApiOptions{1: string appid}`, empty unless the caller used `cloud.cloudPay({appid})`. */
function appidOf(apiOptions: Buffer | undefined): string | undefined {
  if (!apiOptions || apiOptions.length < 2 || apiOptions[0] !== 0x0a) return undefined;
  let length = 0;
  let shift = 0;
  let i = 1;
  for (; i < apiOptions.length; i++) {
    const byte = apiOptions[i]!;
    length |= (byte & 0x7f) << shift;
    shift += 7;
    if (!(byte & 0x80)) break;
  }
  return apiOptions.subarray(i + 1, i + 1 + length).toString('utf8') || undefined;
}
