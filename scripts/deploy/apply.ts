import type { IndexSpec } from '../../emulator/index.js';
import type { Declarations, TimerTrigger } from './declarations.js';
import type {
  FunctionStep,
  Plan,
  RemoteCollection,
  RemoteFunction,
  RemoteHosting,
  RemoteIndex,
  RemoteState,
  RemoteRoute,
  RoutingRule,
} from './plan.js';

/**
 * What deploy needs from a CloudBase environment. The real one is `managerTarget` (manager.ts); tests can record.
 * There is deliberately no way to drop a collection or an index here. Static hosting files can be deleted: they are
 * build output, and only those under the site's own path that the build no longer has.
 */
export interface CloudTarget {
  /** Names of the collections that exist. */
  listCollections(): Promise<string[]>;
  describeIndexes(collection: string): Promise<RemoteIndex[]>;
  describeRules(collection: string): Promise<RemoteCollection['rules']>;
  /** Undefined when the function does not exist. */
  getFunction(name: string): Promise<RemoteFunction | undefined>;
  /** The function an HTTP access path is bound to, if the path exists. */
  getRoute(path: string): Promise<RemoteRoute | undefined>;

  createCollection(name: string): Promise<void>;
  createIndexes(collection: string, indexes: IndexSpec[]): Promise<void>;
  setRules(collection: string, rule: string): Promise<void>;
  /** Uploads the code and creates the function with its configuration and triggers. */
  createFunction(fn: FunctionStep): Promise<void>;
  /** Uploads the code, then updates the configuration (timeout, memory, variables). Triggers are separate. */
  updateFunction(fn: FunctionStep): Promise<void>;
  deleteTrigger(fn: string, trigger: string): Promise<void>;
  createTriggers(fn: string, triggers: TimerTrigger[]): Promise<void>;
  createRoute(route: RemoteRoute): Promise<void>;

  /** Static website hosting: whether it is online, its domain, the objects under `cloudPath`, its website configuration. */
  getHosting(cloudPath: string): Promise<RemoteHosting>;
  uploadHostingFiles(files: Array<{ localPath: string; cloudPath: string }>): Promise<void>;
  deleteHostingFiles(keys: string[]): Promise<void>;
  /** Replaces the whole website configuration (index document, error document, redirect rules). */
  setWebsite(config: { indexDocument: string; errorDocument: string; routingRules: RoutingRule[] }): Promise<void>;
}

/** Reads only what the plan needs: the declared collections, the built functions, the declared paths. */
export async function readRemoteState(target: CloudTarget, decl: Declarations): Promise<RemoteState> {
  const existing = new Set(await target.listCollections());
  const collections = new Map<string, RemoteCollection>();
  await forEachLimited(
    decl.collections.filter((c) => existing.has(c.name)),
    4,
    async (c) => {
      const [indexes, rules] = await Promise.all([
        target.describeIndexes(c.name),
        c.rules ? target.describeRules(c.name) : undefined,
      ]);
      collections.set(c.name, { indexes, rules });
    },
  );
  const functions = new Map<string, RemoteFunction>();
  await forEachLimited(decl.functions, 4, async (f) => {
    const fn = await target.getFunction(f.name);
    if (fn) functions.set(f.name, fn);
  });
  const routes: RemoteRoute[] = [];
  for (const r of decl.routes) {
    const bound = await target.getRoute(r.path);
    if (bound) routes.push(bound);
  }
  // Static hosting is read only for a built site: an environment without it enabled can still take everything else.
  const hosting = decl.site?.files ? await target.getHosting(decl.site.cloudPath) : undefined;
  return { collections, functions, routes, hosting };
}

export class StepError extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`${step} failed: ${describeError(cause)}`);
  }
}

