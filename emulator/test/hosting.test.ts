import test from 'ava';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { installHosting } from '../src/hosting/service.js';
import { launch, parseLaunchArgs } from '../src/launch.js';
import { startEmulator } from '../src/server.js';
import { allServices } from '../src/services.js';
import { installWebUi } from '../src/ui/app.js';
import { FIXTURE_FUNCTIONS } from './helpers/functions.js';

/**
 * Static website hosting: real HTTP requests over 127.0.0.1 to started emulators serving a folder written here. Raw
 * requests (node:http, not fetch) so that paths go out exactly as written: fetch, like a browser, would normalize
 * `..` and backslashes away before sending.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hosting-test-'));
const site = path.join(tmp, 'site');
const SECRET = 'the secret next to the site';
fs.writeFileSync(path.join(tmp, 'secret.txt'), SECRET);

const write = (relative: string, content: string | Buffer) => {
  const file = path.join(site, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
};
const INDEX = '<!doctype html><html><head><title>管理后台</title></head><body><div id="app"></div></body></html>\n';
const BIG_JS = `export const rows = [\n${Array.from({ length: 400 }, (_, i) => `  { id: ${i}, name: "商品 ${i}" },`).join('\n')}\n];\n`;
const HASHED = 'assets/index-B1x9Qz_k.js';
write('index.html', INDEX);
write(HASHED, BIG_JS);
write('orders/index.html', '<!doctype html><title>orders</title>');
fs.mkdirSync(path.join(site, 'empty'), { recursive: true });
write('empty/readme.txt', 'not an index');
write('中文/说明.txt', '你好');
const TYPES: Array<[string, string]> = [
  ['page.html', 'text/html; charset=utf-8'],
  ['app.js', 'text/javascript; charset=utf-8'],
  ['module.mjs', 'text/javascript; charset=utf-8'],
  ['style.css', 'text/css; charset=utf-8'],
  ['data.json', 'application/json; charset=utf-8'],
  ['logo.svg', 'image/svg+xml'],
  ['img.png', 'image/png'],
  ['photo.jpg', 'image/jpeg'],
  ['pic.webp', 'image/webp'],
  ['font.woff2', 'font/woff2'],
  ['favicon.ico', 'image/x-icon'],
  ['app.js.map', 'application/json; charset=utf-8'],
  ['robots.txt', 'text/plain; charset=utf-8'],
  ['blob.bin', 'application/octet-stream'],
];
for (const [name] of TYPES) write(`types/${name}`, `content of ${name}`);
write('big.png', Buffer.alloc(4096, 7));
fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(site, 'link.txt'));

// The shop's arrangement: the page under /admin/ with index.html as its error document (an SPA's deep links), the
// back office at /api/admin, and a route below the prefix, which must win over the files.
const shop = await startEmulator({
  port: 0,
  dataFile: ':memory:',
  services: allServices({
    functionsDir: FIXTURE_FUNCTIONS,
    httpRoutes: [
      { path: '/api/admin', function: 'http' },
      { path: '/admin/api', function: 'http' },
    ],
    hosting: { dir: site, prefix: '/admin/', errorDocument: 'index.html' },
  }),
});
// At the root, with no error document: paths nothing else claims.
const root = await startEmulator({
  port: 0,
  dataFile: ':memory:',
  services: [installWebUi, installHosting({ dir: site })],
});
// A folder not built yet, with an error document sent as 200.
const later = path.join(tmp, 'later');
const spa = await startEmulator({
  port: 0,
  dataFile: ':memory:',
  services: [installHosting({ dir: later, prefix: '/app', errorDocument: 'index.html', errorStatus: 200 })],
});
// No hosting configured: the control route says so.
const none = await startEmulator({ port: 0, dataFile: ':memory:', services: allServices({ functionsDir: FIXTURE_FUNCTIONS }) });
test.after.always(async () => {
  await Promise.all([shop, root, spa, none].map((e) => e.close()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** One request with the path exactly as given. */
