import path from 'node:path';
import { type IndexSpec, normalizeIndex } from '../../emulator/index.js';
import type { BuiltFunction, Declarations, TimerTrigger } from './declarations.js';
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

export interface RemoteState {
  /** Only the declared collections that exist. */
  collections: Map<string, RemoteCollection>;
  /** Only the built functions that exist. */
  functions: Map<string, RemoteFunction>;
  /** What each declared HTTP access path is bound to, for the paths that exist. */
  routes: RemoteRoute[];
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

export interface Plan {
  envId: string;
  /** Whether the environment's state was read. */
  stateKnown: boolean;
  collections: CollectionStep[];
  functions: FunctionStep[];
  routes: RouteStep[];
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
  return n;
}
