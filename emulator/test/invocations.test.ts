import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { controlClient } from '../src/client.js';
import { installGateways } from '../src/functions/gateways.js';
import { installFunctionRuntime } from '../src/functions/runtime.js';
import { type Emulator, startEmulator } from '../src/server.js';
import { createTimers } from '../src/timers/service.js';
import { FIXTURE_FUNCTIONS } from './helpers/functions.js';
import type { Rec } from './helpers/sdk.js';

/**
 * `GET /__emulator/invocations`: each summary's outcome (ok, business_error for an envelope with `ok: false`, error),
 * the server-side filters and paging the web UI uses, and the bound on the stored log.
 */
async function start(dataFile = ':memory:', keepInvocations?: number): Promise<Emulator> {
  return startEmulator({
    port: 0,
    dataFile,
    collections: [{ name: 'ticks' }, { name: 'visits' }],
    services: [
      installFunctionRuntime({ functionsDir: FIXTURE_FUNCTIONS, maxInstances: 4, keepInvocations }),
      installGateways(),
      (host) => void createTimers(host, { autoStart: false }),
    ],
  });
}

const emulator = await start();
test.after.always(() => emulator.close());
const control = controlClient(emulator.url);

async function call(target: Emulator, name: string, data: Rec, openid = 'o-inv') {
  const res = await fetch(`${target.url}/functions/${name}`, {
    method: 'POST',
    headers: { 'x-wx-openid': openid, 'content-type': 'application/json' },
    body: JSON.stringify(data),
  });
  return (await res.json()) as { result?: Rec; errMsg: string; requestID: string };
}

