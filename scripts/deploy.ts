import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collections } from '../database/collections.js';
import { buildFunctions } from './build-functions.js';
import { applyPlan, describeError, readRemoteState, StepError } from './deploy/apply.js';
import { type Credentials, resolveCredentials } from './deploy/credentials.js';
import {
  DeclarationError,
  type Declarations,
  readBuiltFunctions,
  readDeployConfig,
  readEnvFile,
  readStaticSite,
} from './deploy/declarations.js';
import { buildAdminPage } from './admin/build.js';
import { managerTarget } from './deploy/manager.js';
import { countChanges, formatPlan, planDeploy } from './deploy/plan.js';
import { variableSpec } from './deploy/variables.js';

/**
 * `npm run deploy -- --env <envId> [--dry-run]`: the code that runs on the emulator, deployed to a real CloudBase
 * environment. Builds the functions, reads what the environment has, prints the plan, then creates the missing
 * collections, indexes and security rules (never dropping anything), deploys every function with its timeout, timers
 * and variables, creates the HTTP access routes of cloudbaserc.json, and uploads the built admin page (build/admin) to
 * static hosting under admin/ (docs/deploy-hosting.md). Safe to run again: done steps are skipped.
 */
const USAGE = `Usage: npm run deploy -- --env <envId> [options]

  --env <envId>          the CloudBase environment id (or ENV_ID in the environment / .env.deploy)
  --dry-run              print the full plan; read and change nothing (no credentials needed)
  --region <region>      the environment's region (default: cloudbaserc.json "region", TENCENTCLOUD_REGION, ap-shanghai)
  --skip-build           deploy what is already built instead of running the build first
  --functions-dir <dir>  where the built functions are (default: cloudbaserc.json functionRoot)
  --admin-dir <dir>      where the admin page is built, then uploaded to static hosting under admin/
                         (default: build/admin; docs/deploy-hosting.md)
  --config <file>        cloudbaserc.json to read (default: the repository's)
  --vars-file <file>     variables file (default: .env.deploy, git-ignored)
  -h, --help             this help

Credentials: TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY, or the CloudBase CLI's \`tcb login\`.
Function variables (SHOP_DATA_KEY, PAY_SUB_MCH_ID, TEMPLATE_*, ...): see scripts/deploy/variables.ts and README.md.
`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  home: string;
}

