import { DataDirLockedError } from './instance-files.js';
import { launch, parseLaunchArgs } from './launch.js';

/** The emulator on its own: `tsx emulator/src/cli.ts [--port 8787] [--functions build/functions] …` (see launch.ts). */
const args = parseLaunchArgs(process.argv.slice(2));
const emulator = await launch(args).catch((err: unknown) => {
  // Another emulator on the same data: say so plainly, without a stack trace.
  if (!(err instanceof DataDirLockedError)) throw err;
  console.error(`无法启动模拟器：${err.message}`);
  process.exit(1);
});
const staticLine = args.static ? `\n  static        ${emulator.url}${args.staticPrefix} → ${args.static}` : '';
console.log(`CloudBase emulator (env ${emulator.envId}) on ${emulator.url}
  web UI        ${emulator.url}/
  server API    POST ${emulator.url}/admin
  functions     POST ${emulator.url}/functions/<name>   (header x-wx-openid)${staticLine}
  data          ${args.memory ? 'in memory' : args.dataDir}
  latency       ${emulator.latency.describe()}
Ctrl-C stops it.`);
