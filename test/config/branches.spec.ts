import {
  BRANCH_RULES,
  RELEASE_BRANCH_PATTERNS,
  TrackedEnvironment,
  branchFromRef,
  deploymentTargetForRef,
  environmentForRef,
  matchesPattern,
} from '../../lib/config/branches';
import { loadEnvironments } from '../../lib/config/load';

describe('branch → environment mapping (docs/decisions.md, \'Branches and environments\')', () => {
  test.each([
    // Production takes only promoted, verified digests (docs/decisions.md, The release loop).
    ['refs/heads/main', 'production', false],
    ['main', 'production', false],
    ['refs/heads/develop', 'staging', true],
    ['refs/heads/release/v1.2.0', 'staging', true],
    ['release/1.3', 'staging', true],
    ['refs/heads/hotfix/security-patch', 'hotfix', true],
    ['refs/heads/feature/auth-improvements', 'development', false],
    ['refs/heads/mainline', 'development', false],
    ['refs/heads/Main', 'development', false],
    ['refs/heads/release', 'development', false],
    ['refs/heads/release/1.2/rc', 'development', false],
    ['refs/heads/my/release/1.2', 'development', false],
    ['refs/pull/42/merge', 'development', false],
    ['refs/tags/v1.2.0', 'development', false],
  ])('%s → %s (deploy %s)', (ref, environment, deploy) => {
    const r = environmentForRef(ref);
    expect(r.environment).toBe(environment);
    expect(r.deploy).toBe(deploy);
  });

  test('branchFromRef keeps slashes of the branch and rejects other refs', () => {
    expect(branchFromRef('refs/heads/release/v1.2.0')).toBe('release/v1.2.0');
    expect(branchFromRef('hotfix/x')).toBe('hotfix/x');
    expect(branchFromRef('refs/tags/v1')).toBeUndefined();
    expect(branchFromRef('refs/heads/')).toBeUndefined();
    expect(branchFromRef('')).toBeUndefined();
  });

  test('a wildcard matches exactly one non-empty path segment, like GitHub branch filters', () => {
    expect(matchesPattern('hotfix/a', 'hotfix/*')).toBe(true);
    expect(matchesPattern('hotfix/', 'hotfix/*')).toBe(false);
    expect(matchesPattern('hotfix/a/b', 'hotfix/*')).toBe(false);
    expect(matchesPattern('hotfixes/a', 'hotfix/*')).toBe(false);
    expect(matchesPattern('main', 'main')).toBe(true);
  });

  test('only the branches of staging and hotfix deploy directly; main maps to production, which deploys nothing directly', () => {
    expect(RELEASE_BRANCH_PATTERNS).toEqual(['develop', 'release/*', 'hotfix/*']);
    expect(BRANCH_RULES.filter((r) => !r.deploy)).toEqual([{ pattern: 'main', environment: 'production', deploy: false }]);
  });
});

describe('where a release is committed (with the repository environments)', () => {
  const envs = loadEnvironments();

  test.each([
    ['refs/heads/develop', 'staging'],
    ['refs/heads/release/2.0', 'staging'],
    ['refs/heads/hotfix/cve-1', 'hotfix'],
  ])('%s releases to %s, whose Application tracks main', (ref, environment) => {
    expect(deploymentTargetForRef(ref, envs)).toEqual(expect.objectContaining({ environment, deploy: true, targetBranch: 'main' }));
  });

  test('main deploys nothing directly; other branches deploy nothing', () => {
    expect(deploymentTargetForRef('refs/heads/main', envs)).toMatchObject({ environment: 'production', deploy: false, targetBranch: 'main' });
    expect(deploymentTargetForRef('refs/heads/feature/x', envs)).toMatchObject({ environment: 'development', deploy: false, targetBranch: undefined });
  });

  test('every deploying environment is tracked on main; development has no Application', () => {
    for (const rule of BRANCH_RULES) {
      expect([rule.environment, envs.find((e) => e.name === rule.environment)?.gitops?.targetRevision]).toEqual([rule.environment, 'main']);
    }
    expect(envs.find((e) => e.name === 'development')?.gitops).toBeUndefined();
  });
});

describe('the mapping refuses configurations that would break delivery', () => {
  const base: TrackedEnvironment[] = [
    { name: 'development' },
    { name: 'staging', gitops: { targetRevision: 'main' } },
    { name: 'hotfix', gitops: { targetRevision: 'main' } },
    { name: 'production', gitops: { targetRevision: 'main' } },
  ];

  test('a deploying branch whose environment has no Application', () => {
    const envs = base.map((e) => (e.name === 'staging' ? { name: e.name } : e));
    expect(() => deploymentTargetForRef('develop', envs)).toThrow(/staging.*no gitops\.targetRevision/);
  });

  test('a missing environment', () => {
    expect(() => deploymentTargetForRef('main', base.filter((e) => e.name !== 'production'))).toThrow(/environment "production" is not defined/);
  });
});
