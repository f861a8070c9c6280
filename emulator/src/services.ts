import { type HttpRoute, installGateways } from './functions/gateways.js';
import { installFunctionRuntime } from './functions/runtime.js';
import type { EmulatorHost } from './host.js';
import { type HostingOptions, installHosting } from './hosting/service.js';
import { installOpenApi } from './openapi/service.js';
import { type PayOptions, payService } from './pay/service.js';
import { installStorage } from './storage/service.js';
import { type TimerOptions, createTimers } from './timers/service.js';
import { installWebUi } from './ui/app.js';
import { installDataApi } from './ui/data-api.js';

/**
 * Every service of the emulator besides the database, in the order they depend on each other: the function runtime
 * first (payment callbacks, timers and open-API permissions reach functions through it), then the gateways and the
 * platform services, then static hosting.
 */
export interface ServiceOptions {
  /** Built functions: `<functionsDir>/<name>/index.js` + `config.json`. */
  functionsDir: string;
  /** HTTP access service paths (cloudbaserc.json). */
  httpRoutes?: HttpRoute[];
  /** Variables every function sees. */
  env?: Record<string, string>;
  maxInstances?: number;
  pay?: PayOptions;
  timers?: TimerOptions;
  /** Static website hosting: a folder served on the emulator's origin (hosting/service.ts). */
  hosting?: HostingOptions;
}

export function allServices(options: ServiceOptions): Array<(host: EmulatorHost) => void | Promise<void>> {
  return [
    (host) =>
      void installFunctionRuntime({ functionsDir: options.functionsDir, env: options.env, maxInstances: options.maxInstances })(
        host,
      ),
    installGateways({ httpRoutes: options.httpRoutes }),
    (host) => void payService(options.pay)(host),
    installStorage,
    installOpenApi,
    (host) => void createTimers(host, options.timers),
    installDataApi,
    installWebUi,
    // Last: static hosting answers only what no other service claims.
    installHosting(options.hosting),
  ];
}
