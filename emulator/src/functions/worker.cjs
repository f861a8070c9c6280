// @ts-check
/**
 * One function instance: a worker thread that loads a built function (`index.js` exporting `main`) and runs one
 * invocation at a time, as an SCF instance does. Plain CommonJS so a cold start costs only Node and the function.
 * Protocol (runtime.ts): in {type:'invoke', id, event, context, env}; out {type:'log'|'result'|'error'|'crash'}.
 */
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const net = require('node:net');
const util = require('node:util');

/** @type {string | null} */
let current = null;
/** @type {{ main?: (event: unknown, context: unknown) => unknown } | null} */
let fn = null;

for (const level of /** @type {const} */ (['log', 'info', 'warn', 'error', 'debug'])) {
  console[level] = (...args) => parentPort?.postMessage({ type: 'log', id: current, level, text: util.format(...args) });
}

// A crash outside the invocation's promise (a timer throwing, a forgotten rejection) ends this instance; the runtime
// fails the invocation in flight with FUNCTIONS_EXECUTE_FAIL and starts a fresh instance next time.
process.on('uncaughtException', (err) => crash(err));
process.on('unhandledRejection', (err) => crash(err));

/** @param {unknown} err */
function crash(err) {
  parentPort?.postMessage({ type: 'crash', id: current, message: describe(err) });
}

/** @param {unknown} err */
function describe(err) {
  return err instanceof Error ? err.stack || err.message : util.inspect(err);
}

// A worker's own process.env is served from C++ on every read, and wx-server-sdk reads a dozen variables several times
// per database call: a plain object (behind a proxy that keeps the platform's string coercion on writes) took that
// off every round trip. Child processes still inherit it (child_process defaults to process.env).
process.env = new Proxy(
  { ...process.env },
  {
    set: (target, key, value) => Reflect.set(target, key, String(value)),
    defineProperty: (target, key, desc) =>
      Reflect.defineProperty(target, key, 'value' in desc ? { ...desc, value: String(desc.value) } : desc),
  },
);

// The SDK's calls to the emulator (TCB_CONTEXT_CNFG's URL) go over the emulator's local socket: same HTTP, same
// server, without the loopback TCP stack (server.ts says what it saved when measured).
// The SDK is untouched: in SCF mode it sends through Node's global agent, whose connections are made here.
if (workerData.localSocket && workerData.server) {
  const { hostname, port } = new URL(workerData.server);
  class LocalAgent extends http.Agent {
    /** @param {import('node:net').NetConnectOpts & { host?: string; port?: number | string }} options */
    createConnection(options, callback) {
      if (options.host === hostname && String(options.port) === port)
        return net.createConnection({ path: workerData.localSocket });
      return super.createConnection(options, callback);
    }
  }
  http.globalAgent = new LocalAgent({ keepAlive: true });
}

/** The per-invocation variables the previous invocation set, cleared before the next. */
/** @type {string[]} */
let invocationKeys = [];

// Load the function before the first invocation, as SCF initialises an instance before the timeout starts.
try {
  fn = require(workerData.entry);
  parentPort?.postMessage({ type: 'ready' });
} catch (err) {
  parentPort?.postMessage({ type: 'ready', error: describe(err) });
}

parentPort?.on('message', async (msg) => {
  if (msg.type !== 'invoke') return;
  current = msg.id;
  for (const key of invocationKeys) delete process.env[key];
  invocationKeys = Object.keys(msg.env);
  Object.assign(process.env, msg.env);
  try {
    if (typeof fn?.main !== 'function') throw new Error(`${workerData.entry} does not export main`);
    const result = await fn.main(msg.event, msg.context);
    let payload;
    try {
      payload = result === undefined ? undefined : JSON.parse(JSON.stringify(result));
    } catch (err) {
      throw new Error(`the function returned a value that is not JSON: ${describe(err)}`);
    }
    parentPort?.postMessage({ type: 'result', id: msg.id, result: payload });
  } catch (err) {
    parentPort?.postMessage({ type: 'error', id: msg.id, message: describe(err) });
  } finally {
    current = null;
  }
});
