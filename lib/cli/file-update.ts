/**
 * How the CLI changes a committed file: under a lock (`.<basename>.lock` next to it, so two
 * concurrent runs serialize their read-modify-write and lose nothing), through a temporary file
 * in the same folder (`.<basename>.<pid>.<random>.tmp`) that is flushed and renamed over the
 * file (a crash or a failed write leaves the old file whole). The environment loader ignores
 * both names.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The file-system calls the writer makes; tests pass one that fails on purpose. */
export interface WriterFs {
  readonly openSync: typeof fs.openSync;
  readonly writeSync: (fd: number, buffer: Buffer, offset: number) => number;
  readonly fsyncSync: typeof fs.fsyncSync;
  readonly closeSync: typeof fs.closeSync;
  readonly renameSync: typeof fs.renameSync;
  readonly unlinkSync: typeof fs.unlinkSync;
}

export const NODE_FS: WriterFs = {
  openSync: (...a) => fs.openSync(...a),
  writeSync: (fd, buffer, offset) => fs.writeSync(fd, buffer, offset),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (a, b) => fs.renameSync(a, b),
  unlinkSync: (p) => fs.unlinkSync(p),
};

export function lockPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.lock`);
}

export function tempPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
}

/** Writes `text` to `file` through a temporary file and a rename; on any failure the old file stays and the temporary file is removed. */
export function writeFileAtomic(file: string, text: string, io: WriterFs = NODE_FS): void {
  const tmp = tempPath(file);
  let fd: number | undefined;
  try {
    fd = io.openSync(tmp, 'wx', 0o644);
    const buffer = Buffer.from(text, 'utf8');
    for (let written = 0; written < buffer.length; ) written += io.writeSync(fd, buffer, written);
    io.fsyncSync(fd);
    io.closeSync(fd);
    fd = undefined;
    io.renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) {
      try {
        io.closeSync(fd);
      } catch {
        // already failing: report the first error
      }
    }
    try {
      io.unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    throw err;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding the file's lock. The lock file holds the owner's pid; a lock whose owner
 * has died is taken over. Waits up to `timeoutMs` for a live owner, then fails naming the lock.
 */
export function withFileLock<T>(file: string, fn: () => T, timeoutMs = 30_000): T {
  const lock = lockPath(file);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(lock, 'wx', 0o644);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(fs.existsSync(lock) ? fs.readFileSync(lock, 'utf8') : '', 10);
      if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock}: held by process ${Number.isNaN(owner) ? '(unknown)' : owner} for more than ${timeoutMs / 1000} s; remove it if that process is gone`);
      sleep(20 + Math.floor(Math.random() * 30));
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/**
 * Read-modify-write under the lock: `change` gets the current text (undefined when the file does
 * not exist) and returns the new text, or undefined to leave the file alone. Returns whether
 * the file changed.
 */
export function updateFile(file: string, change: (text: string | undefined) => string | undefined, io: WriterFs = NODE_FS): boolean {
  return withFileLock(file, () => {
    const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    const after = change(before);
    if (after === undefined || after === before) return false;
    writeFileAtomic(file, after, io);
    return true;
  });
}
