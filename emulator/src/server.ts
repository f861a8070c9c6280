import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { CloudBaseError, ErrorCode, unsupported } from './errors.js';
import { DatabaseService } from './db/database.js';
import type { CollectionDeclaration } from './db/schema.js';
import { Store } from './db/store.js';
import { renderStatusPage } from './ui/status-page.js';

/**
 * The emulator's HTTP server. `POST /admin` is the CloudBase server API that wx-server-sdk and @cloudbase/node-sdk
 * call (wire reference §1): every answer is HTTP 200, with a truthy `code` for errors.
 */
export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** SQLite file; ':memory:' keeps everything in memory (tests). */
  dataFile: string;
  envId?: string;
  collections?: CollectionDeclaration[];
  /** How long a transaction may stay open (30 s, as on the platform); tests shorten it. */
  transactionTtlMs?: number;
}

export interface Emulator {
  url: string;
  port: number;
  envId: string;
  store: Store;
  database: DatabaseService;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 50 * 1024 * 1024;
export const DEFAULT_ENV_ID = 'local-env';

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const store = new Store({ file: options.dataFile });
  for (const decl of options.collections ?? []) {
    store.createCollection(decl.name);
    store.ensureIndexes(decl.name, decl.indexes ?? []);
  }
  const database = new DatabaseService(store, { transactionTtlMs: options.transactionTtlMs });
  const envId = options.envId ?? DEFAULT_ENV_ID;
  const expiry = setInterval(() => database.transactions.expire(), 1000);
  expiry.unref();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error('[emulator] unexpected error', err);
      if (!res.headersSent) send(res, 500, { code: ErrorCode.SYS_ERR, message: String(err) });
    });
  });
  server.keepAliveTimeout = 60_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/admin') {
      const body = await readBody(req);
      send(res, 200, handleAdmin(body, req.headers['content-type'] ?? ''));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(renderStatusPage(status()));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/__emulator/status') {
      send(res, 200, status());
      return;
    }
    send(res, 404, { code: 'NOT_FOUND', message: `${req.method} ${url.pathname} is not served by the emulator` });
  }

  function handleAdmin(raw: Buffer, contentType: string): Record<string, unknown> {
    const requestId = randomBytes(8).toString('hex');
    database.stats.requests++;
    try {
      if (!contentType.includes('application/json')) throw unsupported(`request content type "${contentType}"`);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new CloudBaseError(ErrorCode.INVALID_PARAM, 'request body is not valid JSON');
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new CloudBaseError(ErrorCode.INVALID_PARAM, 'request body must be a JSON object');
      const action = (body as Record<string, unknown>).action;
      const handler = typeof action === 'string' ? database.actions[action] : undefined;
      if (!handler) throw unsupported(`action ${JSON.stringify(action)}`);
      return { requestId, ...handler(body as Record<string, unknown>, Date.now()) };
    } catch (err) {
      database.stats.errors++;
      if (err instanceof CloudBaseError) return { code: err.code, message: err.message, requestId };
      console.error('[emulator] internal error', err);
      return { code: ErrorCode.SYS_ERR, message: (err as Error).message ?? String(err), requestId };
    }
  }

  function status() {
    return {
      envId,
      collections: store.collectionNames().map((name) => ({ name, count: store.count(name), indexes: store.collection(name).indexes })),
      openTransactions: database.transactions.openTransactions(),
      requests: database.stats.requests,
      errors: database.stats.errors,
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    envId,
    store,
    database,
    close: async () => {
      clearInterval(expiry);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new CloudBaseError(ErrorCode.INVALID_PARAM, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
