import tcb from '@cloudbase/node-sdk';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedDemoShop } from '../database/seed.js';
import { type HttpRoute, launch, parseLaunchArgs, setReseed } from '../emulator/index.js';
import { buildFunctions } from './build-functions.js';

/**
 * `npm start`: the whole shop offline. Builds the cloud functions, starts the emulator with the shop's collections
 * and every service, seeds the demo shop on first start (and its demo merchant whenever missing), and prints where to look.
 * Options (emulator/src/launch.ts): --port <p>, --reset (wipe local data), --memory, --data-dir <dir>, --functions <dir>
 * (where the functions are built and run; default build/functions).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
process.env.TENCENTCLOUD = 'true'; // node-sdk outside SCF: skip the cloud metadata probe before every request

const started = Date.now();
const args = parseLaunchArgs(process.argv.slice(2));
// Into the folder the emulator runs (`--functions`, default build/functions), so a second start elsewhere (a test)
// does not rebuild the functions under a running one.
const built = await buildFunctions({ sourceDir: 'cloudfunctions', outDir: args.functions });
const rc = JSON.parse(fs.readFileSync('cloudbaserc.json', 'utf8')) as { httpAccess?: HttpRoute[] };
const emulator = await launch(args, {
  httpRoutes: rc.httpAccess,
  // Development only: the key that encrypts shoppers' phone numbers and addresses. Production sets its own.
  env: { SHOP_DATA_KEY: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f' },
});

const app = tcb.init({ env: emulator.envId, serviceUrl: `${emulator.url}/admin`, secretId: 'local', secretKey: 'local' });
const seeded = emulator.store.count('categories') === 0 ? await seedDemoShop(app) : undefined;

/**
 * The demo shop's owner, so the back office (the `admin` function) can be tried at once: a caller is a merchant when
 * `admins` holds an active document under its openid (cloudfunctions/admin/rbac.ts). Added when missing, on every
 * start, so data kept from before it existed gets it too; a document someone changed is left as it is.
 */
const DEMO_MERCHANT = 'o-demo-merchant';
async function ensureDemoMerchant(): Promise<void> {
  const admins = app.database().collection('admins');
  const existing = (await admins.doc(DEMO_MERCHANT).get()) as { data: unknown[] };
  if (existing.data.length === 0) await admins.doc(DEMO_MERCHANT).set({ role: 'owner', name: '示例店主', active: true });
}
await ensureDemoMerchant();

// The web UI's 清空并重新写入示例数据 (概览) empties every collection, then writes the demo shop and its owner again.
setReseed(emulator.host, async () => {
  await seedDemoShop(app);
  await ensureDemoMerchant();
});

const seededLine = seeded
  ? `\n  示例数据       已写入 ${seeded.categories} 个分类、${seeded.spus} 个商品、${seeded.skus} 个 SKU`
  : '';
console.log(`
微信小店 · 本地云开发环境已启动（${((Date.now() - started) / 1000).toFixed(1)} 秒）
  模拟器控制台   ${emulator.url}/
  云函数网关     POST ${emulator.url}/functions/<name>   (请求头 x-wx-openid)
  服务端接口     POST ${emulator.url}/admin
  云函数         ${built.length ? built.map((f) => f.name).join(', ') : '（暂无）'}
  数据           ${args.memory ? '内存（重启后清空）' : args.dataDir}${seededLine}
  示例店主       调用 admin 云函数时带请求头 x-wx-openid: ${DEMO_MERCHANT}（店主，拥有全部后台权限）
按 Ctrl-C 停止。`);
