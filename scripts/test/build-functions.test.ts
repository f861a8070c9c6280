import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { installGateways } from '../../emulator/src/functions/gateways.js';
import { installFunctionRuntime } from '../../emulator/src/functions/runtime.js';
import { startEmulator } from '../../emulator/src/server.js';
import { buildFunctions } from '../build-functions.js';

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
  fs.writeFileSync(path.join(src, 'shared', 'greeting.ts'), "export const greet = (name: string) => `你好，${name}`;\n");
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
  const built = await buildFunctions({ sourceDir: src, outDir: out });
  t.deepEqual(built.map((f) => f.name), ['hello'], 'shared/ is not a function');
  const bundle = fs.readFileSync(path.join(out, 'hello', 'index.js'), 'utf8');
  t.true(bundle.includes('require("wx-server-sdk")'), 'wx-server-sdk stays external');
  t.true(bundle.includes('你好'), 'shared code is bundled');
  t.true(/ZodError/.test(bundle), 'zod is bundled');
  t.deepEqual(Object.keys(JSON.parse(fs.readFileSync(path.join(out, 'hello', 'package.json'), 'utf8')).dependencies), ['wx-server-sdk']);
  t.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'hello', 'config.json'), 'utf8')), { timeout: 5 });

  const emulator = await startEmulator({ port: 0, dataFile: ':memory:', services: [installFunctionRuntime({ functionsDir: out }), installGateways()] });
  t.teardown(() => emulator.close());
  const call = async (data: Record<string, unknown>) =>
    (await (await fetch(`${emulator.url}/functions/hello`, { method: 'POST', headers: { 'x-wx-openid': 'o-built' }, body: JSON.stringify(data) })).json()) as { result: unknown };
  t.deepEqual((await call({ $url: 'greet', name: '小明' })).result, { ok: true, data: '你好，小明', openid: 'o-built' });
  t.deepEqual((await call({ $url: 'greet', name: '' })).result, { ok: false, code: 'VALIDATION' });
});
