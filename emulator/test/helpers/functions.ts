import { fileURLToPath } from 'node:url';
import type { CollectionDeclaration } from '../../src/db/schema.js';
import { type HttpRoute, installGateways } from '../../src/functions/gateways.js';
import { type FunctionRuntimeService, installFunctionRuntime } from '../../src/functions/runtime.js';
import type { EmulatorHost } from '../../src/host.js';
import { type EmulatorOptions, startEmulator } from '../../src/server.js';

export const FIXTURE_FUNCTIONS = fileURLToPath(new URL('../fixtures/functions', import.meta.url));

/** An in-memory emulator running the fixture functions, with the client gateway and HTTP access service. */
export async function startWithFunctions(
  options: {
    collections?: CollectionDeclaration[];
    httpRoutes?: HttpRoute[];
    services?: Array<(host: EmulatorHost) => void | Promise<void>>;
  } & Partial<EmulatorOptions> = {},
) {
  let runtime: FunctionRuntimeService | undefined;
  const install = installFunctionRuntime({ functionsDir: FIXTURE_FUNCTIONS, maxInstances: 8 });
  const emulator = await startEmulator({
    port: 0,
    dataFile: ':memory:',
    ...options,
    services: [
      (host) => void (runtime = install(host)),
      installGateways({ httpRoutes: options.httpRoutes }),
      ...(options.services ?? []),
    ],
  });
  /** `wx.cloud.callFunction` as a signed-in user. */
  async function callFunction(name: string, data: Record<string, unknown>, openid = 'o-test-user') {
    const res = await fetch(`${emulator.url}/functions/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
      body: JSON.stringify(data),
    });
    return {
      status: res.status,
      body: (await res.json()) as { result?: any; errCode?: number; errMsg: string; requestID: string },
    };
  }
  return { emulator, runtime: runtime!, callFunction };
}
