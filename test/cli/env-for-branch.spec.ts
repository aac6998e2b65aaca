import { refProblem } from '../../lib/cli/commands/env-for-branch';
import { environmentsCopy } from '../helpers';
import { cli } from './run-cli';

/** Parses `key=value` lines the way GitHub reads $GITHUB_OUTPUT. */
function outputs(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trimEnd()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('env-for-branch <ref>', () => {
  test.each([
    ['refs/heads/main', { environment: 'production', deploy: 'false', 'target-branch': 'main' }],
    ['refs/heads/develop', { environment: 'staging', deploy: 'true', 'target-branch': 'main' }],
    ['refs/heads/release/v1.2.0', { environment: 'staging', deploy: 'true', 'target-branch': 'main' }],
    ['refs/heads/hotfix/security-patch', { environment: 'hotfix', deploy: 'true', 'target-branch': 'main' }],
    ['refs/heads/feature/auth-improvements', { environment: 'development', deploy: 'false', 'target-branch': '' }],
    ['refs/pull/12/merge', { branch: '', environment: 'development', deploy: 'false', 'target-branch': '' }],
    ['hotfix/x', { branch: 'hotfix/x', environment: 'hotfix' }],
  ])('%s --github-output', (ref, expected) => {
    const r = cli('env-for-branch', ref, '--github-output');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(outputs(r.out)).toMatchObject(expected);
    expect(Object.keys(outputs(r.out))).toEqual(['branch', 'environment', 'deploy', 'target-branch']);
  });

  test('human-readable output: every deployed environment is tracked on main', () => {
    expect(cli('env-for-branch', 'refs/heads/hotfix/cve').out).toBe(
      ['refs/heads/hotfix/cve → hotfix (deploys)', '  Argo CD tracks: main', '  the image reaches environments/hotfix.yaml through a pull request to main', ''].join('\n'),
    );
    expect(cli('env-for-branch', 'main').out).toBe('main → production (takes only promoted, verified digests: nothing deploys directly)\n  Argo CD tracks: main\n');
    expect(cli('env-for-branch', 'feature/x').out).toBe('feature/x → development (not deployed)\n  Argo CD tracks: (no Application)\n');
  });

  test.each([
    ['main\ndeploy=true', /invalid ref "main\\ndeploy=true": expected a valid git branch name \(git check-ref-format\): it contains "\\n"/],
    ['release/1..2', /it contains "\.\."/],
    ['refs/heads/hotfix/x.lock', /ends with "\.lock"/],
    ['hotfix/x y', /it contains " "/],
    ['refs/heads/', /it is empty/],
    ['', /it is empty/],
    ['feature/a~1', /it contains "~"/],
  ])('a ref git refuses is a usage error, with nothing on stdout: %j', (ref, why) => {
    const r = cli('env-for-branch', ref, '--github-output');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(why);
  });

  test('refProblem checks the branch of refs/heads/<branch> as a branch, and other refs as refs', () => {
    expect(refProblem('refs/heads/HEAD')).toMatch(/"HEAD" is not a branch/);
    expect(refProblem('refs/tags/v1.0')).toBeUndefined();
    expect(refProblem('refs/pull/1/merge')).toBeUndefined();
    expect(refProblem('main')).toBeUndefined();
    expect(refProblem('-main')).toMatch(/starts with "-"/);
  });

  test('an environment file that tracks another branch is an input error', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => t.replace(/targetRevision: main/, 'targetRevision: develop') });
    const r = cli('env-for-branch', 'refs/heads/release/2.0', '--github-output', '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/staging\.yaml:\d+: gitops\.targetRevision: expected "main": every Argo CD Application tracks main/);
  });

  test('missing ref', () => {
    expect(cli('env-for-branch').code).toBe(2);
  });
});
