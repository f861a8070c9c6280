import { cloud } from '../platform/cloud.js';

/**
 * The database as the functions use it. wx-server-sdk's typings return `Promise<T> | void | string` to cover its
 * callback style; these types describe the promise style the code uses, over the very same SDK objects.
 */

export type Doc = Record<string, unknown> & { _id: string };

export interface Query<T> {
  where(filter: Record<string, unknown>): Query<T>;
  orderBy(field: string, direction: 'asc' | 'desc'): Query<T>;
  skip(n: number): Query<T>;
  limit(n: number): Query<T>;
  field(projection: Record<string, boolean>): Query<T>;
  get(): Promise<{ data: T[] }>;
  count(): Promise<{ total: number }>;
  update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface DocRef<T> {
  get(): Promise<{ data: T }>;
  set(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number; created: number } }>;
  update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface Collection<T> extends Query<T> {
  doc(id: string): DocRef<T>;
  add(options: { data: object | object[] }): Promise<{ _id?: string; _ids?: string[] }>;
}

export interface Transaction {
  collection<T = Doc>(
    name: string,
  ): Pick<Collection<T>, 'doc' | 'add'> & { where(filter: Record<string, unknown>): Pick<Query<T>, 'get'> };
  rollback(reason?: unknown): Promise<void>;
}

/** The query and update commands (`db.command`) the functions use. */
export interface Command {
  eq(v: unknown): unknown;
  neq(v: unknown): unknown;
  lt(v: unknown): unknown;
  lte(v: unknown): unknown;
  gt(v: unknown): unknown;
  gte(v: unknown): unknown;
  in(values: unknown[]): unknown;
  nin(values: unknown[]): unknown;
  exists(b: boolean): unknown;
  and(conditions: unknown[]): Record<string, unknown>;
  or(conditions: unknown[]): Record<string, unknown>;
  inc(n: number): unknown;
  set(v: unknown): unknown;
  remove(): unknown;
  push(v: unknown): unknown;
  /** Removes the array elements equal to, or matching, `condition`. */
  pull(condition: unknown): unknown;
}

export interface Database {
  collection<T = Doc>(name: string): Collection<T>;
  command: Command;
  RegExp(options: { regexp: string; options?: string }): unknown;
  serverDate(options?: { offset?: number }): unknown;
  runTransaction<R>(fn: (tx: Transaction) => Promise<R>, retries?: number): Promise<R>;
}

/** One database handle per instance; `throwOnNotFound: false` makes a missing `doc().get()` give `data: null`. */
export const db = cloud.database({ throwOnNotFound: false } as Parameters<typeof cloud.database>[0]) as unknown as Database;
export const _ = db.command;
