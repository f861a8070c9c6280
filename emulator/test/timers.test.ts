import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EmulatorHost } from '../src/host.js';
import type { FunctionConfig, FunctionRuntime, InvocationOutcome, InvokeOptions } from '../src/functions/types.js';
import { type Emulator, startEmulator } from '../src/server.js';
import { CronError, nextFireTime, parseCron } from '../src/timers/cron.js';
import { type TimerInfo, type TimerOptions, type TimerService, createTimers, installTimers } from '../src/timers/service.js';
import { until } from './helpers/wait.js';

// ---------------------------------------------------------------------------------------------------------------
// cron.ts. Times are UTC; the cron is read in UTC+8. 2024-05-31T10:00:00Z is Friday 31 May, 18:00 in Shanghai.
// ---------------------------------------------------------------------------------------------------------------
const FRI_18H = '2024-05-31T10:00:00Z';

const cases: Array<[what: string, cron: string, after: string, expected: string | null]> = [
  ['daily 02:00 UTC+8 is 18:00 UTC the day before', '0 0 2 * * * *', FRI_18H, '2024-05-31T18:00:00Z'],
  ['strictly after: a firing at `after` itself is skipped', '0 0 2 * * * *', '2024-05-31T18:00:00Z', '2024-06-01T18:00:00Z'],
  ['every second', '* * * * * * *', FRI_18H, '2024-05-31T10:00:01Z'],
  ['every second, from mid-second', '* * * * * * *', '2024-05-31T10:00:00.500Z', '2024-05-31T10:00:01Z'],
  ['second step', '*/15 * * * * * *', '2024-05-31T10:00:20Z', '2024-05-31T10:00:30Z'],
  ['minute step', '0 */30 * * * * *', '2024-05-31T10:05:00Z', '2024-05-31T10:30:00Z'],
  ['second range', '10-12 0 * * * * *', '2024-05-31T10:00:11Z', '2024-05-31T10:00:12Z'],
  ['second range, past its end', '10-12 0 * * * * *', '2024-05-31T10:00:12Z', '2024-05-31T11:00:10Z'],
  ['hour list', '0 0 8,20 * * * *', FRI_18H, '2024-05-31T12:00:00Z'],
  ['hour range with step, rolls to the next UTC+8 day', '0 0 9-17/4 * * * *', FRI_18H, '2024-06-01T01:00:00Z'],
  ['hour range with step, second value', '0 0 9-17/4 * * * *', '2024-06-01T01:00:00Z', '2024-06-01T05:00:00Z'],
  ['day of month: 1 June 00:00 UTC+8 is 31 May 16:00 UTC', '0 0 0 1 * * *', FRI_18H, '2024-05-31T16:00:00Z'],
  ['month number', '0 0 0 1 1 * *', FRI_18H, '2024-12-31T16:00:00Z'],
  ['month name', '0 0 0 1 JAN * *', FRI_18H, '2024-12-31T16:00:00Z'],
  ['month range and list', '0 0 0 1 3-4,9 * *', FRI_18H, '2024-08-31T16:00:00Z'],
  ['weekday number (1 is Monday)', '0 0 9 * * 1 *', FRI_18H, '2024-06-03T01:00:00Z'],
  ['weekday name', '0 0 9 * * MON *', FRI_18H, '2024-06-03T01:00:00Z'],
  ['weekday 7 is Sunday', '0 0 9 * * 7 *', FRI_18H, '2024-06-02T01:00:00Z'],
  ['weekday 0 is Sunday too', '0 0 9 * * 0 *', FRI_18H, '2024-06-02T01:00:00Z'],
  ['weekday range skips the weekend', '0 0 9 * * 1-5 *', FRI_18H, '2024-06-03T01:00:00Z'],
  ['weekday in UTC+8: Saturday 00:00 there is Friday 16:00 UTC', '0 0 0 * * SAT *', FRI_18H, '2024-05-31T16:00:00Z'],
  ['day and weekday both set: either matches', '0 0 0 15 * MON *', FRI_18H, '2024-06-02T16:00:00Z'],
  ['07:30 UTC+8 is 23:30 UTC the day before', '0 30 7 * * * *', '2024-05-31T23:00:00Z', '2024-05-31T23:30:00Z'],
  ['leap day', '0 0 0 29 2 * *', FRI_18H, '2028-02-28T16:00:00Z'],
  ['single year, firing at its very first instant', '0 0 0 1 1 * 2030', FRI_18H, '2029-12-31T16:00:00Z'],
  ['every second, but only from 2030', '* * * * * * 2030', FRI_18H, '2029-12-31T16:00:00Z'],
  ['year range', '0 0 12 * * * 2027-2028', FRI_18H, '2027-01-01T04:00:00Z'],
  ['year list skips past years', '0 0 12 * * * 2023,2025', FRI_18H, '2025-01-01T04:00:00Z'],
  ['year step', '0 0 0 1 1 * 2025/2', '2024-12-31T16:00:00Z', '2026-12-31T16:00:00Z'],
  ['current year still allowed', '0 0 12 * * * 2024', FRI_18H, '2024-06-01T04:00:00Z'],
  ['year boundary is UTC+8: 1 Jan 2025 there is still 2024 in UTC', '0 0 0 1 * * 2024', '2024-12-31T15:00:00Z', null],
  ['same, with 2025 allowed', '0 0 0 1 * * 2025', '2024-12-31T15:00:00Z', '2024-12-31T16:00:00Z'],
  ['only past years', '0 0 12 * * * 2023', FRI_18H, null],
  ['leap day never in the allowed years', '0 0 0 29 2 * 2025-2027', FRI_18H, null],
  ['leap day in a later allowed year', '0 0 0 29 2 * 2025-2032', FRI_18H, '2028-02-28T16:00:00Z'],
];

