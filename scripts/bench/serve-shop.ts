import { seedHistory } from '../../database/seed-history.js';
import { startShop } from '../../testkit/shop.js';

/**
 * The seeded demo shop on an in-memory emulator, in its own process: benchmarks drive it from another process, as
 * phones would, so the load generator's HTTP client does not share the emulator's main thread.
 * Prints `URL <base url>` and `ENV <env id>` once ready; SIGTERM shuts it down.
 */
// `--only order,user` builds just those functions.
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]?.split(',') : undefined;
// `--instances 16`: instances per function at most (the emulator's default: twice the cores, 2 to 10).
const instances = process.argv.includes('--instances')
  ? Number(process.argv[process.argv.indexOf('--instances') + 1])
  : undefined;
const shop = await startShop({ only, instances });
// `--history`: three weeks of past orders, as npm start seeds them.
if (process.argv.includes('--history')) await seedHistory(shop.app);
process.stdout.write(`URL ${shop.emulator.url}\nENV ${shop.emulator.envId}\n`);
process.on('SIGTERM', () => void shop.close().then(() => process.exit(0)));
