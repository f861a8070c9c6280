import path from 'node:path';
import { type IndexSpec, normalizeIndex } from '../../emulator/index.js';
import type { BuiltFunction, Declarations, SiteFile, TimerTrigger } from './declarations.js';
import { checkValue, isPlatformVariable, type Need, variableSpec } from './variables.js';

/**
 * The deploy plan: a pure function of the declarations and, when it was read, the environment's current state.
 * Without a state (--dry-run reads nothing) every step is "if missing". The plan never drops anything that holds
 * data: extra indexes and collections are reported, conflicting ones left for a person to decide.
 */
export interface RemoteIndex {
  name: string;
  keys: Array<[string, 1 | -1 | '2dsphere']>;
  unique: boolean;
}

export interface RemoteCollection {
  indexes: RemoteIndex[];
  /** DescribeSafeRule: AclTag and, for CUSTOM, the rule JSON. */
  rules?: { aclTag: string; rule?: string };
}

export interface RemoteTrigger {
  name: string;
  type: string;
  /** The cron of a timer trigger. */
  config: string;
}

export interface RemoteFunction {
  runtime?: string;
  envVariables: Record<string, string>;
  triggers: RemoteTrigger[];
}

export interface RemoteRoute {
  path: string;
  function: string;
}

/** A redirect rule of the static website configuration, in the form manager-node's setWebsiteDocument takes. */
export interface RoutingRule {
  keyPrefixEquals?: string;
  httpErrorCodeReturnedEquals?: string;
  replaceKeyWith?: string;
  replaceKeyPrefixWith?: string;
}

export interface WebsiteConfig {
  indexDocument?: string;
  errorDocument?: string;
  routingRules: RoutingRule[];
  /**
   * Whether the configuration can be written back whole: the write replaces all of it, and manager-node's
   * setWebsiteDocument carries only the fields above (a forced HTTPS redirect, or a rule with a protocol, would be lost).
   */
  rewritable: boolean;
}

export interface RemoteSiteFile {
  key: string;
  size: number;
  /** COS's ETag, quoted: the MD5 of a simple upload, `<hash>-<parts>` for a multipart one. */
  etag: string;
}

export interface RemoteHosting {
  /** Static website hosting is enabled and online (DescribeStaticStore). */
  online: boolean;
  status?: string;
  /** Its default domain (CdnDomain). */
  domain?: string;
  /** The objects under the site's cloud path. */
  files: RemoteSiteFile[];
  website?: WebsiteConfig;
}

export interface RemoteState {
  /** Only the declared collections that exist. */
  collections: Map<string, RemoteCollection>;
  /** Only the built functions that exist. */
  functions: Map<string, RemoteFunction>;
  /** What each declared HTTP access path is bound to, for the paths that exist. */
  routes: RemoteRoute[];
  /** Read only when a built site is declared. */
  hosting?: RemoteHosting;
}

/** `true`/`false` when the state was read, `'unknown'` when it was not. */
export type Known<T> = T | 'unknown';

export interface CollectionStep {
  name: string;
  create: Known<boolean>;
  /** To create: missing, or every declared index when the state is unknown. */
  createIndexes: IndexSpec[];
  /** Declared and present (by name, or the same keys under another name). */
  presentIndexes: string[];
  /** Present but not declared: reported, never dropped. */
  extraIndexes: RemoteIndex[];
  /** The rule JSON to set, or undefined when none is declared. */
  rules?: { rule: string; change: Known<boolean> };
}

export interface EnvEntry {
  name: string;
  /** Where the deployed value comes from: the deployer, the deployed functions, or nowhere. */
  source: 'local' | 'deployed' | 'unset';
  value?: string;
  secret: boolean;
  need: Need | 'unmanaged';
}