for (const [what, cron, after, expected] of cases) {
  test(`nextFireTime: ${what} (${cron})`, (t) => {
    const next = nextFireTime(cron, new Date(after));
    t.is(next?.toISOString() ?? null, expected === null ? null : new Date(expected).toISOString());
  });
}

const bad: Array<[cron: string, reason: RegExp]> = [
  ['', /expected 7 fields/],
  ['0 0 2 * * *', /expected 7 fields.*got 6/],
  ['0 0 2 * * * * *', /got 8/],
  ['60 * * * * * *', /range 0-59/],
  ['* 60 * * * * *', /range 0-59/],
  ['* * 24 * * * *', /range 0-23/],
  ['0 0 0 0 * * *', /range 1-31/],
  ['0 0 0 32 * * *', /range 1-31/],
  ['0 0 0 * 13 * *', /range 1-12/],
  ['0 0 0 * * 8 *', /range 0-7/],
  ['0 0 0 ? * * *', /unsupported characters in the day field/],
  ['0 0 0 L * * *', /unsupported characters in the day field/],
  ['0 0 0 * * 1#2 *', /unsupported characters in the weekday field/],
  ['H * * * * * *', /unsupported characters in the second field/],
  ['0 0 0 * FOO * *', /unsupported characters in the month field/],
  ['0 0 5-2 * * * *', /Invalid range/],
  ['*/0 * * * * * *', /every 0/],
  ['0 0 1,, * * * *', /list/],
  ['0 0 0 30 2 * *', /day of month/],
  ['0 0 0 * * * 1969', /outside 1970-2099/],
  ['0 0 0 * * * 2100', /outside 1970-2099/],
  ['0 0 0 * * * 2026-2024', /backwards/],
  ['0 0 0 * * * 24', /bad year/],
  ['0 0 0 * * * 2025-', /bad year/],
  ['0 0 0 * * * x', /unsupported characters in the year field/],
  ['0 0 0 * * * 2025/0', /at least 1/],
];

