/**
 * set-image, promote and record-verified as separate processes at once, on the same files (the
 * release workflow's jobs and people can overlap): every update lands, none is lost, no
 * temporary or lock file is left.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadEnvironments } from '../../lib/config/load';
import { loadLedger } from '../../lib/config/ledger';
import { environmentsCopy } from '../helpers';
import { cliBundle } from '../support/cli-bundle';
import { cli } from './run-cli';

// Child processes: slow on a loaded machine, never a timing assertion.
jest.setTimeout(90_000);

const AT = '2026-12-01T10:00:00Z';
const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe('concurrent release commands', () => {
  const bundled = cliBundle();

  const runAll = (commands: string[][]) =>
    Promise.all(
      commands.map(
        (args) =>
          new Promise<{ args: string; code: number | null; err: string }>((resolve) => {
            const child = spawn(process.execPath, [bundled, ...args]);
            let err = '';
            child.stderr.on('data', (d: Buffer) => (err += d.toString()));
            child.on('exit', (code) => resolve({ args: args.slice(0, 3).join(' '), code, err }));
          }),
      ),
    );

  test('promotes into production while set-image writes production and records land in the ledger: nothing is lost', async () => {
    const dir = environmentsCopy();
    // Staging runs verified digests of exam-service and auth-service.
    for (const [service, c] of [['exam-service', 'a'], ['auth-service', 'b']] as const) {
      expect(cli('set-image', 'staging', service, `rc-${c}@${digest(c)}`, '--environments-dir', dir).code).toBe(0);
      expect(cli('record-verified', 'staging', service, digest(c), '--at', AT, '--environments-dir', dir).code).toBe(0);
    }
    const opts = ['--environments-dir', dir];
    const results = await runAll([
      ['promote', 'staging', 'production', '--service', 'exam-service', ...opts],
      ['promote', 'staging', 'production', '--service', 'auth-service', ...opts],
      ['set-image', 'production', 'question-service', `q@${digest('c')}`, ...opts],
      ['set-image', 'production', 'frontend', `f@${digest('d')}`, ...opts],
      ['record-verified', 'staging', 'frontend', digest('e'), '--at', AT, ...opts],
      ['record-verified', 'staging', 'question-service', digest('f'), '--at', AT, ...opts],
    ]);
    expect(results.map((r) => [r.args, r.code, r.err])).toEqual(results.map((r) => [r.args, 0, '']));
    const production = Object.fromEntries(loadEnvironments(dir).find((e) => e.name === 'production')!.services.map((s) => [s.name, s.tag]));
    expect(production).toMatchObject({ 'exam-service': `rc-a@${digest('a')}`, 'auth-service': `rc-b@${digest('b')}`, 'question-service': `q@${digest('c')}`, frontend: `f@${digest('d')}` });
    const ledger = loadLedger(dir, 'staging').verified;
    expect(Object.fromEntries(Object.entries(ledger).map(([s, entries]) => [s, entries!.map((e) => e.digest)]))).toEqual({
      'exam-service': [digest('a')],
      'auth-service': [digest('b')],
      frontend: [digest('e')],
      'question-service': [digest('f')],
    });
    expect(fs.readdirSync(dir).sort()).toEqual(['calendar.yaml', 'development.yaml', 'hotfix.yaml', 'production.yaml', 'staging.yaml', 'verified']);
    expect(fs.readdirSync(path.join(dir, 'verified'))).toEqual(['staging.yaml']);
  });
});
