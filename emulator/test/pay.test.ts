import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { controlClient } from '../src/client.js';
import type { EmulatorHost } from '../src/host.js';
import type { FunctionRuntime, InvocationOutcome, InvokeOptions } from '../src/functions/types.js';
import { payHandleOf, payService } from '../src/pay/service.js';
import { startEmulator } from '../src/server.js';
import { type Rec, startWithSdk } from './helpers/sdk.js';
import { until } from './helpers/wait.js';

/**
 * cloud.cloudPay.* through the real wx-server-sdk against the WeChat Pay sandbox, and the platform side: payment and
 * refund notifications delivered to cloud functions with WeChat's retry rules, driven by the /__emulator/pay control API.
 */

interface Call {
  name: string;
  event: Rec;
  options: InvokeOptions;
}

/**
 * A stand-in for the function runtime (the emulator's internal FunctionRuntime interface, not the SDK): it records
 * every invocation and answers from a per-order script, acknowledging with `{errcode: 0}` once the script runs out.
 */
function recordingRuntime(functionNames: string[]) {
  const calls: Call[] = [];
  const scripts = new Map<string, Array<Rec | InvocationOutcome>>();
  let invocations = 0;
  const runtime: FunctionRuntime = {
    names: () => functionNames,
    config: () => ({}),
    invoke: async (name, event, options) => {
      calls.push({ name, event, options });
      const key = String(event.outTradeNo ?? (event.reqInfo as Rec | undefined)?.outTradeNo);
      const answer = scripts.get(key)?.shift() ?? { errcode: 0, errmsg: 'OK' };
      if ('ok' in answer) return answer as InvocationOutcome;
      return { ok: true, result: answer, invocationId: `inv-${++invocations}` };
    },
  };
  return {
    install: (host: EmulatorHost) => {
      host.functions = runtime;
    },
    /** Answers for the notifications of one order, in order. */
    script: (outTradeNo: string, answers: Array<Rec | InvocationOutcome>) => scripts.set(outTradeNo, answers),
    callsFor: (outTradeNo: string) => calls.filter((c) => (c.event.outTradeNo ?? c.event.reqInfo?.outTradeNo) === outTradeNo),
  };
}

const runtime = recordingRuntime(['payNotify', 'refundNotify']);
const RETRIES = [50, 100, 200]; // so at most 4 calls per notification
const REFUND_DELAY_MS = 80;
const { emulator, cloud } = await startWithSdk([], {
  services: [runtime.install, payService({ retryScheduleMs: RETRIES, refundDelayMs: REFUND_DELAY_MS })],
});
test.after.always(() => emulator.close());
const pay = payHandleOf(emulator.host)!;
const client = controlClient(emulator.url);

let seq = 0;
const tradeNo = (prefix = 'T') => `${prefix}${process.pid}_${++seq}`;
const SUB_MCH_ID = '1900000109';

function order(outTradeNo: string, extra: Rec = {}): Rec {
  return {
    body: '本地商店-测试商品',
    outTradeNo,
    spbillCreateIp: '127.0.0.1',
    subMchId: SUB_MCH_ID,
    totalFee: 1000,
    envId: emulator.envId,
    functionName: 'payNotify',
    subOpenid: 'o_buyer_1',
    attach: 'order-attach',
    ...extra,
  };
}

