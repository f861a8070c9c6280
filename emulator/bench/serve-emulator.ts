import { startEmulator } from '../src/server.js';

/** The emulator under benchmark, in its own process so the SDK client does not share its thread. */
const file = process.argv[2];
if (!file) throw new Error('usage: serve-emulator.ts <sqlite file>');
const emulator = await startEmulator({
  port: 0,
  dataFile: file,
  collections: [{ name: 'skus', indexes: [{ keys: { spuId: 1 } }, { keys: { categoryId: 1, price: 1 } }] }],
});
process.stdout.write(`PORT ${emulator.port}\n`);
process.on('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
