import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CloudBaseError, ErrorCode } from '../errors.js';
import { type AdminCaller, type EmulatorHost, sendJson as send } from '../host.js';
import type {
  CallerIdentity,
  FunctionConfig,
  FunctionRuntime,
  InvocationOutcome,
  InvokeOptions,
  InvocationSource,
} from './types.js';
import { randomHex } from '../random.js';
import { type InvocationFilter, type InvocationTable, stateOf } from '../state.js';

/**
 * The cloud function runtime: each built function (`<functionsDir>/<name>/index.js` + `config.json`) runs in worker
 * threads, one invocation per instance at a time, as SCF does. Idle instances stay warm and are reused; a new one is a
 * cold start. The function's timeout (config.json, 3 s by default) is enforced by terminating the instance; a crash or
 * unhandled rejection ends only that instance and fails only its invocation.
 * Each instance reaches the server API on its own path (`/admin/fn/<instance>`), which is how database round trips
 * are counted per invocation.
 */
export interface RuntimeOptions {
  functionsDir: string;
  /** Variables every function sees (e.g. development keys); a function's own `envVariables` win. */
  env?: Record<string, string>;
  /** Instances per function at most; further invocations wait for one to free up (default: `defaultMaxInstances()`). */
  maxInstances?: number;
  /** Idle instances are ended after this long. */
  idleMs?: number;
  /** How many invocations the log keeps (the latest; default 10,000). */
  keepInvocations?: number;
}

/**
 * Instances per function when not configured: twice the machine's cores, between 2 and 10. On SCF every instance has
 * a CPU of its own; here all of them share the developer's cores, and instances beyond what the cores can run only
 * queue in the OS scheduler, where they slow every database round trip down instead of waiting their turn at the
 * gateway. Measured on 2 cores (npm run bench:order): 4 instances sold a hot SKU 1.7x faster and refused the rest
 * 1.3x faster than 10.
 */
export function defaultMaxInstances(cores = os.availableParallelism()): number {
  return Math.min(10, Math.max(2, 2 * cores));
}

export interface LogLine {
  level: string;
  text: string;
  at: number;
}

export interface Invocation {
  id: string;
  functionName: string;
  source: InvocationSource;
  route?: string;
  openid?: string;
  startedAt: number;
  durationMs?: number;
  coldStart: boolean;
  instanceId?: string;
  databaseCalls: number;
  /**
   * The database round trips on the invocation's critical path: the longest chain of them one after another (calls
   * made together, as with Promise.all, count once). With a network latency each of these costs a full trip.
   */
  databaseChain: number;
  adminCalls: number;
  logs: LogLine[];
  /**
   * Absent while running. `business_error`: the function answered an envelope with `ok: false` (a refusal it chose,
   * such as out of stock); `error`: it failed (`failure` says how).
   */
  outcome?: InvocationOutcomeKind;
  failure?: 'error' | 'timeout' | 'crash' | 'stopped';
  result?: unknown;
  error?: string;
  event: Record<string, unknown>;
}

interface Instance {
  id: string;
  functionName: string;
  worker: Worker;
  /** Settles when the function's module has loaded (cold start); an error message if it could not. */
  ready: Promise<string | undefined>;
  current?: { invocation: Invocation; settle: (outcome: InvocationOutcome) => void };
  idleTimer?: NodeJS.Timeout;
  dead: boolean;
}

interface Pool {
  idle: Instance[];
  count: number;
  waiting: Array<() => void>;
}

export type InvocationOutcomeKind = 'ok' | 'business_error' | 'error';
const OUTCOMES: readonly string[] = ['ok', 'business_error', 'error'] satisfies InvocationOutcomeKind[];

const WORKER_FILE = fileURLToPath(new URL('./worker.cjs', import.meta.url));
const DEFAULT_TIMEOUT_S = 3;
const KEEP_INVOCATIONS = 10_000;
/** Page size of GET /__emulator/invocations: by default, and at most. */
const PAGE_DEFAULT = 100;
const PAGE_MAX = 200;
/** How long finished invocations wait to be written, so a busy emulator writes them in one transaction per interval. */
const FLUSH_MS = 50;

