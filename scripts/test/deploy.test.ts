import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { collections } from '../../database/collections.js';
import { normalizeIndex } from '../../emulator/index.js';
import { buildFunctions } from '../build-functions.js';
import { applyPlan, type CloudTarget } from '../deploy/apply.js';
import { resolveCredentials } from '../deploy/credentials.js';
import { type Declarations, readBuiltFunctions, readDeployConfig, readStaticSite } from '../deploy/declarations.js';
import { countChanges, formatBytes, formatPlan, planDeploy, type RemoteHosting, type RemoteState } from '../deploy/plan.js';

/**
 * Deploy: the plan (a pure function of the declarations and the environment's state), and `npm run deploy` itself
 * run against a fake TencentCloud API on 127.0.0.1. manager-node sends its requests through `http_proxy`; the fake
 * is that proxy: it accepts CONNECT, terminates TLS with a certificate made here (trusted by the child through
 * NODE_EXTRA_CA_CERTS), records each API call and answers like tcb/scf, keeping state, and like COS for the static
 * hosting bucket (manager-node's COS SDK goes through the same proxy). Nothing leaves the machine.
 */
const scratch = fs.mkdtempSync(path.join(path.resolve('build'), 'test-deploy-'));
const home = path.join(scratch, 'home'); // no `tcb login` here
fs.mkdirSync(home);
const ENV = 'shop-test-1a2b';
const HOSTING_BUCKET = `${ENV}-static-1250000000`;

const functionsDir = path.join(scratch, 'functions');
await buildFunctions({ sourceDir: path.resolve('cloudfunctions'), outDir: functionsDir });
const built = readBuiltFunctions(functionsDir);
const cloud = fakeTencentCloud();
const proxyUrl = await cloud.listen();
// Every hook and test is declared after the last top-level await (ava's rule).
test.after.always(() => {
  cloud.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});
const sourceConfig = (name: string) =>
  JSON.parse(fs.readFileSync(path.join('cloudfunctions', name, 'config.json'), 'utf8')) as {
    timeout?: number;
    triggers?: Array<{ name: string; type: string; config: string }>;
  };
const RULES = (name: string) => JSON.stringify(collections.find((c) => c.name === name)!.rules);
const DATA_KEY = 'a1'.repeat(32);
const ROUTE_FN = built.find((f) => f.name === 'product')?.name ?? built[0]!.name;
const rcFile = path.join(scratch, 'cloudbaserc.json');
// The shop's own route to the back office, for the admin page's static hosting.
const rcAdminFile = path.join(scratch, 'cloudbaserc-admin.json');
fs.writeFileSync(
  rcAdminFile,
  JSON.stringify({ version: '2.0', functionRoot: functionsDir, httpAccess: [{ path: '/api/admin', function: 'admin' }] }),
);
fs.writeFileSync(
  rcFile,
  JSON.stringify({
    version: '2.0',
    envId: '{{env.ENV_ID}}',
    functionRoot: functionsDir,
    httpAccess: [{ path: '/shop-api', function: ROUTE_FN }],
  }),
);

function declarations(variables: Record<string, string> = {}): Declarations {
  const rc = readDeployConfig(rcFile);
  return {
    envId: ENV,
    collections,
    functionRoot: functionsDir,
    functions: built,
    functionDefaults: rc.functionDefaults,
    routes: rc.routes,
    variables,
  };
}

const emptyState = (): RemoteState => ({ collections: new Map(), functions: new Map(), routes: [] });

// A built admin page, as Vite writes one: the HTML, hashed assets, a file from its public folder.
const adminDir = path.join(scratch, 'admin');
const ADMIN_FILES: Record<string, string> = {
  'index.html': '<!doctype html><html><head><script type="module" src="/admin/assets/index-Ab12Cd34.js"></script></head></html>',
  'assets/index-Ab12Cd34.js': `export const app = ${JSON.stringify('x'.repeat(3000))};`,
  'assets/style-Qw34Er56.css': 'body { margin: 0 }',
  'favicon.ico': 'icon',
};
for (const [name, content] of Object.entries(ADMIN_FILES)) {
  fs.mkdirSync(path.dirname(path.join(adminDir, name)), { recursive: true });
  fs.writeFileSync(path.join(adminDir, name), content);
}
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const ADMIN_BYTES = Object.values(ADMIN_FILES).reduce((n, c) => n + Buffer.byteLength(c), 0);
const READY = { SHOP_DATA_KEY: DATA_KEY, PAY_SUB_MCH_ID: '1234567890' };

/** The declarations with the admin page in `dir` and the shop's /api/admin route. */
function withSite(dir = adminDir, variables: Record<string, string> = READY): Declarations {
  return {
    ...declarations(variables),
    routes: [{ path: '/api/admin', function: 'admin' }],
    site: readStaticSite(dir, 'admin/', 'admin'),
  };
}

const hostingState = (hosting: Partial<RemoteHosting>): RemoteState => ({
  ...emptyState(),
  routes: [{ path: '/api/admin', function: 'admin' }],
  hosting: { online: true, domain: `${ENV}.tcloudbaseapp.com`, files: [], ...hosting },
});

// ---------------------------------------------------------------------------------------------------------------
// The plan

test('the plan covers every declared collection, index, rule, function and HTTP route', (t) => {
  const plan = planDeploy(declarations());
  t.false(plan.stateKnown);
  t.deepEqual(plan.problems, []);
  t.deepEqual(
    plan.collections.map((c) => c.name),
    collections.map((c) => c.name),
  );
  for (const c of collections) {
    const step = plan.collections.find((s) => s.name === c.name)!;
    t.is(step.create, 'unknown');
    t.deepEqual(
      step.createIndexes.map((ix) => [ix.name, ix.unique]),
      (c.indexes ?? []).map((ix) => [normalizeIndex(ix).name, ix.unique ?? false]),
      `${c.name}: every index with its MongoDB-style name and unique flag`,
    );
    t.deepEqual(step.rules, { rule: JSON.stringify(c.rules), change: 'unknown' });
  }
  const names = fs
    .readdirSync('cloudfunctions')
    .filter((n) => fs.existsSync(path.join('cloudfunctions', n, 'index.ts')) && n !== 'shared' && !n.startsWith('_'));
  t.deepEqual(plan.functions.map((f) => f.name).sort(), names.sort());
  for (const f of plan.functions) {
    const config = sourceConfig(f.name);
    t.is(f.timeout, config.timeout, `${f.name}: timeout from config.json`);
    t.deepEqual(
      f.triggers.create,
      (config.triggers ?? []).map((tr) => ({ name: tr.name, type: 'timer', config: tr.config })),
      `${f.name}: timers from config.json`,
    );
    t.is(f.runtime, 'Nodejs18.15');
  }
  t.true(
    plan.functions.some((f) => f.triggers.create.length > 0),
    'the jobs timer is in the plan',
  );
  t.deepEqual(plan.routes, [{ path: '/shop-api', function: ROUTE_FN, action: 'unknown' }]);
  const text = formatPlan(plan);
  for (const c of collections) t.true(text.includes(` ${c.name} `), c.name);
  for (const f of built) t.true(text.includes(` ${f.name} (`), f.name);
});

