/**
 * promote and record-verified under a write fault (node:fs mocked, test/io/faults.ts): a
 * non-zero exit, the environment file and the ledger exactly as they were, no temporary or lock
 * file left behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { environmentsCopy } from '../helpers';
import { healFs, inject } from '../io/faults';
import { cli } from './run-cli';

jest.mock('node:fs', () => jest.requireActual('../io/faults').mockFs());

const DIGEST = `sha256:${'fa17'.repeat(16)}`;
const IMAGE = `abc1234@${DIGEST}`;
const AT = '2026-12-01T10:00:00Z';

afterEach(() => healFs());

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .sort()
      .filter((f) => fs.statSync(path.join(dir, f)).isFile())
      .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
}

describe.each(['fsyncSync', 'renameSync', 'writeSync'] as const)('a failing %s', (op) => {
  test('promote: non-zero exit, production.yaml intact, nothing left behind', () => {
    const dir = environmentsCopy();
    expect(cli('set-image', 'staging', 'exam-service', IMAGE, '--environments-dir', dir).code).toBe(0);
    expect(cli('record-verified', 'staging', 'exam-service', DIGEST, '--at', AT, '--environments-dir', dir).code).toBe(0);
    const before = contents(dir);
    const target = path.join(dir, 'production.yaml');
    // Only production.yaml's temporary copy fails: its write (the lock file is written first), its flush, or its rename onto the file.
    inject(op, (args, call) => (op === 'renameSync' ? String(args[1]) === target : op === 'writeSync' ? call >= 1 : true));
    const r = cli('promote', 'staging', 'production', '--service', 'exam-service', '--environments-dir', dir);
    healFs();
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/EIO/);
    expect(contents(dir)).toEqual(before);
  });

  test('record-verified: non-zero exit, the ledger intact, nothing left behind', () => {
    const dir = environmentsCopy();
    expect(cli('record-verified', 'staging', 'frontend', `sha256:${'1'.repeat(64)}`, '--at', AT, '--environments-dir', dir).code).toBe(0);
    const before = contents(dir);
    const ledger = path.join(dir, 'verified', 'staging.yaml');
    inject(op, (args, call) => (op === 'renameSync' ? String(args[1]) === ledger : op === 'writeSync' ? call >= 1 : true));
    const r = cli('record-verified', 'staging', 'exam-service', DIGEST, '--at', AT, '--environments-dir', dir);
    healFs();
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/EIO/);
    expect(contents(dir)).toEqual(before);
  });
});