export function installFunctionRuntime(options: RuntimeOptions) {
  return (host: EmulatorHost): FunctionRuntimeService => {
    const runtime = new FunctionRuntimeService(host, options);
    host.functions = runtime;
    host.setCallerResolver((instanceId) => runtime.callerOf(instanceId));
    host.onAdminCall((action, caller) => runtime.countAdminCall(action, caller));
    host.onClose(() => runtime.close());
    runtime.installRoutes();
    return runtime;
  };
}

export class FunctionRuntimeService implements FunctionRuntime {
  private readonly pools = new Map<string, Pool>();
  private readonly instances = new Map<string, Instance>();
  private readonly configs = new Map<string, FunctionConfig>();
  readonly log: InvocationLog;
  readonly stats = { coldStarts: 0, warmStarts: 0 };

  readonly maxInstances: number;

  constructor(
    private readonly host: EmulatorHost,
    private readonly options: RuntimeOptions,
  ) {
    this.maxInstances = options.maxInstances ?? defaultMaxInstances();
    this.log = new InvocationLog(stateOf(host).invocations, options.keepInvocations ?? KEEP_INVOCATIONS);
    this.reload();
  }

  /** Reads the built functions again (after a rebuild). */
  reload(): void {
    this.configs.clear();
    if (!fs.existsSync(this.options.functionsDir)) return;
    for (const name of fs.readdirSync(this.options.functionsDir)) {
      const dir = path.join(this.options.functionsDir, name);
      if (!fs.existsSync(path.join(dir, 'index.js'))) continue;
      const configFile = path.join(dir, 'config.json');
      this.configs.set(
        name,
        fs.existsSync(configFile) ? (JSON.parse(fs.readFileSync(configFile, 'utf8')) as FunctionConfig) : {},
      );
    }
  }

  names(): string[] {
    return [...this.configs.keys()];
  }

  config(name: string): FunctionConfig | undefined {
    return this.configs.get(name);
  }

  callerOf(instanceId: string): AdminCaller | undefined {
    const instance = this.instances.get(instanceId);
    if (!instance) return undefined;
    return { functionName: instance.functionName, instanceId, invocationId: instance.current?.invocation.id };
  }

  /** When each running invocation's chain of sequential database calls last ended (performance.now()). */
  private readonly chainEnds = new WeakMap<Invocation, number>();

  countAdminCall(action: string, caller: AdminCaller): (() => void) | undefined {
    const invocation = caller.instanceId ? this.instances.get(caller.instanceId)?.current?.invocation : undefined;
    if (!invocation) return undefined;
    invocation.adminCalls++;
    if (!action.startsWith('database.')) return undefined;
    invocation.databaseCalls++;
    const startedAt = performance.now();
    // Calls end in order, so taking each one that started after the chain's last end gives the longest chain
    // (the greedy rule for the most intervals that do not overlap).
    return () => {
      if (startedAt < (this.chainEnds.get(invocation) ?? 0)) return;
      invocation.databaseChain++;
      this.chainEnds.set(invocation, performance.now());
    };
  }

  invocation(id: string): Invocation | undefined {
    return this.log.get(id);
  }