test('existing indexes are not recreated, extra ones are reported and never dropped, conflicts wait for a person', (t) => {
  const state = emptyState();
  state.collections.set('orders', {
    indexes: [
      { name: '_id_', keys: [['_id', 1]], unique: true },
      {
        name: 'openid_1_createdAt_-1',
        keys: [
          ['openid', 1],
          ['createdAt', -1],
        ],
        unique: false,
      },
      {
        name: 'by_status_created',
        keys: [
          ['status', 1],
          ['createdAt', -1],
        ],
        unique: false,
      }, // same keys, other name
      {
        name: 'openid_1_idempotencyKey_1',
        keys: [
          ['openid', 1],
          ['idempotencyKey', 1],
        ],
        unique: false,
      }, // declared unique
      { name: 'legacy_1', keys: [['legacy', 1]], unique: false },
    ],
    rules: { aclTag: 'CUSTOM', rule: '{ "read": false, "write": false }' },
  });
  state.collections.set('carts', { indexes: [], rules: { aclTag: 'ADMINONLY' } });
  const plan = planDeploy(declarations(), state);
  const orders = plan.collections.find((c) => c.name === 'orders')!;
  t.false(orders.create);
  t.deepEqual(orders.presentIndexes, ['openid_1_createdAt_-1', 'by_status_created']);
  const declaredOrders = collections
    .find((c) => c.name === 'orders')!
    .indexes!.map(normalizeIndex)
    .map((ix) => ix.name);
  t.deepEqual(
    orders.createIndexes.map((ix) => ix.name),
    declaredOrders.filter((n) => !['openid_1_createdAt_-1', 'status_1_createdAt_-1', 'openid_1_idempotencyKey_1'].includes(n)),
  );
  t.deepEqual(
    orders.extraIndexes.map((ix) => ix.name),
    ['legacy_1'],
  );
  t.deepEqual(orders.rules, { rule: RULES('orders'), change: false }, 'the same rule, spaced differently, is unchanged');
  t.is(plan.attention.length, 1);
  t.regex(plan.attention[0]!, /orders: index "openid_1_idempotencyKey_1" .* declared as .* unique; left as it is/);
  const carts = plan.collections.find((c) => c.name === 'carts')!;
  t.false(carts.create);
  t.deepEqual(carts.rules?.change, true, 'ADMINONLY becomes the declared custom rule');
  t.true(plan.collections.filter((c) => !['orders', 'carts'].includes(c.name)).every((c) => c.create === true));
  const text = formatPlan(plan);
  t.regex(text, /! extra index legacy_1 \{legacy: 1\}: not declared, left in place \(never dropped\)/);
  t.regex(text, /Needs a decision:/);
});

