import tcb from '@cloudbase/node-sdk';
import fs from 'node:fs';
import path from 'node:path';
import { collections } from '../../database/collections.js';
import { seedDemoShop } from '../../database/seed.js';
import { startEmulator } from '../../emulator/src/server.js';
import { allServices } from '../../emulator/src/services.js';
import { buildFunctions } from '../../scripts/build-functions.js';
import type { Envelope } from '../../typings/common.js';

/**
 * The shop as deployed, offline: the real functions built with the real build, an in-memory emulator with the
 * shop's collections, the demo seed, and `call()` doing what `wx.cloud.callFunction` does for a signed-in shopper.
 */
export const TEST_DATA_KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

export async function startShop(options: { only?: string[] } = {}) {
  const functionsDir = path.resolve('build', 'test-functions', String(process.pid));
  await buildFunctions({ sourceDir: path.resolve('cloudfunctions'), outDir: functionsDir, only: options.only });
  const emulator = await startEmulator({
    port: 0,
    dataFile: ':memory:',
    collections,
    services: allServices({ functionsDir, env: { SHOP_DATA_KEY: TEST_DATA_KEY }, pay: { retryScheduleMs: [50, 100, 200], refundDelayMs: 50 }, timers: { autoStart: false } }),
  });
  process.env.TENCENTCLOUD = 'true';
  const app = tcb.init({ env: emulator.envId, serviceUrl: `${emulator.url}/admin`, secretId: 'local', secretKey: 'local' });
  await seedDemoShop(app);

  async function call<T>(name: string, route: string, params: Record<string, unknown> = {}, openid = 'o-shopper'): Promise<Envelope<T>> {
    const res = await fetch(`${emulator.url}/functions/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
      body: JSON.stringify({ $url: route, ...params }),
    });
    const body = (await res.json()) as { result?: Envelope<T>; errMsg: string };
    if (!body.result) throw new Error(`${name}.${route}: ${body.errMsg}`);
    return body.result;
  }

  return {
    emulator,
    app,
    db: app.database(),
    call,
    close: async () => {
      await emulator.close();
      fs.rmSync(functionsDir, { recursive: true, force: true });
    },
  };
}

/** The data of a successful answer, or a test failure naming the refusal. */
export function dataOf<T>(answer: Envelope<T>): T {
  if (!answer.ok) throw new Error(`expected ok, got ${answer.code}: ${answer.message}`);
  return answer.data;
}
