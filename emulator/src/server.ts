import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CloudBaseError, ErrorCode, unsupported } from './errors.js';
import { DatabaseService } from './db/database.js';
import type { CollectionDeclaration } from './db/schema.js';
import { Store } from './db/store.js';
import {
  type AdminCaller,
  type Body,
  type EmulatorHost,
  type FallbackHandler,
  type JsonAction,
  type MultipartAction,
  type RouteHandler,
  readBody,
  sendJson,
  type AdminCallListener,
} from './host.js';
import { type DataDirLock, localSocketName, lockDataDir, makeTempFolder, removeLeftovers } from './instance-files.js';
import { Latency, type LatencyOptions, wait } from './latency.js';
import { parseMultipart } from './multipart.js';
import { randomHex } from './random.js';
import { renderStatusPage } from './ui/status-page.js';

/**
 * The emulator's HTTP server. `POST /admin` is the CloudBase server API that wx-server-sdk and @cloudbase/node-sdk
 * call (docs/wire-protocol.md): every answer is HTTP 200, with a truthy `code` for errors. Function instances call it on
 * their own path, `/admin/fn/<instance>`, so each call is attributed to the invocation that made it.
 * Services plug in through `EmulatorHost` (host.ts); `startEmulator` installs the ones given in `services`.
 */
export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** SQLite file; ':memory:' keeps everything in memory (tests). */
  dataFile: string;
  /** Where services keep files; defaults to the SQLite file's folder, or a temporary folder in memory mode. */
  dataDir?: string;
  envId?: string;
  collections?: CollectionDeclaration[];
  /** How long a transaction may stay open (30 s, as on the platform); tests shorten it. */
  transactionTtlMs?: number;
  /** Services to install after the database: `(host) => void | Promise<void>`. */
  services?: Array<(host: EmulatorHost) => void | Promise<void>>;
  /**
   * The data directory's lock (instance-files.ts), when the caller took it already (launch.ts, before `--reset`);
   * otherwise a file-backed emulator takes it, and refuses to start if another emulator has it. Released on close.
   */
  lock?: DataDirLock;
  /** The platform's network between functions and services (latency.ts); off by default. */
  latency?: LatencyOptions;
}

export interface Emulator {
  url: string;
  port: number;
  envId: string;
  store: Store;
  database: DatabaseService;
  host: EmulatorHost;
  latency: Latency;
  close(): Promise<void>;
}

