import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Files an emulator process owns outside its database: the lock on its data directory, its local socket and, in
 * memory mode, its temporary folder. Each names the owner's pid, so a later start tells a running owner from a dead
 * one: a running one's lock refuses a second emulator on the same data (two processes writing one SQLite file and one
 * storage folder, or `--reset` deleting them underneath it); a dead one's lock is taken over, and its socket and
 * folder, which a SIGKILL leaves behind, are removed.
 */
export const LOCK_FILE = 'emulator.lock';
/** The socket is `<prefix><pid>-<port>.sock`, the folder `<prefix><pid>-<random>` (both in the OS's temp folder). */
const PREFIX = 'cloudbase-emulator-';

interface LockOwner {
  pid: number;
  url?: string;
  startedAt?: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `${dir} is already used by another emulator (pid ${owner.pid}${owner.url ? `, ${owner.url}` : ''}). Stop it first, or ` +
        `start this one with another --data-dir (or --memory). If no such emulator is running, delete ${path.join(dir, LOCK_FILE)}.`,
    );
  }
}

export interface DataDirLock {
  readonly dir: string;
  /** Adds the emulator's URL to the lock, for the message a second emulator shows. */
  describe(url: string): void;
  /** Gives the directory up (idempotent). */
  release(): void;
}

/** Directories locked by this process: a second emulator in the same process is refused too. */
const held = new Map<string, LockOwner>();

/** Locks `dir` (created if missing) for this process, or throws DataDirLockedError naming the emulator that has it. */
export function lockDataDir(dir: string): DataDirLock {
  const resolved = path.resolve(dir);
  const mine = held.get(resolved);
  if (mine) throw new DataDirLockedError(resolved, mine);
  fs.mkdirSync(resolved, { recursive: true });
  const file = path.join(resolved, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    // Written whole under another name, then linked into place: the link fails if a lock exists, and a reader never
    // sees a half-written one.
    const draft = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(draft, JSON.stringify(owner));
    try {
      fs.linkSync(draft, file);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      const text = readText(file);
      const current = parseOwner(text);
      if (current && isRunning(current.pid) && current.pid !== process.pid) throw new DataDirLockedError(resolved, current);
      // Its owner is gone (a SIGKILL, a power cut): take the lock over, unless someone else just did.
      if (readText(file) === text) fs.rmSync(file, { force: true });
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  held.set(resolved, owner);
  let released = false;
  return {
    dir: resolved,
    describe: (url) => {
      owner.url = url;
      const draft = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(draft, JSON.stringify(owner));
      fs.renameSync(draft, file);
    },
    release: () => {
      if (released) return;
      released = true;
      held.delete(resolved);
      if (parseOwner(readText(file))?.pid === process.pid) fs.rmSync(file, { force: true });
    },
  };
}

/** Throws DataDirLockedError if a running emulator holds `dir` (for `--memory --reset`, which wipes it unlocked). */
export function assertNotLocked(dir: string): void {
  const resolved = path.resolve(dir);
  const mine = held.get(resolved);
  if (mine) throw new DataDirLockedError(resolved, mine);
  const owner = parseOwner(readText(path.join(resolved, LOCK_FILE)));
  if (owner && owner.pid !== process.pid && isRunning(owner.pid)) throw new DataDirLockedError(resolved, owner);
}

/** This process's temporary folder for an in-memory emulator's files (removed on close). */
export function makeTempFolder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${PREFIX}${process.pid}-`));
}

/** The local socket's name (without directory or extension), for this process and `port`. */
export function localSocketName(port: number): string {
  return `${PREFIX}${process.pid}-${port}`;
}

/** Removes the sockets and temporary folders of emulator processes that no longer run. */
export function removeLeftovers(tmp = os.tmpdir()): void {
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return;
  }
  const running = new Map<number, boolean>();
  for (const name of names) {
    const m = /^cloudbase-emulator-(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    if (!running.has(pid)) running.set(pid, isRunning(pid));
    if (running.get(pid)) continue;
    try {
      fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
    } catch {
      // Someone else's file we may not delete; not ours to insist on.
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process its parent has not reaped yet (a zombie) still answers signal 0, but holds nothing.
  if (process.platform === 'linux') {
    try {
      return !/^\d+ \(.*\) Z /s.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  }
  return true;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function parseOwner(text: string | undefined): LockOwner | undefined {
  if (!text) return undefined;
  try {
    const owner = JSON.parse(text) as LockOwner;
    return Number.isInteger(owner.pid) && owner.pid > 0 ? owner : undefined;
  } catch {
    return undefined;
  }
}
