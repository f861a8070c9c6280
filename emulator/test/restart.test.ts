import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { controlClient } from '../src/client.js';
import { type Emulator, startEmulator } from '../src/server.js';
import { allServices } from '../src/services.js';
import { FIXTURE_FUNCTIONS } from './helpers/functions.js';
import { type Rec, pointSdkAt } from './helpers/sdk.js';

/**
 * State that survives a restart: an emulator on a data file is closed and started again on the same file. The WeChat
 * Pay sandbox's orders, refunds and deliveries, the invocation log, the subscribe-message outbox and the timers'
 * firing history are read back from the second one, and the order made before the restart is paid and refunded after
 * it, through the real wx-server-sdk and the fixture functions (tests run one at a time: the SDK's environment is
 * repointed at each new emulator).
 */
const { default: sdk } = await import('wx-server-sdk');
const cloud = sdk as Rec;
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-restart-'));
test.after.always(() => fs.rmSync(dir, { recursive: true, force: true }));

const COLLECTIONS = ['deliveries', 'payments', 'refunds', 'ticks', 'visits'].map((name) => ({ name }));
const SUB_MCH_ID = '1900000109';

/** An emulator with every service on `file`; `pay` options as the tests need them. */
async function start(file: string, pay: { retryScheduleMs?: number[]; refundDelayMs?: number } = {}): Promise<Emulator> {
  const emulator = await startEmulator({
    port: 0,
    dataFile: file,
    collections: COLLECTIONS,
    services: allServices({
      functionsDir: FIXTURE_FUNCTIONS,
      pay: { retryScheduleMs: [50, 100, 200], refundDelayMs: 50, ...pay },
      timers: { autoStart: false },
    }),
  });
  pointSdkAt(emulator);
  return emulator;
}

async function callFunction(emulator: Emulator, name: string, data: Rec, openid = 'o-restart') {
  const res = await fetch(`${emulator.url}/functions/${name}`, {
    method: 'POST',
    headers: { 'x-wx-openid': openid, 'content-type': 'application/json' },
    body: JSON.stringify(data),
  });
  return (await res.json()) as { result?: Rec; errMsg: string; requestID: string };
}

const unifiedOrder = (emulator: Emulator, outTradeNo: string, extra: Rec = {}) =>
  cloud.cloudPay.unifiedOrder({
    body: '重启测试商品',
    outTradeNo,
    spbillCreateIp: '127.0.0.1',
    subMchId: SUB_MCH_ID,
    totalFee: 1200,
    envId: emulator.envId,
    functionName: 'paynotify',
    subOpenid: 'o-restart',
    ...extra,
  });

const refund = (emulator: Emulator, outTradeNo: string, outRefundNo: string, refundFee: number) =>
  cloud.cloudPay.refund({
    outTradeNo,
    outRefundNo,
    totalFee: 1200,
    refundFee,
    subMchId: SUB_MCH_ID,
    envId: emulator.envId,
    functionName: 'refundnotify',
  });

