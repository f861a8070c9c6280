import type { EmulatorHost } from '../host.js';
import { sendJson } from '../host.js';
import type { FunctionRuntime, InvocationOutcome } from '../functions/types.js';
import { stateOf } from '../state.js';
import { type CronSchedule, nextFireTime, parseCron } from './cron.js';

/**
 * Timer triggers: each function's `config.json` may hold one `{name, type: 'timer', config: '<7-field cron>'}`
 * trigger, as on the platform (docs/platform.md has the trigger rules). Each valid trigger gets a setTimeout chain that invokes the function
 * with CloudBase's timer event; firings are kept for the control API:
 *   GET  /__emulator/timers                      triggers, next fire times, whether armed, recent firings
 *   POST /__emulator/timers/:functionName/run    fire now (even while paused), answers with the firing
 *   POST /__emulator/timers/pause | /resume      stop / restart the automatic firings
 * Functions are read from `host.functions` lazily (on install and on every control call), so the runtime's
 * installer must come before this one for timers to be armed at start-up. Each timer's latest firings are kept in the
 * data's SQLite file (state.ts), so the history outlives a restart.
 */
export interface TimerFiring {
  functionName: string;
  triggerName: string;
  /** ISO time the firing was due (for a manual run, the time it was asked for). */
  scheduledTime: string;
  firedTime: string;
  manual: boolean;
  outcome: InvocationOutcome;
  invocationId: string | undefined;
}

export interface TimerInfo {
  functionName: string;
  triggerName: string;
  cron: string;
  /** Why the trigger was refused (bad cron, several timers); such a trigger never fires. */
  error?: string;
  nextFireTime: string | null;
  /** Whether a firing is scheduled: false while paused, after close, and for refused or exhausted triggers. */
  armed: boolean;
  /** Newest first. */
  firings: TimerFiring[];
}

export interface TimerService {
  readonly paused: boolean;
  list(): TimerInfo[];
  /** Fires a function's timer now; undefined if the function has no usable timer. */
  run(functionName: string): Promise<TimerFiring | undefined>;
  pause(): void;
  resume(): void;
  /** Re-reads the functions' triggers (the control routes do this on every call). */
  reload(): void;
}

export interface TimerOptions {
  /** Arm the timers at install (default true); with false nothing fires until `resume`. */
  autoStart?: boolean;
  /** Clock, in ms since the epoch (default Date.now). */
  now?: () => number;
}

interface Entry {
  functionName: string;
  triggerName: string;
  cron: string;
  /** The function's timer triggers as last read, to notice config changes. */
  signature: string;
  schedule?: CronSchedule;
  error?: string;
  /** When the armed timeout is due; undefined while not armed. */
  due?: Date;
  handle?: NodeJS.Timeout;
  firings: TimerFiring[];
}

const KEEP_FIRINGS = 20;
/** setTimeout's limit (~24.8 days); longer waits are chained. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The service as `startEmulator({ services: [installRuntime, installTimers] })` takes it. */
export function installTimers(host: EmulatorHost, options?: TimerOptions): void {
  createTimers(host, options);
}

