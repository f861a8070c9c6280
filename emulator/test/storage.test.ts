import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installStorage, putFile } from '../src/storage/service.js';
import { type Rec, errorOf, startWithSdk } from './helpers/sdk.js';

const { emulator, cloud } = await startWithSdk([], { services: [installStorage] });
test.after.always(() => emulator.close());

const bytes = (n: number, seed = 1) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256));

test('uploadFile with a Buffer, then getTempFileURL serves the same bytes with type and length', async (t) => {
  const content = bytes(70_000);
  const up: Rec = await cloud.uploadFile({ cloudPath: 'products/sku-1/cover.png', fileContent: content });
  t.is(up.fileID, `cloud://${emulator.envId}.${emulator.envId}-1250000000/products/sku-1/cover.png`);
  t.is(up.errMsg, 'uploadFile:ok');

  const res: Rec = await cloud.getTempFileURL({ fileList: [up.fileID] });
  t.is(res.errMsg, 'getTempFileURL:ok');
  const [item] = res.fileList;
  t.is(item.status, 0);
  t.is(item.fileID, up.fileID);
  t.regex(item.tempFileURL, /^http:\/\/127\.0\.0\.1:\d+\/__storage\/download\/[\w-]+\?sign=[0-9a-f]+&t=\d+$/);

  const got = await fetch(item.tempFileURL);
  t.is(got.status, 200);
  t.is(got.headers.get('content-type'), 'image/png');
  t.is(got.headers.get('content-length'), String(content.length));
  t.deepEqual(Buffer.from(await got.arrayBuffer()), content);
});

test('uploadFile with a ReadStream (non-ASCII path), then downloadFile round trip', async (t) => {
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'storage-test-')), 'in.bin');
  const content = bytes(300_000, 7);
  fs.writeFileSync(tmp, content);
  const up: Rec = await cloud.uploadFile({ cloudPath: '评价/图 1.jpg', fileContent: fs.createReadStream(tmp) });
  t.true(up.fileID.endsWith('/评价/图 1.jpg'));

  const down: Rec = await cloud.downloadFile({ fileID: up.fileID });
  t.is(down.errMsg, 'downloadFile:ok');
  t.deepEqual(down.fileContent, content);

  const [item]: Rec[] = (await cloud.getTempFileURL({ fileList: [up.fileID] })).fileList;
  t.is((await fetch(item!.tempFileURL)).headers.get('content-type'), 'image/jpeg');
});

test('a missing file: getTempFileURL reports it per item, downloadFile fails', async (t) => {
  const fileID = `cloud://${emulator.envId}.${emulator.envId}-1250000000/nope/missing.txt`;
  const res: Rec = await cloud.getTempFileURL({ fileList: [fileID] });
  t.is(res.fileList[0].status, -503003);
  t.is(res.fileList[0].tempFileURL, '');
  t.regex(res.fileList[0].errMsg, /not exist/);

  const err = await errorOf(cloud.downloadFile({ fileID }));
  t.regex(String(err.errMsg ?? err.message), /storage file not exists/);
});

test('deleteFile, then getTempFileURL says the file does not exist', async (t) => {
  const fileID = putFile(emulator.host, 'tmp/delete-me.txt', 'bye');
  const del: Rec = await cloud.deleteFile({ fileList: [fileID, `${fileID}.missing`] });
  t.is(del.errMsg, 'deleteFile:ok');
  t.is(del.fileList[0].status, 0);
  t.not(del.fileList[1].status, 0);
  t.false(fs.existsSync(path.join(emulator.host.dataDir, 'storage', 'tmp')));
  const res: Rec = await cloud.getTempFileURL({ fileList: [fileID] });
  t.is(res.fileList[0].status, -503003);
});

test('bad cloud paths are refused with INVALID_PARAM', async (t) => {
  for (const cloudPath of ['../escape.txt', 'a/../../b.txt', '/abs/file.txt', 'a//b.txt', 'dir/']) {
    const err = await errorOf(cloud.uploadFile({ cloudPath, fileContent: Buffer.from('x') }));
    t.is(err.code, 'INVALID_PARAM', cloudPath);
  }
  t.false(fs.existsSync(path.join(emulator.host.dataDir, 'escape.txt')));
});

test('the upload URL refuses a wrong token with a COS error document', async (t) => {
  const res = await fetch(`${emulator.url}/__storage/upload/${encodeURIComponent('x/y.txt')}?token=1.abc`, {
    method: 'PUT',
    body: 'x',
  });
  const text = await res.text();
  t.regex(
    text,
    /<Error>\s*<Code>AccessDenied<\/Code>\s*<Message>.+<\/Message>\s*<RequestId>\w+<\/RequestId>\s*<TraceId>\w+<\/TraceId>\s*<\/Error>/,
  );
  t.false(fs.existsSync(path.join(emulator.host.dataDir, 'storage', 'x')));
});

test('tampered and expired temp URLs are refused with 403', async (t) => {
  const fileID = putFile(emulator.host, 'signed/doc.txt', 'secret');
  const [item]: Rec[] = (await cloud.getTempFileURL({ fileList: [{ fileID, maxAge: 3600 }] })).fileList;
  const url = new URL(item!.tempFileURL);
  t.is((await fetch(url)).status, 200);

  const badSign = new URL(url);
  badSign.searchParams.set(
    'sign',
    url.searchParams.get('sign')!.replace(/^./, (c) => (c === '0' ? '1' : '0')),
  );
  t.is((await fetch(badSign)).status, 403);
  const longer = new URL(url);
  longer.searchParams.set('t', String(Number(url.searchParams.get('t')) + 3600));
  t.is((await fetch(longer)).status, 403);
  const otherFile = new URL(url);
  otherFile.pathname = `/__storage/download/${Buffer.from('signed/other.txt').toString('base64url')}`;
  t.is((await fetch(otherFile)).status, 403);
  t.is((await fetch(`${emulator.url}${url.pathname}`)).status, 403);

  // A one-second URL, once past the expiry time it carries (`t`, in seconds).
  const [short]: Rec[] = (await cloud.getTempFileURL({ fileList: [{ fileID, maxAge: 1 }] })).fileList;
  t.is(short!.maxAge, 1);
  const shortUrl = new URL(short!.tempFileURL);
  const expiresAt = Number(shortUrl.searchParams.get('t')) * 1000;
  while (Date.now() <= expiresAt) await new Promise((r) => setTimeout(r, expiresAt - Date.now() + 1));
  t.is((await fetch(shortUrl)).status, 403);
});

test('GET /__emulator/storage lists stored files', async (t) => {
  const fileID = putFile(emulator.host, 'listing/a.json', '{"a":1}');
  const res = (await (await fetch(`${emulator.url}/__emulator/storage`)).json()) as { files: Rec[] };
  const entry = res.files.find((f) => f.path === 'listing/a.json');
  t.like(entry, { path: 'listing/a.json', size: 7, fileID });
  t.is(await (await fetch(entry!.tempFileURL)).text(), '{"a":1}');
});
