/**
 * lib/io/atomic-file.ts under injected write faults (node:fs mocked), lock contention and stale
 * locks; and set-image, which writes through it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { acquireFileLock, lockPathFor, removeStaleTemps, updateFileAtomic, withFileLock, writeFileAtomic } from '../../lib/io/atomic-file';
import { environmentsCopy } from '../helpers';
import { cli } from '../cli/run-cli';
import { healFs, inject } from './faults';

// Child processes: slow on a loaded machine, never a timing assertion.
jest.setTimeout(60_000);

jest.mock('node:fs', () => (jest.requireActual('./faults') as typeof import('./faults')).mockFs());
afterEach(healFs);

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'exam-atomic-'));
}

/** A pid that no process has (a child that has exited). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('writeFileAtomic', () => {
  test('writes through a temporary file in the same folder and keeps the permissions', () => {
    const dir = scratch();
    const file = path.join(dir, 'staging.yaml');
    fs.writeFileSync(file, 'old\n', { mode: 0o640 });
    fs.chmodSync(file, 0o640);
    writeFileAtomic(file, 'new\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('new\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir)).toEqual(['staging.yaml']);
    const renames = (fs.renameSync as unknown as jest.Mock).mock.calls.filter(([from]) => String(from).startsWith(dir));
    expect(path.basename(String(renames.at(-1)?.[0]))).toMatch(new RegExp(`^\\.staging\\.yaml\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
  });

  test.each(['writeSync', 'fsyncSync', 'renameSync'] as const)('a failing %s leaves the file intact and no temporary file', (op) => {
    const dir = scratch();
    const file = path.join(dir, 'staging.yaml');
    fs.writeFileSync(file, 'old content\n');
    inject(op, (args) => op !== 'writeSync' || typeof args[0] === 'number');
    expect(() => writeFileAtomic(file, 'new content that is longer\n')).toThrow(/EIO/);
    healFs();
    expect(fs.readFileSync(file, 'utf8')).toBe('old content\n');
    expect(fs.readdirSync(dir)).toEqual(['staging.yaml']);
  });
});

describe('withFileLock', () => {
  test('a lock held by a live process is waited for, then the wait times out naming the holder', () => {
    const dir = scratch();
    const target = path.join(dir, 'staging.yaml');
    const held = acquireFileLock(target);
    expect(fs.readFileSync(lockPathFor(target), 'utf8')).toMatch(new RegExp(`^${process.pid} ${os.hostname()} [0-9a-f]{16}\\n$`));
    const t0 = Date.now();
    expect(() => withFileLock(target, () => 1, { timeoutMs: 150 })).toThrow(new RegExp(`\\.staging\\.yaml\\.lock: locked by process ${process.pid} on .* for more than 0 s; if no synth or set-image is running`));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    held.release();
    expect(withFileLock(target, () => 42)).toBe(42);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('a lock left by a dead process is taken over', () => {
    const dir = scratch();
    const target = path.join(dir, 'staging.yaml');
    fs.writeFileSync(lockPathFor(target), `${deadPid()} ${os.hostname()} 00\n`);
    expect(withFileLock(target, () => 'ran', { timeoutMs: 1000 })).toBe('ran');
    expect(fs.existsSync(lockPathFor(target))).toBe(false);
  });

  test('releasing removes only our own lock', () => {
    const dir = scratch();
    const target = path.join(dir, 'x');
    const held = acquireFileLock(target);
    fs.writeFileSync(lockPathFor(target), `${process.pid} ${os.hostname()} someone-else\n`);
    held.release();
    expect(fs.readFileSync(lockPathFor(target), 'utf8')).toContain('someone-else');
  });

  test('stale temporary files of dead processes are cleaned up; a live process keeps its own', () => {
    const dir = scratch();
    const target = path.join(dir, 'staging.yaml');
    const dead = `.staging.yaml.${deadPid()}.abcdef012345.tmp`;
    const live = `.staging.yaml.${process.pid}.abcdef012345.tmp`;
    fs.writeFileSync(path.join(dir, dead), 'half');
    fs.writeFileSync(path.join(dir, live), 'half');
    expect(removeStaleTemps(target)).toEqual([dead]);
    expect(fs.readdirSync(dir)).toEqual([live]);
  });
});

describe('updateFileAtomic', () => {
  test('read-modify-write; undefined leaves the file alone', () => {
    const dir = scratch();
    const file = path.join(dir, 'counter');
    expect(updateFileAtomic(file, (t) => (t === undefined ? '1' : t))).toBe('1');
    expect(updateFileAtomic(file, (t) => String(Number(t) + 1))).toBe('2');
    const before = fs.statSync(file).mtimeMs;
    expect(updateFileAtomic(file, () => undefined)).toBeUndefined();
    expect(fs.statSync(file).mtimeMs).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['counter']);
  });
});

describe('set-image under a write fault', () => {
  test.each(['fsyncSync', 'renameSync'] as const)('a failing %s of the environment file: non-zero exit, the file is intact, no temporary or lock file is left', (op) => {
    const dir = environmentsCopy();
    const file = path.join(dir, 'staging.yaml');
    const before = fs.readFileSync(file, 'utf8');
    // fsync: only the environment file's temporary copy is flushed (the lock is not); rename: onto the file.
    inject(op, (args) => op === 'fsyncSync' || String(args[1]) === file);
    const r = cli('set-image', 'staging', 'auth-service', `abc1234@sha256:${'e'.repeat(64)}`, '--environments-dir', dir);
    healFs();
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/EIO/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['calendar.yaml', 'development.yaml', 'hotfix.yaml', 'production.yaml', 'staging.yaml']);
  });
});
