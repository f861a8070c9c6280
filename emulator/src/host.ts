import type http from 'node:http';
import type { DatabaseService } from './db/database.js';
import type { FunctionRuntime } from './functions/types.js';

/**
 * What the emulator's parts plug into. Each service (database, functions, payment, storage, open APIs, timers)
 * registers its `/admin` actions and HTTP routes here, so server.ts stays a dispatcher that knows none of them.
 */
export type Body = Record<string, unknown>;

/** Who made an `/admin` call: a function instance (its own URL path) or a script/test (no function). */
export interface AdminCaller {
  functionName?: string;
  instanceId?: string;
  invocationId?: string;
}

export interface RawReply {
  status?: number;
  contentType: string;
  body: Buffer | string;
}

/** A JSON action answers with the fields besides `requestId`; errors are thrown as CloudBaseError. */
export type JsonAction = (body: Body, caller: AdminCaller, now: number) => Body | Promise<Body>;
/** A multipart action (`wx.wxPayApi`, `wx.openApi`) gets every part as raw bytes and answers with raw bytes. */
export type MultipartAction = (parts: Map<string, Buffer>, caller: AdminCaller) => Promise<RawReply>;
export type RouteHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  params: Record<string, string>,
  url: URL,
) => Promise<void> | void;
/**
 * Asked about a request no route claimed, after the server's own pages (`/`, `/__emulator/status`): answers true when
 * it handled the request, false to pass it on (in the end, the server's 404).
 */
export type FallbackHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean> | boolean;

export type AdminCallListener = (action: string, caller: AdminCaller, body?: Record<string, unknown>) => (() => void) | void;

export interface EmulatorHost {
  readonly envId: string;
  /** `http://127.0.0.1:<port>`, known once the server listens. */
  baseUrl(): string;
  /**
   * A Unix socket (a named pipe on Windows) serving the same as `baseUrl`, for this machine's own callers: function
   * instances reach the server API through it (see functions/worker.cjs). Undefined until the server listens.
   */
  localSocket(): string | undefined;
  /** Where services keep files (storage); a temporary directory for in-memory emulators. */
  readonly dataDir: string;
  readonly database: DatabaseService;
  /** Set by the function runtime when it is installed; other services reach functions through it. */
  functions: FunctionRuntime | undefined;
  addJsonAction(action: string, handler: JsonAction): void;
  addMultipartAction(action: string, handler: MultipartAction): void;
  /** `pattern` is a path with `:name` segments, e.g. `/__emulator/pay/:outTradeNo/pay`. */
  addRoute(method: string, pattern: string, handler: RouteHandler): void;
  /** Static hosting plugs in here, so every route of every other service keeps precedence over the files it serves. */
  addFallback(handler: FallbackHandler): void;
  /**
   * Called for every `/admin` call a function instance makes (round trips per invocation), before it runs, with its
   * JSON body when it has one; a listener may answer a function to be called once the call's answer is sent, to see
   * which calls overlapped. A listener that throws fails the call (tests use it to lose an answer).
   */
  onAdminCall(listener: AdminCallListener): void;
  /** Lets the function runtime tell which function instance an `/admin/fn/<instance>` call comes from. */
  setCallerResolver(resolve: (instanceId: string) => AdminCaller | undefined): void;
  /** Run on close, in reverse order of registration. */
  onClose(fn: () => Promise<void> | void): void;
}

/**
 * The request's body, refused past `limit` bytes. Plain stream events: an async iterator per request cost ~3% of the
 * server thread under load (measured with perf on `npm run bench:order`).
 */
export function readBody(req: http.IncomingMessage, limit = 50 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the caller can still answer on this connection.
      if (size > limit) {
        chunks.length = 0;
        reject(new Error('request body too large'));
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
