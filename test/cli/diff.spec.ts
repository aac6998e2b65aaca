import { diffEnvironments, formatDiff } from '../../lib/cli/commands/diff';
import { loadEnvironments } from '../../lib/config/load';
import { environmentsCopy } from '../helpers';
import { cli } from './run-cli';

describe('diff <envA> <envB>', () => {
  const envs = loadEnvironments();
  const byName = (n: string) => envs.find((e) => e.name === n)!;

  test('hotfix takes production config through configFrom: only its own data stores differ in the ConfigMap', () => {
    const rows = diffEnvironments(byName('hotfix'), byName('production'));
    const configKeys = rows.filter((r) => r.key.startsWith('config.')).map((r) => r.key);
    expect(configKeys.sort()).toEqual(['config.DATABASE_NAME', 'config.REDIS_DB', 'config.S3_BUCKET']);
    expect(rows).toContainEqual({ key: 'config.DATABASE_NAME', a: 'exam_system_hotfix', b: 'exam_system' });
    expect(rows.map((r) => r.key)).not.toContain('gitops.targetRevision');
  });

  test('per-service image, replicas and strategy', () => {
    const rows = diffEnvironments(byName('staging'), byName('production'));
    expect(rows).toContainEqual({ key: 'services.exam-service.tag', a: expect.stringMatching(/^v1\.13\.0-rc\.1@sha256:[0-9a-f]{64}$/), b: expect.stringMatching(/^v1\.12\.0@sha256:[0-9a-f]{64}$/) });
    expect(rows).toContainEqual({ key: 'services.exam-service.replicas', a: '2', b: '10' });
    // Staging releases the way production does: the same strategies (docs/decisions.md, The release loop).
    expect(rows.filter((r) => r.key.endsWith('.strategy'))).toEqual([]);
    expect(rows).toContainEqual({ key: 'services.exam-service.autoscaling.maxReplicas', a: undefined, b: '20' });
  });

  test('an environment compared with itself has no differences', () => {
    expect(diffEnvironments(byName('staging'), byName('staging'))).toEqual([]);
    expect(formatDiff([], 'staging', 'staging')).toBe('staging and staging have the same configuration.\n');
  });

  test('the table marks keys set on one side only', () => {
    const text = formatDiff([{ key: 'config.X', a: '1', b: undefined }], 'staging', 'production');
    expect(text).toBe(['1 difference between staging and production:', '', 'KEY       STAGING  PRODUCTION', 'config.X  1        (unset)', ''].join('\n'));
  });

  test('from the command line; --exit-code turns differences into exit 1', () => {
    const r = cli('diff', 'staging', 'production');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^config\.LOG_LEVEL +DEBUG +INFO$/m);
    expect(cli('diff', 'staging', 'production', '--exit-code').code).toBe(1);
    expect(cli('diff', 'staging', 'staging', '--exit-code').code).toBe(0);
  });

  test('a key only one file sets', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => t.replace('  S3_BUCKET: exam-system-staging\n', '  S3_BUCKET: exam-system-staging\n  FEATURE_X: "on"\n') });
    const r = cli('diff', 'staging', 'development', '--environments-dir', dir);
    expect(r.out).toMatch(/^config\.FEATURE_X +on +\(unset\)$/m);
  });

  test('bad arguments: unknown environment, missing argument, invalid files', () => {
    const unknown = cli('diff', 'staging', 'qa');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("argument 'envB'. Allowed choices are");
    expect(cli('diff', 'staging').code).toBe(2);
    const dir = environmentsCopy({ 'production.yaml': (t) => t.replace('replicas: 10', 'replicas: ten') });
    const invalid = cli('diff', 'staging', 'production', '--environments-dir', dir);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toMatch(/error: cannot diff: invalid configuration \(run validate\)\n.*production\.yaml:\d+: services\.exam-service\.replicas/);
  });
});