for (const [cron, reason] of bad) {
  test(`parseCron refuses "${cron}"`, (t) => {
    const err = t.throws(() => parseCron(cron), { instanceOf: CronError });
    t.regex(err.message, reason);
    t.true(err.message.includes(`"${cron}"`), 'the message quotes the expression');
    t.throws(() => nextFireTime(cron, new Date()), { instanceOf: CronError });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// service.ts, with a stand-in for the function runtime (the emulator's internal interface, not the SDK).
// ---------------------------------------------------------------------------------------------------------------
interface Call {
  name: string;
  event: Record<string, unknown>;
  options: InvokeOptions;
}

function recordingRuntime(configs: Record<string, FunctionConfig>) {
  const calls: Call[] = [];
  const runtime: FunctionRuntime = {
    names: () => Object.keys(configs),
    config: (name) => configs[name],
    invoke: async (name, event, options): Promise<InvocationOutcome> => {
      calls.push({ name, event, options });
      const invocationId = `inv-${calls.length}`;
      if (!(name in configs)) return { ok: false, code: 'FUNCTION_NOT_FOUND', message: `no function ${name}` };
      if (name === 'failing') return { ok: false, code: 'FUNCTIONS_EXECUTE_FAIL', message: 'boom', invocationId };
      return { ok: true, result: { handled: event.TriggerName }, invocationId };
    },
  };
  return { calls, runtime, install: (host: EmulatorHost) => void (host.functions = runtime) };
}

const timer = (name: string, config: string): FunctionConfig => ({ triggers: [{ name, type: 'timer', config }] });

const CONFIGS: Record<string, FunctionConfig> = {
  nightly: timer('nightly-2am', '0 0 2 * * * *'),
  halfHourly: timer('every-30-min', '0 */30 * * * * *'),
  failing: timer('fails', '0 0 3 * * * *'),
  broken: timer('bad', '0 0 25 * * * *'),
  twoTimers: { triggers: [timer('a', '0 0 1 * * * *').triggers![0]!, timer('b', '0 0 2 * * * *').triggers![0]!] },
  plain: {},
};

async function start(configs: Record<string, FunctionConfig>, options: TimerOptions, runtimeFirst = true) {
  const recording = recordingRuntime(configs);
  const timers = (host: EmulatorHost) => installTimers(host, options);
  const services = runtimeFirst ? [recording.install, timers] : [timers, recording.install];
  const emulator = await startEmulator({ port: 0, dataFile: ':memory:', services });
  return { emulator, calls: recording.calls };
}

async function call(emulator: Emulator, method: string, path: string) {
  const res = await fetch(emulator.url + path, { method });
  return { status: res.status, body: await res.json() };
}

const listTimers = async (emulator: Emulator) =>
  (await call(emulator, 'GET', '/__emulator/timers')).body as { paused: boolean; timers: TimerInfo[] };
/** Waits for the stand-in runtime to have recorded more than `count` calls: an every-second timer's next firing. */
const firedBeyond = (calls: Call[], count: number) =>
  until(
    async () => calls.length,
    (n) => n > count,
    10_000,
  );

const FIXED_NOW = Date.parse(FRI_18H);
// Refused triggers are logged; keep those lines out of the test output, but check them.
const warnings: string[] = [];
console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));

test('control API lists each timer with its next fire time, and refused triggers with the reason', async (t) => {
  const { emulator, calls } = await start(CONFIGS, { autoStart: false, now: () => FIXED_NOW });
  t.teardown(() => emulator.close());
  const { paused, timers } = await listTimers(emulator);
  t.true(paused);
  const byName = Object.fromEntries(timers.map((x) => [x.functionName, x]));
  t.deepEqual(Object.keys(byName).sort(), ['broken', 'failing', 'halfHourly', 'nightly', 'twoTimers']);
  t.deepEqual(byName.nightly, {
    functionName: 'nightly',
    triggerName: 'nightly-2am',
    cron: '0 0 2 * * * *',
    nextFireTime: '2024-05-31T18:00:00.000Z',
    armed: false,
    firings: [],
  });
  t.is(byName.halfHourly!.nextFireTime, '2024-05-31T10:30:00.000Z');
  t.is(byName.failing!.nextFireTime, '2024-05-31T19:00:00.000Z');
  t.is(byName.broken!.nextFireTime, null);
  t.regex(byName.broken!.error!, /invalid cron expression "0 0 25 \* \* \* \*".*0-23/);
  t.regex(byName.twoTimers!.error!, /only one timer trigger per function/);
  t.true(
    warnings.some((w) => w.includes('broken') && w.includes('0 0 25 * * * *')),
    'the refusal is logged',
  );
  t.is(calls.length, 0);
});

test('run fires now with the timer event, answers with the outcome and records the firing', async (t) => {
  const { emulator, calls } = await start(CONFIGS, { autoStart: false, now: () => FIXED_NOW });
  t.teardown(() => emulator.close());
  const ran = await call(emulator, 'POST', '/__emulator/timers/nightly/run');
  t.is(ran.status, 200);
  t.deepEqual(calls, [
    {
      name: 'nightly',
      event: { Type: 'Timer', TriggerName: 'nightly-2am', Time: '2024-05-31T10:00:00Z', Message: '' },
      options: { source: 'timer' },
    },
  ]);
  const firing = {
    functionName: 'nightly',
    triggerName: 'nightly-2am',
    scheduledTime: '2024-05-31T10:00:00.000Z',
    firedTime: '2024-05-31T10:00:00.000Z',
    manual: true,
    outcome: { ok: true, result: { handled: 'nightly-2am' }, invocationId: 'inv-1' },
    invocationId: 'inv-1',
  };
  t.deepEqual(ran.body, firing);

  const failed = await call(emulator, 'POST', '/__emulator/timers/failing/run');
  t.is(failed.status, 200, 'the function failing is an outcome, not a control-API error');
  t.deepEqual(failed.body.outcome, { ok: false, code: 'FUNCTIONS_EXECUTE_FAIL', message: 'boom', invocationId: 'inv-2' });

  const { timers } = await listTimers(emulator);
  t.deepEqual(timers.find((x) => x.functionName === 'nightly')!.firings, [firing]);
  t.is(timers.find((x) => x.functionName === 'failing')!.firings[0]!.invocationId, 'inv-2');

  t.is((await call(emulator, 'POST', '/__emulator/timers/plain/run')).status, 404);
  t.is((await call(emulator, 'POST', '/__emulator/timers/nope/run')).status, 404);
  const refused = await call(emulator, 'POST', '/__emulator/timers/broken/run');
  t.is(refused.status, 400);
  t.is(refused.body.code, 'INVALID_TIMER');
  t.is(calls.length, 2);
});

test('the runtime is looked up lazily, so installing it after the timers still lists them', async (t) => {
  const { emulator } = await start({ nightly: CONFIGS.nightly! }, { autoStart: false, now: () => FIXED_NOW }, false);
  t.teardown(() => emulator.close());
  const { timers } = await listTimers(emulator);
  t.is(timers[0]?.nextFireTime, '2024-05-31T18:00:00.000Z');
});

test('an every-second timer fires on its own; pause stops it and resume restarts it', async (t) => {
  const { emulator, calls } = await start({ ticker: timer('tick', '* * * * * * *') }, { autoStart: true });
  t.teardown(() => emulator.close());
  await firedBeyond(calls, 0);
  const first = calls[0]!;
  t.is(first.name, 'ticker');
  t.deepEqual(first.options, { source: 'timer' });
  t.like(first.event, { Type: 'Timer', TriggerName: 'tick', Message: '' });
  t.regex(String(first.event.Time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const { timers } = await listTimers(emulator);
  const fired = timers[0]!.firings.at(-1)!;
  t.false(fired.manual);
  t.true(fired.outcome.ok);
  t.is(fired.scheduledTime, new Date(String(first.event.Time)).toISOString());
  t.true(Date.parse(timers[0]!.nextFireTime!) > Date.parse(fired.scheduledTime));
  t.true(timers[0]!.armed);

  // A firing invokes the function synchronously when its timeout runs, so with no timeout armed nothing can fire.
  t.deepEqual((await call(emulator, 'POST', '/__emulator/timers/pause')).body, { paused: true });
  const atPause = calls.length;
  const paused = await listTimers(emulator);
  t.true(paused.paused);
  t.false(paused.timers[0]!.armed, 'nothing fires while paused');
  t.is(calls.length, atPause);

  t.deepEqual((await call(emulator, 'POST', '/__emulator/timers/resume')).body, { paused: false });
  t.true((await listTimers(emulator)).timers[0]!.armed);
  await until(
    () => listTimers(emulator),
    (listed) => listed.timers[0]!.firings.length > atPause,
    10_000,
  );
  t.true(calls.length > atPause, 'fires again after resume');
});

test('closing the emulator cancels the timers', async (t) => {
  const recording = recordingRuntime({ ticker: timer('tick', '* * * * * * *') });
  let timers: TimerService | undefined;
  // The timers' defaults (autoStart: true) as a plain service.
  const emulator = await startEmulator({
    port: 0,
    dataFile: ':memory:',
    services: [recording.install, (host) => void (timers = createTimers(host))],
  });
  await firedBeyond(recording.calls, 0);
  t.true(timers!.list()[0]!.armed);
  await emulator.close();
  t.false(timers!.list()[0]!.armed, 'nothing is left to fire');
});

test('the firing history survives a restart on the same data file, the latest 20 per timer', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-timers-'));
  const file = path.join(dir, 'db.sqlite');
  const configs = { nightly: timer('nightly-2am', '0 0 2 * * * *'), failing: timer('fails', '0 0 3 * * * *') };
  const startOnFile = () =>
    startEmulator({
      port: 0,
      dataFile: file,
      services: [recordingRuntime(configs).install, (host: EmulatorHost) => installTimers(host, { autoStart: false })],
    });
  try {
    let emulator = await startOnFile();
    const fired: string[] = [];
    try {
      for (let i = 0; i < 22; i++)
        fired.push((await call(emulator, 'POST', '/__emulator/timers/nightly/run')).body.invocationId as string);
      await call(emulator, 'POST', '/__emulator/timers/failing/run');
    } finally {
      await emulator.close();
    }
    emulator = await startOnFile();
    try {
      const { timers } = await listTimers(emulator);
      const nightly = timers.find((x) => x.functionName === 'nightly')!;
      t.deepEqual(
        nightly.firings.map((f) => f.invocationId),
        fired.slice(2).reverse(),
        'newest first, the oldest two beyond the bound dropped',
      );
      t.like(nightly.firings[0], {
        triggerName: 'nightly-2am',
        manual: true,
        outcome: { ok: true, result: { handled: 'nightly-2am' } },
      });
      const failing = timers.find((x) => x.functionName === 'failing')!;
      t.like(failing.firings, [{ outcome: { ok: false, code: 'FUNCTIONS_EXECUTE_FAIL', message: 'boom' } }]);
      // New firings go on top of the old ones.
      const next = (await call(emulator, 'POST', '/__emulator/timers/nightly/run')).body.invocationId as string;
      const after = (await listTimers(emulator)).timers.find((x) => x.functionName === 'nightly')!;
      t.deepEqual(
        after.firings.map((f) => f.invocationId),
        [next, ...fired.slice(3).reverse()],
      );
    } finally {
      await emulator.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
