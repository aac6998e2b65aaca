/**
 * refNameProblem against git itself: every name of the table is also given to the real
 * `git check-ref-format` (git's refs.c), and both must agree.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { refNameProblem } from '../../lib/rules/git-ref';

const BRANCHES: readonly [string, boolean][] = [
  ['main', true],
  ['develop', true],
  ['release/1.2', true],
  ['hotfix/security-patch', true],
  ['feature/auth-improvements', true],
  ['deploy/hotfix', true],
  ['a-b_c.d', true],
  ['v1.2.3', true],
  ['unicodé', true],
  ['x@y', true],
  ['foo.lockx', true],
  ['a/b/c', true],
  ['', false],
  ['@', true],
  ['HEAD', false],
  ['-x', false],
  ['a b', false],
  ['a\tb', false],
  ['a~1', false],
  ['a^', false],
  ['a:b', false],
  ['a?', false],
  ['a*', false],
  ['a[b', false],
  ['a\\b', false],
  ['a..b', false],
  ['a@{b', false],
  ['/a', false],
  ['a/', false],
  ['a//b', false],
  ['a.', false],
  ['.a', false],
  ['a/.b', false],
  ['a.lock', false],
  ['a/b.lock/c', false],
  ['a\x7fb', false],
  ['a@', true],
  ['x{y}', true],
  ['.', false],
  ['..', false],
  ['a/..', false],
  ['/', false],
  ['a.lock/b', false],
  ['\u00e9t\u00e9/2024', true],
  ['trailing/', false],
  ['@{-1}', false],
];

const REFS: readonly [string, boolean][] = [
  ['refs/heads/main', true],
  ['refs/pull/12/merge', true],
  ['refs/tags/v1.2.0', true],
  ['main', false],
  ['@', false],
  ['refs/heads/a..b', false],
  ['refs/heads/', false],
  ['refs/heads/x.lock', false],
];

function git(args: readonly string[]): boolean {
  const r = spawnSync('git', ['check-ref-format', ...args], { cwd: os.tmpdir(), encoding: 'utf8' });
  if (r.error) throw r.error;
  return r.status === 0;
}

test.each(BRANCHES)('branch "%s": valid=%s, as git check-ref-format --branch says', (name, valid) => {
  expect([git(['--branch', name]), refNameProblem(name, { branch: true }) === undefined]).toEqual([valid, valid]);
});

test.each(REFS)('ref "%s": valid=%s, as git check-ref-format says', (name, valid) => {
  expect([git([name]), refNameProblem(name) === undefined]).toEqual([valid, valid]);
});

test('a refusal says what git expects', () => {
  expect(refNameProblem('a..b', { branch: true })).toBe('expected a valid git branch name (git check-ref-format): it contains ".."');
});