function request(
  base: { port: number },
  rawPath: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: base.port,
        path: rawPath,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

test('/admin/ serves index.html; /admin and a folder without its slash redirect to it, keeping the query', async (t) => {
  const page = await request(shop, '/admin/');
  t.is(page.status, 200);
  t.is(page.text, INDEX);
  t.is(page.headers['content-type'], 'text/html; charset=utf-8');
  t.is(page.headers['cache-control'], 'no-cache');
  t.is(page.headers['content-length'], String(Buffer.byteLength(INDEX)));

  for (const [from, to] of [
    ['/admin', '/admin/'],
    ['/admin?from=login', '/admin/?from=login'],
    ['/admin/orders', '/admin/orders/'],
    ['/admin/orders?page=2', '/admin/orders/?page=2'],
  ]) {
    const res = await request(shop, from!);
    t.is(res.status, 301, from);
    t.is(res.headers.location, to, from);
  }
  t.is((await request(shop, '/admin/orders/')).text, '<!doctype html><title>orders</title>');
  t.is((await request(shop, '/admin/index.html')).text, INDEX);
  t.is((await request(shop, `/admin/${encodeURI('中文/说明.txt')}`)).text, '你好', 'percent-encoded UTF-8 names');
});

test('content types by extension', async (t) => {
  for (const [name, type] of TYPES) {
    const res = await request(shop, `/admin/types/${name}`);
    t.is(res.status, 200, name);
    t.is(res.headers['content-type'], type, name);
    t.is(res.headers['x-content-type-options'], 'nosniff', name);
    t.is(res.text, `content of ${name}`, name);
  }
});

test('a missing path answers the error document with 404 (a deep link loads the app); without one, a plain 404', async (t) => {
  for (const deep of ['/admin/orders/123', '/admin/no/such/file.js', '/admin/assets/gone-Ab12Cd34.js']) {
    const res = await request(shop, deep);
    t.is(res.status, 404, deep);
    t.is(res.text, INDEX, deep);
    t.is(res.headers['content-type'], 'text/html; charset=utf-8');
    t.is(res.headers['cache-control'], 'no-cache');
    t.is(res.headers.etag, undefined, 'no validators on an error document');
  }
  const head = await request(shop, '/admin/orders/123', { method: 'HEAD' });
  t.is(head.status, 404);
  t.is(head.body.length, 0);

  const plain = await request(root, '/no/such/page');
  t.is(plain.status, 404);
  t.regex(plain.headers['content-type']!, /^text\/plain/);
  t.notRegex(plain.text, /<html/);
});

test('the error document can be sent as 200; a folder built after the start is served without a restart', async (t) => {
  t.is((await request(spa, '/app/')).status, 404, 'nothing built yet, not even the error document');
  t.like(await (await fetch(`${spa.url}/__emulator/hosting`)).json(), { enabled: true, exists: false, files: 0 });
  fs.mkdirSync(path.join(later, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(later, 'index.html'), 'spa');
  fs.writeFileSync(path.join(later, 'assets', 'a.js'), 'js');
  const deep = await request(spa, '/app/orders/7');
  t.is(deep.status, 200);
  t.is(deep.text, 'spa');
  t.is((await request(spa, '/app/assets/a.js')).text, 'js');
  t.is((await request(spa, '/app')).headers.location, '/app/', 'a prefix given without its slash still works');
  t.like(await (await fetch(`${spa.url}/__emulator/hosting`)).json(), {
    prefix: '/app/',
    exists: true,
    files: 2,
    bytes: 5,
    errorStatus: 200,
  });
});

test('no directory listing', async (t) => {
  for (const base of [shop, root]) {
    const prefix = base === shop ? '/admin' : '';
    for (const dir of [`${prefix}/empty/`, `${prefix}/types/`, `${prefix}/assets/`]) {
      const res = await request(base, dir);
      t.is(res.status, 404, dir);
      t.false(res.text.includes('readme.txt') || res.text.includes('app.js') || res.text.includes('index-B1x9'), dir);
    }
    t.is((await request(base, `${prefix}/empty`)).status, 404, 'a folder without an index document is not redirected');
  }
});

test('path traversal is refused however it is spelled, and nothing outside the folder is ever sent', async (t) => {
  const attempts = [
    '/admin/../secret.txt',
    '/admin/../../../../etc/passwd',
    '/admin/%2e%2e/secret.txt',
    '/admin/%2E%2E/secret.txt',
    '/admin/.%2e/secret.txt',
    '/admin/assets/%2e%2e/%2e%2e/secret.txt',
    '/admin/..%2fsecret.txt',
    '/admin/%2fetc%2fpasswd',
    '/admin/..\\secret.txt',
    '/admin/%5c..%5csecret.txt',
    '/admin/assets\\..\\..\\secret.txt',
    '/admin//etc/passwd',
    '/admin/./index.html',
    '/admin/C:/Windows/win.ini',
    '/admin/c%3a%5cwindows%5cwin.ini',
    '/admin/index.html%00.png',
    '/admin/%zz',
  ];
  for (const attempt of attempts) {
    const res = await request(shop, attempt);
    t.is(res.status, 400, attempt);
    t.false(res.text.includes(SECRET), attempt);
  }
  for (const attempt of ['/../secret.txt', '/%2e%2e/secret.txt', '//etc/passwd', '/..%5csecret.txt']) {
    const res = await request(root, attempt);
    t.is(res.status, 400, `root ${attempt}`);
    t.false(res.text.includes(SECRET));
  }
  // A symbolic link inside the folder that points outside it is not followed out.
  const link = await request(shop, '/admin/link.txt');
  t.is(link.status, 404);
  t.false(link.text.includes(SECRET));
  // Outside the prefix once parsed: the emulator's own 404, nothing from the folder.
  const outside = await request(shop, '/x/../secret.txt');
  t.is(outside.status, 404);
  t.false(outside.text.includes(SECRET));
});

test('HEAD answers the headers of GET without a body', async (t) => {
  const get = await request(shop, `/admin/${HASHED}`);
  const head = await request(shop, `/admin/${HASHED}`, { method: 'HEAD' });
  t.is(head.status, 200);
  t.is(head.body.length, 0);
  for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control'])
    t.is(head.headers[name], get.headers[name], name);
  t.is(head.headers['content-length'], String(Buffer.byteLength(BIG_JS)));
});

test('ETag and Last-Modified: 304 on a matching If-None-Match or If-Modified-Since; If-None-Match decides when both are sent', async (t) => {
  const first = await request(shop, '/admin/index.html');
  const etag = first.headers.etag!;
  const lastModified = first.headers['last-modified']!;
  t.regex(etag, /^W\/"[0-9a-f]+-[0-9a-f]+"$/);
  t.true(Date.parse(lastModified) > 0);

  const byTag = await request(shop, '/admin/index.html', { headers: { 'if-none-match': etag } });
  t.is(byTag.status, 304);
  t.is(byTag.body.length, 0);
  t.is(byTag.headers.etag, etag);
  t.is(byTag.headers['cache-control'], 'no-cache');
  t.is((await request(shop, '/admin/', { headers: { 'if-none-match': `"other", ${etag.slice(2)}` } })).status, 304, 'weak match');
  t.is((await request(shop, '/admin/', { headers: { 'if-none-match': '*' } })).status, 304);
  t.is((await request(shop, '/admin/', { headers: { 'if-modified-since': lastModified } })).status, 304);
  t.is(
    (
      await request(shop, '/admin/', {
        headers: { 'if-modified-since': new Date(Date.parse(lastModified) - 60_000).toUTCString() },
      })
    ).status,
    200,
  );
  t.is(
    (await request(shop, '/admin/', { headers: { 'if-none-match': '"stale"', 'if-modified-since': lastModified } })).status,
    200,
    'a stale tag wins over a fresh date',
  );
  t.is((await request(shop, '/admin/', { method: 'HEAD', headers: { 'if-none-match': etag } })).status, 304);
});

test('gzip when the client accepts it, for text formats over 1 KB; Vary says so', async (t) => {
  const zipped = await request(shop, `/admin/${HASHED}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
  t.is(zipped.status, 200);
  t.is(zipped.headers['content-encoding'], 'gzip');
  t.is(zipped.headers.vary, 'Accept-Encoding');
  t.is(zipped.headers['content-length'], String(zipped.body.length));
  t.true(zipped.body.length < Buffer.byteLength(BIG_JS) / 2);
  t.is(zlib.gunzipSync(zipped.body).toString('utf8'), BIG_JS);
  const again = await request(shop, `/admin/${HASHED}`, { headers: { 'accept-encoding': 'gzip' } });
  t.deepEqual(again.body, zipped.body, 'the same bytes the second time (cached per file version)');

  for (const refused of ['identity', 'gzip;q=0', 'br', '']) {
    const res = await request(shop, `/admin/${HASHED}`, { headers: { 'accept-encoding': refused } });
    t.is(res.headers['content-encoding'], undefined, refused);
    t.is(res.text, BIG_JS, refused);
  }
  t.is((await request(shop, `/admin/${HASHED}`, { headers: { 'accept-encoding': '*' } })).headers['content-encoding'], 'gzip');
  const png = await request(shop, '/admin/big.png', { headers: { 'accept-encoding': 'gzip' } });
  t.is(png.headers['content-encoding'], undefined, 'images are not gzipped');
  t.is(png.headers.vary, undefined);
  const small = await request(shop, '/admin/types/app.js', { headers: { 'accept-encoding': 'gzip' } });
  t.is(small.headers['content-encoding'], undefined, 'too small to gain');
  const head = await request(shop, `/admin/${HASHED}`, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
  t.is(head.headers['content-length'], zipped.headers['content-length']);
  t.is(head.body.length, 0);
});

test('Cache-Control: a year for hashed assets, revalidation for everything else', async (t) => {
  t.is((await request(shop, `/admin/${HASHED}`)).headers['cache-control'], 'public, max-age=31536000, immutable');
  for (const name of ['/admin/', '/admin/types/app.js', '/admin/types/robots.txt', '/admin/types/favicon.ico'])
    t.is((await request(shop, name)).headers['cache-control'], 'no-cache', name);
});

test('files are read at request time: a rebuild shows without a restart', async (t) => {
  const file = write('rebuilt.html', 'v1');
  const v1 = await request(shop, '/admin/rebuilt.html');
  t.is(v1.text, 'v1');
  fs.writeFileSync(file, 'version 2');
  const v2 = await request(shop, '/admin/rebuilt.html', { headers: { 'if-none-match': v1.headers.etag! } });
  t.is(v2.status, 200, 'the old ETag no longer matches');
  t.is(v2.text, 'version 2');
  fs.rmSync(file);
  t.is((await request(shop, '/admin/rebuilt.html')).status, 404);
});

test('every other service keeps precedence: HTTP access routes (also below the prefix), the server API, the control API, the web UI', async (t) => {
  const api = await fetch(`${shop.url}/api/admin?q=1`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
  t.is(api.status, 201, 'same origin: the page at /admin/ reaches /api/admin');
  t.like(await api.json(), { path: '/api/admin', method: 'POST', body: 'x' });
  const below = await request(shop, '/admin/api/orders');
  t.is(below.status, 201);
  t.like(JSON.parse(below.text), { path: '/admin/api/orders', method: 'GET' });

  const serverApi = await fetch(`${shop.url}/admin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'database.addCollection', collectionName: 'hosting_probe' }),
  });
  t.falsy(((await serverApi.json()) as { code?: string }).code, 'POST /admin is still the SDKs’ server API');

  t.like(await (await fetch(`${root.url}/__emulator/status`)).json(), { envId: 'local-env' });
  const ui = await request(root, '/');
  t.is(ui.status, 200);
  t.regex(ui.text, /CloudBase 本地模拟器/, '/ stays the web UI when the site is at the root');
  t.is((await request(root, '/index.html')).text, INDEX, 'the site at the root, for paths nothing else claims');
  t.is((await request(root, `/${HASHED}`)).text, BIG_JS);

  const post = await request(shop, '/admin/index.html', { method: 'POST', body: 'x' });
  t.is(post.status, 405);
  t.is(post.headers.allow, 'GET, HEAD');
});