export function describeError(e: unknown): string {
  const err = e as { message?: string; code?: string; requestId?: string };
  const extra = [err.code && `code ${err.code}`, err.requestId && `request ${err.requestId}`].filter(Boolean).join(', ');
  return `${err.message ?? String(e)}${extra ? ` (${extra})` : ''}`;
}

/**
 * Runs a plan whose state was read: the database first, then the functions (a few at a time), then the HTTP access
 * routes, which need their functions, then the static site, which calls them. Stops at the first failure; running
 * deploy again picks up from what exists.
 */
export async function applyPlan(plan: Plan, target: CloudTarget, log: (line: string) => void): Promise<void> {
  if (!plan.stateKnown) throw new Error('a plan without the environment state cannot be applied');
  if (plan.problems.length) throw new Error('the plan has problems; nothing was deployed');
  const step = async (label: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (e) {
      throw new StepError(label, e);
    }
    log(`  ✓ ${label}`);
  };

  for (const c of plan.collections) {
    if (c.create === true) await step(`create collection ${c.name}`, () => target.createCollection(c.name));
    if (c.createIndexes.length)
      await step(
        `create ${c.createIndexes.length} index(es) on ${c.name}: ${c.createIndexes.map((i) => i.name).join(', ')}`,
        () => target.createIndexes(c.name, c.createIndexes),
      );
    if (c.rules && c.rules.change !== false)
      await step(`set security rules of ${c.name}`, () => target.setRules(c.name, c.rules!.rule));
  }

  await forEachLimited(plan.functions, 4, async (f) => {
    if (f.action === 'create') {
      await step(
        `create function ${f.name}${f.triggers.create.length ? ` with timer(s) ${f.triggers.create.map((t) => t.name).join(', ')}` : ''}`,
        () => target.createFunction(f),
      );
      return;
    }
    await step(`update function ${f.name} (code and configuration)`, () => target.updateFunction(f));
    for (const name of f.triggers.delete) await step(`delete timer ${f.name}/${name}`, () => target.deleteTrigger(f.name, name));
    if (f.triggers.create.length)
      await step(`create timer(s) ${f.triggers.create.map((t) => `${f.name}/${t.name}`).join(', ')}`, () =>
        target.createTriggers(f.name, f.triggers.create),
      );
  });

  for (const r of plan.routes) {
    if (r.action === 'create')
      await step(`create HTTP access ${r.path} → ${r.function}`, () =>
        target.createRoute({ path: r.path, function: r.function }),
      );
  }

  const h = plan.hosting;
  if (h?.built && h.enabled === true) {
    const upload = (files: typeof h.upload) => files.map((f) => ({ localPath: f.localPath, cloudPath: h.cloudPath + f.path }));
    // The pages last: a visitor never gets an index.html whose new scripts are not there yet.
    const isPage = (f: { path: string }) => /\.html?$/i.test(f.path);
    const assets = h.upload.filter((f) => !isPage(f));
    const pages = h.upload.filter(isPage);
    if (assets.length)
      await step(`upload ${assets.length} file(s) to static hosting ${h.cloudPath}`, () =>
        target.uploadHostingFiles(upload(assets)),
      );
    if (pages.length)
      await step(`upload ${pages.length} page(s) to static hosting ${h.cloudPath}: ${pages.map((f) => f.path).join(', ')}`, () =>
        target.uploadHostingFiles(upload(pages)),
      );
    if (h.website.change === true)
      await step(
        `set static hosting's index document ${h.website.indexDocument} and error document ${h.website.errorDocument}`,
        () => target.setWebsite(h.website),
      );
    // Last: until the new pages are up, the old ones still load these.
    if (h.delete.length)
      await step(`delete ${h.delete.length} file(s) no longer built from static hosting: ${h.delete.join(', ')}`, () =>
        target.deleteHostingFiles(h.delete),
      );
  }
}

export async function forEachLimited<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | undefined; // the first failure, rethrown as it was thrown
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const item = items[next++]!;
      try {
        await run(item);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw failed.error;
}