export interface FunctionStep {
  name: string;
  dir: string;
  action: Known<'create' | 'update'>;
  runtime: string;
  memorySize: number;
  timeout?: number;
  openapi: string[];
  /** Triggers to create (all declared ones on create), to delete (stale or changed) and to keep. */
  triggers: { create: TimerTrigger[]; delete: string[]; keep: string[] };
  env: EnvEntry[];
  /** The complete variable set the function gets: managed values plus variables set by hand, which are kept. */
  envVariables: Record<string, string>;
  /** Variables set by hand on the deployed function that deploy keeps. */
  keptUnmanaged: string[];
}

export interface RouteStep {
  path: string;
  function: string;
  action: Known<'create' | 'present'> | 'conflict';
  /** For a conflict: the function the path is bound to now. */
  boundTo?: string;
}

export interface HostingStep {
  dir: string;
  cloudPath: string;
  /** False when the folder does not exist: nothing is uploaded and static hosting is left as it is. */
  built: boolean;
  files: number;
  bytes: number;
  /** False when static hosting is not enabled in the environment (then nothing is done). */
  enabled: Known<boolean>;
  /** New or changed files (every file when the state is unknown). */
  upload: SiteFile[];
  unchanged: number;
  /** Keys under the cloud path that the build no longer has. */
  delete: string[];
  /** The website configuration to write, when it changes. */
  website: { indexDocument: string; errorDocument: string; routingRules: RoutingRule[]; change: Known<boolean> };
  /** The HTTP access path of the function the page calls, from cloudbaserc.json. */
  api?: { path: string; function: string };
  domain?: string;
}

export interface Plan {
  envId: string;
  /** Whether the environment's state was read. */
  stateKnown: boolean;
  collections: CollectionStep[];
  functions: FunctionStep[];
  routes: RouteStep[];
  /** The static site (the admin page), when one is declared. */
  hosting?: HostingStep;
  /** Nothing may be deployed while there is one. */
  problems: string[];
  /** Deployed as declared elsewhere, but a person must decide these. */
  attention: string[];
  warnings: string[];
}

export function planDeploy(decl: Declarations, remote?: RemoteState): Plan {
  const plan: Plan = {
    envId: decl.envId,
    stateKnown: !!remote,
    collections: [],
    functions: [],
    routes: [],
    problems: [],
    attention: [],
    warnings: [],
  };
  for (const c of decl.collections) plan.collections.push(planCollection(c.name, c.indexes ?? [], c.rules, remote, plan));
  const values = resolveVariables(decl, remote, plan);
  for (const fn of decl.functions) plan.functions.push(planFunction(fn, decl, values, remote, plan));
  for (const route of decl.routes) plan.routes.push(planRoute(route, decl, remote, plan));
  if (decl.site) plan.hosting = planHosting(decl, remote, plan);
  return plan;
}

// ---------------------------------------------------------------------------------------------------------------
// Collections

function sameKeys(a: Array<[string, number | string]>, b: Array<[string, number | string]>): boolean {
  return a.length === b.length && a.every(([k, d], i) => b[i]![0] === k && b[i]![1] === d);
}

const describeKeys = (keys: Array<[string, number | string]>) => `{${keys.map(([k, d]) => `${k}: ${d}`).join(', ')}}`;

