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
    ['refs/heads/main', { environment: 'production', deploy: 'true', 'target-branch': 'main', 'commit-branch': 'main', 'force-publish': 'false' }],
    ['refs/heads/develop', { environment: 'staging', deploy: 'true', 'target-branch': 'develop', 'commit-branch': 'develop', 'force-publish': 'false' }],
    ['refs/heads/release/v1.2.0', { environment: 'staging', deploy: 'true', 'target-branch': 'develop', 'commit-branch': 'develop', 'force-publish': 'false' }],
    ['refs/heads/hotfix/security-patch', { environment: 'hotfix', deploy: 'true', 'target-branch': 'deploy/hotfix', 'commit-branch': 'hotfix/security-patch', 'force-publish': 'true' }],
    ['refs/heads/feature/auth-improvements', { environment: 'development', deploy: 'false', 'target-branch': '', 'commit-branch': '', 'force-publish': 'false' }],
    ['refs/pull/12/merge', { branch: '', environment: 'development', deploy: 'false', 'target-branch': '' }],
    ['hotfix/x', { branch: 'hotfix/x', environment: 'hotfix' }],
  ])('%s --github-output', (ref, expected) => {
    const r = cli('env-for-branch', ref, '--github-output');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(outputs(r.out)).toMatchObject(expected);
    expect(Object.keys(outputs(r.out))).toEqual(['branch', 'environment', 'deploy', 'target-branch', 'commit-branch', 'force-publish']);
  });

  test('human-readable output', () => {
    expect(cli('env-for-branch', 'refs/heads/hotfix/cve').out).toBe(
      [
        'refs/heads/hotfix/cve → hotfix (deploys)',
        '  Argo CD tracks: deploy/hotfix',
        '  the pipeline commits the image bump to: hotfix/cve',
        '  and force-publishes that commit to: deploy/hotfix',
        '',
      ].join('\n'),
    );
    expect(cli('env-for-branch', 'feature/x').out).toBe('feature/x → development (not deployed)\n  Argo CD tracks: (no Application)\n');
  });

  test('the tracked branch comes from the environment files', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => t.replace('targetRevision: develop', 'targetRevision: integration') });
    const out = outputs(cli('env-for-branch', 'refs/heads/release/2.0', '--github-output', '--environments-dir', dir).out);
    expect(out).toMatchObject({ 'target-branch': 'integration', 'commit-branch': 'integration' });
  });

  test('a ref with whitespace or a newline (which would inject extra outputs) is a usage error', () => {
    const r = cli('env-for-branch', 'main\ndeploy=true', '--github-output');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/invalid ref/);
  });

  test('a configuration that contradicts the mapping is an input error', () => {
    const dir = environmentsCopy({ 'hotfix.yaml': (t) => t.replace('targetRevision: deploy/hotfix', 'targetRevision: main') });
    const r = cli('env-for-branch', 'refs/heads/hotfix/x', '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/which is a branch people push to/);
  });

  test('missing ref', () => {
    expect(cli('env-for-branch').code).toBe(2);
  });
});
