import test from 'ava';
import type { EmulatorHost } from '../src/host.js';
import type { FunctionRuntime } from '../src/functions/types.js';
import { encodeCommApiData, decodeCommOpenApiResp } from '../src/openapi/protocol.js';
import { installOpenApi, outbox } from '../src/openapi/service.js';
import { type Rec, errorOf, startWithSdk } from './helpers/sdk.js';

/** Test-only stand-in for the function runtime: two functions, and instance ids that name them. */
function installFakeFunctions(host: EmulatorHost): void {
  const configs: Record<string, ReturnType<FunctionRuntime['config']>> = {
    notify: { permissions: { openapi: ['subscribeMessage.send'] } },
    noPerm: {},
  };
  host.functions = {
    names: () => Object.keys(configs),
    config: (name) => configs[name],
    invoke: async () => ({ ok: false, code: 'FUNCTION_NOT_FOUND', message: 'not in this test' }),
  };
  host.setCallerResolver((instanceId) => {
    const functionName = /^inst-(\w+)$/.exec(instanceId)?.[1];
    return functionName ? { functionName, instanceId } : undefined;
  });
}

const { emulator, cloud } = await startWithSdk([], { services: [installFakeFunctions, installOpenApi] });
test.after.always(() => emulator.close());

const message = (touser: string, extra: Rec = {}) => ({
  touser,
  templateId: 'TPL_order_shipped',
  page: 'pages/order/detail?id=42',
  data: { thing1: { value: '蓝色马克杯' }, number2: { value: '42' } },
  miniprogramState: 'developer',
  ...extra,
});

/** Runs `fn` with the SDK pointed at a function instance's own admin path, as the function runtime would. */
async function asInstance<T>(instanceId: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.TCB_CONTEXT_CNFG;
  process.env.TCB_CONTEXT_CNFG = JSON.stringify({ URL: `${emulator.url}/admin/fn/${instanceId}` });
  try {
    return await fn();
  } finally {
    process.env.TCB_CONTEXT_CNFG = saved;
  }
}

// Serial tests run before the concurrent ones, so switching TCB_CONTEXT_CNFG cannot leak into them.
test.serial('a function without permissions.openapi is refused with -604101, and the refusal is recorded', async (t) => {
  const err = await asInstance('inst-noPerm', () => errorOf(cloud.openapi.subscribeMessage.send(message('o_noperm'))));
  t.is(err.errCode, -604101);
  const entry = outbox(emulator.host).find((e) => e.touser === 'o_noperm');
  t.like(entry, { functionName: 'noPerm', outcome: 'refused', errcode: -604101, templateId: 'TPL_order_shipped' });
});

test.serial('a function whose config.json grants subscribeMessage.send may send', async (t) => {
  const res: Rec = await asInstance('inst-notify', () => cloud.openapi.subscribeMessage.send(message('o_granted')));
  t.is(res.errCode, 0);
  t.like(
    outbox(emulator.host).find((e) => e.touser === 'o_granted'),
    { functionName: 'notify', outcome: 'sent' },
  );
});

test('subscribeMessage.send succeeds and lands in the outbox with the decoded fields', async (t) => {
  const res: Rec = await cloud.openapi.subscribeMessage.send(message('o_user_1', { lang: 'en_US' }));
  t.is(res.errCode, 0);
  t.is(res.errMsg, 'openapi.subscribeMessage.send:ok');
  t.is(typeof res.msgid, 'number');

  const entry = outbox(emulator.host).find((e) => e.touser === 'o_user_1');
  t.like(entry, {
    api: 'subscribeMessage.send',
    outcome: 'sent',
    errcode: 0,
    msgid: res.msgid,
    templateId: 'TPL_order_shipped',
    page: 'pages/order/detail?id=42',
    miniprogramState: 'developer',
    lang: 'en_US',
  });
  t.deepEqual(entry!.data, { thing1: { value: '蓝色马克杯' }, number2: { value: '42' } });
  t.is(entry!.functionName, undefined);

  const listed = (await (await fetch(`${emulator.url}/__emulator/outbox`)).json()) as { messages: Rec[] };
  t.true(listed.messages.some((m) => m.msgid === res.msgid));
});

test('invalid bodies are refused with errCode 47003 and recorded as refused', async (t) => {
  const cases: Rec[] = [
    message(''),
    message('o_bad_1', { templateId: undefined }),
    message('o_bad_2', { data: { thing1: 'not an object' } }),
    message('o_bad_3', { data: { thing1: { value: 12 } } }),
    message('o_bad_4', { miniprogramState: 'production' }),
    message('o_bad_5', { lang: 'fr_FR' }),
    message('o_bad_6', { data: { thing1: { value: 'x'.repeat(21) } } }),
  ];
  for (const body of cases) {
    const err = await errorOf(cloud.openapi.subscribeMessage.send(body));
    t.is(err.errCode, 47003, JSON.stringify(body));
    t.regex(String(err.errMsg), /^openapi\.subscribeMessage\.send:fail argument invalid!/);
  }
  t.like(
    outbox(emulator.host).find((e) => e.touser === 'o_bad_4'),
    { outcome: 'refused', errcode: 47003 },
  );
});