function planCollection(
  name: string,
  declared: Parameters<typeof normalizeIndex>[0][],
  rules: Record<string, unknown> | undefined,
  remote: RemoteState | undefined,
  plan: Plan,
): CollectionStep {
  const specs = declared.map(normalizeIndex);
  const ruleText = rules ? JSON.stringify(rules) : undefined;
  if (!remote) {
    return {
      name,
      create: 'unknown',
      createIndexes: specs,
      presentIndexes: [],
      extraIndexes: [],
      rules: ruleText ? { rule: ruleText, change: 'unknown' } : undefined,
    };
  }
  const existing = remote.collections.get(name);
  const remaining = (existing?.indexes ?? []).filter((ix) => ix.name !== '_id_');
  const step: CollectionStep = { name, create: !existing, createIndexes: [], presentIndexes: [], extraIndexes: [] };
  for (const spec of specs) {
    const byName = remaining.find((ix) => ix.name === spec.name);
    const byKeys = remaining.find((ix) => sameKeys(ix.keys, spec.keys));
    const match = byName ?? byKeys;
    if (!match) {
      step.createIndexes.push(spec);
      continue;
    }
    remaining.splice(remaining.indexOf(match), 1);
    if (sameKeys(match.keys, spec.keys) && match.unique === spec.unique) {
      step.presentIndexes.push(match.name);
    } else {
      // Dropping and recreating would leave the collection without the index (or the unique constraint) meanwhile.
      plan.attention.push(
        `${name}: index "${match.name}" is ${describeKeys(match.keys)}${match.unique ? ' unique' : ''} ` +
          `but is declared as ${describeKeys(spec.keys)}${spec.unique ? ' unique' : ''}; ` +
          'left as it is — drop it in the console and deploy again to recreate it',
      );
    }
  }
  step.extraIndexes = remaining;
  if (ruleText) {
    const current = existing?.rules;
    let same = false;
    if (current?.aclTag === 'CUSTOM' && current.rule) {
      try {
        same = JSON.stringify(JSON.parse(current.rule)) === ruleText;
      } catch {
        same = false;
      }
    }
    step.rules = { rule: ruleText, change: !same };
  }
  return step;
}

// ---------------------------------------------------------------------------------------------------------------
// Environment variables: one value per name for the whole environment.

interface Resolved {
  value?: string;
  source: EnvEntry['source'];
}

function resolveVariables(decl: Declarations, remote: RemoteState | undefined, plan: Plan): Map<string, Resolved> {
  const names = new Set<string>();
  for (const fn of decl.functions) {
    for (const name of fn.envRefs) {
      if (variableSpec(name)) names.add(name);
      else if (!isPlatformVariable(name)) {
        plan.warnings.push(
          `${fn.name} reads process.env.${name}, which scripts/deploy/variables.ts does not declare: it is not set`,
        );
      }
    }
  }
  const resolved = new Map<string, Resolved>();
  for (const name of [...names].sort()) {
    const spec = variableSpec(name)!;
    const users = decl.functions.filter((f) => f.envRefs.includes(name)).map((f) => f.name);
    const local = decl.variables[name] || undefined;
    const deployed = new Set<string>();
    for (const fn of remote?.functions.values() ?? []) if (fn.envVariables[name]) deployed.add(fn.envVariables[name]);
    if (local !== undefined) {
      const invalid = checkValue(name, local);
      if (invalid) plan.problems.push(invalid);
      if (spec.pinned && [...deployed].some((v) => v !== local && !spec.keptBy?.(v, decl.variables))) {
        plan.problems.push(
          `${name} differs from the value the deployed functions use: data written with it would become unreadable. Unset ${name} to keep the deployed value` +
            (spec.keptBy ? ' (or rotate it: docs/platform.md, "Personal data at rest").' : '.'),
        );
      }
      resolved.set(name, { value: local, source: 'local' });
      continue;
    }
    if (deployed.size > 1) {
      plan.problems.push(
        `${name} has different values on the deployed functions; set ${name} to choose one` +
          (spec.pinned ? ' (careful: it decides which data stays readable)' : ''),
      );
      resolved.set(name, { source: 'unset' });
      continue;
    }
    if (deployed.size === 1) {
      resolved.set(name, { value: [...deployed][0], source: 'deployed' });
      continue;
    }
    resolved.set(name, { source: 'unset' });
    const where = `(read by ${users.join(', ')})`;
    if (spec.need === 'required') {
      if (remote) plan.problems.push(`${name} is not set ${where}: ${spec.hint}. Set it in your environment or .env.deploy.`);
      else
        plan.warnings.push(
          `${name} is not set ${where}: a real deploy needs it unless the deployed functions already have it — ${spec.hint}`,
        );
    } else if (spec.need === 'recommended') {
      plan.warnings.push(`${name} is not set ${where}: ${spec.hint}`);
    }
  }
  return resolved;
}

