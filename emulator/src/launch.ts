import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { CollectionDeclaration } from './db/schema.js';
import type { HttpRoute } from './functions/gateways.js';
import type { EmulatorHost } from './host.js';
import { type HostingOptions, normalizePrefix } from './hosting/service.js';
import { type DataDirLock, LOCK_FILE, assertNotLocked, lockDataDir } from './instance-files.js';
import { LATENCY_SERVICES, type LatencyOptions, type LatencyService } from './latency.js';
import { DEFAULT_ENV_ID, type Emulator, startEmulator } from './server.js';
import { allServices } from './services.js';

/**
 * Starting the emulator from a command line: the emulator's own CLI (cli.ts) and a project's start script share it.
 *   --port <p>           127.0.0.1:<p> (default 8787)       --host <h>        another interface
 *   --data-dir <dir>     where data lives (default .cloudbase/)
 *   --memory             keep the database in memory        --reset           wipe the data directory first
 *   --collections <file> a module exporting `collections`   --functions <dir> built functions to run
 *   --env <id>           the environment id (default local-env)
 *   --instances <n>      instances per function at most (default: twice the cores, 2 to 10)
 *   --static <dir>       static website hosting: serve <dir>'s files on the emulator's origin
 *   --static-prefix <p>  under that URL path (default /: paths no other service claims), e.g. /admin/
 *   --static-error <f>   the error document (relative to <dir>) a missing path answers, e.g. index.html for an SPA
 *   --latency <ms>       each round trip from a function to a service takes this long (default 0; latency.ts)
 *   --latency-jitter <ms>  plus a random extra up to this      --latency-<service> <ms>  one service's own
 *                        (database, payment, openapi, storage, functions)
 * One emulator per data directory: a second one refuses to start, and `--reset` refuses to wipe a directory another
 * emulator runs on (instance-files.ts). `--memory` writes nothing there.
 */
export interface LaunchArgs {
  port: number;
  host: string;
  dataDir: string;
  memory: boolean;
  reset: boolean;
  collections: string;
  functions: string;
  env: string;
  instances?: number;
  /** Static hosting (`--static`), resolved; with its prefix (normalized, `/` by default) and error document. */
  static?: string;
  staticPrefix?: string;
  staticError?: string;
  /** The simulated network between functions and services (`--latency*`). */
  latency?: LatencyOptions;
}

export function parseLaunchArgs(argv: string[], defaults: Partial<LaunchArgs> = {}): LaunchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      memory: { type: 'boolean' },
      reset: { type: 'boolean' },
      collections: { type: 'string' },
      functions: { type: 'string' },
      env: { type: 'string' },
      instances: { type: 'string' },
      static: { type: 'string' },
      'static-prefix': { type: 'string' },
      'static-error': { type: 'string' },
      latency: { type: 'string' },
      'latency-jitter': { type: 'string' },
      ...Object.fromEntries(LATENCY_SERVICES.map((s) => [`latency-${s}`, { type: 'string' as const }])),
    },
    allowPositionals: false,
  });
  const port = Number(values.port ?? defaults.port ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  const instances = values.instances === undefined ? defaults.instances : Number(values.instances);
  if (instances !== undefined && (!Number.isInteger(instances) || instances < 1))
    throw new Error(`--instances must be a positive integer, got ${values.instances}`);
  const staticDir = values.static ?? defaults.static;
  const staticPrefix = values['static-prefix'] ?? defaults.staticPrefix;
  const staticError = values['static-error'] ?? defaults.staticError;
  if (!staticDir && (staticPrefix !== undefined || staticError !== undefined))
    throw new Error('--static-prefix and --static-error need --static <dir>');
  let prefix: string | undefined;
  try {
    prefix = staticDir ? normalizePrefix(staticPrefix) : undefined;
  } catch (err) {
    throw new Error(`--static-prefix: ${(err as Error).message}`);
  }
  const ms = (flag: string): number | undefined => {
    const raw = (values as Record<string, string | boolean | undefined>)[flag];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (typeof raw !== 'string' || !Number.isFinite(n) || n < 0 || n > 10_000)
      throw new Error(`--${flag} must be milliseconds between 0 and 10000, got ${String(raw)}`);
    return n;
  };
  const perService = Object.fromEntries(
    LATENCY_SERVICES.map((s) => [s, ms(`latency-${s}`)]).filter(([, v]) => v !== undefined),
  ) as Partial<Record<LatencyService, number>>;
  const latency: LatencyOptions = { ...defaults.latency };
  if (ms('latency') !== undefined) latency.ms = ms('latency');
  if (ms('latency-jitter') !== undefined) latency.jitterMs = ms('latency-jitter');
  if (Object.keys(perService).length > 0) latency.services = { ...latency.services, ...perService };
  return {
    port,
    instances,
    latency: Object.keys(latency).length > 0 ? latency : undefined,
    static: staticDir ? path.resolve(staticDir) : undefined,
    staticPrefix: prefix,
    staticError,
    host: values.host ?? defaults.host ?? '127.0.0.1',
    dataDir: path.resolve(values['data-dir'] ?? defaults.dataDir ?? '.cloudbase'),
    memory: values.memory ?? defaults.memory ?? false,
    reset: values.reset ?? defaults.reset ?? false,
    collections: values.collections ?? defaults.collections ?? 'database/collections.ts',
    functions: path.resolve(values.functions ?? defaults.functions ?? 'build/functions'),
    env: values.env ?? defaults.env ?? DEFAULT_ENV_ID,
  };
}

