import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { CollectionDeclaration } from './db/schema.js';
import { DEFAULT_ENV_ID, startEmulator } from './server.js';

/**
 * `npm start`: the local CloudBase emulator on 127.0.0.1:8787.
 *   --port <p>           another port
 *   --data-dir <dir>     where the SQLite file lives (default .cloudbase/)
 *   --memory             keep everything in memory (nothing survives a restart)
 *   --reset              wipe the data directory first
 *   --collections <file> a module exporting the collection declarations (default database/collections.ts)
 *   --env <id>           the environment id functions see (default local-env)
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    'data-dir': { type: 'string', default: '.cloudbase' },
    memory: { type: 'boolean', default: false },
    reset: { type: 'boolean', default: false },
    collections: { type: 'string', default: 'database/collections.ts' },
    env: { type: 'string', default: DEFAULT_ENV_ID },
  },
  allowPositionals: false,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got ${values.port}`);
  process.exit(2);
}

const dataDir = path.resolve(values['data-dir']);
if (values.reset) fs.rmSync(dataDir, { recursive: true, force: true });

async function loadCollections(file: string): Promise<CollectionDeclaration[]> {
  const resolved = path.resolve(file);
  if (!fs.existsSync(resolved)) {
    console.warn(`[emulator] no collection declarations at ${file}; starting with none`);
    return [];
  }
  const mod = (await import(pathToFileURL(resolved).href)) as { collections?: CollectionDeclaration[]; default?: CollectionDeclaration[] };
  return mod.collections ?? mod.default ?? [];
}

const emulator = await startEmulator({
  port,
  host: values.host,
  dataFile: values.memory ? ':memory:' : path.join(dataDir, 'database.sqlite'),
  envId: values.env,
  collections: await loadCollections(values.collections),
});

console.log(`CloudBase emulator (env ${emulator.envId}) listening on ${emulator.url}
  status page   ${emulator.url}/
  server API    POST ${emulator.url}/admin
  data          ${values.memory ? 'in memory' : path.join(dataDir, 'database.sqlite')}
Point wx-server-sdk at it with TCB_CONTEXT_CNFG='{"URL":"${emulator.url}/admin"}' (see README). Ctrl-C stops it.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    emulator.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
