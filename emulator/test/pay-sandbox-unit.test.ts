import test from 'ava';
import { PaySandbox, SandboxError, beijingTime } from '../src/pay/sandbox.js';

/** `time_expire` on the WeChat Pay sandbox, with a clock the test moves. */
function sandboxAt(start: number) {
  let now = start;
  const sandbox = new PaySandbox({ envId: 'local-env', clock: () => now });
  const order = (outTradeNo: string, timeExpire?: number | string) =>
    sandbox.call('unifiedOrder', {
      out_trade_no: outTradeNo,
      body: '测试商品',
      total_fee: 100,
      spbill_create_ip: '127.0.0.1',
      sub_mch_id: '1900000109',
      env_id: 'local-env',
      function_name: 'pay',
      sub_openid: 'o-payer',
      ...(timeExpire === undefined
        ? {}
        : { time_expire: typeof timeExpire === 'number' ? beijingTime(timeExpire, 'compact') : timeExpire }),
    });
  return { sandbox, order, advance: (ms: number) => (now += ms) };
}

const START = Date.UTC(2026, 11, 4, 8, 0, 0);

test('time_expire: kept on the trade; after it the shopper can no longer pay', (t) => {
  const { sandbox, order, advance } = sandboxAt(START);
  t.like(order('T1', START + 30 * 60_000), { result_code: 'SUCCESS' });
  t.is(sandbox.orders.get('T1')!.timeExpire, '20261204163000', 'Beijing time, yyyyMMddHHmmss');
  advance(30 * 60_000 + 1000);
  const error = t.throws(() => sandbox.pay('T1', 'o-payer'), { instanceOf: SandboxError });
  t.is(error?.code, 'ORDER_EXPIRED');
  t.is(sandbox.orders.get('T1')!.state, 'NOTPAY', 'the trade itself stays unpaid until it is closed');
});

test('time_expire: paid in time is paid', (t) => {
  const { sandbox, order, advance } = sandboxAt(START);
  order('T2', START + 30 * 60_000);
  advance(29 * 60_000);
  t.is(sandbox.pay('T2', 'o-payer').state, 'SUCCESS');
});

test('time_expire: too close, changed on a repeated unified order, or malformed is refused', (t) => {
  const { order } = sandboxAt(START);
  t.like(order('T3', START + 2 * 60_000), { result_code: 'FAIL', err_code: 'INVALID_REQUEST' });
  t.like(order('T4', START + 10 * 60_000), { result_code: 'SUCCESS' });
  t.like(order('T4', START + 10 * 60_000), { result_code: 'SUCCESS' }, 'the same end time: the same prepay');
  t.like(order('T4', START + 20 * 60_000), {
    result_code: 'FAIL',
    err_code: 'INVALID_REQUEST',
    err_code_des: '订单失效时间不可修改',
  });
  t.like(order('T5', '20261399000000'), { return_code: 'FAIL' });
  t.like(order('T6', '2026-12-04 16:30'), { return_code: 'FAIL' });
});
