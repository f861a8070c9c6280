import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { installFunctionRuntime, installGateways, startEmulator } from '../../emulator/index.js';
import { buildFunctions, cliFunctions, syncCloudbaseRc } from '../build-functions.js';
import { readDeployConfig } from '../deploy/declarations.js';

// Read before any build of this run could regenerate it, so a config.json edited without a rebuild is caught.
const committedRc = fs.readFileSync('cloudbaserc.json', 'utf8');

/** A TypeScript function with tcb-router, zod and shared code builds into what CloudBase deploys, and runs. */
test('build a tcb-router + zod function and call it through the gateway', async (t) => {
  // Inside the repository, so the function and its built bundle resolve packages from its node_modules.
  const scratch = path.resolve('build', 'test');
  fs.mkdirSync(scratch, { recursive: true });
  const src = fs.mkdtempSync(path.join(scratch, 'fn-src-'));
  const out = fs.mkdtempSync(path.join(scratch, 'fn-out-'));
  t.teardown(() => {
    fs.rmSync(src, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  });
  fs.mkdirSync(path.join(src, 'shared'));
  fs.mkdirSync(path.join(src, 'hello'));
  fs.writeFileSync(path.join(src, 'shared', 'greeting.ts'), 'export const greet = (name: string) => `你好，${name}`;\n');
  fs.writeFileSync(path.join(src, 'hello', 'config.json'), '{ "timeout": 5 }\n');
  fs.writeFileSync(
    path.join(src, 'hello', 'index.ts'),
    `import cloud from 'wx-server-sdk';
import TcbRouter from 'tcb-router';
import { z } from 'zod';
import { greet } from '../shared/greeting';
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const Input = z.object({ name: z.string().min(1) }).strict();
export async function main(event: any) {
  const app = new TcbRouter({ event });
  app.router('greet', async (ctx: any) => {
    const { $url, userInfo, ...params } = event;
    const parsed = Input.safeParse(params);
    ctx.body = parsed.success ? { ok: true, data: greet(parsed.data.name), openid: cloud.getWXContext().OPENID } : { ok: false, code: 'VALIDATION' };
  });
  return app.serve();
}
`,
  );
  const rcBefore = fs.readFileSync('cloudbaserc.json', 'utf8');
  const built = await buildFunctions({ sourceDir: src, outDir: out });
  t.is(
    fs.readFileSync('cloudbaserc.json', 'utf8'),
    rcBefore,
    "building elsewhere leaves the repository's cloudbaserc.json alone",
  );
  t.deepEqual(
    built.map((f) => f.name),
    ['hello'],
    'shared/ is not a function',
  );
  const bundle = fs.readFileSync(path.join(out, 'hello', 'index.js'), 'utf8');
  t.true(bundle.includes('require("wx-server-sdk")'), 'wx-server-sdk stays external');
  t.true(bundle.includes('你好'), 'shared code is bundled');
  t.true(/ZodError/.test(bundle), 'zod is bundled');
  t.deepEqual(Object.keys(JSON.parse(fs.readFileSync(path.join(out, 'hello', 'package.json'), 'utf8')).dependencies), [
    'wx-server-sdk',
  ]);
  t.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'hello', 'config.json'), 'utf8')), { timeout: 5 });

  const emulator = await startEmulator({
    port: 0,
    dataFile: ':memory:',
    services: [installFunctionRuntime({ functionsDir: out }), installGateways()],
  });
  t.teardown(() => emulator.close());
  const call = async (data: Record<string, unknown>) =>
    (await (
      await fetch(`${emulator.url}/functions/hello`, {
        method: 'POST',
        headers: { 'x-wx-openid': 'o-built' },
        body: JSON.stringify(data),
      })
    ).json()) as { result: unknown };
  t.deepEqual((await call({ $url: 'greet', name: '小明' })).result, { ok: true, data: '你好，小明', openid: 'o-built' });
  t.deepEqual((await call({ $url: 'greet', name: '' })).result, { ok: false, code: 'VALIDATION' });
});

/** cloudbaserc.json's `functions` are generated from the configs; run `npm run build:functions` after editing one. */
test('cloudbaserc.json lists every function as its config.json and functionDefaults declare it', (t) => {
  const rc = JSON.parse(committedRc) as { functionRoot: string; functions: Array<Record<string, unknown>> };
  t.deepEqual(
    rc.functions,
    cliFunctions(path.resolve('cloudfunctions'), readDeployConfig('cloudbaserc.json').functionDefaults),
    'out of step: run npm run build:functions and commit cloudbaserc.json',
  );
  t.is(path.resolve(rc.functionRoot), path.resolve('build/functions'), 'the CLI deploys what the build writes');
  t.is(`${JSON.stringify(rc, null, 2)}\n`, committedRc, 'formatted as the build writes it');
  t.false(
    rc.functions.some((f) => 'envVariables' in f),
    'no variables: the CLI would replace the deployed ones',
  );
});

test('the functions section is rewritten from the configs, the rest of cloudbaserc.json kept, and only on a change', (t) => {
  const dir = fs.mkdtempSync(path.join(path.resolve('build'), 'test-rc-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const src = path.join(dir, 'cloudfunctions');
  for (const name of ['shared', '_lib', 'ping', 'tick']) {
    fs.mkdirSync(path.join(src, name), { recursive: true });
    fs.writeFileSync(path.join(src, name, 'index.ts'), 'export const main = async () => 1;\n');
  }
  fs.writeFileSync(
    path.join(src, 'tick', 'config.json'),
    JSON.stringify({
      timeout: 30,
      triggers: [{ name: 'hourly', type: 'timer', config: '0 0 * * * * *' }],
      permissions: { openapi: ['subscribeMessage.send'] },
    }) + '\n',
  );
  const rcFile = path.join(dir, 'cloudbaserc.json');
  const rest = {
    version: '2.0',
    envId: '{{env.ENV_ID}}',
    functionRoot: './build/functions',
    functionDefaults: { memorySize: 512 },
    httpAccess: [{ path: '/api', function: 'ping' }],
  };
  fs.writeFileSync(rcFile, JSON.stringify({ ...rest, functions: [{ name: 'gone' }] }));

  t.true(syncCloudbaseRc(rcFile, src));
  const text = fs.readFileSync(rcFile, 'utf8');
  const defaults = { runtime: 'Nodejs18.15', memorySize: 512, handler: 'index.main', installDependency: true, ignore: ['*.map'] };
  t.deepEqual(JSON.parse(text), {
    ...rest,
    functions: [
      { name: 'ping', ...defaults },
      { name: 'tick', timeout: 30, ...defaults, triggers: [{ name: 'hourly', type: 'timer', config: '0 0 * * * * *' }] },
    ],
  });
  t.deepEqual(Object.keys(JSON.parse(text)), ['version', 'envId', 'functionRoot', 'functionDefaults', 'httpAccess', 'functions']);
  t.true(text.endsWith('}\n') && text.includes('\n  "functions": [\n    {\n      "name": "ping"'), '2-space JSON and a newline');
  t.false(syncCloudbaseRc(rcFile, src), 'unchanged configs: the file is not rewritten');
});