test.serial('an order made before a restart is paid and refunded after it; the logs list what came before', async (t) => {
  const file = path.join(dir, 'shop.sqlite');
  let emulator = await start(file);
  let control = controlClient(emulator.url);
  let firstRunIds: string[];
  try {
    // As the shop does: the order is made inside a cloud function, through cloudPay.
    const made = await callFunction(emulator, 'shopclock', { createOrder: 'RESTART1', envId: emulator.envId });
    t.is(made.result?.resultCode, 'SUCCESS', JSON.stringify(made));
    // And from this process, as pay.test.ts does.
    t.like(await unifiedOrder(emulator, 'RESTART2'), { resultCode: 'SUCCESS' });
    const sent = await callFunction(emulator, 'notifier', { item: '重启前的消息' });
    t.is(sent.result?.errCode, 0);
    const fired = await control.request<Rec>('POST', '/timers/ticker/run');
    t.is(fired.status, 200);
    t.true(fired.body.outcome.ok);
    firstRunIds = [made.requestID, sent.requestID, fired.body.invocationId as string];
  } finally {
    await emulator.close();
  }

  emulator = await start(file);
  control = controlClient(emulator.url);
  try {
    // The invocation log, the outbox and the timer's history still list what happened before the restart.
    const { body: log } = await control.request<{ invocations: Rec[] }>('GET', '/invocations');
    for (const id of firstRunIds)
      t.truthy(
        log.invocations.find((i) => i.id === id),
        `invocation ${id} is listed`,
      );
    t.like(
      log.invocations.find((i) => i.id === firstRunIds[0]),
      { functionName: 'shopclock', source: 'gateway', outcome: 'ok' },
    );
    const detail = await control.request<Rec>('GET', `/invocations/${firstRunIds[1]}`);
    t.is(detail.status, 200);
    t.like(detail.body, { functionName: 'notifier', event: { item: '重启前的消息' }, result: { errCode: 0 } });
    const { body: outbox } = await control.request<{ messages: Rec[] }>('GET', '/outbox');
    t.like(
      outbox.messages.find((m) => m.touser === 'o-restart'),
      { outcome: 'sent', functionName: 'notifier', templateId: 'TPL_ORDER_PAID', data: { thing1: { value: '重启前的消息' } } },
    );
    const { body: timers } = await control.request<{ timers: Rec[] }>('GET', '/timers');
    const ticker = timers.timers.find((x) => x.functionName === 'ticker')!;
    t.is(ticker.firings.length, 1);
    t.like(ticker.firings[0], { manual: true, invocationId: firstRunIds[2], outcome: { ok: true } });

    // The orders: both still there, unpaid, and payable.
    const { body: orders } = await control.request<{ orders: Rec[] }>('GET', '/pay/orders');
    t.deepEqual(
      orders.orders.map((o) => [o.outTradeNo, o.state]),
      [
        ['RESTART1', 'NOTPAY'],
        ['RESTART2', 'NOTPAY'],
      ],
    );
    t.like(await cloud.cloudPay.queryOrder({ outTradeNo: 'RESTART2', subMchId: SUB_MCH_ID }), { tradeState: 'NOTPAY' });
    // The same order again keeps its prepay, as before the restart.
    t.like(await unifiedOrder(emulator, 'RESTART2'), { resultCode: 'SUCCESS' });
    for (const no of ['RESTART1', 'RESTART2']) t.is((await control.request('POST', `/pay/orders/${no}/pay`)).status, 200, no);
    await control.payIdle();
    const paid = (await control.request<{ orders: Rec[] }>('GET', '/pay/orders')).body.orders;
    for (const o of paid) {
      t.is(o.state, 'SUCCESS');
      t.deepEqual(
        (o.deliveries as Rec[]).map((d) => d.outcome),
        ['acknowledged'],
        o.outTradeNo,
      );
    }
    const payment = await cloud.database().collection('payments').doc('RESTART2').get();
    t.like(payment.data, { totalFee: 1200, payer: 'o-restart' });

    t.like(await refund(emulator, 'RESTART2', 'RESTART2-R1', 500), { resultCode: 'SUCCESS' });
    await control.payIdle();
    t.like(await cloud.cloudPay.queryRefund({ outRefundNo: 'RESTART2-R1', subMchId: SUB_MCH_ID }), {
      resultCode: 'SUCCESS',
      refundStatus_0: 'SUCCESS',
    });
    const refunded = await cloud.database().collection('refunds').doc('RESTART2-R1').get();
    t.like(refunded.data, { refundFee: 500, refundStatus: 'SUCCESS', outTradeNo: 'RESTART2' });
  } finally {
    await emulator.close();
  }

  // Once more: the payment, the refund and every delivery are still there, and the refunded amount still counts.
  emulator = await start(file);
  control = controlClient(emulator.url);
  try {
    const { body } = await control.request<{ refunds: Rec[] }>('GET', '/pay/refunds');
    t.like(body.refunds, [{ outRefundNo: 'RESTART2-R1', status: 'SUCCESS', deliveries: [{ outcome: 'acknowledged' }] }]);
    const order2 = (await control.request<{ orders: Rec[] }>('GET', '/pay/orders')).body.orders.find(
      (o) => o.outTradeNo === 'RESTART2',
    )!;
    t.like(order2, { state: 'REFUND', refundedFee: 500, refunds: ['RESTART2-R1'] });
    t.like(await refund(emulator, 'RESTART2', 'RESTART2-R2', 701), {
      resultCode: 'FAIL',
      errCodeDes: '累计退款金额大于支付金额',
    });
    t.like(await refund(emulator, 'RESTART2', 'RESTART2-R2', 700), { resultCode: 'SUCCESS' });
    await control.payIdle();
  } finally {
    await emulator.close();
  }
});

test.serial('a refund still processing and a notification awaiting its retry are finished after a restart', async (t) => {
  const file = path.join(dir, 'pending.sqlite');
  // Retries far apart, so the emulator is closed while the retry waits.
  let emulator = await start(file, { retryScheduleMs: [1500] });
  let control = controlClient(emulator.url);
  try {
    // paynotify refuses the first delivery of an order whose attach is "fail:1".
    t.like(await unifiedOrder(emulator, 'PENDING1', { attach: 'fail:1' }), { resultCode: 'SUCCESS' });
    t.like(await unifiedOrder(emulator, 'PENDING2'), { resultCode: 'SUCCESS' });
    await control.request('POST', '/pay/orders/PENDING2/pay');
    await control.payIdle();
    await control.request('POST', '/pay/faults', { holdRefunds: true });
    t.like(await refund(emulator, 'PENDING2', 'PENDING2-R1', 1200), { resultCode: 'SUCCESS' });
    await control.request('POST', '/pay/orders/PENDING1/pay');
    const rejected = async () =>
      (await control.request<{ orders: Rec[] }>('GET', '/pay/orders')).body.orders.find((o) => o.outTradeNo === 'PENDING1')!
        .deliveries as Rec[];
    for (let i = 0; (await rejected()).length === 0 && i < 250; i++) await new Promise((r) => setTimeout(r, 20));
    t.like(await rejected(), [{ outcome: 'rejected', retryInMs: 1500 }]);
  } finally {
    await emulator.close();
  }

  emulator = await start(file, { retryScheduleMs: [1500] });
  control = controlClient(emulator.url);
  try {
    await control.payIdle(20_000);
    const orders = (await control.request<{ orders: Rec[] }>('GET', '/pay/orders')).body.orders;
    t.deepEqual(
      (orders.find((o) => o.outTradeNo === 'PENDING1')!.deliveries as Rec[]).map((d) => [d.attempt, d.outcome]),
      [
        [1, 'rejected'],
        [2, 'acknowledged'],
      ],
      'the retry due before the restart is made after it',
    );
    const { body } = await control.request<{ refunds: Rec[] }>('GET', '/pay/refunds');
    t.like(
      body.refunds.find((r) => r.outRefundNo === 'PENDING2-R1'),
      {
        status: 'SUCCESS',
        deliveries: [{ outcome: 'acknowledged' }],
      },
    );
  } finally {
    await emulator.close();
  }
});
