import test from 'ava';
import fs from 'node:fs';
import { startWithFunctions } from './helpers/functions.js';

/** The function runtime and gateways, with the real wx-server-sdk inside each function. */
const { emulator, runtime, callFunction } = await startWithFunctions({
  collections: [{ name: 'visits' }],
  httpRoutes: [{ path: '/api/echo', function: 'http' }],
});
test.after.always(() => emulator.close());

test('the gateway builds event and identity as wx.cloud.callFunction does', async (t) => {
  const res = await callFunction('whoami', { $url: 'profile', n: 1 }, 'o-alice');
  t.is(res.status, 200);
  t.is(res.body.errMsg, 'cloud.callFunction:ok');
  t.is(typeof res.body.requestID, 'string');
  const { context, event } = res.body.result;
  t.is(context.OPENID, 'o-alice');
  t.is(context.APPID, 'wx-local-appid');
  t.is(context.ENV, emulator.envId);
  t.is(context.SOURCE, 'wx_client');
  t.deepEqual(event, { $url: 'profile', n: 1, userInfo: { appId: 'wx-local-appid', openId: 'o-alice' } });
});

test.serial('an instance forgets the previous caller: a unionid sent once is gone on the next invocation', async (t) => {
  const call = async (headers: Record<string, string>) => {
    const res = await fetch(`${emulator.url}/functions/whoami`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{}',
    });
    return (await res.json()) as {
      result: { context: Record<string, unknown>; unionidVariable: string | null };
      requestID: string;
    };
  };
  const first = await call({ 'x-wx-openid': 'o-union', 'x-wx-unionid': 'u-union' });
  t.is(first.result.context.UNIONID, 'u-union');
  const second = await call({ 'x-wx-openid': 'o-plain' });
  t.is(
    runtime.invocation(second.requestID)!.instanceId,
    runtime.invocation(first.requestID)!.instanceId,
    'the warm instance was reused',
  );
  t.is(second.result.context.OPENID, 'o-plain');
  t.falsy(second.result.context.UNIONID);
  t.is(second.result.unionidVariable, null);
});

test('100 concurrent invocations with distinct openids each see only their own OPENID', async (t) => {
  const results = await Promise.all(Array.from({ length: 100 }, (_v, i) => callFunction('whoami', { i }, `o-user-${i}`)));
  for (const [i, res] of results.entries()) {
    t.is(res.body.result.context.OPENID, `o-user-${i}`);
    t.is(res.body.result.event.i, i);
  }
});

test('a missing openid, an unknown function and a bad body are refused', async (t) => {
  const noUser = await fetch(`${emulator.url}/functions/whoami`, {
    method: 'POST',
    body: '{}',
    headers: { 'content-type': 'application/json' },
  });
  t.is(noUser.status, 401);
  const unknown = await callFunction('nope', {});
  t.is(unknown.status, 404);
  t.is(unknown.body.errCode, -501000);
  const bad = await fetch(`${emulator.url}/functions/whoami`, { method: 'POST', body: '[1]', headers: { 'x-wx-openid': 'o' } });
  t.is(bad.status, 400);
  // Over the platform's 6 MB: the caller gets the gateway's answer (not a reset connection), and the gateway serves on.
  const huge = await fetch(`${emulator.url}/functions/whoami`, {
    method: 'POST',
    body: JSON.stringify({ blob: 'x'.repeat(7 * 1024 * 1024) }),
    headers: { 'x-wx-openid': 'o' },
  });
  t.is(huge.status, 400);
  t.regex(((await huge.json()) as { errMsg: string }).errMsg, /at most 6 MB/);
  t.is((await callFunction('whoami', {})).status, 200);
});

test.serial('no more instances run than the cap; the rest wait their turn at the gateway', async (t) => {
  const calls = await Promise.all(Array.from({ length: 20 }, () => callFunction('slow', { ms: 150 })));
  t.true(calls.every((c) => c.status === 200 && c.body.result?.slept === 150));
  const instances = new Set(calls.map((c) => runtime.invocation(c.body.requestID)!.instanceId));
  t.true(instances.size > 1 && instances.size <= 8, `${instances.size} instances`);
  const listed = (await (await fetch(`${emulator.url}/__emulator/functions`)).json()) as {
    maxInstances: number;
    functions: Array<{ name: string; instances: number }>;
  };
  t.is(listed.maxInstances, 8);
  t.true(listed.functions.find((f) => f.name === 'slow')!.instances <= 8);
});

