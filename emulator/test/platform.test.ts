import test from 'ava';
import { payHandleOf } from '../src/pay/service.js';
import { startEmulator } from '../src/server.js';
import { allServices } from '../src/services.js';
import { FIXTURE_FUNCTIONS } from './helpers/functions.js';
import { pointSdkAt } from './helpers/sdk.js';
import type { Rec } from './helpers/sdk.js';

/**
 * The platform services end to end with real functions: payment notifications and refund callbacks delivered to
 * cloud functions that use the real SDK, timers fired through the control API, subscribe messages checked against
 * each function's permissions.
 */
const emulator = await startEmulator({
  port: 0,
  dataFile: ':memory:',
  collections: ['deliveries', 'payments', 'refunds', 'ticks', 'visits'].map((name) => ({ name })),
  services: allServices({
    functionsDir: FIXTURE_FUNCTIONS,
    pay: { retryScheduleMs: [50, 100, 200], refundDelayMs: 50 },
    timers: { autoStart: false },
  }),
});
pointSdkAt(emulator);
const { default: sdk } = await import('wx-server-sdk');
const cloud = sdk as Rec;
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const db = cloud.database();
const pay = payHandleOf(emulator.host)!;
test.after.always(() => emulator.close());

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Rec };
}

function order(outTradeNo: string, totalFee: number, attach = '') {
  return cloud.cloudPay.unifiedOrder({
    body: '测试商品',
    outTradeNo,
    spbillCreateIp: '127.0.0.1',
    subMchId: '1900000109',
    totalFee,
    envId: emulator.envId,
    functionName: 'paynotify',
    attach,
    subOpenid: 'o-payer',
  });
}

async function callFunction(name: string, data: Rec, openid = 'o-user') {
  const res = await fetch(`${emulator.url}/functions/${name}`, {
    method: 'POST',
    headers: { 'x-wx-openid': openid },
    body: JSON.stringify(data),
  });
  return (await res.json()) as Rec;
}

test('a payment notification is retried until the function acknowledges it', async (t) => {
  const res = await order('E2E_RETRY_1', 1280, 'fail:2');
  t.is(res.resultCode, 'SUCCESS');
  t.truthy(res.payment.package);
  t.is((await control('POST', '/__emulator/pay/orders/E2E_RETRY_1/pay')).status, 200);
  await pay.idle();
  const deliveries = (await db.collection('deliveries').doc('E2E_RETRY_1').get()).data;
  t.is(deliveries.n, 3, 'two refusals, then the acknowledgement');
  const payment = (await db.collection('payments').doc('E2E_RETRY_1').get()).data;
  t.is(payment.totalFee, 1280);
  t.is(payment.payer, 'o-payer');
  const listed = (await control('GET', '/__emulator/pay/orders')).body.orders.find((o: Rec) => o.outTradeNo === 'E2E_RETRY_1');
  t.deepEqual(
    listed.deliveries.map((d: Rec) => d.outcome),
    ['rejected', 'rejected', 'acknowledged'],
  );
});

test.serial('a duplicated and a late notification reach the function, which stays idempotent', async (t) => {
  pay.setFaults({ duplicateNotifications: 1 });
  await order('E2E_DUP_1', 500);
  await control('POST', '/__emulator/pay/orders/E2E_DUP_1/pay');
  await pay.idle();
  pay.setFaults({});
  t.is((await db.collection('deliveries').doc('E2E_DUP_1').get()).data.n, 2, 'delivered twice');
  await control('POST', '/__emulator/pay/notifications/E2E_DUP_1/redeliver');
  await pay.idle();
  t.is((await db.collection('deliveries').doc('E2E_DUP_1').get()).data.n, 3, 'and once more, late');
  t.is((await db.collection('payments').where({ _id: 'E2E_DUP_1' }).count()).total, 1, 'one payment recorded');
});

test('a refund calls its callback function with the refunded amount', async (t) => {
  await order('E2E_REFUND_1', 1000);
  await control('POST', '/__emulator/pay/orders/E2E_REFUND_1/pay');
  await pay.idle();
  const refund = await cloud.cloudPay.refund({
    outTradeNo: 'E2E_REFUND_1',
    outRefundNo: 'E2E_REFUND_1_R1',
    totalFee: 1000,
    refundFee: 300,
    subMchId: '1900000109',
    envId: emulator.envId,
    functionName: 'refundnotify',
  });
  t.is(refund.resultCode, 'SUCCESS');
  const tooMuch = await cloud.cloudPay.refund({
    outTradeNo: 'E2E_REFUND_1',
    outRefundNo: 'E2E_REFUND_1_R2',
    totalFee: 1000,
    refundFee: 800,
    subMchId: '1900000109',
    envId: emulator.envId,
    functionName: 'refundnotify',
  });
  t.is(tooMuch.resultCode, 'FAIL', 'refunds never exceed what was paid');
  await pay.idle();
  const recorded = (await db.collection('refunds').doc('E2E_REFUND_1_R1').get()).data;
  t.deepEqual(recorded, { _id: 'E2E_REFUND_1_R1', refundFee: 300, refundStatus: 'SUCCESS', outTradeNo: 'E2E_REFUND_1' });
});

test('a timer fired through the control API runs its function with the timer event', async (t) => {
  const listed = (await control('GET', '/__emulator/timers')).body.timers.find((x: Rec) => x.functionName === 'ticker');
  t.is(listed.cron, '0 0 * * * * *');
  t.truthy(listed.nextFireTime);
  const fired = await control('POST', '/__emulator/timers/ticker/run');
  t.is(fired.status, 200);
  const ticks = (await db.collection('ticks').get()).data;
  t.is(ticks.length, 1);
  t.is(ticks[0].trigger, 'hourly');
  t.is(ticks[0].type, 'Timer');
});

test("subscribe messages are checked against the function's permissions and kept in the outbox", async (t) => {
  t.deepEqual(await callFunction('notifier', { item: '蓝牙耳机' }, 'o-buyer').then((r) => r.result), { errCode: 0 });
  t.deepEqual(await callFunction('mute', {}, 'o-buyer').then((r) => r.result), { sent: false, errCode: -604101 });
  const messages = (await control('GET', '/__emulator/outbox')).body.messages as Rec[];
  const sent = messages.find((m) => m.functionName === 'notifier');
  t.is(sent?.outcome, 'sent');
  t.is(sent?.touser, 'o-buyer');
  t.deepEqual(sent?.data, { thing1: { value: '蓝牙耳机' }, amount2: { value: '¥12.00' } });
  t.is(messages.find((m) => m.functionName === 'mute')?.outcome, 'refused');
});
