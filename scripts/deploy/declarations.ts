import fs from 'node:fs';
import path from 'node:path';
import type { CollectionDeclaration } from '../../emulator/src/db/schema.js';
import type { HttpRoute } from '../../emulator/src/functions/gateways.js';

/**
 * What the repository declares, read from disk: the collections (database/collections.ts), the built functions
 * (build/functions/<name>/{index.js,config.json}) and cloudbaserc.json. The plan is computed from these alone.
 */
export interface TimerTrigger {
  name: string;
  type: 'timer';
  /** SCF's 7-field cron: second minute hour day month weekday year. */
  config: string;
}

export interface BuiltFunction {
  name: string;
  /** The folder that is zipped and uploaded (`<functionRoot>/<name>`). */
  dir: string;
  timeout?: number;
  triggers: TimerTrigger[];
  /** `permissions.openapi` of config.json: the cloud calls (云调用) the function makes. */
  openapi: string[];
  /** `process.env` names the bundle reads. */
  envRefs: string[];
}

export interface FunctionDefaults {
  runtime: string;
  memorySize: number;
}

export interface Declarations {
  envId: string;
  collections: CollectionDeclaration[];
  functionRoot: string;
  functions: BuiltFunction[];
  functionDefaults: FunctionDefaults;
  routes: HttpRoute[];
  /** The values the deployer gave (their environment over `.env.deploy`), by name. */
  variables: Record<string, string | undefined>;
}

export interface DeployConfig {
  functionRoot: string;
  functionDefaults: FunctionDefaults;
  routes: HttpRoute[];
  region?: string;
}

/** Matches the build target of scripts/build-functions.ts (node18). */
const DEFAULTS: FunctionDefaults = { runtime: 'Nodejs18.15', memorySize: 256 };

export class DeclarationError extends Error {}

/**
 * cloudbaserc.json: the cloudbase CLI's own keys (`functionRoot`, `region`) plus ours, which the CLI ignores:
 * `httpAccess` (the emulator's HTTP access service reads it too) and `functionDefaults`.
 */
export function readDeployConfig(file: string): DeployConfig {
  let rc: Record<string, unknown>;
  try {
    rc = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new DeclarationError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const routes = (rc.httpAccess ?? []) as unknown;
  if (!Array.isArray(routes)) throw new DeclarationError(`${file}: httpAccess must be a list of {path, function}`);
  for (const r of routes as Array<Partial<HttpRoute>>) {
    if (typeof r?.path !== 'string' || !/^\/[A-Za-z0-9/_.-]*$/.test(r.path) || typeof r.function !== 'string' || !r.function) {
      throw new DeclarationError(`${file}: httpAccess entry ${JSON.stringify(r)} needs a path starting with / and a function name`);
    }
  }
  const defaults = { ...DEFAULTS, ...((rc.functionDefaults ?? {}) as Partial<FunctionDefaults>) };
  if (typeof defaults.runtime !== 'string' || !Number.isInteger(defaults.memorySize)) {
    throw new DeclarationError(`${file}: functionDefaults needs a runtime string and an integer memorySize`);
  }
  return {
    functionRoot: path.resolve(path.dirname(file), typeof rc.functionRoot === 'string' ? rc.functionRoot : 'build/functions'),
    functionDefaults: defaults,
    routes: routes as HttpRoute[],
    region: typeof rc.region === 'string' && rc.region ? rc.region : undefined,
  };
}

const CRON_FIELDS = 7;
const TRIGGER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

/** The built functions under `root` (only `names` when given: the build leaves folders of removed functions behind). */
export function readBuiltFunctions(root: string, names?: string[]): BuiltFunction[] {
  if (!fs.existsSync(root)) throw new DeclarationError(`${root} does not exist: build the functions first (npm run build:functions)`);
  const found = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, 'index.js')))
    .map((d) => d.name)
    .filter((n) => !names || names.includes(n))
    .sort();
  const missing = names?.filter((n) => !found.includes(n)) ?? [];
  if (missing.length) throw new DeclarationError(`not built: ${missing.join(', ')} (no index.js under ${root})`);
  return found.map((name) => readBuiltFunction(path.join(root, name), name));
}

function readBuiltFunction(dir: string, name: string): BuiltFunction {
  const configFile = path.join(dir, 'config.json');
  let config: { timeout?: unknown; triggers?: unknown; permissions?: { openapi?: unknown } } = {};
  if (fs.existsSync(configFile)) {
    try {
      config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    } catch (e) {
      throw new DeclarationError(`${configFile}: ${(e as Error).message}`);
    }
  }
  if (config.timeout !== undefined && !(Number.isInteger(config.timeout) && (config.timeout as number) > 0)) {
    throw new DeclarationError(`${configFile}: timeout must be a whole number of seconds`);
  }
  const triggers = (config.triggers ?? []) as Array<Partial<TimerTrigger>>;
  if (!Array.isArray(triggers)) throw new DeclarationError(`${configFile}: triggers must be a list`);
  for (const t of triggers) {
    if (t?.type !== 'timer') throw new DeclarationError(`${configFile}: only timer triggers deploy (got ${JSON.stringify(t?.type)})`);
    if (typeof t.name !== 'string' || !TRIGGER_NAME.test(t.name)) throw new DeclarationError(`${configFile}: trigger name ${JSON.stringify(t.name)} must start with a letter and use letters, digits, - and _`);
    if (typeof t.config !== 'string' || t.config.trim().split(/\s+/).length !== CRON_FIELDS) {
      throw new DeclarationError(`${configFile}: trigger "${t.name}" needs a ${CRON_FIELDS}-field cron (second minute hour day month weekday year)`);
    }
  }
  const openapi = config.permissions?.openapi ?? [];
  if (!Array.isArray(openapi) || openapi.some((a) => typeof a !== 'string')) throw new DeclarationError(`${configFile}: permissions.openapi must be a list of names`);
  const bundle = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
  return {
    name,
    dir,
    timeout: config.timeout as number | undefined,
    triggers: triggers.map((t) => ({ name: t.name!, type: 'timer' as const, config: t.config!.trim() })),
    openapi: openapi as string[],
    envRefs: envReferences(bundle),
  };
}

/** `process.env.NAME` and `process.env["NAME"]` as esbuild leaves them (the build does not minify or define them). */
export function envReferences(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\])/g)) names.add((m[1] ?? m[2])!);
  return [...names].sort();
}

/** `.env.deploy`: KEY=VALUE lines, `#` comments, optional `export ` and quotes. A missing file is empty. */
export function readEnvFile(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const [i, raw] of fs.readFileSync(file, 'utf8').split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new DeclarationError(`${file}:${i + 1}: expected KEY=VALUE`);
    let value = m[2]!;
    const quoted = /^(["'])(.*)\1$/.exec(value);
    value = quoted ? quoted[2]! : value.replace(/\s+#.*$/, '');
    out[m[1]!] = value;
  }
  return out;
}