  async invoke(name: string, event: Record<string, unknown>, options: InvokeOptions): Promise<InvocationOutcome> {
    const config = this.configs.get(name);
    if (!config) return { ok: false, code: 'FUNCTION_NOT_FOUND', message: `function ${name} does not exist` };
    const invocation: Invocation = {
      id: randomHex(12),
      functionName: name,
      source: options.source,
      route: typeof event.$url === 'string' ? event.$url : undefined,
      openid: options.identity?.openid,
      startedAt: Date.now(),
      coldStart: false,
      databaseCalls: 0,
      databaseChain: 0,
      adminCalls: 0,
      logs: [],
      event,
    };
    this.log.started(invocation);

    const instance = await this.acquire(name, invocation);
    const timeoutMs = Math.round((config.timeout ?? DEFAULT_TIMEOUT_S) * 1000);
    const outcome = await new Promise<InvocationOutcome>((resolve) => {
      const timer = setTimeout(() => {
        invocation.failure = 'timeout';
        settle({
          ok: false,
          code: 'FUNCTIONS_TIME_LIMIT_EXCEEDED',
          message: `Invoking task timed out after ${timeoutMs / 1000} seconds`,
          invocationId: invocation.id,
        });
        this.retire(instance);
      }, timeoutMs);
      const settle = (o: InvocationOutcome) => {
        clearTimeout(timer);
        if (instance.current?.invocation === invocation) instance.current = undefined;
        resolve(o);
      };
      instance.current = { invocation, settle };
      instance.worker.postMessage({
        type: 'invoke',
        id: invocation.id,
        event,
        env: this.invocationEnv(options.source, options.identity),
        context: {
          function_name: name,
          function_version: '$LATEST',
          namespace: this.host.envId,
          request_id: invocation.id,
          memory_limit_in_mb: 256,
          time_limit_in_ms: timeoutMs,
          callbackWaitsForEmptyEventLoop: false,
        },
      });
    });
    invocation.durationMs = Date.now() - invocation.startedAt;
    if (outcome.ok) {
      invocation.outcome = isRefusal(outcome.result) ? 'business_error' : 'ok';
      invocation.result = outcome.result;
    } else {
      invocation.outcome = 'error';
      invocation.failure ??= 'error';
      invocation.error = outcome.message;
    }
    this.log.finished(invocation);
    this.release(instance);
    return outcome;
  }

  private invocationEnv(source: InvocationSource, identity: CallerIdentity | undefined): Record<string, string> {
    const env: Record<string, string> = {};
    if (identity?.openid) env.WX_OPENID = identity.openid;
    if (identity?.appid) env.WX_APPID = identity.appid;
    if (identity?.unionid) env.WX_UNIONID = identity.unionid;
    if (identity?.clientIp) env.WX_CLIENTIP = identity.clientIp;
    env.WX_CONTEXT_KEYS = Object.keys(env).join(',');
    env.TCB_SOURCE = source === 'gateway' ? 'wx_client' : source === 'http' ? 'http' : 'scf';
    return env;
  }

  private async acquire(name: string, invocation: Invocation): Promise<Instance> {
    const pool = this.pool(name);
    for (;;) {
      const warm = pool.idle.pop();
      if (warm) {
        clearTimeout(warm.idleTimer);
        this.stats.warmStarts++;
        invocation.instanceId = warm.id;
        return warm;
      }
      if (pool.count < this.maxInstances) {
        pool.count++;
        this.stats.coldStarts++;
        invocation.coldStart = true;
        const instance = this.spawn(name);
        invocation.instanceId = instance.id;
        const loadError = await instance.ready;
        if (loadError) invocation.logs.push({ level: 'error', text: loadError, at: Date.now() });
        return instance;
      }
      await new Promise<void>((resolve) => pool.waiting.push(resolve));
    }
  }

  private release(instance: Instance): void {
    const pool = this.pool(instance.functionName);
    if (!instance.dead) {
      instance.idleTimer = setTimeout(() => this.retire(instance), this.options.idleMs ?? 10 * 60_000);
      instance.idleTimer.unref();
      pool.idle.push(instance);
    }
    pool.waiting.shift()?.();
  }

  private pool(name: string): Pool {
    let pool = this.pools.get(name);
    if (!pool) this.pools.set(name, (pool = { idle: [], count: 0, waiting: [] }));
    return pool;
  }

