import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../src/db/store.js';

/**
 * A write acknowledged to the SDK survives `kill -9` of the emulator: a child emulator takes a stream of writes,
 * is killed mid-stream with SIGKILL, and the reopened file holds every acknowledged write, whole.
 */
const fixture = fileURLToPath(new URL('./fixtures/serve-file.ts', import.meta.url));

test('acknowledged writes survive SIGKILL', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-crash-'));
  const file = path.join(dir, 'db.sqlite');
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const m = /PORT (\d+)/.exec(chunk.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });

  const exited = new Promise((resolve) => child.once('exit', resolve));
  const acknowledged: string[] = [];
  let stop = false;
  // Four concurrent writers, so the kill lands while requests are in flight.
  const writers = Array.from({ length: 4 }, async (_v, w) => {
    for (let i = 0; !stop; i++) {
      const id = `w${w}-${i}`;
      const docs = [JSON.stringify({ _id: id, n: { $numberInt: String(i) }, pad: 'x'.repeat(200) })];
      try {
        const res = await fetch(`http://127.0.0.1:${port}/admin`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'database.insertDocument', collectionName: 'ledger', data: docs }),
        });
        const body = (await res.json()) as { data?: { insertedIds: string[] } };
        if (body.data?.insertedIds[0] === id) acknowledged.push(id);
      } catch {
        return; // the server is gone
      }
    }
  });
  while (acknowledged.length < 300) await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGKILL');
  stop = true;
  await Promise.all(writers);
  await exited;

  const store = new Store({ file });
  try {
    t.is(store.db.pragma('integrity_check', { simple: true }), 'ok');
    const ids = new Set(
      store.db
        .prepare('SELECT doc FROM "c$ledger"')
        .pluck()
        .all()
        .map((d) => JSON.parse(d as string)._id as string),
    );
    const lost = acknowledged.filter((id) => !ids.has(id));
    t.deepEqual(lost, [], `${acknowledged.length} acknowledged writes, ${lost.length} lost`);
    t.true(acknowledged.length >= 300);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker thread copies the WAL back into the database file once it passes the threshold', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-ckpt-'));
  const file = path.join(dir, 'db.sqlite');
  const store = new Store({ file, checkpoint: { walBytes: 256 * 1024, intervalMs: 20 } });
  try {
    store.createCollection('bulk');
    const before = fs.statSync(file).size;
    store.atomically(() => {
      for (let i = 0; i < 4000; i++) {
        const doc = JSON.stringify({ _id: `d${i}`, pad: 'x'.repeat(500) });
        store.insertRow('bulk', Buffer.from(`d${i}`), store.tick(), doc);
      }
    });
    t.true(fs.statSync(`${file}-wal`).size > 1024 * 1024, 'the writes are in the WAL');
    // This connection's own automatic checkpoint waits for 256 MiB: only the worker can have grown the file.
    const deadline = Date.now() + 10_000;
    while (fs.statSync(file).size < before + 1024 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    t.true(fs.statSync(file).size >= before + 1024 * 1024, `database file ${fs.statSync(file).size} bytes`);
    t.is(store.count('bulk'), 4000);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