export interface LaunchOptions {
  httpRoutes?: HttpRoute[];
  /** Variables every function sees. */
  env?: Record<string, string>;
  /** More services (e.g. the web UI). */
  services?: Array<(host: EmulatorHost) => void | Promise<void>>;
  /** Static website hosting, when the command line gives no `--static`. */
  hosting?: HostingOptions;
}

/** Starts the emulator with every service and stops it cleanly on Ctrl-C. */
export async function launch(args: LaunchArgs, options: LaunchOptions = {}): Promise<Emulator> {
  let lock: DataDirLock | undefined;
  if (args.memory) {
    if (args.reset) {
      assertNotLocked(args.dataDir);
      fs.rmSync(args.dataDir, { recursive: true, force: true });
    }
  } else {
    // Locked before the reset, so the reset never deletes the files under a running emulator.
    lock = lockDataDir(args.dataDir);
    if (args.reset) {
      for (const name of fs.readdirSync(args.dataDir))
        if (name !== LOCK_FILE) fs.rmSync(path.join(args.dataDir, name), { recursive: true, force: true });
    }
  }
  try {
    return await startServices(args, options, lock);
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function startServices(args: LaunchArgs, options: LaunchOptions, lock: DataDirLock | undefined): Promise<Emulator> {
  const emulator = await startEmulator({
    lock,
    port: args.port,
    host: args.host,
    dataFile: args.memory ? ':memory:' : path.join(args.dataDir, 'database.sqlite'),
    // In memory mode stored files go to a temporary folder too, so nothing outlives the process.
    dataDir: args.memory ? undefined : args.dataDir,
    envId: args.env,
    latency: args.latency,
    collections: await loadCollections(args.collections),
    services: [
      ...allServices({
        functionsDir: args.functions,
        httpRoutes: options.httpRoutes,
        env: options.env,
        maxInstances: args.instances,
        hosting: args.static ? { dir: args.static, prefix: args.staticPrefix, errorDocument: args.staticError } : options.hosting,
      }),
      ...(options.services ?? []),
    ],
  });
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log('\n正在停止模拟器…');
      emulator.close().then(
        () => process.exit(0),
        (err) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
  return emulator;
}

async function loadCollections(file: string): Promise<CollectionDeclaration[]> {
  const resolved = path.resolve(file);
  if (!fs.existsSync(resolved)) {
    console.warn(`[emulator] no collection declarations at ${file}; starting with none`);
    return [];
  }
  const mod = (await import(pathToFileURL(resolved).href)) as {
    collections?: CollectionDeclaration[];
    default?: CollectionDeclaration[];
  };
  return mod.collections ?? mod.default ?? [];
}
