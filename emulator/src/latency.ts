/**
 * The platform's network, simulated: on CloudBase a function's call to the database, WeChat Pay, the open API or
 * storage crosses the network, several milliseconds each, while on the emulator it costs well under one. With a
 * latency set, every server API request a function instance makes (`/admin/fn/<instance>`) is held for it: half on
 * the way in, before the service acts, and half on the way back, so a transaction's reads and writes happen as late
 * and its commit is answered as late as on the platform. Requests from outside functions (scripts, the web UI, tests
 * reading the database) are not delayed. Off (0 ms) by default.
 */

export const LATENCY_SERVICES = ['database', 'payment', 'openapi', 'storage', 'functions'] as const;
export type LatencyService = (typeof LATENCY_SERVICES)[number];

export interface LatencyOptions {
  /** Milliseconds per round trip, for every service not set in `services`. */
  ms?: number;
  /** Each round trip takes a uniformly random extra between 0 and this many milliseconds. */
  jitterMs?: number;
  /** A service's own round trip, in milliseconds. */
  services?: Partial<Record<LatencyService, number>>;
}

/** Which service a server API action belongs to; undefined for actions that are not a service call. */
export function serviceOfAction(action: string): LatencyService | undefined {
  if (action.startsWith('database.')) return 'database';
  if (action.startsWith('storage.')) return 'storage';
  if (action === 'wx.wxPayApi') return 'payment';
  if (action === 'wx.openApi') return 'openapi';
  if (action === 'functions.invokeFunction') return 'functions';
  return undefined;
}

export class Latency {
  /** Round trips delayed and the milliseconds they waited, per service (GET /__emulator/status shows them). */
  readonly stats: Record<LatencyService, { trips: number; waitedMs: number }>;
  private base!: Record<LatencyService, number>;
  private jitterMs = 0;

  constructor(
    options: LatencyOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.set(options);
    this.stats = Object.fromEntries(LATENCY_SERVICES.map((s) => [s, { trips: 0, waitedMs: 0 }])) as Latency['stats'];
  }

  /** Replaces the figures (POST /__emulator/latency): a benchmark compares 0 and 8 ms on one running shop. */
  set(options: LatencyOptions): void {
    const check = (name: string, value: unknown) => {
      if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 10_000))
        throw new Error(`latency ${name} must be between 0 and 10000 ms, got ${JSON.stringify(value)}`);
    };
    check('ms', options.ms);
    check('jitter', options.jitterMs);
    for (const [service, value] of Object.entries(options.services ?? {})) {
      if (!(LATENCY_SERVICES as readonly string[]).includes(service)) throw new Error(`unknown latency service ${service}`);
      check(service, value);
    }
    this.jitterMs = options.jitterMs ?? 0;
    this.base = Object.fromEntries(LATENCY_SERVICES.map((s) => [s, options.services?.[s] ?? options.ms ?? 0])) as Record<
      LatencyService,
      number
    >;
  }

  /** True when any service is delayed at all. */
  get active(): boolean {
    return this.jitterMs > 0 || LATENCY_SERVICES.some((s) => this.base[s] > 0);
  }

  /** The round trip's milliseconds for this action (0 for actions outside the services). */
  tripFor(action: string): number {
    const service = serviceOfAction(action);
    if (!service) return 0;
    const ms = this.base[service] + (this.jitterMs > 0 ? this.random() * this.jitterMs : 0);
    if (ms > 0) {
      this.stats[service].trips++;
      this.stats[service].waitedMs += ms;
    }
    return ms;
  }

  /** "8 ms (database 8, payment 20, …) + up to 2 ms jitter", or "off". */
  describe(): string {
    if (!this.active) return 'off';
    const values = new Set(LATENCY_SERVICES.map((s) => this.base[s]));
    const base =
      values.size === 1 ? `${this.base.database} ms` : LATENCY_SERVICES.map((s) => `${s} ${this.base[s]} ms`).join(', ');
    return `${base}${this.jitterMs > 0 ? ` + up to ${this.jitterMs} ms jitter` : ''} per round trip`;
  }

  toJSON() {
    return { ms: this.base, jitterMs: this.jitterMs, stats: this.stats };
  }
}

export const wait = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