  private spawn(name: string): Instance {
    const id = randomHex(8);
    const config = this.configs.get(name) ?? {};
    const worker = new Worker(WORKER_FILE, {
      workerData: {
        entry: path.join(this.options.functionsDir, name, 'index.js'),
        server: this.host.baseUrl(),
        localSocket: this.host.localSocket(),
      },
      // The variables the CloudBase runtime gives a function, which wx-server-sdk reads (emulator/README.md, "Pointing
      // the SDKs at it"); WX_* are set per invocation.
      env: {
        ...process.env,
        ...this.options.env,
        ...config.envVariables,
        TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${this.host.baseUrl()}/admin/fn/${id}` }),
        TENCENTCLOUD_SECRETID: 'local-secret-id',
        TENCENTCLOUD_SECRETKEY: 'local-secret-key',
        TENCENTCLOUD_RUNENV: 'SCF',
        TENCENTCLOUD_REGION: 'ap-shanghai',
        SCF_NAMESPACE: this.host.envId,
        SCF_FUNCTIONNAME: name,
        TCB_ENV: this.host.envId,
        SILENCE: 'true',
      },
      stdout: false,
      stderr: false,
      // The instance runs built JavaScript: inheriting the parent's loaders (tsx under `npm start` and the tests) made
      // every cold start transpile-check all of wx-server-sdk (seconds of CPU per instance, measured).
      execArgv: [],
    });
    let markReady: (error: string | undefined) => void = () => {};
    const ready = new Promise<string | undefined>((resolve) => (markReady = resolve));
    const instance: Instance = { id, functionName: name, worker, ready, dead: false };
    this.instances.set(id, instance);
    worker.on(
      'message',
      (msg: { type: string; id?: string; level?: string; text?: string; result?: unknown; message?: string; error?: string }) => {
        if (msg.type === 'ready') return markReady(msg.error);
        const current = instance.current;
        if (msg.type === 'log') {
          const line = { level: msg.level ?? 'log', text: msg.text ?? '', at: Date.now() };
          if (msg.id && current?.invocation.id === msg.id) current.invocation.logs.push(line);
          else if (msg.id) this.log.lateLog(msg.id, line); // printed after the invocation answered
          return;
        }
        if (!current || (msg.id && msg.id !== current.invocation.id)) {
          if (msg.type === 'crash') this.retire(instance);
          return;
        }
        if (msg.type === 'result') current.settle({ ok: true, result: msg.result, invocationId: current.invocation.id });
        else if (msg.type === 'error') {
          current.invocation.logs.push({ level: 'error', text: msg.message ?? '', at: Date.now() });
          current.settle({
            ok: false,
            code: 'FUNCTIONS_EXECUTE_FAIL',
            message: firstLine(msg.message),
            invocationId: current.invocation.id,
          });
        } else if (msg.type === 'crash') {
          current.invocation.failure = 'crash';
          current.invocation.logs.push({ level: 'error', text: msg.message ?? '', at: Date.now() });
          current.settle({
            ok: false,
            code: 'FUNCTIONS_EXECUTE_FAIL',
            message: firstLine(msg.message),
            invocationId: current.invocation.id,
          });
          this.retire(instance);
        }
      },
    );
    worker.on('error', (err) => {
      instance.current?.settle({
        ok: false,
        code: 'FUNCTIONS_EXECUTE_FAIL',
        message: err.message,
        invocationId: instance.current.invocation.id,
      });
      this.retire(instance);
    });
    worker.on('exit', () => {
      markReady('the function instance exited while starting');
      instance.current?.settle({
        ok: false,
        code: 'FUNCTIONS_EXECUTE_FAIL',
        message: 'the function instance exited',
        invocationId: instance.current.invocation.id,
      });
      this.retire(instance);
    });
    return instance;
  }

  /** Ends an instance (timeout, crash, idle, close); its slot in the pool frees up. */
  private retire(instance: Instance): void {
    if (instance.dead) return;
    instance.dead = true;
    clearTimeout(instance.idleTimer);
    this.instances.delete(instance.id);
    const pool = this.pool(instance.functionName);
    pool.idle = pool.idle.filter((i) => i !== instance);
    pool.count--;
    pool.waiting.shift()?.();
    void instance.worker.terminate();
  }

  async close(): Promise<void> {
    const instances = [...this.instances.values()];
    for (const instance of instances) this.retire(instance);
    await Promise.all(instances.map((i) => i.worker.terminate()));
    // The invocations the ended instances were running settle on their exit events; let them, then write the log.
    await new Promise((resolve) => setImmediate(resolve));
    this.log.close();
  }

  installRoutes(): void {
    const host = this.host;
    // cloud.callFunction from inside a function (`functions.invokeFunction`): the callee runs with the caller's identity.
    host.addJsonAction('functions.invokeFunction', async (body, caller) => {
      const name = body.function_name;
      if (typeof name !== 'string' || !this.configs.has(name))
        throw new CloudBaseError(ErrorCode.FUNCTIONS_REQUEST_FAIL, `function ${String(name)} does not exist`);
      let data: Record<string, unknown> = {};
      try {
        data =
          typeof body.request_data === 'string' && body.request_data
            ? (JSON.parse(body.request_data) as Record<string, unknown>)
            : {};
      } catch {
        throw new CloudBaseError(ErrorCode.INVALID_PARAM, 'request_data is not JSON');
      }
      const parent = caller.invocationId ? this.invocation(caller.invocationId) : undefined;
      const outcome = await this.invoke(name, data, {
        source: 'callFunction',
        identity: parent?.openid ? { openid: parent.openid } : undefined,
      });
      if (!outcome.ok)
        throw new CloudBaseError(
          outcome.code === 'FUNCTIONS_TIME_LIMIT_EXCEEDED'
            ? ErrorCode.FUNCTIONS_TIME_LIMIT_EXCEEDED
            : ErrorCode.FUNCTIONS_EXECUTE_FAIL,
          outcome.message,
        );
      return { data: { response_data: outcome.result === undefined ? '' : JSON.stringify(outcome.result) } };
    });
    host.addRoute('GET', '/__emulator/functions', (_req, res) => {
      send(res, 200, {
        functions: this.names().map((name) => ({ name, config: this.config(name), instances: this.pools.get(name)?.count ?? 0 })),
        maxInstances: this.maxInstances,
        stats: this.stats,
      });
    });
    host.addRoute('GET', '/__emulator/invocations', (_req, res, _params, url) => {
      let query: { filter: InvocationFilter; limit: number };
      try {
        query = invocationQuery(url.searchParams);
      } catch (err) {
        return send(res, 400, { code: 'INVALID_PARAM', message: (err as Error).message });
      }
      send(res, 200, this.log.page(query.filter, query.limit));
    });
    host.addRoute('GET', '/__emulator/invocations/:id', (_req, res, params) => {
      const invocation = this.invocation(params.id!);
      if (!invocation) send(res, 404, { code: 'NOT_FOUND', message: 'no such invocation' });
      else send(res, 200, invocation);
    });
  }
}

function firstLine(message: string | undefined): string {
  return (message ?? 'the function failed').split('\n')[0]!;
}

/** The shop's envelope refusing: `{ok: false, …}`, or the same as the JSON body of an HTTP access function's answer. */
function isRefusal(result: unknown): boolean {
  if (result === null || typeof result !== 'object') return false;
  const r = result as Record<string, unknown>;
  if (r.ok === false) return true;
  if (typeof r.statusCode !== 'number' || typeof r.body !== 'string' || !r.body.startsWith('{') || r.body.length > 65_536)
    return false;
  try {
    return (JSON.parse(r.body) as Record<string, unknown> | null)?.ok === false;
  } catch {
    return false;
  }
}

/**
 * GET /__emulator/invocations' query: `function`, `route`, `source`, `caller` (openid), `outcome`, `timers`
 * (include | exclude), `before` (a `nextBefore` cursor) and `limit` (at most 200). Refuses malformed values.
 */
function invocationQuery(params: URLSearchParams): { filter: InvocationFilter; limit: number } {
  const text = (name: string) => params.get(name) || undefined;
  const outcome = text('outcome');
  if (outcome !== undefined && !OUTCOMES.includes(outcome)) throw new Error(`outcome must be one of ${OUTCOMES.join(', ')}`);
  const timers = text('timers') ?? 'include';
  if (timers !== 'include' && timers !== 'exclude') throw new Error('timers must be include or exclude');
  const before = text('before');
  if (before !== undefined && !/^\d{1,15}$/.test(before)) throw new Error('before must be a nextBefore cursor');
  const limitText = text('limit');
  const limit = limitText === undefined ? PAGE_DEFAULT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer (at most ${PAGE_MAX})`);
  return {
    filter: {
      functionName: text('function'),
      route: text('route'),
      source: text('source'),
      caller: text('caller'),
      outcome,
      excludeSource: timers === 'exclude' ? 'timer' : undefined,
      before: before === undefined ? undefined : Number(before),
    },
    limit: Math.min(limit, PAGE_MAX),
  };
}

/**
 * The invocation log, in the emulator's state tables (state.ts) so it outlives a restart, bounded to the latest
 * `keep`. An invocation is kept in memory while it runs and until it is written: it is written once it finishes, in a
 * batch every FLUSH_MS at most, so the functions' hot path pays one SQLite transaction per interval rather than one
 * per invocation; a listing first writes what is pending, running invocations included. A SIGKILL can lose the last
 * interval's invocations and those running; close() loses none.
 */
class InvocationLog {
  /** Running, or finished and not yet written; by id, with the seq each got when it started. */
  private readonly live = new Map<string, { seq: number; invocation: Invocation }>();
  private readonly dirty = new Set<string>();
  private lastSeq: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly table: InvocationTable,
    private readonly keep: number,
  ) {
    this.lastSeq = table.lastSeq();
    this.endUnfinished();
  }

  /** Not written yet: most invocations finish within the interval, and are then written once, not twice. */
  started(invocation: Invocation): void {
    this.live.set(invocation.id, { seq: ++this.lastSeq, invocation });
  }

  finished(invocation: Invocation): void {
    this.touch(invocation.id);
  }

  /** A line logged after its invocation answered (a timer the function left behind, say). */
  lateLog(id: string, line: LogLine): void {
    const entry = this.live.get(id) ?? this.stored(id);
    if (!entry) return;
    entry.invocation.logs.push(line);
    this.live.set(id, entry);
    this.touch(id);
  }

  get(id: string): Invocation | undefined {
    return this.live.get(id)?.invocation ?? this.stored(id)?.invocation;
  }

  page(filter: InvocationFilter, limit: number): { invocations: ReturnType<typeof summary>[]; nextBefore?: string } {
    this.flush(true);
    // One more than asked tells whether there is a next page.
    const rows = this.table.page(filter, limit + 1);
    const shown = rows.slice(0, limit);
    return {
      invocations: shown.map((r) => JSON.parse(r.summary) as ReturnType<typeof summary>),
      ...(rows.length > limit ? { nextBefore: String(shown[shown.length - 1]!.seq) } : {}),
    };
  }

  close(): void {
    if (this.closed) return;
    // Whatever still runs now never finishes: it is written as stopped, not left running for good.
    for (const { invocation } of this.live.values()) if (!invocation.outcome) stop(invocation, 'the emulator stopped');
    this.flush(true);
    this.closed = true;
  }

  private touch(id: string): void {
    if (this.closed) return;
    this.dirty.add(id);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Writes what changed; with `running`, the invocations still running too (for a listing, or on close). */
  private flush(running = false): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (running) for (const [id, { invocation }] of this.live) if (!invocation.outcome) this.dirty.add(id);
    if (this.dirty.size === 0) return;
    const rows = [...this.dirty].flatMap((id) => {
      const entry = this.live.get(id);
      return entry ? [row(entry.seq, entry.invocation)] : [];
    });
    this.table.write(rows, this.lastSeq - this.keep);
    for (const id of this.dirty) if (this.live.get(id)?.invocation.outcome) this.live.delete(id);
    this.dirty.clear();
  }

  private stored(id: string): { seq: number; invocation: Invocation } | undefined {
    const r = this.table.get(id);
    return r && { seq: r.seq, invocation: fromRow(r) };
  }

  /** Invocations a killed emulator left marked running. */
  private endUnfinished(): void {
    const rows = this.table.unfinished();
    if (rows.length === 0) return;
    this.table.write(
      rows.map((r) => row(r.seq, stop(fromRow(r), 'the emulator stopped before the invocation ended'))),
      0,
    );
  }
}

function stop(invocation: Invocation, message: string): Invocation {
  invocation.outcome = 'error';
  invocation.failure = 'stopped';
  invocation.error = message;
  return invocation;
}

function summary(i: Invocation) {
  const { event: _event, logs, ...rest } = i;
  return { ...rest, logCount: logs.length };
}

function row(seq: number, i: Invocation) {
  return {
    seq,
    id: i.id,
    functionName: i.functionName,
    source: i.source,
    route: i.route,
    caller: i.openid,
    outcome: i.outcome,
    summary: JSON.stringify(summary(i)),
    detail: JSON.stringify({ event: i.event, logs: i.logs }),
  };
}

function fromRow(r: { summary: string; detail: string }): Invocation {
  const { logCount: _count, ...rest } = JSON.parse(r.summary) as ReturnType<typeof summary>;
  return { ...rest, ...(JSON.parse(r.detail) as Pick<Invocation, 'event' | 'logs'>) };
}