test('warm instances are reused; the first invocation is a cold start', async (t) => {
  const first = await callFunction('whoami', {}, 'o-warm');
  const second = await callFunction('whoami', {}, 'o-warm');
  const a = runtime.invocation(first.body.requestID)!;
  const b = runtime.invocation(second.body.requestID)!;
  t.true(b.coldStart === false, 'the second sequential call reuses a warm instance');
  t.truthy(a.instanceId);
  t.true(runtime.stats.coldStarts >= 1);
});

test('the timeout from config.json is enforced and the instance replaced', async (t) => {
  const res = await callFunction('slow', { ms: 3000 });
  t.is(res.status, 504);
  t.is(res.body.errCode, -504003);
  t.regex(res.body.errMsg, /timed out after 1 seconds/);
  const ok = await callFunction('slow', { ms: 10 });
  t.deepEqual(ok.body.result, { slept: 10 });
});

for (const mode of ['throw', 'unhandled', 'timer']) {
  test(`a crash (${mode}) fails only its invocation`, async (t) => {
    const [crashed, healthy] = await Promise.all([callFunction('crash', { mode }), callFunction('whoami', { still: 'fine' })]);
    t.is(crashed.status, 500);
    t.is(crashed.body.errCode, -504002);
    t.is(healthy.body.result.event.still, 'fine');
    const after = await callFunction('crash', { mode: 'none' });
    t.deepEqual(after.body.result, { survived: true });
  });
}

test('the thrown message reaches the caller and the invocation log', async (t) => {
  const res = await callFunction('crash', { mode: 'throw' });
  t.regex(res.body.errMsg, /库存不足/);
  const invocation = runtime.invocation(res.body.requestID)!;
  t.is(invocation.outcome, 'error');
  t.true(invocation.logs.some((l) => l.text.includes('库存不足')));
});

test('console output, route and database round trips are kept per invocation', async (t) => {
  const res = await callFunction('whoami', { $url: 'visit', touchDatabase: true }, 'o-logger');
  const invocation = runtime.invocation(res.body.requestID)!;
  t.is(invocation.route, 'visit');
  t.is(invocation.openid, 'o-logger');
  t.is(invocation.databaseCalls, 2);
  t.true(invocation.logs.some((l) => l.text === 'whoami called by o-logger'));
  const listed = (await (await fetch(`${emulator.url}/__emulator/invocations?function=whoami`)).json()) as {
    invocations: Array<{ id: string; databaseCalls: number }>;
  };
  t.is(listed.invocations.find((i) => i.id === invocation.id)?.databaseCalls, 2);
});

test("cloud.callFunction between functions passes data and the caller's identity", async (t) => {
  const res = await callFunction('caller', { target: 'whoami', payload: { a: 1 } }, 'o-chain');
  t.is(res.body.result.errMsg, 'callFunction:ok');
  t.deepEqual(res.body.result.callee.event, { a: 1 });
  t.is(res.body.result.callee.context.OPENID, 'o-chain');
  const failing = await callFunction('caller', { target: 'crash', payload: { mode: 'throw' } });
  t.is(failing.status, 500);
  t.regex(failing.body.errMsg, /callFunction:fail/);
  t.regex(failing.body.errMsg, /库存不足/, "the callee's error reaches the caller");
});

test('the HTTP access service maps a path to a function with the integration event and response', async (t) => {
  const res = await fetch(`${emulator.url}/api/echo/orders?status=paid`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"x":1}',
  });
  t.is(res.status, 201);
  t.is(res.headers.get('x-echo'), 'POST');
  t.deepEqual(await res.json(), { path: '/api/echo/orders', method: 'POST', query: { status: 'paid' }, body: '{"x":1}' });
  const plain = await fetch(`${emulator.url}/api/echo?plain=1`);
  t.is(plain.status, 200);
  t.deepEqual(await plain.json(), { plain: true, path: '/api/echo' });
});

test('function instances reach the server API over its local socket, which goes away on close', async (t) => {
  const socket = emulator.host.localSocket();
  if (!socket) return t.fail('no local socket');
  if (process.platform !== 'win32') t.true(fs.existsSync(socket));
  const res = await callFunction('whoami', { $url: 'visit', touchDatabase: true }, 'o-local');
  t.is(res.body.result.context.OPENID, 'o-local');
  // The instance's SDK keeps its connection alive: it is one of the local socket's, not a loopback TCP one.
  const status = (await (await fetch(`${emulator.url}/__emulator/status`)).json()) as {
    localSocket: string;
    connections: { local: number };
  };
  t.is(status.localSocket, socket);
  t.true(status.connections.local >= 1);

  const other = await startWithFunctions({ collections: [{ name: 'visits' }] });
  const otherSocket = other.emulator.host.localSocket()!;
  t.not(otherSocket, socket);
  await other.emulator.close();
  if (process.platform !== 'win32') t.false(fs.existsSync(otherSocket));
});
