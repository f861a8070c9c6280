import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';
import { createOwner } from '../admin/create-owner.js';

/** `npm start` as a newcomer runs it: comes up, seeds the demo shop once, keeps data across restarts, stops on Ctrl-C. */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-start-'));
test.after.always(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function start(extra: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--port', '0', '--data-dir', dataDir, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 30_000;
  while (!output.includes('Ctrl-C')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /模拟器控制台\s+(http:\/\/\S+?)\/\s/.exec(output)![1]!;
  const stop = async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    return exited;
  };
  return { url, output, stop };
}

test.serial('first start seeds the demo shop; a restart keeps the data without seeding again', async (t) => {
  const first = await start(['--reset']);
  t.regex(first.output, /已写入 12 个分类、12 个商品、\d+ 个 SKU/);
  const status = (await (await fetch(`${first.url}/__emulator/status`)).json()) as {
    collections: Array<{ name: string; count: number }>;
  };
  const count = (name: string) => status.collections.find((c) => c.name === name)?.count;
  t.is(count('spus'), 12);
  t.true(count('skus')! > 12);
  const files = (await (await fetch(`${first.url}/__emulator/storage`)).json()) as { files: Array<{ tempFileURL: string }> };
  t.is(files.files.length, 12, 'a placeholder image per product');
  const image = await fetch(files.files[0]!.tempFileURL);
  t.is(image.headers.get('content-type'), 'image/svg+xml');
  // The admin page (build/admin) is static hosting at /admin/, same origin as /api/admin, built or not yet.
  t.regex(first.output, new RegExp(`管理后台\\s+${first.url}/admin/`));
  const built = fs.existsSync(path.join('build', 'admin', 'index.html'));
  t.is(first.output.includes('build/admin 尚未构建'), !built);
  t.like(await (await fetch(`${first.url}/__emulator/hosting`)).json(), {
    enabled: true,
    dir: path.resolve('build', 'admin'),
    prefix: '/admin/',
    errorDocument: 'index.html',
  });
  t.is((await fetch(`${first.url}/admin/`)).status, built ? 200 : 404);
  t.is(await first.stop(), 0, 'Ctrl-C stops it cleanly');

  const second = await start();
  t.notRegex(second.output, /已写入/);
  const again = (await (await fetch(`${second.url}/__emulator/status`)).json()) as {
    collections: Array<{ name: string; count: number }>;
  };
  t.is(again.collections.find((c) => c.name === 'spus')?.count, 12);
  t.is(await second.stop(), 0);
});

test.serial('the web UI can empty the shop and write the demo data again, the demo merchant included', async (t) => {
  const shop = await start(['--reset']);
  t.teardown(() => shop.stop());
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${shop.url}${url}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  const count = async (name: string) =>
    ((await api('GET', '/__emulator/status')).json.collections as Array<{ name: string; count: number }>).find(
      (c) => c.name === name,
    )?.count;

  t.like((await api('GET', '/__emulator/reset')).json, { canReseed: true }, 'npm start registers the demo data');
  await api('PUT', '/__emulator/collections/spus/documents/spu-001', { title: '改过的标题' });
  const emptied = await api('POST', '/__emulator/reset', {});
  t.like(emptied.json, { reseeded: false });
  t.is(await count('spus'), 0);
  t.is(await count('admins'), 0);

  const reseeded = await api('POST', '/__emulator/reset', { reseed: true });
  t.is(reseeded.status, 200, JSON.stringify(reseeded.json));
  t.like(reseeded.json, { reseeded: true });
  t.is(await count('spus'), 12);
  t.true((await count('skus'))! > 12);
  const spu = await api('GET', '/__emulator/collections/spus/documents/spu-001');
  t.not(spu.json.document.title, '改过的标题', 'the demo product as seeded, not as edited');
  t.like((await api('GET', '/__emulator/collections/admins/documents/o-demo-merchant')).json.document, {
    role: 'owner',
    active: true,
  });
  // The demo shop works again at once: a shopper sees its home page.
  const home = await fetch(`${shop.url}/functions/product`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': 'o-after-reseed' },
    body: JSON.stringify({ $url: 'home' }),
  });
  const answer = (await home.json()) as { result: { ok: boolean; data: { banners: unknown[] } } };
  t.true(answer.result.ok, JSON.stringify(answer));
  t.true(answer.result.data.banners.length > 0);
});

test.serial(
  'the demo owner signs in to /api/admin with the printed credentials; create-owner --local adds another',
  async (t) => {
    const shop = await start(['--reset']);
    t.teardown(() => shop.stop());
    const printed = /用户名 (\S+) · 密码 (\S+) · TOTP 密钥 (\S+)/.exec(shop.output);
    if (!printed) return t.fail(shop.output);
    const signIn = async (username: string, password: string, secret: string) => {
      const res = await fetch(`${shop.url}/api/admin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ $url: 'auth.signIn', username, password, code: await generate({ secret }) }),
      });
      return {
        body: (await res.json()) as { ok: boolean; data?: { signedIn: boolean; me: { role: string } } },
        cookie: res.headers.get('set-cookie'),
      };
    };
    const demo = await signIn(printed[1]!, printed[2]!, printed[3]!);
    t.like(demo.body, { ok: true, data: { signedIn: true, me: { role: 'owner' } } });
    t.regex(demo.cookie ?? '', /HttpOnly; Secure; SameSite=Strict/);

    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s), env: {}, home: os.tmpdir() };
    t.is(await createOwner(['--local', shop.url, '--username', 'boss', '--name', '老板'], io), 0, err.join(''));
    const text = out.join('');
    const password = /^\s+密码\s+(\S+)/m.exec(text)![1]!;
    const secret = /TOTP 密钥\s+(\S+)/.exec(text)![1]!;
    t.regex(text, /▄|█/, 'a QR code for the terminal');
    t.like((await signIn('boss', password, secret)).body, { ok: true, data: { signedIn: true, me: { role: 'owner' } } });
    // No second account under the same name, and a refusal that says why.
    t.is(await createOwner(['--local', shop.url, '--username', 'boss'], io), 1);
    t.regex(err.join(''), /已存在/);
    t.is(await createOwner(['--local', shop.url], io), 1, 'a username is required');
  },
);
