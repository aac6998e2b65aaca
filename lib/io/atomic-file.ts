/**
 * Writing a file so that nothing is ever lost: every tool that writes a file someone else may
 * also be writing (synth's output, set-image's environment files) goes through here.
 *
 * - `writeFileAtomic`: the data goes to a temporary file in the same folder,
 *   `.<basename>.<pid>.<random>.tmp`, is flushed to disk (fsync), and is then renamed over the
 *   target. Readers see the old file or the new one, never a part; a failed write leaves the old
 *   file untouched and no temporary file behind.
 * - `withFileLock`: an advisory lock, the file `.<basename>.lock` next to the target, created
 *   exclusively (written under a temporary name, then hard-linked into place, which fails like
 *   O_EXCL when the lock exists) and holding `<pid> <host> <nonce>`. Concurrent runs wait for each other instead
 *   of overwriting each other's work. A lock whose process is gone (killed, crashed) is stale and
 *   is taken over.
 * - `updateFileAtomic`: read, modify and write back under the lock, so parallel updates of one
 *   file all land.
 *
 * Decisions and their reasons: docs/decisions.md, "Writing files: temp + rename under a lock".
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** `.<basename>.<pid>.<random>.tmp` next to `target`. */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
}

/** `.<basename>.lock` next to `target`. */
export function lockPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.lock`);
}

/** Matches the temporary files of `target` (from any process); group 1 is the pid. */
export function tempNamePattern(target: string): RegExp {
  const base = path.basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${base}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
}

/** True when a process with this pid exists (on this host). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Flushes a folder's entries (a rename is durable only once its folder is); best effort. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not every platform or file system can fsync a folder; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes `data` to a new file (it must not exist), flushed to disk (fsync) unless `durable` is false. */
export function writeNewFile(file: string, data: string | Uint8Array, { mode = 0o666, durable = true }: { mode?: number; durable?: boolean } = {}): void {
  const fd = fs.openSync(file, 'wx', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    if (durable) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Replaces `target` with `data` atomically: temp file in the same folder, fsync, rename. An
 * existing file's permissions are kept. On any failure the target is as it was and the temporary
 * file is gone. `durable: false` skips the fsyncs, for caches: a reader already treats a missing
 * or unreadable cache file as no cache, which is all a crash can leave.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array, { durable = true }: { durable?: boolean } = {}): void {
  const mode = fs.statSync(target, { throwIfNoEntry: false })?.mode;
  const tmp = tempPathFor(target);
  try {
    writeNewFile(tmp, data, { mode: mode === undefined ? 0o666 : mode & 0o7777, durable });
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  if (durable) fsyncDir(path.dirname(target));
}

/** Removes temporary files of `target` left by processes that no longer exist (a crash, a SIGKILL). */
export function removeStaleTemps(target: string): string[] {
  const dir = path.dirname(target);
  const pattern = tempNamePattern(target);
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (m === null || processAlive(Number(m[1]))) continue;
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export interface LockOptions {
  /** How long to wait for another holder before giving up, in ms. @default 120000 */
  readonly timeoutMs?: number;
  /** Checked while waiting (async wait only): true stops the wait with LockWaitCancelled. */
  readonly cancelled?: () => boolean;
}

/** The wait for a lock was cancelled (a signal arrived); nothing was locked. */
export class LockWaitCancelled extends Error {
  constructor(file: string) {
    super(`${file}: stopped waiting for the lock`);
    this.name = 'LockWaitCancelled';
  }
}

/** A lock held by this process; `release()` removes its file (only if it is still ours). */
export interface HeldLock {
  readonly file: string;
  release(): void;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly text: string;
}

function readOwner(file: string): LockOwner | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const [pid, host] = text.trim().split(' ');
  return { pid: Number(pid), host: host ?? '', text };
}

/** Stale: written by a process of this host that no longer runs (or empty: a crash of the machine before it reached disk). */
function isStale(owner: LockOwner): boolean {
  if (owner.text.trim() === '') return true;
  return owner.host === os.hostname() && !processAlive(owner.pid);
}

/**
 * Takes over a stale lock: renames it aside (only one contender can), and deletes it if it is
 * still the stale one; if a live holder's lock was moved in the meantime, it is put back.
 */
function breakStaleLock(file: string, stale: LockOwner): void {
  const aside = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // someone else took it over first
  }
  if (readOwner(aside)?.text === stale.text) {
    fs.rmSync(aside, { force: true });
    return;
  }
  try {
    fs.linkSync(aside, file);
  } catch {
    // A third process created a new lock in between; nothing more to restore.
  }
  fs.rmSync(aside, { force: true });
}

/** One attempt; the lock, or who holds it. */
function tryLock(file: string): HeldLock | LockOwner {
  const text = `${process.pid} ${os.hostname()} ${crypto.randomBytes(8).toString('hex')}\n`;
  // Written in full under a temporary name, then linked into place: link() fails if the lock
  // exists, like O_EXCL, and a lock file is never seen half-written.
  const tmp = tempPathFor(file);
  try {
    // Not flushed: a lock matters only between running processes.
    writeNewFile(tmp, text, { durable: false });
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = readOwner(file);
    if (owner === undefined) return { pid: 0, host: '', text: '(gone)' }; // released just now: retry
    if (isStale(owner)) {
      breakStaleLock(file, owner);
      return { pid: 0, host: '', text: '(stale, taken over)' };
    }
    return owner;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return {
    file,
    release: () => {
      if (readOwner(file)?.text === text) fs.rmSync(file, { force: true });
    },
  };
}

function lockTimeoutError(file: string, owner: LockOwner, timeoutMs: number): Error {
  return new Error(
    `${file}: locked by process ${owner.pid} on ${owner.host} for more than ${Math.round(timeoutMs / 1000)} s; ` +
      'if no synth or set-image is running, the process is gone: delete the lock file and retry',
  );
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks the thread for `ms` milliseconds (no busy loop). */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Tries the lock of `target` with growing pauses: yields each pause (ms) while another live
 * process holds it, returns the lock once taken, throws when the wait times out.
 */
function* lockAttempts(file: string, options: LockOptions): Generator<number, HeldLock> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const start = Date.now();
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    const got = tryLock(file);
    if ('release' in got) return got;
    if (Date.now() - start > timeoutMs) throw lockTimeoutError(file, got, timeoutMs);
    yield delay;
  }
}

/** Acquires the lock of `target`, waiting (blocking) while another live process holds it. */
export function acquireFileLock(target: string, options: LockOptions = {}): HeldLock {
  const attempts = lockAttempts(lockPathFor(target), options);
  for (let step = attempts.next(); ; step = attempts.next()) {
    if (step.done === true) return step.value;
    sleepSync(step.value);
  }
}

/** As `acquireFileLock`, but waits without blocking the event loop (signals are still handled). */
export async function acquireFileLockAsync(target: string, options: LockOptions = {}): Promise<HeldLock> {
  const file = lockPathFor(target);
  const attempts = lockAttempts(file, options);
  for (let step = attempts.next(); ; step = attempts.next()) {
    if (step.done === true) return step.value;
    const pause = step.value;
    await new Promise((resolve) => setTimeout(resolve, pause));
    if (options.cancelled?.()) throw new LockWaitCancelled(file);
  }
}

/** Runs `fn` holding the lock of `target`; the lock is released however `fn` ends. */
export function withFileLock<T>(target: string, fn: () => T, options: LockOptions = {}): T {
  const lock = acquireFileLock(target, options);
  try {
    return fn();
  } finally {
    lock.release();
  }
}

/**
 * Read-modify-write under the lock: `update` gets the current text (undefined when the file does
 * not exist) and returns the new text, or undefined to leave the file alone. Returns what
 * `update` returned. Stale temporary files of the target are cleaned up on the way.
 */
export function updateFileAtomic(target: string, update: (current: string | undefined) => string | undefined, options: LockOptions = {}): string | undefined {
  return withFileLock(
    target,
    () => {
      removeStaleTemps(target);
      let current: string | undefined;
      try {
        current = fs.readFileSync(target, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const next = update(current);
      if (next !== undefined && next !== current) writeFileAtomic(target, next);
      return next;
    },
    options,
  );
}