test('an API the emulator does not model fails clearly with -604100', async (t) => {
  const err = await errorOf(cloud.openapi.wxacode.getUnlimited({ scene: 'a=1' }));
  t.is(err.errCode, -604100);
  t.regex(String(err.errMsg), /wxacode\.getUnlimited is not supported by the local CloudBase emulator/);
});

test('the wire answer is a CommOpenApiResp in application/octet-stream', async (t) => {
  const form = new FormData();
  form.append('action', 'wx.openApi');
  form.append('apiName', 'subscribeMessage.send');
  const pairs = Object.entries({ touser: 'o_raw', template_id: 'T', data: { thing1: { value: 'hi' } } }).map(([key, v]) => ({
    key,
    value: Buffer.from(JSON.stringify(v)),
  }));
  form.append(
    'requestData',
    new Blob([new Uint8Array(encodeCommApiData({ apiType: 0, pairs }))], { type: 'application/octet-stream' }),
  );
  const res = await fetch(`${emulator.url}/admin/fn/inst-noPerm`, { method: 'POST', body: form });
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/octet-stream');
  t.like(decodeCommOpenApiResp(Buffer.from(await res.arrayBuffer())), { errorCode: -604101 });

  const ok = await fetch(`${emulator.url}/admin`, { method: 'POST', body: form });
  const resp = decodeCommOpenApiResp(Buffer.from(await ok.arrayBuffer()));
  t.is(resp.contentType, 'application/json');
  t.like(JSON.parse(resp.respData!.toString('utf8')), { errcode: 0, errmsg: 'ok' });
});

test('DELETE /__emulator/outbox empties it', async (t) => {
  // Its own emulator, so clearing does not race the other tests' assertions.
  const { startEmulator } = await import('../src/server.js');
  const other = await startEmulator({ port: 0, dataFile: ':memory:', services: [installOpenApi] });
  t.teardown(() => other.close());
  const form = new FormData();
  form.append('action', 'wx.openApi');
  form.append('apiName', 'subscribeMessage.send');
  form.append(
    'requestData',
    new Blob([new Uint8Array(encodeCommApiData({ apiType: 0, pairs: [{ key: 'touser', value: Buffer.from('"x"') }] }))]),
  );
  await fetch(`${other.url}/admin`, { method: 'POST', body: form });
  t.is(outbox(other.host).length, 1);
  const res = (await (await fetch(`${other.url}/__emulator/outbox`, { method: 'DELETE' })).json()) as Rec;
  t.is(res.cleared, 1);
  t.deepEqual(outbox(other.host), []);
});

test('the outbox survives a restart on the same data file; cleared is cleared for good', async (t) => {
  const { startEmulator } = await import('../src/server.js');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-outbox-'));
  const file = path.join(dir, 'db.sqlite');
  const send = async (url: string, touser: string) => {
    const form = new FormData();
    form.append('action', 'wx.openApi');
    form.append('apiName', 'subscribeMessage.send');
    const pairs = Object.entries({ touser, template_id: 'T_RESTART', data: { thing1: { value: '重启' } } }).map(([key, v]) => ({
      key,
      value: Buffer.from(JSON.stringify(v)),
    }));
    form.append('requestData', new Blob([new Uint8Array(encodeCommApiData({ apiType: 0, pairs }))]));
    await fetch(`${url}/admin`, { method: 'POST', body: form });
  };
  try {
    let other = await startEmulator({ port: 0, dataFile: file, services: [installOpenApi] });
    try {
      await send(other.url, 'o_before_clear');
      await fetch(`${other.url}/__emulator/outbox`, { method: 'DELETE' });
      await send(other.url, 'o_kept');
    } finally {
      await other.close();
    }
    other = await startEmulator({ port: 0, dataFile: file, services: [installOpenApi] });
    try {
      const listed = (await (await fetch(`${other.url}/__emulator/outbox`)).json()) as { messages: Rec[] };
      t.like(listed.messages, [
        { id: 2, touser: 'o_kept', outcome: 'sent', templateId: 'T_RESTART', data: { thing1: { value: '重启' } } },
      ]);
      t.is(listed.messages.length, 1);
      await send(other.url, 'o_after');
      t.deepEqual(
        outbox(other.host).map((e) => [e.id, e.touser]),
        [
          [2, 'o_kept'],
          [3, 'o_after'],
        ],
        'ids go on from where they were',
      );
      t.true(outbox(other.host)[1]!.msgid! > outbox(other.host)[0]!.msgid!, 'so do msgids');
    } finally {
      await other.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
