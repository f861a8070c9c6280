import test from 'ava';
import { parseLaunchArgs } from '../src/launch.js';
import { Latency, type LatencyService, serviceOfAction } from '../src/latency.js';
import { startWithFunctions } from './helpers/functions.js';
import { startWithSdk } from './helpers/sdk.js';

/**
 * `--latency`: each server API request a function makes is held for the service's round trip; requests from outside
 * functions are not. Timings are asserted only from below (a slow machine makes everything slower, never faster);
 * the counts come from the emulator's own tally in /__emulator/status.
 */
const TRIP = 40;

interface Status {
  latency: {
    ms: Record<LatencyService, number>;
    jitterMs: number;
    stats: Record<LatencyService, { trips: number; waitedMs: number }>;
  };
}
const status = async (url: string) => (await (await fetch(`${url}/__emulator/status`)).json()) as Status;

test('each of a function’s sequential database round trips takes the latency, and parallel ones overlap', async (t) => {
  const { emulator, callFunction } = await startWithFunctions({ latency: { ms: TRIP }, collections: [{ name: 'visits' }] });
  t.teardown(() => emulator.close());
  await callFunction('roundtrips', {}); // a cold start first, so the timings below are only the reads
  const before = (await status(emulator.url)).latency.stats.database.trips;

  const { body } = await callFunction('roundtrips', { sequential: 3, parallel: 3 });
  const { sequentialMs, parallelMs } = body.result as { sequentialMs: number; parallelMs: number };
  t.true(sequentialMs >= 3 * TRIP - 3, `3 sequential reads took ${sequentialMs} ms`);
  t.true(parallelMs >= TRIP - 1, `3 parallel reads took ${parallelMs} ms`);
  t.true(parallelMs < sequentialMs, 'parallel reads wait once, together');

  const after = await status(emulator.url);
  t.is(after.latency.stats.database.trips - before, 6, 'six database round trips delayed');
  const invocation = (await (await fetch(`${emulator.url}/__emulator/invocations/${body.requestID}`)).json()) as {
    databaseCalls: number;
    databaseChain: number;
  };
  t.like(invocation, { databaseCalls: 6, databaseChain: 4 }, 'three one after another, then three together');
  t.deepEqual(after.latency.ms, { database: TRIP, payment: TRIP, openapi: TRIP, storage: TRIP, functions: TRIP });
});

test('requests from outside functions (scripts, tests, the web UI) are not delayed', async (t) => {
  const { emulator, db } = await startWithSdk([{ name: 'visits' }], { latency: { ms: 2000 } });
  t.teardown(() => emulator.close());
  const started = Date.now();
  await db.collection('visits').add({ data: { n: 1 } });
  t.is((await db.collection('visits').count()).total, 1);
  t.true(Date.now() - started < 2000, 'answered without the 2 s latency');
  t.is((await status(emulator.url)).latency.stats.database.trips, 0);
});

test('a service’s own latency applies to its actions only: calling another function, not the database', async (t) => {
  const { emulator, callFunction } = await startWithFunctions({
    latency: { services: { functions: TRIP } },
    collections: [{ name: 'visits' }],
  });
  t.teardown(() => emulator.close());
  await callFunction('roundtrips', { sequential: 2 });
  const { body } = await callFunction('caller', { target: 'whoami', payload: {} });
  t.truthy(body.result?.callee, 'the callee answered');
  const { stats, ms } = (await status(emulator.url)).latency;
  t.is(ms.database, 0);
  t.is(stats.database.trips, 0);
  t.is(stats.functions.trips, 1);
  t.true(stats.functions.waitedMs >= TRIP);
});

test('jitter adds a uniform extra up to its bound to each trip; the default is no latency', (t) => {
  const draws = [0, 0.5, 0.999];
  const latency = new Latency({ ms: 8, jitterMs: 4 }, () => draws.shift() ?? 0);
  t.deepEqual(
    ['database.queryDocument', 'wx.wxPayApi', 'storage.getUploadMetadata'].map((a) => latency.tripFor(a)),
    [8, 10, 8 + 0.999 * 4],
  );
  t.is(latency.tripFor('not.a.service'), 0);
  t.is(latency.describe(), '8 ms + up to 4 ms jitter per round trip');
  t.false(new Latency().active);
  t.is(new Latency().tripFor('database.queryDocument'), 0);
  t.is(new Latency().describe(), 'off');
});

test('actions map to the services CloudBase runs them on', (t) => {
  t.is(serviceOfAction('database.modifyDocument'), 'database');
  t.is(serviceOfAction('database.commitTransaction'), 'database');
  t.is(serviceOfAction('wx.wxPayApi'), 'payment');
  t.is(serviceOfAction('wx.openApi'), 'openapi');
  t.is(serviceOfAction('storage.batchGetDownloadUrl'), 'storage');
  t.is(serviceOfAction('functions.invokeFunction'), 'functions');
  t.is(serviceOfAction('auth.getJwt'), undefined);
});

test('the command line: --latency, --latency-jitter and --latency-<service>; bad values are refused', (t) => {
  t.is(parseLaunchArgs([]).latency, undefined);
  t.deepEqual(parseLaunchArgs(['--latency', '8', '--latency-jitter', '2', '--latency-payment', '20']).latency, {
    ms: 8,
    jitterMs: 2,
    services: { payment: 20 },
  });
  for (const bad of [['--latency=-1'], ['--latency', 'fast'], ['--latency-jitter', '20000']])
    t.throws(() => parseLaunchArgs(bad), { message: /must be milliseconds between 0 and 10000/ }, bad.join(' '));
  t.throws(() => parseLaunchArgs(['--latency-cdn', '5']), undefined, 'an unknown service');
  t.throws(() => new Latency({ services: { cdn: 5 } as never }), { message: /unknown latency service cdn/ });
});

test('POST /__emulator/latency changes the figures of a running emulator; bad ones are refused and change nothing', async (t) => {
  const { emulator, callFunction } = await startWithFunctions({ collections: [{ name: 'visits' }] });
  t.teardown(() => emulator.close());
  const post = async (body: unknown) => {
    const res = await fetch(`${emulator.url}/__emulator/latency`, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Status['latency'] & { message?: string } };
  };
  t.is((await post({ ms: 30, services: { payment: 90 } })).status, 200);
  const refused = await post({ ms: -5 });
  t.is(refused.status, 400);
  t.regex(refused.body.message ?? '', /between 0 and 10000/);
  const now = (await (await fetch(`${emulator.url}/__emulator/latency`)).json()) as Status['latency'];
  t.like(now.ms, { database: 30, payment: 90 });

  await callFunction('roundtrips', {});
  const { body } = await callFunction('roundtrips', { sequential: 2 });
  t.true((body.result as { sequentialMs: number }).sequentialMs >= 2 * 30 - 2);
  t.is((await post({})).status, 200, 'an empty body turns it off');
  t.deepEqual(Object.values((await status(emulator.url)).latency.ms), [0, 0, 0, 0, 0]);
});