/** Installs the timers and hands back their controller (for callers that want it directly). */
export function createTimers(host: EmulatorHost, options: TimerOptions = {}): TimerService {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const history = stateOf(host).timerFirings;
  let paused = options.autoStart === false;
  let closed = false;

  function reload(): void {
    const runtime = host.functions;
    if (!runtime) return;
    const seen = new Set<string>();
    for (const name of runtime.names()) {
      const timers = (runtime.config(name)?.triggers ?? []).filter((t) => t.type === 'timer');
      if (timers.length === 0) continue;
      seen.add(name);
      const first = timers[0]!;
      const signature = JSON.stringify(timers);
      const existing = entries.get(name);
      if (existing?.signature === signature) continue;
      if (existing) disarm(existing);
      const entry: Entry = {
        functionName: name,
        triggerName: first.name,
        cron: first.config,
        signature,
        firings: existing?.firings ?? history.latest(name, KEEP_FIRINGS),
      };
      if (timers.length > 1) entry.error = `only one timer trigger per function, found ${timers.length}`;
      else {
        try {
          entry.schedule = parseCron(first.config);
        } catch (err) {
          entry.error = (err as Error).message;
        }
      }
      if (entry.error) console.warn(`[timers] ${name}: trigger "${first.name}" refused: ${entry.error}`);
      entries.set(name, entry);
      if (!paused && !closed) arm(entry);
    }
    for (const [name, entry] of entries) {
      if (seen.has(name)) continue;
      disarm(entry);
      entries.delete(name);
    }
  }

  function arm(entry: Entry, after = new Date(now())): void {
    if (!entry.schedule) return;
    const due = nextFireTime(entry.schedule, after);
    entry.due = due ?? undefined;
    if (due) wait(entry, due);
  }

  function wait(entry: Entry, due: Date): void {
    const delay = Math.min(Math.max(due.getTime() - now(), 0), MAX_DELAY_MS);
    entry.handle = setTimeout(() => {
      entry.handle = undefined;
      if (closed || paused) return;
      if (due.getTime() > now()) return wait(entry, due); // a chained long wait, or the clock lagging
      arm(entry, new Date(Math.max(due.getTime(), now())));
      void fire(entry, due, false);
    }, delay);
    entry.handle.unref();
  }

  function disarm(entry: Entry): void {
    if (entry.handle) clearTimeout(entry.handle);
    entry.handle = undefined;
    entry.due = undefined;
  }

  async function fire(entry: Entry, scheduled: Date, manual: boolean): Promise<TimerFiring> {
    const time = new Date(Math.floor(scheduled.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const event = { Type: 'Timer', TriggerName: entry.triggerName, Time: time, Message: '' };
    const firedTime = new Date(now()).toISOString();
    let outcome: InvocationOutcome;
    try {
      outcome = await requireRuntime().invoke(entry.functionName, event, { source: 'timer' });
    } catch (err) {
      // The runtime promises not to throw; if it does, the firing still gets recorded.
      outcome = { ok: false, code: 'FUNCTIONS_EXECUTE_FAIL', message: (err as Error).message ?? String(err) };
    }
    const firing: TimerFiring = {
      functionName: entry.functionName,
      triggerName: entry.triggerName,
      scheduledTime: scheduled.toISOString(),
      firedTime,
      manual,
      outcome,
      invocationId: outcome.invocationId,
    };
    entry.firings.unshift(firing);
    entry.firings.length = Math.min(entry.firings.length, KEEP_FIRINGS);
    history.add(firing, KEEP_FIRINGS);
    if (!outcome.ok)
      console.warn(`[timers] ${entry.functionName} (${entry.triggerName}) failed: ${outcome.code} ${outcome.message}`);
    return firing;
  }

  function requireRuntime(): FunctionRuntime {
    if (!host.functions) throw new Error('no function runtime is installed');
    return host.functions;
  }

  function list(): TimerInfo[] {
    reload();
    const at = new Date(now());
    return [...entries.values()].map((e) => {
      const next = e.due ?? (e.schedule ? nextFireTime(e.schedule, at) : null);
      return {
        functionName: e.functionName,
        triggerName: e.triggerName,
        cron: e.cron,
        ...(e.error ? { error: e.error } : {}),
        nextFireTime: next ? next.toISOString() : null,
        armed: e.handle !== undefined,
        firings: [...e.firings],
      };
    });
  }

  const service: TimerService = {
    get paused() {
      return paused;
    },
    list,
    reload,
    run: async (functionName) => {
      reload();
      const entry = entries.get(functionName);
      if (!entry?.schedule) return undefined;
      return fire(entry, new Date(now()), true);
    },
    pause: () => {
      paused = true;
      for (const entry of entries.values()) disarm(entry);
    },
    resume: () => {
      if (closed) return;
      paused = false;
      reload();
      for (const entry of entries.values()) if (!entry.handle) arm(entry);
    },
  };

  host.addRoute('GET', '/__emulator/timers', (_req, res) => sendJson(res, 200, { paused, timers: list() }));
  host.addRoute('POST', '/__emulator/timers/pause', (_req, res) => {
    service.pause();
    sendJson(res, 200, { paused });
  });
  host.addRoute('POST', '/__emulator/timers/resume', (_req, res) => {
    service.resume();
    sendJson(res, 200, { paused });
  });
  host.addRoute('POST', '/__emulator/timers/:functionName/run', async (_req, res, params) => {
    const name = params.functionName!;
    if (!host.functions) return sendJson(res, 503, { code: 'NO_RUNTIME', message: 'no function runtime is installed' });
    reload();
    const entry = entries.get(name);
    if (!entry) return sendJson(res, 404, { code: 'TIMER_NOT_FOUND', message: `function "${name}" has no timer trigger` });
    if (entry.error) return sendJson(res, 400, { code: 'INVALID_TIMER', message: entry.error });
    sendJson(res, 200, await fire(entry, new Date(now()), true));
  });
  host.onClose(() => {
    closed = true;
    for (const entry of entries.values()) disarm(entry);
  });

  if (!host.functions)
    console.warn('[timers] no function runtime installed yet; install it before the timers to arm them at start-up');
  reload();
  return service;
}
