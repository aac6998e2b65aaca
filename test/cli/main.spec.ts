import { spawnSync } from 'node:child_process';
import { cliBundle } from '../support/cli-bundle';
import { buildProgram, runCli } from '../../lib/cli/main';
import { cli } from './run-cli';

const COMMANDS = ['validate', 'diff', 'plan', 'set-image', 'get-image', 'env-for-branch', 'rollouts', 'calendar', 'polaris-config', 'dispatch-payload', 'record-verified', 'promote', 'apply-requests'];

describe('the CLI entry point', () => {
  test('registers every command', () => {
    const names = buildProgram({ io: { out: () => undefined, err: () => undefined }, exitCode: 0 }).commands.map((c) => c.name());
    expect(names).toEqual(COMMANDS);
  });

  test('--help lists the commands and the exit codes, and exits 0', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toContain(c);
    expect(r.out).toMatch(/Exit codes:\n {2}0 {2}success\n {2}1 {2}check failed, or differences found with --exit-code \(or an internal error\)\n {2}2 {2}usage or input error/);
  });

  test.each(COMMANDS)('%s --help describes the command and its exit codes', (command) => {
    const r = cli(command, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Usage: cli ${command}`);
    expect(r.out).toContain('Exit codes:');
    expect(r.err).toBe('');
  });

  test('no command: help on stderr, usage error', () => {
    const r = cli();
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage: cli');
  });

  // The messages are commander's; what is ours is that each parse error exits 2 (usage), not 1,
  // writes to stderr only, and runs nothing.
  test.each([
    ['an unknown command', ['valdate']],
    ['an unknown option', ['validate', '--frobnicate']],
    ['an extra argument', ['get-image', 'staging', 'frontend', 'extra']],
  ])('%s is a usage error (exit 2), on stderr, with nothing run', (_label, args) => {
    const r = cli(...args);
    expect(r).toEqual({ code: 2, out: '', err: expect.stringMatching(/^error: /) });
  });

  test.each([[['help']], [['help', 'plan']]])('`cli %s` prints help and exits 0', (args) => {
    const r = cli(...args);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('Usage: cli');
  });

  test('an unexpected internal error exits 1 (not 2, which is for usage and input errors) and says so', () => {
    let err = '';
    const code = runCli(['polaris-config'], {
      out: () => {
        throw new Error('disk on fire');
      },
      err: (t) => (err += t),
    });
    expect(code).toBe(1);
    expect(err).toMatch(/^error: internal error: Error: disk on fire\n/);
  });

  test('a closed pipe (`cli ... | head -1`) ends the CLI quietly, with the exit code of the command', () => {
    // `true` exits without reading, so every write of the CLI meets a closed pipe.
    const r = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" polaris-config | true', process.execPath, cliBundle()], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
  });
});
