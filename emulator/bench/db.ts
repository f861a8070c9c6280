import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sdkEnvironment } from '../src/client.js';
import { DatabaseService } from '../src/db/database.js';
import { Store, keyAt, tableName } from '../src/db/store.js';
import { DEFAULT_ENV_ID } from '../src/server.js';
import { describeMachineCpu, machineCpu, ms, summarize, timed } from './stats.js';

/**
 * npm run bench:db [-- --docs 1000000 --queries 2000 --dir <directory for the SQLite file, default the OS temp dir>]
 * Loads SKU-shaped documents into an emulator (child process, SQLite file) through the real wx-server-sdk, then
 * measures an indexed equality + sort + limit 20 three ways: through the SDK (end to end over HTTP), inside the
 * emulator (its query path without HTTP), and as hand-written SQL on the same SQLite index.
 * Targets on a 2-core machine: SDK p95 <= 10 ms at 1M documents, load <= 60 s, emulator <= 3x direct SQLite.
 */
const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '2000' },
    dir: { type: 'string', default: os.tmpdir() },
  },
});
const DOCS = Number(values.docs);
const QUERIES = Number(values.queries);
const CATEGORIES = 500;
const BATCH = 1000;
// Three batches in flight keep the emulator busy while the SDK encodes the next one (two cores: client and server).
const IN_FLIGHT = 3;

