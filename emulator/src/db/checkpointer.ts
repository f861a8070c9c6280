import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the WAL back into the database file from a worker thread, so the fsyncs a checkpoint needs do not stall the
 * thread that serves requests. With only SQLite's automatic checkpoints the committing request pays for them: on bulk
 * loads that was half of all commit time (measured). Once the WAL passes `walBytes`, the worker opens a connection of
 * its own and runs PASSIVE checkpoints, which never block readers or writers. The store keeps its automatic
 * checkpoint as the backstop that rewinds the WAL, which then has little left to copy.
 */
export class Checkpointer {
  private readonly worker: Worker;

  constructor(file: string, options: { walBytes: number; intervalMs: number }) {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, sqlite, ...options } });
    this.worker.unref();
    this.worker.on('error', (err) => console.error('[emulator] WAL checkpointer stopped:', err));
  }

  /** Stops the worker after the checkpoint under way, if any. */
  close(): void {
    this.worker.postMessage('close');
  }
}

// Plain JavaScript: the worker must not depend on the TypeScript loader the emulator may run under.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.sqlite);
const walFile = workerData.file + '-wal';
const timer = setInterval(() => {
  let size = 0;
  try { size = fs.statSync(walFile).size; } catch { return; }
  if (size < workerData.walBytes) return;
  let db;
  try {
    db = new Database(workerData.file, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    // Busy or gone (the store closing): the next tick tries again, and the store's own checkpoint is the backstop.
  } finally {
    db?.close();
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearInterval(timer);
  parentPort.close();
});
`;