test('variables: one value per environment, deployed values kept, the data key never changes', (t) => {
  const readers = (name: string) => built.filter((f) => f.envRefs.includes(name)).map((f) => f.name);
  t.true(readers('SHOP_DATA_KEY').length > 0 && readers('PAY_SUB_MCH_ID').length > 0, 'the bundles read the shop variables');
  const keyReader = readers('SHOP_DATA_KEY')[0]!;
  const state = emptyState();
  state.functions.set(keyReader, {
    runtime: 'Nodejs18.15',
    envVariables: { SHOP_DATA_KEY: DATA_KEY, FEATURE_X: 'on', PAY_SUB_MCH_ID: '111' },
    triggers: [],
  });

  const kept = planDeploy(declarations({ PAY_SUB_MCH_ID: '1234567890' }), state);
  t.deepEqual(kept.problems, []);
  for (const f of kept.functions) {
    const reads = (n: string) => built.find((b) => b.name === f.name)!.envRefs.includes(n);
    t.is(
      f.envVariables.SHOP_DATA_KEY,
      reads('SHOP_DATA_KEY') ? DATA_KEY : undefined,
      `${f.name}: the deployed key, only where it is read`,
    );
    t.is(
      f.envVariables.PAY_SUB_MCH_ID,
      reads('PAY_SUB_MCH_ID') ? '1234567890' : undefined,
      `${f.name}: the deployer's value wins`,
    );
  }
  t.is(kept.functions.find((f) => f.name === keyReader)!.envVariables.FEATURE_X, 'on', 'a variable set by hand is kept');
  t.false(formatPlan(kept).includes(DATA_KEY), 'secrets are never printed');

  const changed = planDeploy(declarations({ SHOP_DATA_KEY: 'b2'.repeat(32), PAY_SUB_MCH_ID: '1234567890' }), state);
  t.true(changed.problems.some((p) => /SHOP_DATA_KEY differs from the value the deployed functions use/.test(p)));
  // A rotation: the new key with a new id, the deployed one kept for reading (docs/platform.md, "Personal data at rest").
  const rotation = { SHOP_DATA_KEY: 'b2'.repeat(32), SHOP_DATA_KEY_ID: 'k2', PAY_SUB_MCH_ID: '1234567890' };
  const rotated = planDeploy(declarations({ ...rotation, SHOP_DATA_OLD_KEYS: `k1:${DATA_KEY.toUpperCase()}` }), state);
  t.deepEqual(rotated.problems, []);
  const rotatedKeyReader = rotated.functions.find((f) => f.name === keyReader)!;
  t.like(rotatedKeyReader.envVariables, { SHOP_DATA_KEY: 'b2'.repeat(32), SHOP_DATA_KEY_ID: 'k2' });
  t.false(formatPlan(rotated).includes(DATA_KEY.toUpperCase()), 'old keys are secrets too');
  const otherOld = planDeploy(declarations({ ...rotation, SHOP_DATA_OLD_KEYS: `k1:${'c3'.repeat(32)}` }), state);
  t.true(
    otherOld.problems.some((p) => /SHOP_DATA_KEY differs/.test(p)),
    'the deployed key must be the one kept',
  );
  const malformed = planDeploy(declarations({ ...rotation, SHOP_DATA_OLD_KEYS: `k1 ${DATA_KEY}` }), state);
  t.true(malformed.problems.some((p) => /SHOP_DATA_OLD_KEYS is not valid/.test(p)));

  const fresh = planDeploy(declarations({}), emptyState());
  t.true(fresh.problems.some((p) => /^SHOP_DATA_KEY is not set/.test(p)));
  t.true(fresh.problems.some((p) => /^PAY_SUB_MCH_ID is not set/.test(p)));

  const bad = planDeploy(
    declarations({ SHOP_DATA_KEY: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', PAY_SUB_MCH_ID: 'abc' }),
  );
  t.true(bad.problems.some((p) => /SHOP_DATA_KEY must not be that value: .*development key/.test(p)));
  t.true(bad.problems.some((p) => /PAY_SUB_MCH_ID is not valid/.test(p)));
});

test('timers: unchanged ones stay, changed ones are replaced, stale ones go; HTTP routes: present, conflicting, missing function', (t) => {
  const jobs = built.find((f) => f.triggers.length > 0)!;
  const [timer] = jobs.triggers;
  const state = emptyState();
  state.functions.set(jobs.name, {
    runtime: 'Nodejs16.13',
    envVariables: {},
    triggers: [
      { name: timer!.name, type: 'timer', config: JSON.stringify({ cron: timer!.config }) },
      { name: 'old-sweep', type: 'timer', config: '0 0 3 * * * *' },
    ],
  });
  state.routes.push({ path: '/shop-api', function: 'someone-else' });
  let plan = planDeploy(declarations({ SHOP_DATA_KEY: DATA_KEY, PAY_SUB_MCH_ID: '1234567890' }), state);
  const step = plan.functions.find((f) => f.name === jobs.name)!;
  t.is(step.action, 'update');
  t.deepEqual(step.triggers, { create: jobs.triggers.slice(1), delete: ['old-sweep'], keep: [timer!.name] });
  t.true(plan.attention.some((a) => /runs on Nodejs16\.13/.test(a)));
  t.deepEqual(plan.routes, [{ path: '/shop-api', function: ROUTE_FN, action: 'conflict', boundTo: 'someone-else' }]);

  state.functions.get(jobs.name)!.triggers[0]!.config = '0 */5 * * * * *';
  state.routes[0]!.function = ROUTE_FN;
  plan = planDeploy(declarations({ SHOP_DATA_KEY: DATA_KEY, PAY_SUB_MCH_ID: '1234567890' }), state);
  t.deepEqual(
    plan.functions.find((f) => f.name === jobs.name)!.triggers.delete,
    [timer!.name, 'old-sweep'],
    'a changed schedule is replaced',
  );
  t.is(plan.routes[0]!.action, 'present');

  const missing = planDeploy({ ...declarations(), routes: [{ path: '/x', function: 'nope' }] });
  t.true(missing.problems.some((p) => /there is no built function "nope"/.test(p)));
});

test('applyPlan runs only what is missing and refuses a plan with problems or without state', async (t) => {
  const calls: string[] = [];
  const rec =
    (name: string) =>
    async (...args: unknown[]) =>
      void calls.push(`${name} ${typeof args[0] === 'string' ? args[0] : (args[0] as { name: string } | undefined)?.name}`);
  const target = new Proxy({} as CloudTarget, { get: (_, prop) => rec(String(prop)) });
  const state = emptyState();
  for (const c of collections)
    state.collections.set(c.name, {
      indexes: (c.indexes ?? []).map(normalizeIndex),
      rules: { aclTag: 'CUSTOM', rule: JSON.stringify(c.rules) },
    });
  state.routes.push({ path: '/shop-api', function: ROUTE_FN });
  const plan = planDeploy(declarations({ SHOP_DATA_KEY: DATA_KEY, PAY_SUB_MCH_ID: '1234567890' }), state);
  await applyPlan(plan, target, () => {});
  t.is(calls.filter((c) => !c.startsWith('createFunction ')).length, 0, 'nothing but the functions, which are always uploaded');
  t.deepEqual(calls.map((c) => c.split(' ')[1]).sort(), built.map((f) => f.name).sort());
  await t.throwsAsync(
    applyPlan(planDeploy(declarations()), target, () => {}),
    { message: /without the environment state/ },
  );
  await t.throwsAsync(
    applyPlan(planDeploy(declarations(), emptyState()), target, () => {}),
    { message: /problems/ },
  );
});

test('static hosting: only new or changed files go up (size and MD5 against the ETag), what the build no longer has goes', (t) => {
  const state = hostingState({
    files: [
      { key: 'admin/index.html', size: Buffer.byteLength(ADMIN_FILES['index.html']!), etag: `"${md5('an older page')}"` },
      {
        key: 'admin/assets/index-Ab12Cd34.js',
        size: Buffer.byteLength(ADMIN_FILES['assets/index-Ab12Cd34.js']!),
        etag: `"${md5(ADMIN_FILES['assets/index-Ab12Cd34.js']!)}"`,
      },
      // A multipart upload's ETag is no content hash: uploaded again.
      { key: 'admin/assets/style-Qw34Er56.css', size: 18, etag: '"0f343b0931126a20f133d67c2b018a3b-2"' },
      { key: 'admin/assets/index-Old00000.js', size: 10, etag: '"x"' },
      { key: 'admin/', size: 0, etag: `"${md5('')}"` },
    ],
  });
  const plan = planDeploy(withSite(), state);
  t.deepEqual(plan.problems, []);
  const h = plan.hosting!;
  t.like(h, { built: true, enabled: true, files: 4, bytes: ADMIN_BYTES, unchanged: 1, cloudPath: 'admin/' });
  t.deepEqual(
    h.upload.map((f) => f.path),
    ['assets/style-Qw34Er56.css', 'favicon.ico', 'index.html'],
  );
  t.deepEqual(h.delete, ['admin/assets/index-Old00000.js'], 'folder markers stay');
  t.deepEqual(h.website, { indexDocument: 'index.html', errorDocument: 'admin/index.html', routingRules: [], change: true });
  t.deepEqual(h.api, { path: '/api/admin', function: 'admin' });
  const text = formatPlan(plan);
  t.true(text.includes(` → admin/ (4 files, ${formatBytes(ADMIN_BYTES)})`));
  t.regex(text, /\+ upload 3 files \(\d+ B\) to admin\/: assets\/style-Qw34Er56\.css, favicon\.ico, index\.html/);
  t.regex(text, /= 1 files unchanged/);
  t.regex(text, /- delete admin\/assets\/index-Old00000\.js \(no longer built\)/);
  t.regex(text, /~ index document index\.html, error document admin\/index\.html/);
  t.regex(text, /the page calls \/api\/admin → admin \(HTTP access, above\) on its own origin/);
  t.true(text.includes(`static hosting's own domain: https://${ENV}.tcloudbaseapp.com/admin/ (the files only`));

  // Everything there already: nothing to do.
  const same = hostingState({
    files: Object.entries(ADMIN_FILES).map(([name, content]) => ({
      key: `admin/${name}`,
      size: Buffer.byteLength(content),
      etag: `"${md5(content).toUpperCase()}"`,
    })),
    website: { indexDocument: 'index.html', errorDocument: 'admin/index.html', routingRules: [], rewritable: true },
  });
  const unchanged = planDeploy(withSite(), same);
  t.like(unchanged.hosting, { upload: [], delete: [], unchanged: 4, website: { change: false } });
  t.regex(formatPlan(unchanged), /= index document index\.html, error document admin\/index\.html/);
  t.is(countChanges(unchanged), countChanges(planDeploy({ ...withSite(), site: undefined }, same)), 'no hosting change counted');
});

test('static hosting plan: documents someone chose are kept, a disabled service or an incomplete build stops it, a dry run uploads all', (t) => {
  const website = (w: Partial<NonNullable<RemoteHosting['website']>>) => ({
    indexDocument: 'index.html',
    errorDocument: 'admin/index.html',
    routingRules: [],
    rewritable: true,
    ...w,
  });
  const otherError = planDeploy(withSite(), hostingState({ website: website({ errorDocument: '404.html' }) }));
  t.like(otherError.hosting!.website, { errorDocument: '404.html', change: false });
  t.true(otherError.warnings.some((w) => /error document is "404\.html".*left as it is/.test(w)));
  const rules = [{ keyPrefixEquals: 'docs/', replaceKeyPrefixWith: 'documents/' }];
  const unsetError = planDeploy(
    withSite(),
    hostingState({ website: website({ errorDocument: undefined, routingRules: rules }) }),
  );
  t.deepEqual(
    unsetError.hosting!.website,
    { indexDocument: 'index.html', errorDocument: 'admin/index.html', routingRules: rules, change: true },
    'redirect rules are written back with it',
  );
  const otherIndex = planDeploy(withSite(), hostingState({ website: website({ indexDocument: 'home.html' }) }));
  t.true(otherIndex.attention.some((a) => /index document is "home\.html"/.test(a)));
  const unwritable = planDeploy(withSite(), hostingState({ website: website({ errorDocument: undefined, rewritable: false }) }));
  t.is(unwritable.hosting!.website.change, false);
  t.true(unwritable.attention.some((a) => /redirects that deploy cannot carry over/.test(a)));

  const off = planDeploy(withSite(), hostingState({ online: false, status: 'offline' }));
  t.like(off.hosting, { enabled: false, upload: [], delete: [] });
  t.true(off.attention.some((a) => /static website hosting \(静态网站托管\) is not enabled in .* \(status: offline\)/.test(a)));
  t.regex(formatPlan(off), /! static website hosting is not enabled: nothing is uploaded/);
  t.is(countChanges(off), countChanges(planDeploy({ ...withSite(), site: undefined }, hostingState({ online: false }))));

  const notBuilt = planDeploy(withSite(path.join(scratch, 'not-built')));
  t.like(notBuilt.hosting, { built: false, upload: [] });
  t.deepEqual(notBuilt.problems, []);
  t.regex(formatPlan(notBuilt), /Static hosting: nothing to upload \(\S+ does not exist: the admin page is not built\)/);

  const partial = path.join(scratch, 'admin-partial');
  fs.mkdirSync(path.join(partial, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(partial, 'assets', 'a.js'), 'x');
  t.true(planDeploy(withSite(partial)).problems.some((p) => /has no index\.html/.test(p)));
  t.true(
    planDeploy({ ...withSite(), routes: [] }).warnings.some((w) => /no route to it/.test(w)),
    'the page needs its API route',
  );

  const dry = planDeploy(withSite());
  t.like(dry.hosting, { enabled: 'unknown', unchanged: 0, delete: [], website: { change: 'unknown' } });
  t.is(dry.hosting!.upload.length, 4);
  const text = formatPlan(dry);
  t.true(
    text.includes(`+ upload 4 files (${formatBytes(ADMIN_BYTES)}) to admin/ (only those not there already, by size and MD5)`),
  );
  t.regex(text, /~ index document index\.html, error document admin\/index\.html \(deep links load the page\) \(if not set\)/);
});

test('applyPlan uploads the assets, then the pages, then sets the documents, then deletes what is no longer built', async (t) => {
  const calls: Array<[string, unknown]> = [];
  const target = new Proxy({} as CloudTarget, {
    get: (_, prop) => async (arg: unknown) => void calls.push([String(prop), arg]),
  });
  const state = hostingState({ files: [{ key: 'admin/assets/index-Old00000.js', size: 1, etag: '"x"' }] });
  for (const c of collections)
    state.collections.set(c.name, {
      indexes: (c.indexes ?? []).map(normalizeIndex),
      rules: { aclTag: 'CUSTOM', rule: JSON.stringify(c.rules) },
    });
  const lines: string[] = [];
  await applyPlan(planDeploy(withSite(), state), target, (line) => lines.push(line));
  const hostingCalls = calls.filter(([name]) => !/Function|Route/.test(name));
  t.deepEqual(
    hostingCalls.map(([name]) => name),
    ['uploadHostingFiles', 'uploadHostingFiles', 'setWebsite', 'deleteHostingFiles'],
  );
  const uploaded = (i: number) =>
    (hostingCalls[i]![1] as Array<{ localPath: string; cloudPath: string }>).map((f) => f.cloudPath);
  t.deepEqual(uploaded(0), ['admin/assets/index-Ab12Cd34.js', 'admin/assets/style-Qw34Er56.css', 'admin/favicon.ico']);
  t.deepEqual(uploaded(1), ['admin/index.html'], 'the page last, once what it loads is there');
  t.is((hostingCalls[0]![1] as Array<{ localPath: string }>)[0]!.localPath, path.join(adminDir, 'assets', 'index-Ab12Cd34.js'));
  t.deepEqual(hostingCalls[2]![1], {
    indexDocument: 'index.html',
    errorDocument: 'admin/index.html',
    routingRules: [],
    change: true,
  });
  t.deepEqual(hostingCalls[3]![1], ['admin/assets/index-Old00000.js']);
  t.true(lines.some((l) => /✓ upload 1 page\(s\) to static hosting admin\/: index\.html/.test(l)));
  t.true(calls.findIndex(([name]) => name === 'uploadHostingFiles') > calls.findIndex(([name]) => name === 'createRoute'));

  calls.length = 0;
  await applyPlan(planDeploy(withSite(), hostingState({ online: false })), target, () => {});
  t.false(
    calls.some(([name]) => /Hosting|Website/.test(name)),
    'nothing when static hosting is not enabled',
  );
});

test('credentials: the environment first, then the CloudBase CLI login; an expired login says what to run', (t) => {
  const cliHome = path.join(scratch, 'cli-home');
  fs.mkdirSync(path.join(cliHome, '.config', '.cloudbase'), { recursive: true });
  const auth = path.join(cliHome, '.config', '.cloudbase', 'auth.json');
  t.like(resolveCredentials({ TENCENTCLOUD_SECRETID: 'id', TENCENTCLOUD_SECRETKEY: 'key' }, cliHome), {
    credentials: { secretId: 'id', secretKey: 'key' },
  });
  t.regex((resolveCredentials({ TENCENTCLOUD_SECRETID: 'id' }, home) as { error: string }).error, /needs both/);
  t.regex((resolveCredentials({}, home) as { error: string }).error, /TENCENTCLOUD_SECRETID[\s\S]*tcb login/);
  const now = Date.now();
  fs.writeFileSync(
    auth,
    JSON.stringify({
      credential: { tmpSecretId: 'tid', tmpSecretKey: 'tkey', tmpToken: 'tok', tmpExpired: now + 3_600_000, refreshToken: 'r' },
    }),
  );
  t.like(resolveCredentials({}, cliHome, now), { credentials: { secretId: 'tid', secretKey: 'tkey', token: 'tok' } });
  t.regex((resolveCredentials({}, cliHome, now + 7_200_000) as { error: string }).error, /login has expired.*tcb env list/);
});

// ---------------------------------------------------------------------------------------------------------------
// `npm run deploy` against a fake TencentCloud API

interface ApiCall {
  service: string;
  action: string;
  params: Record<string, any>;
  authorization: string;
}

interface CosCall {
  method: string;
  key: string;
  query: string;
  authorization: string;
}

interface FakeObject {
  md5: string;
  size: number;
  contentType?: string;
}

interface FakeFunction {
  Runtime: string;
  Timeout?: number;
  MemorySize?: number;
  Namespace: string;
  Variables: Array<{ Key: string; Value: string }>;
  Triggers: Array<{ TriggerName: string; Type: string; TriggerDesc: string }>;
  files: string[];
}

function fakeTencentCloud() {
  const calls: ApiCall[] = [];
  const connects: string[] = [];
  const tables = new Map<
    string,
    {
      indexes: Array<{ Name: string; Keys: Array<{ Name: string; Direction: string }>; Unique: boolean }>;
      rule: { AclTag: string; Rule?: string };
    }
  >();
  const functions = new Map<string, FakeFunction>();
  const routes: Array<{ Path: string; Name: string; Type: number }> = [];
  // Static hosting: its state (DescribeStaticStore) and its bucket's objects and website configuration (COS).
  const hosting = {
    status: 'online' as string | undefined,
    objects: new Map<string, FakeObject>(),
    /** The WebsiteConfiguration XML as last PUT, answered back as is (as COS does). */
    website: undefined as string | undefined,
  };
  const cosCalls: CosCall[] = [];
  const fail = (Code: string, Message: string) => ({ Error: { Code, Message } });

  function answer(service: string, action: string, p: Record<string, any>): Record<string, unknown> {
    const key = `${service}.${action}`;
    if (service === 'tcb' && p.EnvId && p.EnvId !== ENV) return fail('ResourceNotFound', `environment ${p.EnvId} not found`);
    switch (key) {
      case 'tcb.DescribeEnvInfo':
        return {
          EnvInfo: {
            EnvBaseInfo: {
              EnvId: ENV,
              Databases: [{ InstanceId: 'tnt-fake' }],
              Storages: [{ AppId: '1250000000', Bucket: 'x-1250000000' }],
              Functions: [{ Namespace: ENV }],
              LogServices: [],
            },
            UserInfo: { AppId: '1250000000' },
          },
        };
      case 'tcb.ListTables': {
        const names = [...tables.keys()];
        return {
          Tables: names.slice(p.MgoOffset, p.MgoOffset + p.MgoLimit).map((TableName) => ({ TableName })),
          Pager: { Offset: p.MgoOffset, Limit: p.MgoLimit, Total: names.length },
        };
      }
      case 'tcb.DescribeTable': {
        const table = tables.get(p.TableName);
        return table ? { Indexes: table.indexes, IndexNum: table.indexes.length } : fail('ResourceNotFound', 'table not found');
      }
      case 'tcb.CreateTable':
        if (tables.has(p.TableName)) return fail('ResourceInUse', 'table exists');
        tables.set(p.TableName, {
          indexes: [{ Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }], Unique: true }],
          rule: { AclTag: 'ADMINONLY' },
        });
        return {};
      case 'tcb.UpdateTable': {
        const table = tables.get(p.TableName);
        if (!table) return fail('ResourceNotFound', 'table not found');
        for (const ix of p.CreateIndexes ?? []) {
          if (table.indexes.some((e) => e.Name === ix.IndexName)) return fail('InvalidParameter', `index ${ix.IndexName} exists`);
          table.indexes.push({ Name: ix.IndexName, Keys: ix.MgoKeySchema.MgoIndexKeys, Unique: ix.MgoKeySchema.MgoIsUnique });
        }
        for (const ix of p.DropIndexes ?? []) table.indexes = table.indexes.filter((e) => e.Name !== ix.IndexName);
        return {};
      }
      case 'tcb.DescribeSafeRule':
        return tables.get(p.CollectionName)?.rule ?? fail('ResourceNotFound', 'table not found');
      case 'tcb.ModifySafeRule':
        tables.get(p.CollectionName)!.rule = { AclTag: p.AclTag, Rule: p.Rule };
        return {};
      case 'scf.GetFunction': {
        const fn = functions.get(p.FunctionName);
        if (!fn || p.Namespace !== ENV) return fail('ResourceNotFound.Function', `function ${p.FunctionName} not found`);
        return {
          FunctionName: p.FunctionName,
          Status: 'Active',
          Runtime: fn.Runtime,
          Timeout: fn.Timeout,
          MemorySize: fn.MemorySize,
          Environment: { Variables: fn.Variables },
          Triggers: fn.Triggers,
          VpcConfig: {},
        };
      }
      case 'scf.CreateFunction':
        if (functions.has(p.FunctionName)) return fail('ResourceInUse.Function', 'exists');
        functions.set(p.FunctionName, {
          Runtime: p.Runtime,
          Timeout: p.Timeout,
          MemorySize: p.MemorySize,
          Namespace: p.Namespace,
          Variables: p.Environment?.Variables ?? [],
          Triggers: [],
          files: zipNames(p.Code.ZipFile),
        });
        return {};
      case 'scf.UpdateFunctionCode':
        functions.get(p.FunctionName)!.files = zipNames(p.Code.ZipFile);
        return {};
      case 'scf.UpdateFunctionConfiguration': {
        const fn = functions.get(p.FunctionName)!;
        Object.assign(fn, { Timeout: p.Timeout ?? fn.Timeout, MemorySize: p.MemorySize ?? fn.MemorySize });
        if (p.Environment) fn.Variables = p.Environment.Variables;
        return {};
      }
      case 'scf.BatchCreateTrigger': {
        const fn = functions.get(p.FunctionName)!;
        for (const tr of JSON.parse(p.Triggers) as Array<{ TriggerName: string; Type: string; TriggerDesc: string }>) {
          if (fn.Triggers.some((e) => e.TriggerName === tr.TriggerName)) return fail('ResourceInUse.Trigger', 'trigger exists');
          fn.Triggers.push({ TriggerName: tr.TriggerName, Type: tr.Type, TriggerDesc: JSON.stringify({ cron: tr.TriggerDesc }) });
        }
        return {};
      }
      case 'scf.DeleteTrigger': {
        const fn = functions.get(p.FunctionName)!;
        fn.Triggers = fn.Triggers.filter((e) => e.TriggerName !== p.TriggerName);
        return {};
      }
      case 'tcb.DescribeStaticStore':
        return {
          Data: hosting.status
            ? [
                {
                  EnvId: ENV,
                  CdnDomain: `${ENV}.tcloudbaseapp.com`,
                  Bucket: HOSTING_BUCKET,
                  Regoin: 'ap-shanghai',
                  Status: hosting.status,
                },
              ]
            : [],
        };
      case 'tcb.DescribeCloudBaseGWAPI':
        return { APISet: routes.filter((r) => !p.Path || r.Path === p.Path), Total: routes.length };
      case 'tcb.CreateCloudBaseGWAPI':
        if (routes.some((r) => r.Path === p.Path)) return fail('InvalidParameter.APICreated', 'path exists');
        routes.push({ Path: p.Path, Name: p.Name, Type: p.Type });
        return { APIId: `api-${routes.length}` };
      default:
        return fail('InvalidAction', `the fake does not know ${key}`);
    }
  }

  const keyFile = path.join(scratch, 'fake-key.pem');
  const certFile = path.join(scratch, 'fake-cert.pem');
  // A throwaway certificate for *.tencentcloudapi.com, trusted only by the deploy child started below.
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        '/CN=fake tencentcloudapi',
        '-addext',
        'subjectAltName=DNS:*.tencentcloudapi.com,DNS:*.cos.ap-shanghai.tencentcos.cn',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
      ],
      { stdio: 'ignore' },
    );
  } catch (e) {
    throw new Error(
      `the deploy test makes a throwaway certificate with openssl (apt-get install openssl): ${(e as Error).message}`,
    );
  }
  const credentials = { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) };

  /** COS's XML API on the hosting bucket: GET Bucket (2 keys a page, to exercise paging), PUT / DELETE Object, website. */
  function answerCos(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://cos');
    const key = decodeURIComponent(url.pathname.slice(1));
    cosCalls.push({ method: req.method!, key, query: url.search, authorization: String(req.headers.authorization) });
    const xml = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'application/xml', 'x-cos-request-id': `cos-${cosCalls.length}` });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${text}`);
    };
    if (!String(req.headers.authorization).includes('q-ak=AKIDfaketest'))
      return xml(403, '<Error><Code>AccessDenied</Code><Message>bad signature</Message></Error>');
    if (!String(req.headers.host).startsWith(`${HOSTING_BUCKET}.`))
      return xml(404, '<Error><Code>NoSuchBucket</Code><Message>no such bucket</Message></Error>');
    if (url.searchParams.has('website')) {
      if (req.method === 'PUT') {
        hosting.website = body.toString('utf8').replace(/^<\?xml[^>]*>\s*/, '');
        return xml(200, '');
      }
      if (!hosting.website)
        return xml(404, '<Error><Code>NoSuchWebsiteConfiguration</Code><Message>no website</Message></Error>');
      return xml(200, hosting.website);
    }
    if (req.method === 'GET' && key === '') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const marker = url.searchParams.get('marker') ?? '';
      const all = [...hosting.objects.keys()].filter((k) => k.startsWith(prefix) && k > marker).sort();
      const page = all.slice(0, Math.min(2, Number(url.searchParams.get('max-keys') ?? 1000)));
      const contents = page
        .map((k) => {
          const o = hosting.objects.get(k)!;
          return (
            `<Contents><Key>${k}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>"${o.md5}"</ETag>` +
            `<Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`
          );
        })
        .join('');
      return xml(
        200,
        `<ListBucketResult><Name>${HOSTING_BUCKET}</Name><Prefix>${prefix}</Prefix><Marker>${marker}</Marker><MaxKeys>1000</MaxKeys>` +
          `<IsTruncated>${all.length > page.length}</IsTruncated>${contents}</ListBucketResult>`,
      );
    }
    if (req.method === 'PUT' && key) {
      const md5 = createHash('md5').update(body).digest('hex');
      hosting.objects.set(key, { md5, size: body.length, contentType: req.headers['content-type'] });
      res.writeHead(200, { etag: `"${md5}"`, 'content-length': 0 });
      return void res.end();
    }
    if (req.method === 'DELETE' && key) {
      hosting.objects.delete(key);
      res.writeHead(204);
      return void res.end();
    }
    xml(400, `<Error><Code>InvalidRequest</Code><Message>the fake does not know ${req.method} ${url.search}</Message></Error>`);
  }

  const api = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (String(req.headers.host).endsWith('.tencentcos.cn')) return answerCos(req, Buffer.concat(chunks), res);
      const body = Buffer.concat(chunks).toString('utf8');
      const service = String(req.headers.host).split('.')[0]!;
      const action = String(req.headers['x-tc-action']);
      const params = body ? (JSON.parse(body) as Record<string, any>) : {};
      calls.push({ service, action, params, authorization: String(req.headers.authorization) });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ Response: { ...answer(service, action, params), RequestId: `req-${calls.length}` } }));
    });
  });
  const proxy = http.createServer((_req, res) => {
    res.statusCode = 502;
    res.end();
  });
  proxy.on('connect', (req, socket) => {
    connects.push(String(req.url));
    if (!/^([a-z]+\.tencentcloudapi\.com|[a-z0-9-]+\.cos\.ap-shanghai\.tencentcos\.cn):443$/.test(String(req.url))) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    api.emit('connection', new tls.TLSSocket(socket, { isServer: true, ...credentials }));
  });
  return {
    calls,
    cosCalls,
    hosting,
    connects,
    tables,
    functions,
    routes,
    certFile,
    listen: () =>
      new Promise<string>((resolve) =>
        proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)),
      ),
    close: () => {
      proxy.closeAllConnections();
      proxy.close();
      api.closeAllConnections();
    },
  };
}

/** File names in a ZIP (base64), from its central directory. */
function zipNames(base64: string): string[] {
  const zip = Buffer.from(base64, 'base64');
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return names.sort();
}

/**
 * Runs the deploy CLI as `npm run deploy` does, with only the variables given (nothing from the developer's shell).
 * Without `--admin-dir`, a folder that does not exist: the repository's own build/admin is never uploaded or rebuilt
 * by a test.
 */
function runDeploy(args: string[], vars: Record<string, string> = {}, config = rcFile) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    http_proxy: proxyUrl,
    NODE_EXTRA_CA_CERTS: cloud.certFile,
    ...vars,
  };
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/deploy.ts',
      ...args,
      ...(args.includes('--admin-dir') ? [] : ['--admin-dir', path.join(scratch, 'no-admin')]),
      '--config',
      config,
      '--vars-file',
      path.join(scratch, 'no.env'),
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

const CREDENTIALS = { TENCENTCLOUD_SECRETID: 'AKIDfaketest', TENCENTCLOUD_SECRETKEY: 'fake-secret-key' };

test.serial('--dry-run builds, prints the whole plan and calls nothing, without credentials', async (t) => {
  const dryDir = path.join(scratch, 'dry-functions');
  const before = cloud.connects.length;
  const dryAdmin = path.join(scratch, 'dry-admin');
  const run = await runDeploy(['--env', ENV, '--dry-run', '--functions-dir', dryDir, '--admin-dir', dryAdmin]);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, new RegExp(`Built ${built.length} functions`));
  t.regex(run.stdout, /Dry run: nothing was read from or sent to the environment/);
  for (const c of collections) t.regex(run.stdout, new RegExp(`\\+ ${c.name} \\(create if missing\\)`));
  for (const f of built)
    t.regex(
      run.stdout,
      new RegExp(`~ ${f.name} \\(create or update\\): Nodejs18\\.15, 256 MB, timeout ${sourceConfig(f.name).timeout} s`),
    );
  t.regex(run.stdout, /\+ \/shop-api → \S+ \(if missing\)/);
  t.regex(run.stdout, /\+ timer every-minute "0 \* \* \* \* \* \*"/);
  t.is(cloud.connects.length, before, 'no request left the process');
  t.true(fs.existsSync(path.join(dryDir, ROUTE_FN, 'index.js')));
  // The admin page is built too, and its upload is part of the plan.
  t.regex(run.stdout, /Built the admin page into /);
  t.true(fs.existsSync(path.join(dryAdmin, 'index.html')));
  t.regex(run.stdout, /Static hosting: the admin page, \S+ → admin\/ \(\d+ files, \d+(\.\d)? [KM]B\)/);
});

test.serial('without credentials a real deploy stops at once with a clear message', async (t) => {
  const before = cloud.connects.length;
  const run = await runDeploy(['--env', ENV, '--skip-build', '--functions-dir', functionsDir]);
  t.is(run.code, 1);
  t.regex(run.stderr, /No Tencent Cloud credentials found/);
  t.regex(run.stderr, /TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY/);
  t.regex(run.stderr, /tcb login/);
  t.is(cloud.connects.length, before);
  const noEnv = await runDeploy(['--dry-run', '--skip-build', '--functions-dir', functionsDir]);
  t.is(noEnv.code, 1);
  t.regex(noEnv.stderr, /Pass --env <envId>/);
});

test.serial(
  'npm run deploy creates what is missing through the real manager-node, then a second run changes nothing but the code',
  async (t) => {
    // The environment as someone left it: orders with one declared index, one index under another name and one
    // extra; carts' unique index under another name; the key-reading function deployed with the data key and a
    // variable set by hand; the timer function with a stale timer.
    const orders = collections.find((c) => c.name === 'orders')!;
    const firstOrders = normalizeIndex(orders.indexes![0]!);
    const dirs = (ix: ReturnType<typeof normalizeIndex>) => ix.keys.map(([Name, d]) => ({ Name, Direction: String(d) }));
    cloud.tables.set('orders', {
      indexes: [
        { Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }], Unique: true },
        { Name: firstOrders.name, Keys: dirs(firstOrders), Unique: false },
        { Name: 'legacy_1', Keys: [{ Name: 'legacy', Direction: '1' }], Unique: false },
      ],
      rule: { AclTag: 'CUSTOM', Rule: RULES('orders') },
    });
    const cartIndex = normalizeIndex(collections.find((c) => c.name === 'carts')!.indexes![0]!);
    cloud.tables.set('carts', {
      indexes: [{ Name: 'cart_owner_sku', Keys: dirs(cartIndex), Unique: true }],
      rule: { AclTag: 'ADMINONLY' },
    });
    const keyReader = built.find((f) => f.envRefs.includes('SHOP_DATA_KEY'))!.name;
    const jobs = built.find((f) => f.triggers.length > 0)!;
    cloud.functions.set(keyReader, {
      Runtime: 'Nodejs18.15',
      Namespace: ENV,
      Variables: [
        { Key: 'SHOP_DATA_KEY', Value: DATA_KEY },
        { Key: 'FEATURE_X', Value: 'on' },
      ],
      Triggers: [],
      files: [],
    });
    cloud.functions.set(jobs.name, {
      Runtime: 'Nodejs18.15',
      Namespace: ENV,
      Variables: [],
      Triggers: [{ TriggerName: 'old-sweep', Type: 'timer', TriggerDesc: '{"cron":"0 0 3 * * * *"}' }],
      files: [],
    });
    const vars = { ...CREDENTIALS, PAY_SUB_MCH_ID: '1234567890', TEMPLATE_ORDER_PAID: 'tpl-paid-1' };

    const first = await runDeploy(['--env', ENV, '--skip-build', '--functions-dir', functionsDir], vars);
    t.is(first.code, 0, `${first.stdout}\n${first.stderr}`);
    t.regex(first.stdout, /! extra index legacy_1 \{legacy: 1\}: not declared, left in place/);
    t.true(
      cloud.calls.every((c) => c.authorization.includes('Credential=AKIDfaketest/')),
      'every call is signed with the given key',
    );
    const made = (action: string) => cloud.calls.filter((c) => c.action === action);

    // Database: every declared collection, index and rule exists; nothing was dropped or recreated.
    t.deepEqual(
      made('CreateTable')
        .map((c) => c.params.TableName)
        .sort(),
      collections
        .map((c) => c.name)
        .filter((n) => n !== 'orders' && n !== 'carts')
        .sort(),
    );
    t.false(
      cloud.calls.some((c) => (/Delete|Drop/.test(c.action) && c.action !== 'DeleteTrigger') || c.params.DropIndexes),
      'nothing dropped',
    );
    for (const c of collections) {
      const table = cloud.tables.get(c.name)!;
      for (const ix of (c.indexes ?? []).map(normalizeIndex)) {
        const found = table.indexes.filter((e) => JSON.stringify(e.Keys) === JSON.stringify(dirs(ix)));
        t.is(found.length, 1, `${c.name}: ${ix.name} exactly once`);
        t.is(found[0]!.Unique, ix.unique, `${c.name}: ${ix.name} unique flag`);
      }
      t.deepEqual(table.rule, { AclTag: 'CUSTOM', Rule: JSON.stringify(c.rules) }, `${c.name}: security rule`);
    }
    t.true(
      cloud.tables.get('orders')!.indexes.some((e) => e.Name === 'legacy_1'),
      'the extra index is still there',
    );
    t.false(
      made('UpdateTable').some((c) => c.params.TableName === 'carts'),
      "carts' index exists under another name: not recreated",
    );
    t.false(
      made('UpdateTable')
        .find((c) => c.params.TableName === 'orders')!
        .params.CreateIndexes.some((ix: { IndexName: string }) => ix.IndexName === firstOrders.name),
    );
    t.false(
      made('ModifySafeRule').some((c) => c.params.CollectionName === 'orders'),
      'an unchanged rule is not rewritten',
    );

    // Functions: each one with its code, timeout, timers and exactly the variables it reads.
    for (const f of built) {
      const fn = cloud.functions.get(f.name)!;
      const config = sourceConfig(f.name);
      t.is(fn.Namespace, ENV);
      t.is(fn.Timeout, config.timeout, `${f.name}: timeout`);
      t.deepEqual(fn.files, ['config.json', 'index.js', 'package.json'], `${f.name}: the built package, without source maps`);
      t.deepEqual(
        fn.Triggers.map((tr) => [tr.TriggerName, JSON.parse(tr.TriggerDesc).cron]),
        (config.triggers ?? []).map((tr) => [tr.name, tr.config]),
        `${f.name}: timers`,
      );
      const expected: Record<string, string> = {};
      if (f.envRefs.includes('SHOP_DATA_KEY')) expected.SHOP_DATA_KEY = DATA_KEY;
      if (f.envRefs.includes('PAY_SUB_MCH_ID')) expected.PAY_SUB_MCH_ID = '1234567890';
      if (f.envRefs.includes('TEMPLATE_ORDER_PAID')) expected.TEMPLATE_ORDER_PAID = 'tpl-paid-1';
      if (f.name === keyReader) expected.FEATURE_X = 'on';
      t.deepEqual(Object.fromEntries(fn.Variables.map((v) => [v.Key, v.Value])), expected, `${f.name}: variables`);
    }
    t.deepEqual(
      made('CreateFunction')
        .map((c) => c.params.FunctionName)
        .sort(),
      built
        .map((f) => f.name)
        .filter((n) => n !== keyReader && n !== jobs.name)
        .sort(),
    );
    t.deepEqual(
      made('DeleteTrigger').map((c) => [c.params.FunctionName, c.params.TriggerName]),
      [[jobs.name, 'old-sweep']],
    );
    t.deepEqual(cloud.routes, [{ Path: '/shop-api', Name: ROUTE_FN, Type: 1 }]);

    // Again: the environment matches, so only the code is uploaded again.
    const seen = cloud.calls.length;
    const second = await runDeploy(['--env', ENV, '--skip-build', '--functions-dir', functionsDir], vars);
    t.is(second.code, 0, `${second.stdout}\n${second.stderr}`);
    const writes = cloud.calls
      .slice(seen)
      .filter((c) => !/^(Describe|Get|List)/.test(c.action))
      .map((c) => c.action);
    t.deepEqual([...new Set(writes)].sort(), ['UpdateFunctionCode', 'UpdateFunctionConfiguration']);
    t.is(writes.filter((a) => a === 'UpdateFunctionCode').length, built.length);
  },
);

test.serial('--dry-run shows the admin page going to static hosting and the HTTP access path it calls', async (t) => {
  const before = cloud.connects.length;
  const run = await runDeploy(
    ['--env', ENV, '--dry-run', '--skip-build', '--functions-dir', functionsDir, '--admin-dir', adminDir],
    {},
    rcAdminFile,
  );
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /\+ \/api\/admin → admin \(if missing\)/);
  t.regex(run.stdout, /Static hosting: the admin page, \S+ → admin\/ \(4 files, \d+\.\d KB\)/);
  t.regex(run.stdout, /\+ upload 4 files \(\d+\.\d KB\) to admin\//);
  t.regex(run.stdout, /the page calls \/api\/admin → admin \(HTTP access, above\) on its own origin/);
  t.regex(run.stdout, /by hand, once: in HTTP 访问服务 route \/admin to 静态托管/);
  t.is(cloud.connects.length, before, 'no request left the process');
});

test.serial(
  'npm run deploy uploads the admin page to static hosting through manager-node and COS: only what changed, stale files deleted',
  async (t) => {
    // What an earlier deploy left: the page's old HTML, an asset that did not change, one the build no longer has,
    // a folder marker, and a file of someone else's outside admin/.
    const put = (key: string, content: string) =>
      cloud.hosting.objects.set(key, { md5: md5(content), size: Buffer.byteLength(content) });
    put('admin/index.html', '<!doctype html><title>old</title>');
    put('admin/assets/index-Ab12Cd34.js', ADMIN_FILES['assets/index-Ab12Cd34.js']!);
    put('admin/assets/index-Old00000.js', 'old');
    put('admin/', '');
    put('landing/index.html', 'someone else');
    const vars = { ...CREDENTIALS, PAY_SUB_MCH_ID: '1234567890', TEMPLATE_ORDER_PAID: 'tpl-paid-1' };
    const args = ['--env', ENV, '--skip-build', '--functions-dir', functionsDir, '--admin-dir', adminDir];

    const seen = cloud.cosCalls.length;
    const first = await runDeploy(args, vars, rcAdminFile);
    t.is(first.code, 0, `${first.stdout}\n${first.stderr}`);
    const cos = cloud.cosCalls.slice(seen);
    t.true(
      cos.every((c) => c.authorization.includes('q-ak=AKIDfaketest')),
      'signed with the given key',
    );
    const puts = cos.filter((c) => c.method === 'PUT' && !c.query.includes('website')).map((c) => c.key);
    t.deepEqual(puts.slice(0, -1).sort(), ['admin/assets/style-Qw34Er56.css', 'admin/favicon.ico']);
    t.is(puts.at(-1), 'admin/index.html', 'the page goes up last');
    t.deepEqual(
      cos.filter((c) => c.method === 'DELETE').map((c) => c.key),
      ['admin/assets/index-Old00000.js'],
    );
    for (const [name, content] of Object.entries(ADMIN_FILES))
      t.like(cloud.hosting.objects.get(`admin/${name}`), { md5: md5(content), size: Buffer.byteLength(content) }, name);
    t.regex(cloud.hosting.objects.get('admin/index.html')!.contentType ?? '', /^text\/html/);
    t.truthy(cloud.hosting.objects.get('admin/'), 'the folder marker stays');
    t.truthy(cloud.hosting.objects.get('landing/index.html'), 'nothing outside admin/ is touched');
    t.false(cloud.hosting.objects.has('admin/assets/index-Old00000.js'));
    t.regex(cloud.hosting.website ?? '', /<IndexDocument><Suffix>index\.html<\/Suffix><\/IndexDocument>/);
    t.regex(cloud.hosting.website ?? '', /<ErrorDocument><Key>admin\/index\.html<\/Key><\/ErrorDocument>/);
    t.deepEqual(cloud.routes.at(-1), { Path: '/api/admin', Name: 'admin', Type: 1 });
    t.regex(first.stdout, /✓ upload 2 file\(s\) to static hosting admin\//);
    t.regex(first.stdout, /✓ delete 1 file\(s\) no longer built from static hosting: admin\/assets\/index-Old00000\.js/);
    t.regex(first.stdout, /the HTTP access route that puts the admin page on the API's domain/);

    // Again: everything is there, so static hosting is only read.
    const again = cloud.cosCalls.length;
    const second = await runDeploy(args, vars, rcAdminFile);
    t.is(second.code, 0, `${second.stdout}\n${second.stderr}`);
    t.deepEqual(
      cloud.cosCalls.slice(again).filter((c) => c.method !== 'GET'),
      [],
    );
    t.regex(second.stdout, /= 4 files unchanged/);
    t.regex(second.stdout, /= index document index\.html, error document admin\/index\.html/);

    // Static hosting switched off: everything else still deploys; the page waits for a decision.
    cloud.hosting.status = undefined;
    const off = await runDeploy(args, vars, rcAdminFile);
    cloud.hosting.status = 'online';
    t.is(off.code, 1);
    t.regex(off.stdout, /static website hosting \(静态网站托管\) is not enabled/);
    t.regex(off.stderr, /need a decision/);
    t.regex(off.stdout, /✓ update function admin/);
  },
);