// ---------------------------------------------------------------------------------------------------------------
// Functions

function planFunction(
  fn: BuiltFunction,
  decl: Declarations,
  values: Map<string, Resolved>,
  remote: RemoteState | undefined,
  plan: Plan,
): FunctionStep {
  const existing = remote?.functions.get(fn.name);
  const action: FunctionStep['action'] = !remote ? 'unknown' : existing ? 'update' : 'create';
  const env: EnvEntry[] = [];
  const envVariables: Record<string, string> = {};
  for (const name of fn.envRefs) {
    const spec = variableSpec(name);
    const r = values.get(name);
    if (!spec || !r) continue;
    env.push({ name, source: r.source, value: r.value, secret: !!spec.secret, need: spec.need });
    if (r.value !== undefined) envVariables[name] = r.value;
  }
  // Variables someone set by hand stay (UpdateFunctionConfiguration replaces the whole set); declared ones the code
  // no longer reads go, so a key only stays where it is used.
  const keptUnmanaged: string[] = [];
  for (const [name, value] of Object.entries(existing?.envVariables ?? {})) {
    if (name in envVariables || variableSpec(name)) continue;
    envVariables[name] = value;
    keptUnmanaged.push(name);
  }
  if (existing?.runtime && existing.runtime !== decl.functionDefaults.runtime) {
    plan.attention.push(
      `${fn.name} runs on ${existing.runtime}, not ${decl.functionDefaults.runtime}: the runtime is fixed when a function ` +
        'is created — change it in the console (or delete and redeploy the function)',
    );
  }
  const triggers: FunctionStep['triggers'] = { create: [], delete: [], keep: [] };
  if (!existing) {
    triggers.create = fn.triggers;
  } else {
    const deployed = existing.triggers.filter((t) => t.type === 'timer');
    for (const t of fn.triggers) {
      const same = deployed.find((d) => d.name === t.name);
      if (same && normalizeCron(same.config) === normalizeCron(t.config)) triggers.keep.push(t.name);
      else {
        if (same) triggers.delete.push(same.name);
        triggers.create.push(t);
      }
    }
    // A stale timer would keep running old schedules; timers are configuration, not data.
    for (const d of deployed) if (!fn.triggers.some((t) => t.name === d.name)) triggers.delete.push(d.name);
  }
  return {
    name: fn.name,
    dir: fn.dir,
    action,
    runtime: decl.functionDefaults.runtime,
    memorySize: decl.functionDefaults.memorySize,
    timeout: fn.timeout,
    openapi: fn.openapi,
    triggers,
    env,
    envVariables,
    keptUnmanaged,
  };
}