function refund(outTradeNo: string, outRefundNo: string, refundFee: number, extra: Rec = {}): Rec {
  return {
    outTradeNo,
    outRefundNo,
    totalFee: 1000,
    refundFee,
    subMchId: SUB_MCH_ID,
    envId: emulator.envId,
    functionName: 'refundNotify',
    ...extra,
  };
}

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Rec }> {
  const res = await fetch(`${emulator.url}/__emulator/pay${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Rec };
}

async function orderState(outTradeNo: string): Promise<Rec> {
  const { json } = await control('GET', '/orders');
  return (json.orders as Rec[]).find((o) => o.outTradeNo === outTradeNo)!;
}

const acknowledged = (o: Rec) => (o.deliveries as Rec[]).some((d) => d.outcome === 'acknowledged');

/** Creates an order through the SDK and pays it as the shopper; resolves once the notification is acknowledged. */
async function paidOrder(outTradeNo = tradeNo(), extra: Rec = {}): Promise<string> {
  const res = await cloud.cloudPay.unifiedOrder(order(outTradeNo, extra));
  if (res.resultCode !== 'SUCCESS') throw new Error(JSON.stringify(res));
  await control('POST', `/orders/${outTradeNo}/pay`);
  await until(() => orderState(outTradeNo), acknowledged);
  return outTradeNo;
}

// --- faults are global: these run first, one at a time (ava runs serial tests before concurrent ones) ---------------

test.serial('duplicateNotifications delivers every notification twice', async (t) => {
  await control('POST', '/faults', { duplicateNotifications: 1 });
  try {
    const no = tradeNo();
    await cloud.cloudPay.unifiedOrder(order(no));
    await control('POST', `/orders/${no}/pay`);
    const state = await until(
      () => orderState(no),
      (o) => (o.deliveries as Rec[]).length === 2,
    );
    t.deepEqual((state.deliveries as Rec[]).map((d) => d.copy).sort(), [0, 1]);
    t.true((state.deliveries as Rec[]).every((d) => d.outcome === 'acknowledged'));
    const calls = runtime.callsFor(no);
    t.is(calls.length, 2);
    t.deepEqual(calls[0]!.event, calls[1]!.event, 'the duplicate is the same notification');
  } finally {
    await control('POST', '/faults', {});
  }
});

test.serial('refuseCalls fails the next deliveries without calling the function; retries then reach it', async (t) => {
  const set = await control('POST', '/faults', { refuseCalls: 2 });
  t.deepEqual(set.json, { refuseCalls: 2 });
  try {
    const no = tradeNo();
    await cloud.cloudPay.unifiedOrder(order(no));
    await control('POST', `/orders/${no}/pay`);
    const state = await until(() => orderState(no), acknowledged);
    t.deepEqual(
      (state.deliveries as Rec[]).map((d) => [d.attempt, d.outcome]),
      [
        [1, 'refused'],
        [2, 'refused'],
        [3, 'acknowledged'],
      ],
    );
    t.deepEqual(
      (state.deliveries as Rec[]).slice(0, 2).map((d) => d.retryInMs),
      [50, 100],
    );
    t.is(runtime.callsFor(no).length, 1);
    t.deepEqual((await control('GET', '/faults')).json, { refuseCalls: 0 });
  } finally {
    await control('POST', '/faults', {});
  }
});

test.serial('delayMs holds a notification back: the page sees the order paid before the function hears of it', async (t) => {
  // Far longer than this test runs, so nothing reaches the function until the fault is lifted, however slow the machine.
  await control('POST', '/faults', { delayMs: 600_000 });
  try {
    const no = tradeNo();
    await cloud.cloudPay.unifiedOrder(order(no));
    await control('POST', `/orders/${no}/pay`);
    const query = await cloud.cloudPay.queryOrder({ outTradeNo: no, subMchId: SUB_MCH_ID });
    t.is(query.tradeState, 'SUCCESS');
    t.is(runtime.callsFor(no).length, 0);
    t.deepEqual((await orderState(no)).deliveries, []);
    await control('POST', '/faults', {});
    await client.payIdle();
    t.true(acknowledged(await orderState(no)), 'lifting the delay lets the held delivery go');
    t.is(runtime.callsFor(no).length, 1);
  } finally {
    await control('POST', '/faults', {});
  }
});

test.serial(
  'POST /__emulator/pay/idle answers once every pending notification is delivered, 504 while one is held',
  async (t) => {
    await control('POST', '/faults', { delayMs: 600_000 });
    try {
      const no = tradeNo();
      await cloud.cloudPay.unifiedOrder(order(no));
      await control('POST', `/orders/${no}/pay`);
      const busy = await client.request<Rec>('POST', '/pay/idle', { timeoutMs: 50 });
      t.is(busy.status, 504);
      t.is(busy.body.code, 'PAY_NOT_IDLE');
      t.regex(busy.body.message, /1 delivery attempt\(s\) running/);
      await t.throwsAsync(client.payIdle(0), { message: /did not become idle \(HTTP 504\)/ });

      await control('POST', '/faults', {});
      const idle = await client.request('POST', '/pay/idle');
      t.deepEqual(idle, { status: 200, body: { idle: true } });
      t.deepEqual(
        (await orderState(no)).deliveries.map((d: Rec) => d.outcome),
        ['acknowledged'],
      );
    } finally {
      await control('POST', '/faults', {});
    }
    for (const timeoutMs of [-1, 1.5, '10', 60_001])
      t.is((await client.request('POST', '/pay/idle', { timeoutMs })).status, 400, String(timeoutMs));
  },
);

test.serial('deliverAfterRefund: the payment notification arrives again after the refund callback', async (t) => {
  const no = await paidOrder();
  await control('POST', '/faults', { deliverAfterRefund: true });
  try {
    const res = await cloud.cloudPay.refund(refund(no, `R${no}`, 1000));
    t.is(res.resultCode, 'SUCCESS');
    await until(
      () => orderState(no),
      (o) => (o.deliveries as Rec[]).filter((d) => d.outcome === 'acknowledged').length === 2,
    );
    t.deepEqual(
      runtime.callsFor(no).map((c) => c.name),
      ['payNotify', 'refundNotify', 'payNotify'],
    );
  } finally {
    await control('POST', '/faults', {});
  }
});

test.serial('failingCalls: the named cloudPay calls answer a system error and apply nothing, until lifted', async (t) => {
  const no = tradeNo();
  await cloud.cloudPay.unifiedOrder(order(no));
  const set = await control('POST', '/faults', { failingCalls: ['closeOrder', 'queryOrder', 'closeOrder'] });
  t.deepEqual(set.json, { failingCalls: ['closeOrder', 'queryOrder'] }, 'each call once');
  try {
    for (const res of [
      await cloud.cloudPay.closeOrder({ outTradeNo: no, subMchId: SUB_MCH_ID }),
      await cloud.cloudPay.queryOrder({ outTradeNo: no, subMchId: SUB_MCH_ID }),
    ]) {
      t.like(res, { returnCode: 'SUCCESS', resultCode: 'FAIL', errCodeDes: '系统超时', subMchId: SUB_MCH_ID });
      t.regex(res.sign, /^[0-9A-F]{32}$/);
    }
    t.is((await orderState(no)).state, 'NOTPAY', 'the close was not applied');
    t.like(await cloud.cloudPay.unifiedOrder(order(no)), { resultCode: 'SUCCESS' }, 'other calls still work');
    // The merchant platform is not affected.
    const merchant = await client.request<Rec>('POST', '/pay/merchant/closeOrder', { out_trade_no: no, sub_mch_id: SUB_MCH_ID });
    t.like(merchant.body, { result_code: 'SUCCESS' });
    t.is((await orderState(no)).state, 'CLOSED');
  } finally {
    await control('POST', '/faults', {});
  }
  t.like(await cloud.cloudPay.queryOrder({ outTradeNo: no, subMchId: SUB_MCH_ID }), {
    resultCode: 'SUCCESS',
    tradeState: 'CLOSED',
  });
  t.deepEqual((await control('GET', '/faults')).json, {});
});

test.serial('failingCalls fails any cloudPay call named, applying nothing', async (t) => {
  await control('POST', '/faults', { failingCalls: ['refund', 'queryRefund', 'unifiedOrder'] });
  try {
    const no = tradeNo();
    t.like(await cloud.cloudPay.unifiedOrder(order(no)), { resultCode: 'FAIL', errCodeDes: '系统超时' });
    t.false(
      ((await control('GET', '/orders')).json.orders as Rec[]).some((o) => o.outTradeNo === no),
      'no order was made',
    );
    t.like(await cloud.cloudPay.refund(refund(no, `R${no}`, 100)), { resultCode: 'FAIL', errCodeDes: '系统超时' });
    t.like(await cloud.cloudPay.queryRefund({ outRefundNo: `R${no}`, subMchId: SUB_MCH_ID }), {
      resultCode: 'FAIL',
      errCodeDes: '系统超时',
    });
    // Even a malformed request: WeChat Pay is not answering at all.
    t.like(await cloud.cloudPay.unifiedOrder(order(no, { totalFee: 0 })), { returnCode: 'SUCCESS', resultCode: 'FAIL' });
    // The SDK hides err_code (it overwrites errCode with 0); the sandbox's reply carries WeChat Pay's code.
    const raw = pay.sandbox.systemError({ sub_mch_id: SUB_MCH_ID });
    t.like(raw, { return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'SYSTEMERROR', err_code_des: '系统超时' });
  } finally {
    await control('POST', '/faults', {});
  }
});

test.serial('POST /refunds/:outRefundNo/outcome ends a PROCESSING refund unpaid, with its notification', async (t) => {
  const no = await paidOrder();
  await control('POST', '/faults', { holdRefunds: true });
  try {
    t.like(await cloud.cloudPay.refund(refund(no, `R1${no}`, 400)), { resultCode: 'SUCCESS' });
    t.like(await cloud.cloudPay.refund(refund(no, `R2${no}`, 600)), { resultCode: 'SUCCESS' });
    const changed = await control('POST', `/refunds/R1${no}/outcome`, { status: 'CHANGE' });
    t.is(changed.status, 200);
    t.like(changed.json, { outRefundNo: `R1${no}`, status: 'CHANGE', successTime: undefined });
    t.like((await control('POST', `/refunds/R2${no}/outcome`, { status: 'REFUNDCLOSE' })).json, { status: 'REFUNDCLOSE' });
    await client.payIdle();
    const callbacks = runtime.callsFor(no).filter((c) => c.name === 'refundNotify');
    t.deepEqual(
      callbacks.map((c) => [c.event.reqInfo.outRefundNo, c.event.reqInfo.refundStatus, c.event.reqInfo.successTime]),
      [
        [`R1${no}`, 'CHANGE', undefined],
        [`R2${no}`, 'REFUNDCLOSE', undefined],
      ],
    );
    t.like(await cloud.cloudPay.queryRefund({ outTradeNo: no, subMchId: SUB_MCH_ID }), {
      refundCount: 2,
      refundStatus_0: 'CHANGE',
      refundStatus_1: 'REFUNDCLOSE',
    });

    const again = await control('POST', `/refunds/R1${no}/outcome`, { status: 'REFUNDCLOSE' });
    t.is(again.status, 409, 'an ended refund keeps its outcome');
    t.is(again.json.code, 'REFUND_ENDED');
    // The unpaid amounts still count against the order.
    t.like(await cloud.cloudPay.refund(refund(no, `R3${no}`, 1)), { resultCode: 'FAIL', errCodeDes: '订单已全额退款' });
  } finally {
    await control('POST', '/faults', {});
  }
  await client.payIdle();
  const mine = ((await control('GET', '/refunds')).json.refunds as Rec[]).filter((r) => r.outTradeNo === no);
  t.deepEqual(
    mine.map((r) => [r.status, (r.deliveries as Rec[]).map((d) => d.outcome)]),
    [
      ['CHANGE', ['acknowledged']],
      ['REFUNDCLOSE', ['acknowledged']],
    ],
    'lifting the hold does not complete them after all',
  );
  t.is(runtime.callsFor(no).filter((c) => c.name === 'refundNotify').length, 2);
});

test.serial('bad fault settings are refused', async (t) => {
  t.is((await control('POST', '/faults', { refuseCalls: -1 })).status, 400);
  t.is((await control('POST', '/faults', { deliverAfterRefund: 'yes' })).status, 400);
  t.is((await control('POST', '/faults', { holdRefunds: 1 })).status, 400);
  for (const failingCalls of ['closeOrder', ['downloadBill'], [1], { closeOrder: true }]) {
    const refused = await control('POST', '/faults', { failingCalls });
    t.is(refused.status, 400, JSON.stringify(failingCalls));
    t.regex(refused.json.message, /failingCalls must be an array of cloudPay API names \(unifiedOrder, queryOrder/);
  }
  t.deepEqual((await control('GET', '/faults')).json, {});
});

// --- cloudPay through the SDK --------------------------------------------------------------------------------------

test('unifiedOrder answers a prepay and the payment object wx.requestPayment needs', async (t) => {
  const no = tradeNo();
  const res = await cloud.cloudPay.unifiedOrder(order(no));
  t.is(res.errCode, 0);
  t.is(res.errMsg, 'cloudPay.unifiedOrder:ok');
  t.is(res.returnCode, 'SUCCESS');
  t.is(res.resultCode, 'SUCCESS');
  t.is(res.tradeType, 'JSAPI');
  t.is(res.subMchId, SUB_MCH_ID);
  t.regex(res.prepayId, /^wx\d{14}[0-9a-f]+$/);
  t.deepEqual(Object.keys(res.payment).sort(), ['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
  t.is(res.payment.package, `prepay_id=${res.prepayId}`);
  t.is(res.payment.signType, 'MD5');
  t.regex(res.payment.timeStamp, /^\d{10}$/);
  t.regex(res.payment.paySign, /^[0-9A-F]{32}$/);

  const again = await cloud.cloudPay.unifiedOrder(order(no));
  t.is(again.resultCode, 'SUCCESS');
  t.is(again.prepayId, res.prepayId, 'the same unpaid order with the same amount keeps its prepay');

  const query = await cloud.cloudPay.queryOrder({ outTradeNo: no, subMchId: SUB_MCH_ID });
  t.is(query.resultCode, 'SUCCESS');
  t.is(query.tradeState, 'NOTPAY');
  t.is(query.totalFee, 1000);
  t.is(query.attach, 'order-attach');
  t.is(query.transactionId, undefined);
});

test('the same outTradeNo with another amount is refused', async (t) => {
  const no = tradeNo();
  await cloud.cloudPay.unifiedOrder(order(no));
  const res = await cloud.cloudPay.unifiedOrder(order(no, { totalFee: 999 }));
  t.is(res.returnCode, 'SUCCESS');
  t.is(res.resultCode, 'FAIL');
  t.is(res.errCodeDes, '商户订单号重复');
  t.is(res.errCode, 0, 'the SDK overwrites err_code with 0: callers must test resultCode');
  t.is(res.prepayId, undefined);
  // The code itself is on the wire; the sandbox answers it directly.
  const raw = pay.sandbox.call('unifiedOrder', {
    out_trade_no: no,
    body: 'x',
    total_fee: 5,
    spbill_create_ip: '1.2.3.4',
    sub_mch_id: SUB_MCH_ID,
    env_id: emulator.envId,
    function_name: 'payNotify',
  });
  t.is(raw.err_code, 'OUT_TRADE_NO_USED');
});

test('malformed requests answer returnCode FAIL with a message', async (t) => {
  const cases: Array<[Rec, RegExp]> = [
    [{ totalFee: undefined }, /total_fee/],
    [{ totalFee: 0 }, /total_fee.*正整数/],
    [{ totalFee: 1.5 }, /total_fee/],
    [{ totalFee: '1000' }, /total_fee/],
    [{ body: undefined }, /缺少参数 body/],
    [{ body: '长'.repeat(129) }, /body.*128/],
    [{ attach: 'a'.repeat(128) }, /attach.*127/],
    [{ outTradeNo: 'x'.repeat(33) }, /out_trade_no.*32/],
    [{ outTradeNo: 'bad no!' }, /out_trade_no.*格式/],
    [{ spbillCreateIp: undefined }, /spbill_create_ip/],
    [{ subMchId: undefined }, /sub_mch_id/],
    [{ envId: 'another-env' }, /env_id/],
    [{ functionName: undefined }, /function_name/],
    [{ functionName: 'noSuchFunction' }, /noSuchFunction/],
  ];
  for (const [override, message] of cases) {
    const res = await cloud.cloudPay.unifiedOrder(order(tradeNo(), override));
    t.is(res.returnCode, 'FAIL', JSON.stringify(override));
    t.regex(res.returnMsg, message);
    t.is(res.resultCode, undefined);
  }
  const query = await cloud.cloudPay.queryOrder({ subMchId: SUB_MCH_ID });
  t.is(query.returnCode, 'FAIL');
});

test('an API the sandbox does not model fails loudly', async (t) => {
  const err = (await cloud.cloudPay.downloadBill({ billDate: '20240101' }).catch((e: unknown) => e)) as Rec;
  t.regex(err.errMsg, /not supported/);
});

test('pay → notification retried until the function acknowledges with errcode 0', async (t) => {
  const no = tradeNo();
  runtime.script(no, [
    { errcode: 1, errmsg: 'busy' },
    { ok: false, code: 'FUNCTIONS_EXECUTE_FAIL', message: 'boom' },
  ]);
  await cloud.cloudPay.unifiedOrder(order(no));
  const paid = await control('POST', `/orders/${no}/pay`);
  t.is(paid.status, 200);
  t.is(paid.json.state, 'SUCCESS');
  t.regex(paid.json.transactionId, /^\d{28}$/);
  t.regex(paid.json.timeEnd, /^20\d{12}$/);

  const state = await until(() => orderState(no), acknowledged);
  const deliveries = state.deliveries as Rec[];
  t.deepEqual(
    deliveries.map((d) => [d.attempt, d.outcome]),
    [
      [1, 'rejected'],
      [2, 'failed'],
      [3, 'acknowledged'],
    ],
  );
  t.deepEqual(deliveries[0]!.result, { errcode: 1, errmsg: 'busy' });
  t.regex(deliveries[1]!.error, /boom/);
  t.true(deliveries.every((d) => typeof d.at === 'string'));

  const calls = runtime.callsFor(no);
  t.is(calls.length, 3);
  t.is(calls[0]!.name, 'payNotify');
  t.deepEqual(calls[0]!.options, { source: 'payment' });
  const event = calls[0]!.event;
  t.like(event, {
    returnCode: 'SUCCESS',
    resultCode: 'SUCCESS',
    subMchId: SUB_MCH_ID,
    subOpenid: 'o_buyer_1',
    outTradeNo: no,
    transactionId: paid.json.transactionId,
    totalFee: 1000,
    cashFee: 1000,
    feeType: 'CNY',
    bankType: 'OTHERS',
    tradeType: 'JSAPI',
    timeEnd: paid.json.timeEnd,
    attach: 'order-attach',
    isSubscribe: 'N',
  });
  t.truthy(event.appid);
  t.truthy(event.mchId);
  t.truthy(event.nonceStr);

  const query = await cloud.cloudPay.queryOrder({ outTradeNo: no, subMchId: SUB_MCH_ID });
  t.like(query, {
    resultCode: 'SUCCESS',
    tradeState: 'SUCCESS',
    transactionId: paid.json.transactionId,
    timeEnd: paid.json.timeEnd,
    cashFee: 1000,
  });
  const byTransaction = await cloud.cloudPay.queryOrder({ transactionId: paid.json.transactionId, subMchId: SUB_MCH_ID });
  t.is(byTransaction.outTradeNo, no);

  const reorder = await cloud.cloudPay.unifiedOrder(order(no));
  t.like(reorder, { resultCode: 'FAIL', errCodeDes: '该订单已支付' });
  const repay = await control('POST', `/orders/${no}/pay`);
  t.is(repay.status, 409);
  t.is(repay.json.code, 'ORDERPAID');
});

test('a notification nobody acknowledges stops after the maximum number of attempts', async (t) => {
  const no = tradeNo();
  runtime.script(
    no,
    Array.from({ length: 10 }, () => ({ errcode: -1 })),
  );
  await cloud.cloudPay.unifiedOrder(order(no));
  await control('POST', `/orders/${no}/pay`);
  await client.payIdle();
  const state = await orderState(no);
  t.deepEqual(
    (state.deliveries as Rec[]).map((d) => d.retryInMs),
    [50, 100, 200, undefined],
  );
  t.is(runtime.callsFor(no).length, 4);
});

test('the payment page’s failure or cancel leaves the order unpaid and notifies nobody', async (t) => {
  const no = tradeNo();
  await cloud.cloudPay.unifiedOrder(order(no));
  const failed = await control('POST', `/orders/${no}/fail`);
  t.is(failed.status, 200);
  t.is(failed.json.state, 'NOTPAY');
  t.is(failed.json.paymentFailures, 1);
  t.is((await cloud.cloudPay.queryOrder({ outTradeNo: no, subMchId: SUB_MCH_ID })).tradeState, 'NOTPAY');
  t.is(runtime.callsFor(no).length, 0);
  t.is((await control('POST', `/notifications/${no}/redeliver`)).status, 409, 'nothing to redeliver before a payment');
  const stranger = await control('POST', `/orders/${no}/pay`, { openid: 'o_buyer_2' });
  t.is(stranger.status, 409, 'a prepay made for one openid cannot be paid by another');
  t.is(stranger.json.code, 'OPENID_MISMATCH');
  // The shopper tries again and succeeds.
  await control('POST', `/orders/${no}/pay`);
  await until(() => orderState(no), acknowledged);
  t.is(runtime.callsFor(no)[0]!.event.subOpenid, 'o_buyer_1', 'unifiedOrder’s sub_openid names the payer');
});

test('the pay control call can name the payer when unifiedOrder did not', async (t) => {
  const no = tradeNo();
  await cloud.cloudPay.unifiedOrder(order(no, { subOpenid: undefined }));
  await control('POST', `/orders/${no}/pay`, { openid: 'o_buyer_3' });
  await until(() => orderState(no), acknowledged);
  t.is(runtime.callsFor(no)[0]!.event.subOpenid, 'o_buyer_3');
  t.is((await cloud.cloudPay.queryOrder({ outTradeNo: no, subMchId: SUB_MCH_ID })).subOpenid, 'o_buyer_3');
});

test('closeOrder: a closed order cannot be paid; a paid one cannot be closed, and its notification can come again', async (t) => {
  const open = tradeNo();
  await cloud.cloudPay.unifiedOrder(order(open));
  const closed = await cloud.cloudPay.closeOrder({ outTradeNo: open, subMchId: SUB_MCH_ID });
  t.like(closed, { returnCode: 'SUCCESS', resultCode: 'SUCCESS', errMsg: 'cloudPay.closeOrder:ok' });
  t.is((await cloud.cloudPay.queryOrder({ outTradeNo: open, subMchId: SUB_MCH_ID })).tradeState, 'CLOSED');
  const payClosed = await control('POST', `/orders/${open}/pay`);
  t.is(payClosed.status, 409);
  t.is(payClosed.json.code, 'ORDERCLOSED');
  t.like(await cloud.cloudPay.unifiedOrder(order(open)), { resultCode: 'FAIL', errCodeDes: '该订单已关闭' });
  t.like(await cloud.cloudPay.closeOrder({ outTradeNo: open, subMchId: SUB_MCH_ID }), {
    resultCode: 'FAIL',
    errCodeDes: '订单已关闭，无法重复关闭',
  });
  t.like(await cloud.cloudPay.closeOrder({ outTradeNo: tradeNo(), subMchId: SUB_MCH_ID }), {
    resultCode: 'FAIL',
    errCodeDes: '订单不存在',
  });

  // The shop gave up on a paid order (say its own cancel raced the payment): closing is refused, and the
  // notification can arrive again late, identical to the first.
  const no = await paidOrder();
  t.like(await cloud.cloudPay.closeOrder({ outTradeNo: no, subMchId: SUB_MCH_ID }), {
    resultCode: 'FAIL',
    errCodeDes: '订单已支付，不能发起关单',
  });
  const again = await control('POST', `/notifications/${no}/redeliver`);
  t.is(again.status, 200);
  const state = await until(
    () => orderState(no),
    (o) => (o.deliveries as Rec[]).filter((d) => d.outcome === 'acknowledged').length === 2,
  );
  t.deepEqual(
    (state.deliveries as Rec[]).map((d) => d.copy),
    [0, 1],
  );
  const calls = runtime.callsFor(no);
  t.is(calls.length, 2);
  t.deepEqual(calls[1]!.event, calls[0]!.event);
  t.is((await control('POST', `/notifications/NOPE${no}/redeliver`)).status, 404);
});

// Serial: holdRefunds holds every refund of the sandbox while it is set.
test.serial(
  'refund: PROCESSING then SUCCESS with a callback; same outRefundNo is idempotent; never more than paid',
  async (t) => {
    const no = await paidOrder();
    // Held, so the refund is still PROCESSING when queried however slow this machine is; lifted below.
    await control('POST', '/faults', { holdRefunds: true });
    const first = await cloud.cloudPay.refund(refund(no, `R1${no}`, 300));
    t.like(first, {
      returnCode: 'SUCCESS',
      resultCode: 'SUCCESS',
      outTradeNo: no,
      outRefundNo: `R1${no}`,
      refundFee: 300,
      totalFee: 1000,
      errMsg: 'cloudPay.refund:ok',
    });
    t.truthy(first.refundId);
    const processing = await cloud.cloudPay.queryRefund({ outRefundNo: `R1${no}`, subMchId: SUB_MCH_ID });
    t.like(processing, { resultCode: 'SUCCESS', refundCount: 1, refundStatus_0: 'PROCESSING', refundFee_0: 300 });

    const repeat = await cloud.cloudPay.refund(refund(no, `R1${no}`, 300));
    t.is(repeat.refundId, first.refundId, 'the same outRefundNo is the same refund');
    t.like(await cloud.cloudPay.refund(refund(no, `R1${no}`, 400)), {
      resultCode: 'FAIL',
      errCodeDes: '订单金额或退款金额与之前请求不一致，请核实后再试',
    });
    t.like(await cloud.cloudPay.refund(refund(no, `R2${no}`, 800)), {
      resultCode: 'FAIL',
      errCodeDes: '累计退款金额大于支付金额',
    });
    t.like(await cloud.cloudPay.refund(refund(no, `R3${no}`, 1001)), { resultCode: 'FAIL', errCodeDes: '退款金额大于支付金额' });
    t.like(await cloud.cloudPay.refund(refund(no, `R4${no}`, 100, { totalFee: 999 })), { resultCode: 'FAIL' });
    // Idle leaves held refunds out: had the hold not worked, the refund would complete and call back before this answers.
    await client.payIdle();
    t.like(
      await cloud.cloudPay.queryRefund({ outRefundNo: `R1${no}`, subMchId: SUB_MCH_ID }),
      { refundStatus_0: 'PROCESSING' },
      'held past the refund delay',
    );
    await control('POST', '/faults', {});

    const callback = await until(
      async () => runtime.callsFor(no).filter((c) => c.name === 'refundNotify'),
      (calls) => calls.length === 1,
    );
    t.deepEqual(callback[0]!.options, { source: 'refund' });
    t.like(callback[0]!.event, {
      returnCode: 'SUCCESS',
      reqInfo: {
        outTradeNo: no,
        outRefundNo: `R1${no}`,
        refundId: first.refundId,
        transactionId: first.transactionId,
        totalFee: 1000,
        refundFee: 300,
        settlementRefundFee: 300,
        refundStatus: 'SUCCESS',
        refundRecvAccout: '支付用户零钱',
        refundRequestSource: 'API',
      },
    });
    t.regex(callback[0]!.event.reqInfo.successTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const rest = await cloud.cloudPay.refund(refund(no, `R5${no}`, 700));
    t.is(rest.resultCode, 'SUCCESS');
    t.like(await cloud.cloudPay.refund(refund(no, `R6${no}`, 1)), { resultCode: 'FAIL', errCodeDes: '订单已全额退款' });
    await client.payIdle();
    t.is(
      runtime.callsFor(no).filter((c) => c.name === 'refundNotify').length,
      2,
      'the repeated refund got no callback of its own',
    );

    const all = await cloud.cloudPay.queryRefund({ outTradeNo: no, subMchId: SUB_MCH_ID });
    t.like(all, { refundCount: 2, refundFee: 1000, refundStatus_0: 'SUCCESS', refundStatus_1: 'SUCCESS', refundFee_1: 700 });
    t.is((await cloud.cloudPay.queryOrder({ outTradeNo: no, subMchId: SUB_MCH_ID })).tradeState, 'REFUND');
    const { json } = await control('GET', '/refunds');
    const mine = (json.refunds as Rec[]).filter((r) => r.outTradeNo === no);
    t.deepEqual(
      mine.map((r) => [r.refundFee, r.status, (r.deliveries as Rec[]).map((d) => d.outcome)]),
      [
        [300, 'SUCCESS', ['acknowledged']],
        [700, 'SUCCESS', ['acknowledged']],
      ],
    );
  },
);

test('refund callbacks are retried like payment notifications', async (t) => {
  const no = await paidOrder();
  runtime.script(no, [{ errcode: 1 }]);
  await cloud.cloudPay.refund(refund(no, `R${no}`, 500));
  const state = await until(
    async () => ((await control('GET', '/refunds')).json.refunds as Rec[]).find((r) => r.outTradeNo === no)!,
    (r) => (r.deliveries as Rec[]).some((d) => d.outcome === 'acknowledged'),
  );
  t.deepEqual(
    (state.deliveries as Rec[]).map((d) => d.outcome),
    ['rejected', 'acknowledged'],
  );
});

test('refunds of unpaid, closed or unknown orders are refused', async (t) => {
  const unpaid = tradeNo();
  await cloud.cloudPay.unifiedOrder(order(unpaid));
  t.like(await cloud.cloudPay.refund(refund(unpaid, `R${unpaid}`, 100)), {
    resultCode: 'FAIL',
    errCodeDes: '订单未支付，不能退款',
  });
  await cloud.cloudPay.closeOrder({ outTradeNo: unpaid, subMchId: SUB_MCH_ID });
  t.like(await cloud.cloudPay.refund(refund(unpaid, `R${unpaid}`, 100)), {
    resultCode: 'FAIL',
    errCodeDes: '订单未支付，不能退款',
  });
  t.like(await cloud.cloudPay.refund(refund(tradeNo(), 'R-none', 100)), { resultCode: 'FAIL', errCodeDes: '订单不存在' });
  t.like(await cloud.cloudPay.queryRefund({ outTradeNo: unpaid, subMchId: SUB_MCH_ID }), {
    resultCode: 'FAIL',
    errCodeDes: '退款订单查询失败',
  });
  const missing = await cloud.cloudPay.refund(refund(unpaid, `R${unpaid}`, 100, { functionName: undefined }));
  t.is(missing.returnCode, 'FAIL');
  t.regex(missing.returnMsg, /function_name/);
});

test('pay with notify: false: paid, but the notification is lost until redelivered', async (t) => {
  const no = tradeNo();
  await cloud.cloudPay.unifiedOrder(order(no));
  const paid = await control('POST', `/orders/${no}/pay`, { notify: false });
  t.is(paid.status, 200);
  t.like(paid.json, { state: 'SUCCESS', deliveries: [] });
  await client.payIdle();
  t.is(runtime.callsFor(no).length, 0, 'nothing was delivered');
  t.like(await cloud.cloudPay.queryOrder({ outTradeNo: no, subMchId: SUB_MCH_ID }), {
    tradeState: 'SUCCESS',
    transactionId: paid.json.transactionId,
  });
  t.is((await control('POST', `/notifications/${no}/redeliver`)).status, 200);
  await client.payIdle();
  t.deepEqual(
    (await orderState(no)).deliveries.map((d: Rec) => d.outcome),
    ['acknowledged'],
  );
  t.like(runtime.callsFor(no)[0]!.event, { outTradeNo: no, transactionId: paid.json.transactionId });

  const other = tradeNo();
  await cloud.cloudPay.unifiedOrder(order(other));
  const refused = await control('POST', `/orders/${other}/pay`, { notify: 'no' });
  t.is(refused.status, 400);
  t.is(refused.json.message, 'notify must be a boolean');
  t.is((await orderState(other)).state, 'NOTPAY');
});

test('POST /merchant/:call: the merchant platform calls WeChat Pay outside the shop, answered in snake_case', async (t) => {
  const merchant = (call: string, body?: unknown) => client.request<Rec>('POST', `/pay/merchant/${call}`, body);
  const no = tradeNo('M');
  const made = await merchant('unifiedOrder', {
    out_trade_no: no,
    body: '商户平台下单',
    total_fee: 1000,
    spbill_create_ip: '127.0.0.1',
    sub_mch_id: SUB_MCH_ID,
    env_id: emulator.envId,
    function_name: 'payNotify',
  });
  t.is(made.status, 200);
  t.like(made.body, { return_code: 'SUCCESS', result_code: 'SUCCESS', trade_type: 'JSAPI' });
  t.regex(made.body.prepay_id, /^wx\d{14}/);
  t.like(await cloud.cloudPay.queryOrder({ outTradeNo: no, subMchId: SUB_MCH_ID }), { tradeState: 'NOTPAY', totalFee: 1000 });
  await control('POST', `/orders/${no}/pay`, { openid: 'o_buyer_m' });
  await until(() => orderState(no), acknowledged);

  const refunded = await merchant('refund', {
    out_trade_no: no,
    out_refund_no: `R${no}`,
    total_fee: 1000,
    refund_fee: 250,
    sub_mch_id: SUB_MCH_ID,
    env_id: emulator.envId,
    function_name: 'refundNotify',
  });
  t.like(refunded.body, { result_code: 'SUCCESS', out_refund_no: `R${no}`, refund_fee: 250 });
  const done = await until(
    async () => ((await control('GET', '/refunds')).json.refunds as Rec[]).find((r) => r.outRefundNo === `R${no}`)!,
    (r) => (r.deliveries as Rec[]).some((d) => d.outcome === 'acknowledged'),
  );
  t.like(done, { status: 'SUCCESS', requestSource: 'VENDOR_PLATFORM' });
  t.like(runtime.callsFor(no).find((c) => c.name === 'refundNotify')!.event.reqInfo, {
    refundStatus: 'SUCCESS',
    refundFee: 250,
    refundRequestSource: 'VENDOR_PLATFORM',
  });
  t.like(await cloud.cloudPay.queryRefund({ outTradeNo: no, subMchId: SUB_MCH_ID }), { refundCount: 1, refundFee: 250 });

  // WeChat Pay's own refusals and malformed requests are its replies, not control errors.
  t.like((await merchant('closeOrder', { out_trade_no: no, sub_mch_id: SUB_MCH_ID })).body, {
    result_code: 'FAIL',
    err_code: 'ORDERPAID',
  });
  const malformed = await merchant('closeOrder', { out_trade_no: no });
  t.is(malformed.status, 200);
  t.like(malformed.body, { return_code: 'FAIL', return_msg: '缺少参数 sub_mch_id' });

  for (const call of ['queryOrder', 'downloadBill']) {
    const refused = await merchant(call, {});
    t.is(refused.status, 400, call);
    t.is(refused.body.message, `unknown merchant call ${call}: one of unifiedOrder, closeOrder, refund`);
  }
  t.is((await merchant('refund', [1])).status, 400, 'the body must be a JSON object');
});

test('POST /refunds/:outRefundNo/outcome refuses a bad status, an unknown refund, or one already paid back', async (t) => {
  const no = await paidOrder();
  await cloud.cloudPay.refund(refund(no, `R${no}`, 100));
  await until(
    async () => ((await control('GET', '/refunds')).json.refunds as Rec[]).find((r) => r.outRefundNo === `R${no}`)!,
    (r) => r.status === 'SUCCESS',
  );
  for (const body of [{ status: 'SUCCESS' }, { status: 'change' }, {}]) {
    const refused = await control('POST', `/refunds/R${no}/outcome`, body);
    t.is(refused.status, 400, JSON.stringify(body));
    t.regex(refused.json.message, /status must be one of CHANGE, REFUNDCLOSE/);
  }
  const unknown = await control('POST', `/refunds/NOPE${no}/outcome`, { status: 'CHANGE' });
  t.is(unknown.status, 404);
  t.is(unknown.json.code, 'REFUNDNOTEXIST');
  const ended = await control('POST', `/refunds/R${no}/outcome`, { status: 'CHANGE' });
  t.is(ended.status, 409);
  t.is(ended.json.code, 'REFUND_ENDED');
  t.like(await cloud.cloudPay.queryRefund({ outRefundNo: `R${no}`, subMchId: SUB_MCH_ID }), { refundStatus_0: 'SUCCESS' });
});

test('control API: orders list, unknown orders, bad bodies', async (t) => {
  const no = tradeNo();
  await cloud.cloudPay.unifiedOrder(order(no));
  const listed = await orderState(no);
  t.like(listed, {
    outTradeNo: no,
    state: 'NOTPAY',
    totalFee: 1000,
    functionName: 'payNotify',
    openid: 'o_buyer_1',
    deliveries: [],
    refunds: [],
  });
  t.is((await control('POST', '/orders/UNKNOWN/pay')).status, 404);
  t.is((await control('POST', '/orders/UNKNOWN/fail')).status, 404);
  const res = await fetch(`${emulator.url}/__emulator/pay/orders/${no}/pay`, { method: 'POST', body: '{not json' });
  t.is(res.status, 400);
});

test('close() cancels pending retries and refund timers', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-pay-close-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const startOnFile = () =>
    startEmulator({
      port: 0,
      dataFile: path.join(dir, 'db.sqlite'),
      services: [
        (host) => {
          host.functions = {
            names: () => ['f'],
            config: () => ({}),
            invoke: async () => ({ ok: true, result: { errcode: 1 }, invocationId: 'x' }),
          };
        },
        payService({ retryScheduleMs: [60_000], refundDelayMs: 60_000 }),
      ],
    });
  const other = await startOnFile();
  const handle = payHandleOf(other.host)!;
  const req = {
    out_trade_no: 'C1',
    body: 'x',
    total_fee: 10,
    spbill_create_ip: '127.0.0.1',
    sub_mch_id: '1',
    env_id: other.envId,
    function_name: 'f',
  };
  t.is(handle.sandbox.call('unifiedOrder', req).result_code, 'SUCCESS');
  handle.pay('C1');
  await until(
    async () => handle.sandbox.orders.get('C1')!.deliveries.length,
    (n) => n === 1,
  );
  t.is(
    handle.sandbox.call('refund', {
      out_trade_no: 'C1',
      out_refund_no: 'RC1',
      total_fee: 10,
      refund_fee: 10,
      sub_mch_id: '1',
      env_id: other.envId,
      function_name: 'f',
    }).result_code,
    'SUCCESS',
  );
  await other.close();
  t.true(await handle.idle(0), 'no retry or refund timer outlives close()');
  // What close() left, read back by the next emulator on the file: the refund never completed.
  const again = await startOnFile();
  try {
    t.is(payHandleOf(again.host)!.sandbox.refunds.get('RC1')!.status, 'PROCESSING');
  } finally {
    await again.close();
  }
});
