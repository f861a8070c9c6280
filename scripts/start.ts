import tcb from '@cloudbase/node-sdk';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedDemoShop } from '../database/seed.js';
import { seedHistory } from '../database/seed-history.js';
import { type HttpRoute, launch, parseLaunchArgs, setReseed } from '../emulator/index.js';
import { buildFunctions } from './build-functions.js';
import { ensureTdesign } from './miniprogram/build.js';
import { DEVELOPMENT_DATA_KEY } from './local-env.js';
import { ADMIN_OUT, adminBuildIsCurrent, buildAdminPage } from './admin/build.js';
import { AccountExistsError, createAccount } from './admin/owner-account.js';

/**
 * `npm start`: the whole shop offline. Builds the cloud functions, starts the emulator with the shop's collections
 * and every service, seeds the demo shop on first start (and its demo merchant whenever missing), serves the admin page
 * (build/admin) at /admin/ as static hosting, and prints where to look.
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
// TDesign converted into miniprogram/miniprogram_npm, what WeChat DevTools' 构建 npm would give: the app opens as is.
await ensureTdesign();
// The admin page, rebuilt when its sources changed since the last build (`npm run dev:admin` for hot reload).
const adminBuilt = adminBuildIsCurrent() ? undefined : await buildAdminPage().then(() => true);
const rc = JSON.parse(fs.readFileSync('cloudbaserc.json', 'utf8')) as { httpAccess?: HttpRoute[] };
// The merchant admin page, as static hosting serves it in the cloud (`admin/`, scripts/deploy): same origin as
// /api/admin, index.html for anything else. Read per request, so a rebuild (npm run build:admin) needs no restart.
const emulator = await launch(args, {
  httpRoutes: rc.httpAccess,
  hosting: { dir: ADMIN_OUT, prefix: '/admin/', errorDocument: 'index.html' },
  // Development only: the key that encrypts shoppers' phone numbers and addresses. Production sets its own.
  env: { SHOP_DATA_KEY: DEVELOPMENT_DATA_KEY },
});

const app = tcb.init({ env: emulator.envId, serviceUrl: `${emulator.url}/admin`, secretId: 'local', secretKey: 'local' });
const seeded = emulator.store.count('categories') === 0 ? await seedDemoShop(app) : undefined;
// A freshly seeded shop also gets three weeks of past visits and orders, so the back office's figures are not empty.
const history = seeded ? await seedHistory(app) : undefined;

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

/**
 * The demo owner of the admin web page (`/api/admin`), for local use only: a fixed password and TOTP secret, printed
 * below, so an authenticator app set up once keeps working. A real environment gets its first owner from
 * `npm run admin:create-owner`, never a default.
 */
const DEMO_OWNER = {
  username: 'demo',
  name: '示例店主',
  role: 'owner',
  password: 'demo-owner-password',
  totpSecret: 'KRUGS4ZANFZSAYJAMRSW233TNBXXA3DP',
} as const;
// The account's TOTP secret is sealed with the functions' key, here in this process.
process.env.SHOP_DATA_KEY = DEVELOPMENT_DATA_KEY;
async function ensureDemoOwner(): Promise<void> {
  try {
    await createAccount(app, DEMO_OWNER);
  } catch (e) {
    if (!(e instanceof AccountExistsError)) throw e;
  }
}
await ensureDemoOwner();

// The web UI's 清空并重新写入示例数据 (概览) empties every collection, then writes the demo shop and its owners again.
setReseed(emulator.host, async () => {
  await seedDemoShop(app);
  await seedHistory(app);
  await ensureDemoMerchant();
  await ensureDemoOwner();
});

const seededLine = seeded
  ? `\n  示例数据       已写入 ${seeded.categories} 个分类、${seeded.spus} 个商品、${seeded.skus} 个 SKU` +
    (history ? `，以及 ${history.days} 天的历史订单 ${history.orders} 笔` : '')
  : '';
// `--static <dir>` replaces the admin page with another folder (emulator/src/launch.ts).
const hostingLine = args.static
  ? `  静态托管       ${emulator.url}${args.staticPrefix} → ${args.static}`
  : `  管理后台       ${emulator.url}/admin/   ${adminBuilt ? '（已重新构建）' : '（构建未过期）'}修改 admin/ 后重启即重建，或用 npm run dev:admin 热更新`;
// `--latency 8` (and --latency-jitter, --latency-<service>) makes each function-to-service trip as slow as the cloud's.
const { ms: latencyMs, jitterMs } = emulator.latency.toJSON();
const latencies = [...new Set(Object.values(latencyMs))];
const latencyLine = emulator.latency.active
  ? `每次往返 ${
      latencies.length === 1
        ? `${latencies[0]} ms`
        : Object.entries(latencyMs)
            .map(([s, v]) => `${s} ${v} ms`)
            .join('，')
    }` +
    (jitterMs > 0 ? `，另加至多 ${jitterMs} ms 随机抖动` : '') +
    '（云函数到数据库、支付等服务）'
  : '关闭（--latency 8 可模拟云端网络）';
console.log(`
微信小店 · 本地云开发环境已启动（${((Date.now() - started) / 1000).toFixed(1)} 秒）
  模拟器控制台   ${emulator.url}/
  云函数网关     POST ${emulator.url}/functions/<name>   (请求头 x-wx-openid)
  服务端接口     POST ${emulator.url}/admin
  云函数         ${built.length ? built.map((f) => f.name).join(', ') : '（暂无）'}
  数据           ${args.memory ? '内存（重启后清空）' : args.dataDir}${seededLine}
  网络延迟       ${latencyLine}
  示例店主       调用 admin 云函数时带请求头 x-wx-openid: ${DEMO_MERCHANT}（店主，拥有全部后台权限）
  小程序         用微信开发者工具打开仓库根目录；开发版调用本地模拟器（miniprogram/config.ts，需关闭域名校验）
${hostingLine}
  后台接口       POST ${emulator.url}/api/admin   用户名 ${DEMO_OWNER.username} · 密码 ${DEMO_OWNER.password} · TOTP 密钥 ${DEMO_OWNER.totpSecret}
                 （仅限本地；把 TOTP 密钥加入身份验证器，登录时输入其 6 位验证码）
按 Ctrl-C 停止。`);