const dir = fs.mkdtempSync(path.join(values.dir, 'bench-db-'));
const file = path.join(dir, 'bench.sqlite');
const here = path.dirname(fileURLToPath(import.meta.url));
const child = spawn(
  process.execPath,
  [
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []),
    '--import',
    'tsx',
    path.join(here, 'serve-emulator.ts'),
    file,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise<number>((resolve, reject) => {
  child.stdout.on('data', (c: Buffer) => {
    const m = /PORT (\d+)/.exec(c.toString());
    if (m) resolve(Number(m[1]));
  });
  child.once('exit', (code) => reject(new Error(`emulator exited (${code})`)));
});
const cleanup = () => {
  child.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanup);

Object.assign(process.env, sdkEnvironment({ url: `http://127.0.0.1:${port}`, envId: DEFAULT_ENV_ID }));
const { default: wxServerSdk } = await import('wx-server-sdk');
const cloud = wxServerSdk as any; // untyped: the typings cover the callback style too
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const db = cloud.database();
const skus = db.collection('skus');

function sku(i: number) {
  return {
    _id: `sku${String(i).padStart(8, '0')}`,
    spuId: `spu${Math.floor(i / 4)}`,
    categoryId: `cat${i % CATEGORIES}`,
    price: 100 + ((i * 7919) % 99_900),
    stock: (i * 31) % 200,
    sales: (i * 17) % 5000,
    specs: { 颜色: ['红', '黑', '白', '蓝'][i % 4], 尺码: ['S', 'M', 'L', 'XL'][(i >> 2) % 4] },
    title: `商品 ${i}`,
    createdAt: new Date(1_700_000_000_000 + i * 1000),
  };
}

// ---- load ----
console.log(
  `loading ${DOCS.toLocaleString()} SKU documents through wx-server-sdk (batches of ${BATCH}, ${IN_FLIGHT} in flight)…`,
);
const machineBefore = machineCpu();
const [, loadMs] = await timed(async () => {
  let next = 0;
  const worker = async () => {
    while (next < DOCS) {
      const start = next;
      next += BATCH;
      const data = Array.from({ length: Math.min(BATCH, DOCS - start) }, (_v, k) => sku(start + k));
      await skus.add({ data });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
});
const writtenDuringLoad = bytesWritten(child.pid!);
const machineDuringLoad = describeMachineCpu(machineBefore, machineCpu());
const total = (await skus.count()).total;
if (total !== DOCS) throw new Error(`loaded ${total}, expected ${DOCS}`);

// ---- query through the SDK ----
const category = (i: number) => `cat${(i * 37) % CATEGORIES}`;
for (let i = 0; i < 50; i++)
  await skus
    .where({ categoryId: category(i) })
    .orderBy('price', 'asc')
    .limit(20)
    .get(); // warm-up
const sdkSamples: number[] = [];
for (let i = 0; i < QUERIES; i++) {
  const [res, t] = await timed(() =>
    skus
      .where({ categoryId: category(i) })
      .orderBy('price', 'asc')
      .limit(20)
      .get(),
  );
  if (res.data.length !== 20) throw new Error('short page');
  sdkSamples.push(t);
}

// ---- the same query inside the emulator, and as plain SQL, on the same file ----
const store = new Store({ file });
store.ensureIndexes('skus', [{ keys: { spuId: 1 } }, { keys: { categoryId: 1, price: 1 } }]);
const database = new DatabaseService(store);
const plan = database.explain('skus', { categoryId: 'cat1' }, [['price', 1]]);
const emulatorSamples: number[] = [];
for (let i = 0; i < QUERIES; i++) {
  const [page, t] = await timed(() =>
    database.find('skus', { categoryId: category(i) }, { sort: [['price', 1]], limit: 20 }).map((f) => f.text),
  );
  if (page.length !== 20) throw new Error('short page');
  emulatorSamples.push(t);
}
const columns = store.collection('skus').keyColumns;
const direct = store.db.prepare(
  `SELECT doc FROM "${tableName('skus')}" WHERE ${columns.get('categoryId')} = ? ORDER BY ${columns.get('price')} LIMIT 20`,
);
const sqliteSamples: number[] = [];
for (let i = 0; i < QUERIES; i++) {
  const key = keyAt({ categoryId: category(i) }, 'categoryId');
  const [rows, t] = await timed(() => (direct.pluck().all(key) as string[]).map((d) => JSON.parse(d)));
  if (rows.length !== 20) throw new Error('short page');
  sqliteSamples.push(t);
}
store.close();

/** What the emulator's process passed to write() (WAL frames, checkpoints), from /proc on Linux. */
function bytesWritten(pid: number): number | undefined {
  try {
    return Number(/^wchar: (\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
  } catch {
    return undefined;
  }
}

/** The kind of file system the SQLite file is on: the load is bound by how fast it takes writes. */
function fileSystem(where: string): string {
  const kinds: Record<number, string> = {
    0xef53: 'ext4',
    0x01021994: 'tmpfs',
    0x58465342: 'xfs',
    0x9123683e: 'btrfs',
    0x794c7630: 'overlayfs',
  };
  const type = fs.statfsSync(where).type;
  return kinds[type] ?? `type 0x${type.toString(16)}`;
}

const sdk = summarize(sdkSamples);
const emu = summarize(emulatorSamples);
const sql = summarize(sqliteSamples);
const written =
  writtenDuringLoad === undefined ? '' : `, ${(writtenDuringLoad / 2 ** 30).toFixed(1)} GiB written by the emulator`;
console.log(`
documents                      ${DOCS.toLocaleString()}
load through the SDK           ${(loadMs / 1000).toFixed(1)} s  (${Math.round(DOCS / (loadMs / 1000)).toLocaleString()} docs/s)   target <= 60 s for 1M
  SQLite file on               ${fileSystem(dir)} (${values.dir})${written}
  machine CPU meanwhile        ${machineDuringLoad}
query: where({categoryId}).orderBy('price').limit(20), ${QUERIES} runs
  through wx-server-sdk        p50 ${ms(sdk.p50)}  p95 ${ms(sdk.p95)}   target p95 <= 10 ms
  inside the emulator          p50 ${ms(emu.p50)}  p95 ${ms(emu.p95)}
  direct SQLite (same index)   p50 ${ms(sql.p50)}  p95 ${ms(sql.p95)}
  emulator / direct SQLite     ${(emu.p50 / sql.p50).toFixed(2)}x at p50, ${(emu.p95 / sql.p95).toFixed(2)}x at p95   target <= 3x
  SQLite plan                  ${plan.join(' | ')}`);
cleanup();
process.exit(0);