async function list(query: string, target = emulator): Promise<{ invocations: Rec[]; nextBefore?: string }> {
  const res = await controlClient(target.url).request<{ invocations: Rec[]; nextBefore?: string }>('GET', `/invocations${query}`);
  if (res.status !== 200) throw new Error(`GET /invocations${query}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

// Serial: the unfiltered listings below must see exactly these invocations.
test.serial('each summary carries its outcome: ok, business_error (an envelope with ok: false) or error', async (t) => {
  const ok = await call(emulator, 'envelope', { n: 1 });
  const refused = await call(emulator, 'envelope', { refuse: 'OUT_OF_STOCK' });
  const thrown = await call(emulator, 'crash', { mode: 'throw' });
  const plain = await call(emulator, 'whoami', {});
  const { invocations } = await list('');
  const byId = (id: string) => invocations.find((i) => i.id === id)!;
  t.is(byId(ok.requestID).outcome, 'ok');
  t.is(byId(refused.requestID).outcome, 'business_error');
  t.like(byId(thrown.requestID), { outcome: 'error', failure: 'error' });
  t.is(byId(plain.requestID).outcome, 'ok', 'a result that is not an envelope is ok');
  // The detail says the same.
  t.like((await control.request<Rec>('GET', `/invocations/${refused.requestID}`)).body, {
    outcome: 'business_error',
    result: { ok: false, code: 'OUT_OF_STOCK' },
  });
  // Compatible with the old answer: newest first, the fields the UI reads, no event or logs in a summary.
  t.deepEqual(
    invocations.slice(0, 4).map((i) => i.id),
    [plain.requestID, thrown.requestID, refused.requestID, ok.requestID],
  );
  t.like(byId(plain.requestID), { functionName: 'whoami', source: 'gateway', openid: 'o-inv', logCount: 1 });
  t.is(byId(plain.requestID).event, undefined);
});

test.serial('filters: function, route, source, caller, outcome and timers', async (t) => {
  const a = await call(emulator, 'envelope', { $url: 'cart.add', n: 2 }, 'o-alice');
  const b = await call(emulator, 'envelope', { $url: 'cart.add', refuse: 'LIMIT' }, 'o-bob');
  const c = await call(emulator, 'caller', { target: 'envelope', payload: { $url: 'nested', n: 3 } }, 'o-alice');
  const tick = (await control.request<Rec>('POST', '/timers/ticker/run')).body.invocationId as string;
  const ids = async (query: string) => (await list(query)).invocations.map((i) => i.id as string);

  t.deepEqual(await ids('?route=cart.add'), [b.requestID, a.requestID]);
  t.deepEqual(await ids('?route=cart.add&caller=o-bob'), [b.requestID]);
  t.deepEqual(await ids('?function=caller'), [c.requestID]);
  const nested = await ids('?source=callFunction');
  t.is(nested.length, 1);
  t.like((await list('?source=callFunction')).invocations[0], { functionName: 'envelope', route: 'nested', openid: 'o-alice' });
  t.deepEqual(await ids('?caller=o-alice&source=gateway'), [c.requestID, a.requestID]);
  t.deepEqual(await ids('?outcome=business_error&route=cart.add'), [b.requestID]);
  t.true((await ids('?outcome=business_error')).every((id) => id !== a.requestID));
  t.true((await list('?outcome=error')).invocations.every((i) => i.outcome === 'error'));
  t.deepEqual(await ids('?source=timer'), [tick]);
  t.true((await ids('')).includes(tick), 'timers are included by default');
  t.true((await ids('?timers=include')).includes(tick));
  t.false((await ids('?timers=exclude')).includes(tick));
  t.deepEqual(await ids('?timers=exclude&source=timer'), []);
});

test.serial('paging: limit, then before=nextBefore, until no nextBefore', async (t) => {
  const made: string[] = [];
  for (let n = 0; n < 7; n++) made.push((await call(emulator, 'envelope', { $url: 'page', n })).requestID);
  const newestFirst = [...made].reverse();
  const first = await list('?route=page&limit=3');
  t.deepEqual(
    first.invocations.map((i) => i.id),
    newestFirst.slice(0, 3),
  );
  t.is(typeof first.nextBefore, 'string');
  const second = await list(`?route=page&limit=3&before=${encodeURIComponent(first.nextBefore!)}`);
  t.deepEqual(
    second.invocations.map((i) => i.id),
    newestFirst.slice(3, 6),
  );
  // An invocation made meanwhile does not shift the pages.
  await call(emulator, 'envelope', { $url: 'page', n: 99 });
  const third = await list(`?route=page&limit=3&before=${encodeURIComponent(second.nextBefore!)}`);
  t.deepEqual(
    third.invocations.map((i) => i.id),
    newestFirst.slice(6),
  );
  t.is(third.nextBefore, undefined, 'the last page has no cursor');
  const exact = await list('?route=page&limit=8');
  t.is(exact.invocations.length, 8);
  t.is(exact.nextBefore, undefined, 'no cursor when nothing is left');
});

test('bad parameters are refused with 400', async (t) => {
  for (const query of ['?outcome=failed', '?timers=only', '?before=abc', '?limit=0', '?limit=-3', '?limit=many', '?limit=2.5']) {
    const res = await control.request<Rec>('GET', `/invocations${query}`);
    t.is(res.status, 400, query);
    t.is(res.body.code, 'INVALID_PARAM', query);
  }
  t.is((await control.request('GET', '/invocations?limit=1000')).status, 200, 'a larger limit is capped at 200');
});

test('the stored log keeps the latest invocations only', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-inv-'));
  const file = path.join(dir, 'db.sqlite');
  try {
    let small = await start(file, 5);
    const made: string[] = [];
    try {
      for (let n = 0; n < 8; n++) made.push((await call(small, 'envelope', { n })).requestID);
      t.deepEqual(
        (await list('', small)).invocations.map((i) => i.id),
        made.slice(3).reverse(),
      );
    } finally {
      await small.close();
    }
    small = await start(file, 5);
    try {
      t.deepEqual(
        (await list('', small)).invocations.map((i) => i.id),
        made.slice(3).reverse(),
        'and so after a restart',
      );
      t.is((await controlClient(small.url).request('GET', `/invocations/${made[0]}`)).status, 404);
      const stored = small.store.db.prepare('SELECT count(*) FROM emulator_invocations').pluck().get();
      t.is(stored, 5, 'the rows beyond the bound are deleted from the file');
    } finally {
      await small.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
