/**
 * The emulator's public entry: everything code outside `emulator/` may use. The rest of `emulator/src` is internal
 * and may change without notice; a running emulator is otherwise reached over HTTP (the SDKs' wire protocol, the
 * control API under `/__emulator`). emulator/test/public-entry.test.ts keeps other code from importing around it.
 */
export { type Emulator, type EmulatorOptions, startEmulator } from './src/server.js';
export type { AdminCallListener, EmulatorHost } from './src/host.js';
// What a listener throws to fail a call as the server would (tests lose an answer with it).
export { CloudBaseError, ErrorCode as CloudBaseErrorCode } from './src/errors.js';
export { type ServiceOptions, allServices } from './src/services.js';
export { type LaunchArgs, launch, parseLaunchArgs } from './src/launch.js';
export type { HostingDescription, HostingOptions } from './src/hosting/service.js';
export { installFunctionRuntime } from './src/functions/runtime.js';
export { type HttpRoute, installGateways } from './src/functions/gateways.js';
export { type CollectionDeclaration, type IndexSpec, normalizeIndex } from './src/db/schema.js';
export { type Reseed, setReseed } from './src/ui/data-api.js';
export { type ControlClient, type ControlResponse, controlClient, sdkEnvironment } from './src/client.js';
export { describeMachineCpu, machineCpu, ms, summarize, timed } from './bench/stats.js';
