import { analyzeRollouts, formatRolloutTable } from '../../lib/analysis/rollout-timing';
import { synthesized } from '../support/synthesized';
import { environmentsCopy } from '../helpers';
import { cli } from './run-cli';

describe('rollouts', () => {
  test('prints the timing table of the synthesized Rollouts', () => {
    const r = cli('rollouts');
    expect(r.code).toBe(0);
    expect(r.out).toBe(formatRolloutTable(analyzeRollouts(synthesized().objects.map((o) => o.object))));
    expect(r.out).toMatch(/^ROLLOUT +STRATEGY/);
  });

  test('follows the environment files', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => t.replace('exam-service: { tag: v1.13.0-rc.1, replicas: 2 }', 'exam-service: { tag: v1.13.0-rc.1, replicas: 2, strategy: canary }') });
    const r = cli('rollouts', '--environments-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^exam-system-staging\/exam-service-rollout +canary/m);
    expect(cli('rollouts').out).not.toContain('exam-system-staging/');
  });

  test('invalid environments are an input error', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => t.replace('frontend: { tag: v1.13.0-rc.1, replicas: 2 }', 'frontend: { tag: v1.13.0-rc.1, replicas: 2, strategy: linear }') });
    const r = cli('rollouts', '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot synthesize: invalid configuration[\s\S]*services\.frontend\.strategy/);
  });
});
