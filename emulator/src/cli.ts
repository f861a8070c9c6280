import { launch, parseLaunchArgs } from './launch.js';

/** The emulator on its own: `tsx emulator/src/cli.ts [--port 8787] [--functions build/functions] …` (see launch.ts). */
const args = parseLaunchArgs(process.argv.slice(2));
const emulator = await launch(args);
console.log(`CloudBase emulator (env ${emulator.envId}) on ${emulator.url}
  web UI        ${emulator.url}/
  server API    POST ${emulator.url}/admin
  functions     POST ${emulator.url}/functions/<name>   (header x-wx-openid)
  data          ${args.memory ? 'in memory' : args.dataDir}
Ctrl-C stops it.`);
