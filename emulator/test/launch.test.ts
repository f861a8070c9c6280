import test from 'ava';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultMaxInstances } from '../src/functions/runtime.js';
import { launch, parseLaunchArgs } from '../src/launch.js';
import { startEmulator } from '../src/server.js';

test('instances per function default to twice the cores, between 2 and 10', (t) => {
  t.deepEqual(
    [1, 2, 3, 5, 16].map((cores) => defaultMaxInstances(cores)),
    [2, 4, 6, 10, 10],
  );
});

test('--instances sets the cap; anything but a positive integer is refused', (t) => {
  t.is(parseLaunchArgs([]).instances, undefined);
  t.is(parseLaunchArgs(['--instances', '3']).instances, 3);
  for (const bad of ['0', '-1', '2.5', 'many']) t.throws(() => parseLaunchArgs(['--instances', bad]), { message: /--instances/ });
});

test('launch arguments: port, memory and data directory', (t) => {
  const args = parseLaunchArgs(['--port', '9000', '--memory']);
  t.is(args.port, 9000);
  t.true(args.memory);
  t.throws(() => parseLaunchArgs(['--port', '70000']), { message: /--port/ });
});

// --- one emulator per data directory; nothing left behind by a killed one -------------------------------------------

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const NO_COLLECTIONS = path.join(os.tmpdir(), 'no-such-collections-module.ts');

/** The emulator's own command line in a child process; resolves once it serves, with its pid and URL. */
async function spawnEmulator(args: string[]): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', '--collections', NO_COLLECTIONS, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /CloudBase emulator \(env [\w-]+\) on (http:\/\/[\d.:]+)/.exec(output);
      if (m) resolve(m[1]!);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`the emulator exited early (${code}): ${output}`)));
  });
  return { child, url, exited };
}

async function kill(emulator: { child: ChildProcess; exited: Promise<unknown> }): Promise<void> {
  emulator.child.kill('SIGKILL');
  await emulator.exited;
}

const launchArgs = (dataDir: string, ...more: string[]) =>
  parseLaunchArgs(['--port', '0', '--data-dir', dataDir, '--collections', NO_COLLECTIONS, '--functions', dataDir, ...more]);

async function insert(url: string, collection: string, doc: Record<string, unknown>) {
  for (const action of ['database.addCollection', 'database.insertDocument'])
    await fetch(`${url}/admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action, collectionName: collection, data: [JSON.stringify(doc)] }),
    });
}

test.serial('a second emulator on a data directory refuses to start, and --reset deletes nothing under the first', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-lock-'));
  try {
    const first = await spawnEmulator(['--data-dir', dataDir]);
    try {
      await insert(first.url, 'notes', { _id: 'kept' });
      const pid = first.child.pid!;
      for (const more of [[], ['--reset'], ['--memory', '--reset']]) {
        const error = await t.throwsAsync(launch(launchArgs(dataDir, ...more)), undefined, more.join(' '));
        t.regex(error.message, new RegExp(`already used by another emulator \\(pid ${pid}`), more.join(' '));
        t.true(error.message.includes(dataDir));
      }
      t.true(fs.existsSync(path.join(dataDir, 'database.sqlite')), '--reset deleted nothing');
      t.is((await fetch(`${first.url}/__emulator/status`)).status, 200, 'the first one still serves');
      // In the same process too (startEmulator on the directory's file).
      await t.throwsAsync(startEmulator({ port: 0, dataFile: path.join(dataDir, 'database.sqlite') }), {
        message: /already used by another emulator/,
      });
    } finally {
      await kill(first);
    }
    // Its pid is dead now: the lock is taken over, and the data is still there.
    const second = await launch(launchArgs(dataDir));
    try {
      t.truthy(second.database.findById('notes', 'kept'), 'the data written before the kill');
      t.is(JSON.parse(fs.readFileSync(path.join(dataDir, 'emulator.lock'), 'utf8')).pid, process.pid);
    } finally {
      await second.close();
    }
    t.false(fs.existsSync(path.join(dataDir, 'emulator.lock')), 'close() releases the lock');
    // --reset with nobody running wipes the directory.
    const third = await launch(launchArgs(dataDir, '--reset'));
    try {
      t.is(third.store.hasCollection('notes'), false);
    } finally {
      await third.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test.serial('a killed emulator leaves no stale socket or temporary folder behind on the next start', async (t) => {
  if (process.platform === 'win32') return t.pass('named pipes go away with their process');
  const killed = await spawnEmulator(['--memory']);
  const pid = killed.child.pid!;
  const port = new URL(killed.url).port;
  const socket = path.join(os.tmpdir(), `cloudbase-emulator-${pid}-${port}.sock`);
  const leftovers = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(`cloudbase-emulator-${pid}-`));
  t.true(fs.existsSync(socket), `the local socket ${socket}`);
  t.is(leftovers().length, 2, `the socket and the in-memory emulator's folder: ${leftovers().join(', ')}`);
  await kill(killed);
  t.is(leftovers().length, 2, 'SIGKILL leaves them behind');

  const next = await startEmulator({ port: 0, dataFile: ':memory:' });
  try {
    t.deepEqual(leftovers(), [], 'the next start cleans them up');
    t.true(fs.existsSync(path.join(os.tmpdir(), `cloudbase-emulator-${process.pid}-${next.port}.sock`)), 'its own socket stays');
  } finally {
    await next.close();
  }
});

test.serial('--memory keeps nothing on disk', async (t) => {
  const dataDir = path.join(os.tmpdir(), `emu-memory-${process.pid}`);
  const emulator = await launch(launchArgs(dataDir, '--memory'));
  const folder = emulator.host.dataDir;
  try {
    t.false(fs.existsSync(dataDir), 'the data directory is not created');
    // The state tables work in memory too.
    t.deepEqual((await (await fetch(`${emulator.url}/__emulator/invocations`)).json()) as unknown, { invocations: [] });
    t.deepEqual((await (await fetch(`${emulator.url}/__emulator/pay/orders`)).json()) as unknown, { orders: [] });
  } finally {
    await emulator.close();
  }
  t.false(fs.existsSync(folder), 'the temporary folder is removed on close');
  t.false(fs.existsSync(dataDir));
});
