import tcb from '@cloudbase/node-sdk';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import readline from 'node:readline';
import { dataOf } from '../../testkit/shop.js';
import type { Envelope } from '../../typings/common.js';
import type { Address } from '../../typings/user.js';

/**
 * A benchmark's view of the shop: started in a child process (serve-shop.ts), called through the gateway as the
 * mini-program calls it, over keep-alive connections with Node's plain HTTP client (lighter than fetch, so the
 * figures measure the shop, not the load generator).
 */
export interface BenchShop {
  url: string;
  /** @cloudbase/node-sdk database on the emulator, for setting the scene and reading outcomes. */
  db: ReturnType<ReturnType<typeof tcb.init>['database']>;
  call<T>(
    name: string,
    route: string,
    params: Record<string, unknown>,
    openid: string,
  ): Promise<{ answer: Envelope<T>; requestID: string }>;
  /** The emulator's record of one invocation (database round trips, those on the critical path, duration, cold start). */
  invocation(requestID: string): Promise<Invocation>;
  /** Each function-to-service round trip takes `ms` from now on (the emulator's simulated network; 0: off). */
  setLatency(ms: number): Promise<void>;
  /** CPU seconds the shop's process has used so far (Linux /proc; undefined elsewhere). */
  cpuSeconds(): number | undefined;
  /** The emulator's database counters (transactions started, committed, refused with a conflict). */
  transactions(): Promise<{ started: number; committed: number; conflicts: number; requests: number }>;
  /**
   * Starts the function's instances (as many as the emulator allows) before a measurement, with rounds of concurrent
   * calls until one has no cold start; answers how many started. A cold start loads wx-server-sdk, over a second of CPU
   * on a 2-core machine: on the platform each instance has its own, here it would be taken from the run measured.
   */
  warm(name: string, route: string, params: Record<string, unknown>, instances?: number): Promise<number>;
  close(): Promise<void>;
}

export interface Invocation {
  databaseCalls: number;
  databaseChain: number;
  durationMs: number;
  coldStart?: boolean;
}

/** `history`: also seed three weeks of past orders (database/seed-history.ts), as `npm start` does. */
export async function startBenchShop(
  options: { only?: string[]; history?: boolean; instances?: number } = {},
): Promise<BenchShop> {
  // BENCH_PROFILE=<dir> writes a CPU profile of the emulator's process there (node --cpu-prof) for a closer look.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const args = [
    ...profile,
    '--import',
    'tsx',
    new URL('./serve-shop.ts', import.meta.url).pathname,
    ...(options.only ? ['--only', options.only.join(',')] : []),
    ...(options.history ? ['--history'] : []),
    ...(options.instances ? ['--instances', String(options.instances)] : []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! });
  const found: Record<string, string> = {};
  for await (const line of lines) {
    const [key, value] = line.split(' ');
    if (key && value) found[key] = value;
    if (found.URL && found.ENV) break;
  }
  if (!found.URL) throw new Error('the shop did not start');
  const url = found.URL;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

  function request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${url}${path}`,
        {
          method,
          agent,
          headers: body
            ? { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
            : headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  process.env.TENCENTCLOUD = 'true';
  const app = tcb.init({ env: found.ENV!, serviceUrl: `${url}/admin`, secretId: 'local', secretKey: 'local' });
  const shop: BenchShop = {
    url,
    db: app.database(),
    async call<T>(name: string, route: string, params: Record<string, unknown>, openid: string) {
      const body = (await request(
        'POST',
        `/functions/${name}`,
        { 'x-wx-openid': openid },
        JSON.stringify({ $url: route, ...params }),
      )) as { result?: Envelope<T>; errMsg: string; requestID: string };
      if (!body.result) throw new Error(`${name}.${route}: ${body.errMsg}`);
      return { answer: body.result, requestID: body.requestID };
    },
    async invocation(requestID) {
      return (await request('GET', `/__emulator/invocations/${requestID}`, {})) as Invocation;
    },
    async setLatency(ms) {
      const answer = (await request('POST', '/__emulator/latency', {}, JSON.stringify({ ms }))) as { ms?: unknown };
      if (!answer.ms) throw new Error(`the emulator refused latency ${ms}: ${JSON.stringify(answer)}`);
    },
    cpuSeconds() {
      try {
        // Fields 14 and 15 of /proc/<pid>/stat: user and system time in clock ticks (100 per second on Linux).
        const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return (Number(fields[11]) + Number(fields[12])) / 100;
      } catch {
        return undefined;
      }
    },
    async transactions() {
      const status = (await request('GET', '/__emulator/status', {})) as {
        requests: number;
        transactions: { started: number; committed: number; conflicts: number };
      };
      return { ...status.transactions, requests: status.requests };
    },
    async warm(name, route, params, instances = 10) {
      let started = 0;
      for (let round = 0; round < 5; round++) {
        const calls = await Promise.all(
          Array.from({ length: instances }, (_v, i) => shop.call(name, route, params, `o-warm-${i}`)),
        );
        const cold = (await Promise.all(calls.map((c) => shop.invocation(c.requestID)))).filter((inv) => inv.coldStart).length;
        started += cold;
        if (cold === 0) break;
      }
      return started;
    },
    async close() {
      agent.destroy();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
  return shop;
}

/** Saves a delivery address for `openid` through `user` · `addresses.save`, as the app does; answers its id. */
export async function saveBenchAddress(shop: BenchShop, openid: string): Promise<string> {
  const params = {
    name: '压测',
    phone: '13900000000',
    province: '上海市',
    city: '上海市',
    district: '浦东新区',
    detail: '世纪大道 1 号',
  };
  return dataOf((await shop.call<Address>('user', 'addresses.save', params, openid)).answer).addressId;
}