// Serial, so no other test adds or removes files while this one counts them.
test.serial('GET /__emulator/hosting describes what is served', async (t) => {
  const described = (await (await fetch(`${shop.url}/__emulator/hosting`)).json()) as Record<string, unknown>;
  const files = fs.readdirSync(site, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  t.like(described, {
    enabled: true,
    dir: site,
    prefix: '/admin/',
    url: `${shop.url}/admin/`,
    indexDocument: 'index.html',
    errorDocument: 'index.html',
    errorStatus: 404,
    exists: true,
  });
  t.is(described.files, files.length);
  t.is(
    described.bytes,
    files.reduce((n, e) => n + fs.statSync(path.join(e.parentPath, e.name)).size, 0),
  );
  t.deepEqual(await (await fetch(`${none.url}/__emulator/hosting`)).json(), { enabled: false });
  t.like(await (await fetch(`${root.url}/__emulator/hosting`)).json(), { prefix: '/', errorDocument: null });
});

test('the command line: --static, --static-prefix, --static-error; bad prefixes are refused', async (t) => {
  const args = parseLaunchArgs(['--static', site, '--static-prefix', 'admin', '--static-error', 'index.html']);
  t.is(args.static, site);
  t.is(args.staticPrefix, '/admin/');
  t.is(args.staticError, 'index.html');
  t.is(parseLaunchArgs(['--static', 'build/admin']).staticPrefix, '/');
  t.is(parseLaunchArgs([]).static, undefined);
  for (const bad of ['/__emulator/', '/functions/x/', '/a b/', '/../x/', '/admin/./x/'])
    t.throws(() => parseLaunchArgs(['--static', site, '--static-prefix', bad]), { message: /--static-prefix/ }, bad);
  t.throws(() => parseLaunchArgs(['--static-prefix', '/admin/']), { message: /need --static/ });

  const launched = await launch(
    parseLaunchArgs([
      '--port',
      '0',
      '--memory',
      '--collections',
      path.join(tmp, 'no-collections.ts'),
      '--functions',
      FIXTURE_FUNCTIONS,
      '--static',
      site,
      '--static-prefix',
      '/shop/',
      '--static-error',
      'index.html',
    ]),
  );
  t.teardown(() => launched.close());
  t.is((await request(launched, '/shop/')).text, INDEX);
  t.is((await request(launched, '/shop/deep/link')).text, INDEX);
  t.is((await request(launched, '/shop/deep/link')).status, 404);
});