/** GetFunction returns a timer's TriggerDesc as `{"cron":"..."}`; BatchCreateTrigger takes the bare cron. */
export function normalizeCron(desc: string): string {
  let cron = desc;
  try {
    const parsed = JSON.parse(desc) as { cron?: unknown };
    if (parsed && typeof parsed.cron === 'string') cron = parsed.cron;
  } catch {
    // a bare cron
  }
  return cron.trim().split(/\s+/).join(' ');
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP access routes

function planRoute(
  route: { path: string; function: string },
  decl: Declarations,
  remote: RemoteState | undefined,
  plan: Plan,
): RouteStep {
  if (!decl.functions.some((f) => f.name === route.function)) {
    plan.problems.push(
      `cloudbaserc.json httpAccess ${route.path} → ${route.function}: there is no built function "${route.function}"`,
    );
  }
  if (!remote) return { ...route, action: 'unknown' };
  const bound = remote.routes.find((r) => r.path === route.path);
  if (!bound) return { ...route, action: 'create' };
  if (bound.function === route.function) return { ...route, action: 'present' };
  plan.attention.push(
    `HTTP access path ${route.path} is bound to "${bound.function}", declared for "${route.function}"; ` +
      `left as it is — delete it (tcb service delete -p ${route.path}) and deploy again`,
  );
  return { ...route, action: 'conflict', boundTo: bound.function };
}

// ---------------------------------------------------------------------------------------------------------------
// Static hosting: the built page's files, compared with what is there by size and MD5; the site's documents.

const INDEX_DOCUMENT = 'index.html';

/** The MD5 in a simple upload's ETag, or undefined for a multipart upload's (not a content hash). */
function md5OfEtag(etag: string): string | undefined {
  const bare = etag.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(bare) ? bare : undefined;
}

function planHosting(decl: Declarations, remote: RemoteState | undefined, plan: Plan): HostingStep {
  const site = decl.site!;
  const files = site.files ?? [];
  // The error document: a single-page app's deep links (/admin/orders/123) load the app, whose router shows the page.
  const errorDocument = `${site.cloudPath}${INDEX_DOCUMENT}`;
  const api = decl.routes.find((r) => r.function === site.apiFunction);
  const step: HostingStep = {
    dir: site.dir,
    cloudPath: site.cloudPath,
    built: !!site.files,
    files: files.length,
    bytes: files.reduce((n, f) => n + f.size, 0),
    enabled: 'unknown',
    upload: [],
    unchanged: 0,
    delete: [],
    website: { indexDocument: INDEX_DOCUMENT, errorDocument, routingRules: [], change: 'unknown' },
    api: api && { path: api.path, function: api.function },
  };
  if (!site.files) return step;
  if (!files.some((f) => f.path === INDEX_DOCUMENT)) {
    // Uploading it would delete the page that works for one that cannot load.
    plan.problems.push(`${site.dir} has no ${INDEX_DOCUMENT}: the admin page's build is incomplete; build it again`);
  }
  if (!api) {
    plan.warnings.push(
      `the page in ${site.dir} calls the "${site.apiFunction}" function through HTTP access, but cloudbaserc.json httpAccess has no route to it`,
    );
  }
  if (!remote) {
    step.upload = files;
    return step;
  }
  const hosting = remote.hosting;
  if (!hosting?.online) {
    step.enabled = false;
    plan.attention.push(
      `static website hosting (静态网站托管) is not enabled in ${plan.envId}${hosting?.status ? ` (status: ${hosting.status})` : ''}: ` +
        'enable it in the CloudBase console and deploy again — the admin page was not uploaded',
    );
    return step;
  }
  step.enabled = true;
  step.domain = hosting.domain;
  const there = new Map(hosting.files.map((f) => [f.key, f]));
  for (const f of files) {
    const remoteFile = there.get(site.cloudPath + f.path);
    if (remoteFile && remoteFile.size === f.size && md5OfEtag(remoteFile.etag) === f.md5) step.unchanged++;
    else step.upload.push(f);
  }
  const keys = new Set(files.map((f) => site.cloudPath + f.path));
  // Keys ending in / are folder markers (the console makes them): empty, harmless, left alone.
  step.delete = hosting.files.map((f) => f.key).filter((key) => !keys.has(key) && !key.endsWith('/'));

  // Documents someone chose are kept: the index document and the error document are the whole site's.
  const current = hosting.website;
  const index = current?.indexDocument || INDEX_DOCUMENT;
  const error = current?.errorDocument || errorDocument;
  if (index !== INDEX_DOCUMENT) {
    plan.attention.push(
      `static hosting's index document is "${index}", not ${INDEX_DOCUMENT}: /${site.cloudPath} will not show the admin page; ` +
        'left as it is — change it in the console (静态网站托管 → 设置)',
    );
  }
  if (error !== errorDocument) {
    plan.warnings.push(
      `static hosting's error document is "${error}", not ${errorDocument}: left as it is, so a reload on a deep link of the ` +
        'admin page works only with hash routing',
    );
  }
  const change = index !== current?.indexDocument || error !== current?.errorDocument;
  step.website = { indexDocument: index, errorDocument: error, routingRules: current?.routingRules ?? [], change };
  if (change && current && !current.rewritable) {
    step.website.change = false;
    plan.attention.push(
      `static hosting's website configuration has redirects that deploy cannot carry over: set the index document ` +
        `${index} and the error document ${error} in the console (静态网站托管 → 设置)`,
    );
  }
  return step;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function formatHosting(h: HostingStep, stateKnown: boolean): string[] {
  const out: string[] = [];
  const dir = path.relative(process.cwd(), h.dir) || '.';
  if (!h.built) return [`Static hosting: nothing to upload (${dir} does not exist: the admin page is not built)`];
  out.push(`Static hosting: the admin page, ${dir} → ${h.cloudPath} (${h.files} files, ${formatBytes(h.bytes)})`);
  if (h.enabled === false) {
    out.push('  ! static website hosting is not enabled: nothing is uploaded (see "Needs a decision")');
    return out;
  }
  const bytes = formatBytes(h.upload.reduce((n, f) => n + f.size, 0));
  if (!stateKnown) {
    out.push(`  + upload ${h.upload.length} files (${bytes}) to ${h.cloudPath} (only those not there already, by size and MD5)`);
    out.push(`  - delete what ${h.cloudPath} holds that ${dir} no longer has (if any)`);
  } else {
    const shown = h.upload.slice(0, 5).map((f) => f.path);
    const more = h.upload.length > shown.length ? `, and ${h.upload.length - shown.length} more` : '';
    if (h.upload.length) out.push(`  + upload ${h.upload.length} files (${bytes}) to ${h.cloudPath}: ${shown.join(', ')}${more}`);
    if (h.unchanged) out.push(`  = ${h.unchanged} files unchanged`);
    for (const key of h.delete) out.push(`  - delete ${key} (no longer built)`);
  }
  const mark = h.website.change === false ? '=' : '~';
  out.push(
    `  ${mark} index document ${h.website.indexDocument}, error document ${h.website.errorDocument} (deep links load the page)` +
      `${h.website.change === 'unknown' ? ' (if not set)' : ''}`,
  );
  if (h.api) {
    out.push(`  the page calls ${h.api.path} → ${h.api.function} (HTTP access, above) on its own origin`);
    out.push(
      `  by hand, once: in HTTP 访问服务 route /${h.cloudPath.replace(/\/$/, '')} to 静态托管, so the page and ${h.api.path} ` +
        'share a domain (docs/deploy-hosting.md)',
    );
  }
  if (h.domain)
    out.push(
      `  static hosting's own domain: https://${h.domain}/${h.cloudPath} (the files only; ${h.api?.path ?? 'the API'} is not there)`,
    );
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Printing

export function formatPlan(plan: Plan): string {
  const out: string[] = [];
  const ifMissing = plan.stateKnown ? '' : ' (if missing)';
  out.push(`Deploy plan for CloudBase environment ${plan.envId}`);
  if (!plan.stateKnown)
    out.push('Dry run: nothing was read from or sent to the environment, so each step applies only where it is needed.');
  out.push('  + create   ~ update   = already there   - delete   ! needs a decision', '');

  out.push(`Database: ${plan.collections.length} collections (security rules apply to client access; functions bypass them)`);
  for (const c of plan.collections) {
    out.push(
      `  ${c.create === false ? '=' : '+'} ${c.name}${c.create === 'unknown' ? ' (create if missing)' : c.create ? ' (create)' : ''}`,
    );
    for (const ix of c.createIndexes)
      out.push(`      + index ${ix.name} ${describeKeys(ix.keys)}${ix.unique ? ' unique' : ''}${ifMissing}`);
    for (const name of c.presentIndexes) out.push(`      = index ${name}`);
    for (const ix of c.extraIndexes)
      out.push(
        `      ! extra index ${ix.name} ${describeKeys(ix.keys)}${ix.unique ? ' unique' : ''}: not declared, left in place (never dropped)`,
      );
    if (c.rules) out.push(`      ${c.rules.change === false ? '=' : '~'} rules ${c.rules.rule}`);
  }

  out.push('', `Functions: ${plan.functions.length}`);
  for (const f of plan.functions) {
    const verb = f.action === 'unknown' ? 'create or update' : f.action;
    out.push(
      `  ${f.action === 'create' ? '+' : '~'} ${f.name} (${verb}): ${f.runtime}, ${f.memorySize} MB, ` +
        `timeout ${f.timeout === undefined ? 'platform default' : `${f.timeout} s`}, code ${path.relative(process.cwd(), f.dir) || '.'}`,
    );
    for (const t of f.triggers.create)
      out.push(`      + timer ${t.name} "${t.config}"${f.action === 'unknown' ? ' (if missing or changed)' : ''}`);
    for (const name of f.triggers.keep) out.push(`      = timer ${name}`);
    for (const name of f.triggers.delete) out.push(`      - timer ${name}`);
    for (const e of f.env) {
      const shown = e.value === undefined ? '' : e.secret ? ` = (secret, ${e.value.length} characters)` : ` = ${e.value}`;
      const from =
        e.source === 'local'
          ? 'from your environment'
          : e.source === 'deployed'
            ? 'kept from the deployed functions'
            : plan.stateKnown
              ? 'not set'
              : 'not set locally: kept if the deployed functions have it';
      out.push(
        `      env ${e.name}${shown} (${from}${e.source === 'unset' && e.need === 'optional' ? '; the code has a default' : ''})`,
      );
    }
    for (const name of f.keptUnmanaged) out.push(`      = env ${name} (set by hand on the function; kept)`);
    if (f.openapi.length) out.push(`      openapi permissions: ${f.openapi.join(', ')} (config.json, shipped in the package)`);
  }

  out.push('', `HTTP access: ${plan.routes.length} route${plan.routes.length === 1 ? '' : 's'} (cloudbaserc.json httpAccess)`);
  for (const r of plan.routes) {
    const mark = r.action === 'present' ? '=' : r.action === 'conflict' ? '!' : '+';
    out.push(
      `  ${mark} ${r.path} → ${r.function}${r.action === 'unknown' ? ' (if missing)' : r.action === 'conflict' ? ` (bound to ${r.boundTo})` : ''}`,
    );
  }

  if (plan.hosting) out.push('', ...formatHosting(plan.hosting, plan.stateKnown));

  for (const [title, list] of [
    ['Problems (nothing is deployed until they are fixed)', plan.problems],
    ['Needs a decision', plan.attention],
    ['Warnings', plan.warnings],
  ] as const) {
    if (!list.length) continue;
    out.push('', `${title}:`);
    for (const line of list) out.push(`  - ${line}`);
  }
  return `${out.join('\n')}\n`;
}

/** How many write calls the plan makes (a rough measure for the summary). */
export function countChanges(plan: Plan): number {
  let n = 0;
  for (const c of plan.collections)
    n += (c.create !== false ? 1 : 0) + (c.createIndexes.length ? 1 : 0) + (c.rules && c.rules.change !== false ? 1 : 0);
  for (const f of plan.functions) n += 1 + f.triggers.delete.length + (f.triggers.create.length && f.action === 'update' ? 1 : 0);
  for (const r of plan.routes) n += r.action === 'create' || r.action === 'unknown' ? 1 : 0;
  const h = plan.hosting;
  if (h?.built && h.enabled !== false)
    n += (h.upload.length ? 1 : 0) + (h.delete.length ? 1 : 0) + (h.website.change !== false ? 1 : 0);
  return n;
}