export const DEFAULT_ENV_ID = 'local-env';

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  // What a killed emulator left (its socket, its temporary folder) goes first.
  removeLeftovers();
  const inMemory = options.dataFile === ':memory:';
  const lock = options.lock ?? (inMemory ? undefined : lockDataDir(options.dataDir ?? path.dirname(options.dataFile)));
  try {
    return await start(options, lock);
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function start(options: EmulatorOptions, lock: DataDirLock | undefined): Promise<Emulator> {
  const store = new Store({ file: options.dataFile });
  for (const decl of options.collections ?? []) {
    store.createCollection(decl.name);
    store.ensureIndexes(decl.name, decl.indexes ?? []);
  }
  const database = new DatabaseService(store, { transactionTtlMs: options.transactionTtlMs });
  const latency = new Latency(options.latency);
  const envId = options.envId ?? DEFAULT_ENV_ID;
  const inMemory = options.dataFile === ':memory:';
  const dataDir = options.dataDir ?? (inMemory ? makeTempFolder() : path.dirname(options.dataFile));
  const expiry = setInterval(() => database.transactions.expire(), 1000);
  expiry.unref();

  const jsonActions = new Map<string, JsonAction>(
    Object.entries(database.actions).map(([name, fn]) => [name, (body, _caller, now) => fn(body, now)]),
  );
  const multipartActions = new Map<string, MultipartAction>();
  const routes: Route[] = [];
  const fallbacks: FallbackHandler[] = [];
  const adminListeners: AdminCallListener[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  let baseUrl = '';
  // Set once the local socket listens (below); until then, or when it cannot, functions use TCP.
  let localSocketPath: string | undefined = undefined;
  let callerResolver: (instanceId: string) => AdminCaller | undefined = () => undefined;

  const host: EmulatorHost = {
    envId,
    functions: undefined,
    dataDir,
    database,
    baseUrl: () => baseUrl,
    localSocket: () => localSocketPath,
    addJsonAction: (action, handler) => void jsonActions.set(action, handler),
    addMultipartAction: (action, handler) => void multipartActions.set(action, handler),
    addRoute: (method, pattern, handler) => {
      const names: string[] = [];
      // `:name` matches one segment; a trailing `/*` matches the path itself and anything below it (as `rest`).
      const wildcard = pattern.endsWith('/*');
      const source = (wildcard ? pattern.slice(0, -2) : pattern)
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/:(\w+)/g, (_m, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
      if (wildcard) names.push('rest');
      routes.push({ method, pattern: new RegExp(`^${source}${wildcard ? '(/.*)?' : ''}$`), names, handler });
    },
    addFallback: (handler) => void fallbacks.push(handler),
    onAdminCall: (listener) => void adminListeners.push(listener),
    onClose: (fn) => void closers.push(fn),
    setCallerResolver: (fn) => {
      callerResolver = fn;
    },
  };

  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err) => {
      console.error('[emulator] unexpected error', err);
      if (!res.headersSent) sendJson(res, 500, { code: ErrorCode.SYS_ERR, message: String(err) });
      else res.end();
    });
  };
  const createServer = () => Object.assign(http.createServer(serve), { keepAliveTimeout: 60_000 });
  const server = createServer();
  // The same service on a local socket, for the function instances' SDK calls: a Unix socket skips the loopback TCP
  // stack (measured with npm run bench:order, interleaved: about 5% more attempts/s and less CPU per attempt).
  const localServer = createServer();

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const admin = /^\/admin(?:\/fn\/([\w-]+))?$/.exec(url.pathname);
    if (req.method === 'POST' && admin) {
      const caller: AdminCaller = admin[1] ? (callerResolver(admin[1]) ?? { instanceId: admin[1] }) : {};
      await handleAdmin(req, res, caller);
      return;
    }
    for (const route of routes) {
      if (route.method !== '*' && route.method !== req.method && !(route.method === 'GET' && req.method === 'HEAD')) continue;
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
      await route.handler(req, res, params, url);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(renderStatusPage(await status()));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/__emulator/status') {
      sendJson(res, 200, await status());
      return;
    }
    for (const fallback of fallbacks) if (await fallback(req, res, url)) return;
    sendJson(res, 404, { code: 'NOT_FOUND', message: `${req.method} ${url.pathname} is not served by the emulator` });
  }

  // Unique per request without a system call each (randomBytes per request was 3% of a busy emulator's CPU).
  const requestIdPrefix = randomHex(4);
  let requestSeq = 0;

  async function handleAdmin(req: http.IncomingMessage, res: http.ServerResponse, caller: AdminCaller): Promise<void> {
    const requestId = `${requestIdPrefix}${(++requestSeq).toString(16).padStart(8, '0')}`;
    const contentType = req.headers['content-type'] ?? '';
    database.stats.requests++;
    let action: unknown;
    // A function's request crosses the simulated network: half its round trip before the service acts, half after.
    let trip = 0;
    let answered: Array<() => void> = [];
    const travel = async (name: string) => {
      trip = caller.instanceId === undefined ? 0 : latency.tripFor(name);
      await wait(trip / 2);
    };
    try {
      const raw = await readBody(req);
      if (contentType.startsWith('multipart/form-data')) {
        const parts = await parseMultipart(req.headers, raw).catch(() => {
          throw new CloudBaseError(ErrorCode.INVALID_PARAM, 'malformed multipart body');
        });
        action = parts.get('action')?.toString('utf8');
        const handler = typeof action === 'string' ? multipartActions.get(action) : undefined;
        if (!handler) throw unsupported(`multipart action ${JSON.stringify(action)}`);
        answered = notify(action as string, caller);
        await travel(action as string);
        const reply = await handler(parts, caller);
        await wait(trip / 2);
        res.writeHead(reply.status ?? 200, {
          'content-type': reply.contentType,
          'content-length': Buffer.byteLength(reply.body),
        });
        res.end(reply.body);
        for (const done of answered) done();
        return;
      }
      if (!contentType.includes('application/json')) throw unsupported(`request content type "${contentType}"`);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new CloudBaseError(ErrorCode.INVALID_PARAM, 'request body is not valid JSON');
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw new CloudBaseError(ErrorCode.INVALID_PARAM, 'request body must be a JSON object');
      action = (body as Body).action;
      const handler = typeof action === 'string' ? jsonActions.get(action) : undefined;
      if (!handler) throw unsupported(`action ${JSON.stringify(action)}`);
      answered = notify(action as string, caller, body as Body);
      await travel(action as string);
      const reply = await handler(body as Body, caller, Date.now());
      await wait(trip / 2);
      sendJson(res, 200, { requestId, ...reply });
      for (const done of answered) done();
    } catch (err) {
      database.stats.errors++;
      if (!(err instanceof CloudBaseError)) console.error(`[emulator] internal error in ${String(action)}`, err);
      const code = err instanceof CloudBaseError ? err.code : ErrorCode.SYS_ERR;
      await wait(trip / 2);
      sendJson(res, 200, { code, message: (err as Error).message ?? String(err), requestId });
      for (const done of answered) done();
    }
  }

  /** Tells the listeners of a call; answers what they want run once its answer is sent. */
  function notify(action: string, caller: AdminCaller, body?: Record<string, unknown>): Array<() => void> {
    const done: Array<() => void> = [];
    for (const listener of adminListeners) {
      const then = listener(action, caller, body);
      if (then) done.push(then);
    }
    return done;
  }

  const openConnections = (srv: http.Server) =>
    new Promise<number>((resolve) => srv.getConnections((_err, n) => resolve(n ?? 0)));
  async function status() {
    return {
      envId,
      collections: store
        .collectionNames()
        .map((name) => ({ name, count: store.count(name), indexes: store.collection(name).indexes })),
      openTransactions: database.transactions.openTransactions(),
      transactions: database.transactions.stats,
      requests: database.stats.requests,
      errors: database.stats.errors,
      // Function instances hold keep-alive connections on the local socket; tcp counts everyone else (SDK scripts, UI).
      localSocket: localSocketPath ?? null,
      connections: { tcp: await openConnections(server), local: await openConnections(localServer) },
      latency: latency.toJSON(),
    };
  }

  // The simulated network, changed while running (a benchmark measures one shop at 0 and at 8 ms).
  host.addRoute('GET', '/__emulator/latency', (_req, res) => sendJson(res, 200, latency.toJSON()));
  host.addRoute('POST', '/__emulator/latency', async (req, res) => {
    try {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as LatencyOptions;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('the body must be a JSON object');
      latency.set(body);
      sendJson(res, 200, latency.toJSON());
    } catch (err) {
      sendJson(res, 400, { code: ErrorCode.INVALID_PARAM, message: (err as Error).message });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue: a burst of thousands of invocations (a flash sale, a load test) must queue, not be reset.
    server.listen({ port: options.port ?? 8787, host: options.host ?? '127.0.0.1', backlog: 4096 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${options.host ?? '127.0.0.1'}:${port}`;
  lock?.describe(baseUrl);
  localSocketPath = await listenLocally(localServer, port);
  for (const install of options.services ?? []) await install(host);

  return {
    url: baseUrl,
    port,
    envId,
    store,
    database,
    host,
    latency,
    close: async () => {
      clearInterval(expiry);
      for (const fn of closers.reverse()) await fn();
      server.closeAllConnections();
      localServer.closeAllConnections();
      await Promise.all([server, localServer].map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
      store.close();
      if (inMemory && !options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      lock?.release();
    },
  };
}

/**
 * Listens on this process's local socket (a Unix socket, a named pipe on Windows) and answers its path, or undefined
 * when it cannot listen there (a temporary directory whose path is too long for a socket, say): callers then use TCP.
 */
async function listenLocally(server: http.Server, port: number): Promise<string | undefined> {
  const name = localSocketName(port);
  const socketPath = process.platform === 'win32' ? `\\\\.\\pipe\\${name}` : path.join(os.tmpdir(), `${name}.sock`);
  if (process.platform !== 'win32') fs.rmSync(socketPath, { force: true });
  return new Promise((resolve) => {
    server.once('error', (err) => {
      console.warn(`[emulator] no local socket (${err.message}); functions will use TCP`);
      resolve(undefined);
    });
    server.listen({ path: socketPath, backlog: 4096 }, () => resolve(socketPath));
  });
}
