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
    const ids = new Set(store.db.prepare('SELECT doc FROM "c$ledger"').pluck().all().map((d) => JSON.parse(d as string)._id as string));
    const lost = acknowledged.filter((id) => !ids.has(id));
    t.deepEqual(lost, [], `${acknowledged.length} acknowledged writes, ${lost.length} lost`);
    t.true(acknowledged.length >= 300);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