export async function deploy(argv: string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        env: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        region: { type: 'string' },
        'skip-build': { type: 'boolean', default: false },
        'functions-dir': { type: 'string' },
        'admin-dir': { type: 'string' },
        config: { type: 'string' },
        'vars-file': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  const dryRun = args['dry-run'];

  try {
    const envFile = path.resolve(args['vars-file'] ?? path.join(root, '.env.deploy'));
    const vars: Record<string, string | undefined> = { ...readEnvFile(envFile), ...io.env };
    warnIfTracked(envFile, io);

    const envId = (args.env ?? vars.ENV_ID ?? '').trim();
    if (!envId) {
      io.err(
        'Which environment? Pass --env <envId>: the id of the CloudBase environment (云开发环境 ID), ' +
          'shown in the CloudBase console, e.g. --env shop-prod-1a2b3c.\n',
      );
      return 1;
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{1,63}$/.test(envId)) {
      io.err(`"${envId}" is not a CloudBase environment id (letters, digits and -).\n`);
      return 1;
    }

    // Before the build, so a missing login fails at once.
    let credentials: Credentials | undefined;
    if (!dryRun) {
      const found = resolveCredentials(vars, io.home);
      if ('error' in found) {
        io.err(`${found.error}\n(To see the plan without credentials: npm run deploy -- --env ${envId} --dry-run)\n`);
        return 1;
      }
      credentials = found.credentials;
    }

    const rc = readDeployConfig(path.resolve(args.config ?? path.join(root, 'cloudbaserc.json')));
    const functionsDir = args['functions-dir'] ? path.resolve(args['functions-dir']) : rc.functionRoot;
    const adminDir = path.resolve(args['admin-dir'] ?? path.join(root, 'build', 'admin'));
    let names: string[] | undefined;
    if (!args['skip-build']) {
      const built = await buildFunctions({ sourceDir: path.join(root, 'cloudfunctions'), outDir: functionsDir });
      names = built.map((f) => f.name);
      io.out(`Built ${names.length} functions into ${path.relative(process.cwd(), functionsDir) || '.'}: ${names.join(', ')}\n`);
      await buildAdminPage(adminDir);
      io.out(`Built the admin page into ${path.relative(process.cwd(), adminDir) || '.'}\n\n`);
    }
    const decl: Declarations = {
      envId,
      collections,
      functionRoot: functionsDir,
      functions: readBuiltFunctions(functionsDir, names),
      functionDefaults: rc.functionDefaults,
      routes: rc.routes,
      variables: Object.fromEntries(Object.entries(vars).filter(([name]) => variableSpec(name))),
      // The merchant admin page: static hosting's admin/, calling the admin function through HTTP access.
      site: readStaticSite(adminDir, 'admin/', 'admin'),
    };

    if (dryRun) {
      const plan = planDeploy(decl);
      io.out(formatPlan(plan));
      io.out(
        plan.problems.length
          ? '\nDry run: fix the problems above before deploying.\n'
          : `\nDry run: nothing was changed. Deploy with: npm run deploy -- --env ${envId}\n`,
      );
      return plan.problems.length ? 1 : 0;
    }

    const region = args.region ?? rc.region ?? vars.TENCENTCLOUD_REGION;
    const target = managerTarget({ envId, region, credentials: credentials! });
    io.out(`Reading environment ${envId}${region ? ` (${region})` : ''} with credentials from ${credentials!.source}…\n`);
    let remote;
    try {
      remote = await readRemoteState(target, decl);
    } catch (e) {
      const code = String((e as { code?: string }).code ?? '');
      const hint = /^AuthFailure|UnauthorizedOperation/.test(code)
        ? 'Check the credentials: the key must be valid and allowed to manage this CloudBase environment.'
        : /ResourceNotFound|not found|InvalidParameter/i.test(`${code} ${(e as Error).message}`)
          ? `Check the environment id "${envId}" and its region (--region).`
          : '';
      io.err(`Could not read environment ${envId}: ${describeError(e)}\n${hint}\n`);
      return 1;
    }
    const plan = planDeploy(decl, remote);
    io.out(`\n${formatPlan(plan)}\n`);
    if (plan.problems.length) {
      io.err('Nothing was deployed: fix the problems above first.\n');
      return 1;
    }
    io.out(`Applying ${countChanges(plan)} change(s)…\n`);
    try {
      await applyPlan(plan, target, (line) => io.out(`${line}\n`));
    } catch (e) {
      io.err(
        `\n${e instanceof StepError ? e.message : describeError(e)}\n` +
          'Steps after it did not run. Fix the cause and run deploy again: what is done is not redone.\n',
      );
      return 1;
    }
    io.out(
      `\nDeployed to ${envId}. By hand, once: subscribe-message templates and the cloudPay sub-merchant binding (README.md, "Deploy")` +
        `${plan.hosting?.built ? ", and the HTTP access route that puts the admin page on the API's domain (docs/deploy-hosting.md)" : ''}.\n`,
    );
    if (plan.attention.length) {
      io.err(`${plan.attention.length} item(s) need a decision (listed under "Needs a decision" above).\n`);
      return 1;
    }
    return 0;
  } catch (e) {
    if (e instanceof DeclarationError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** `.env.deploy` holds secrets: say so loudly if git would commit it. */
function warnIfTracked(file: string, io: Io): void {
  if (!fs.existsSync(file)) return;
  const check = spawnSync('git', ['check-ignore', '-q', file], { cwd: path.dirname(file), stdio: 'ignore' });
  // 0: ignored; 1: not ignored; anything else: not a git work tree (or no git), nothing to say.
  if (check.status === 1) io.err(`Warning: ${file} is not git-ignored; it holds secrets: add it to .gitignore.\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const code = await deploy(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
    home: os.homedir(),
  });
  process.exitCode = code;
}
