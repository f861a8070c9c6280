import { sdkEnvironment } from '../../src/client.js';
import type { CollectionDeclaration } from '../../src/db/schema.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/server.js';

/**
 * Starts an in-memory emulator on a free port and points the real, unmodified wx-server-sdk at it through the same
 * environment variables the CloudBase runtime sets (`sdkEnvironment`). Each ava test file runs in its own process,
 * so each file gets its own emulator and SDK.
 */
export async function startWithSdk(collections: CollectionDeclaration[] = [], options: Partial<EmulatorOptions> = {}) {
  const emulator = await startEmulator({ port: 0, dataFile: ':memory:', collections, ...options });
  pointSdkAt(emulator);
  const { default: sdk } = await import('wx-server-sdk');
  // The SDK's typings return `Promise<T> | void | string` to cover its callback style, which these tests never use;
  // the tests assert on what the SDK actually hands back instead.
  const cloud = sdk as any;
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
  return { emulator, cloud, db: cloud.database() };
}

export function pointSdkAt(emulator: Emulator): void {
  Object.assign(process.env, sdkEnvironment(emulator));
}

let counter = 0;
/** A fresh collection per test, so tests in one file can run concurrently. */
export async function freshCollection(db: { createCollection(name: string): Promise<unknown> }, prefix = 't'): Promise<string> {
  const name = `${prefix}_${process.pid}_${++counter}`;
  await db.createCollection(name);
  return name;
}

/** The error a rejected SDK call carried, for asserting on errCode / errMsg / code. */
export async function errorOf(
  promise: Promise<unknown>,
): Promise<{ errCode?: number; errMsg?: string; code?: string; message?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { errCode?: number; errMsg?: string; code?: string; message?: string };
  }
  throw new Error('expected the call to fail');
}

/** A document or SDK object as the tests see it (see the note in startWithSdk). */
export type Rec = Record<string, any>;
