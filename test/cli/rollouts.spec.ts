import { analyzeRollouts } from '../../lib/analysis/rollout-timing';
import { MAX_REGRESSION_TO_ABORT_SECONDS } from '../../lib/config/release';
import { synthesized } from '../support/synthesized';
import { environmentsCopy } from '../helpers';
import { cli } from './run-cli';

describe('rollouts', () => {
  test("prints the timing table of the repository's Rollouts", () => {
    const r = cli('rollouts');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ROLLOUT +STRATEGY +STEPS +RELEASE TIME +WORST-CASE ABORT +COVERS RELEASE$/);
    // Production's three Rollouts, each aborting within 180 s and watched for the whole release
    // (staging and hotfix run the same three: docs/decisions.md, The release loop).
    expect(lines.slice(1).filter((l) => l.startsWith('exam-system/')).map((l) => l.split(/ {2,}/))).toEqual([
      ['exam-system/auth-service-rollout', 'blueGreen', expect.stringMatching(/^preview → analysis/), '7m', '180s <= 180s', 'yes'],
      ['exam-system/exam-service-rollout', 'canary', '10%/2m → 25%/5m → 50%/10m → 75%/10m → 100%', '27m', '180s <= 180s', 'yes'],
      ['exam-system/frontend-rollout', 'blueGreen', expect.stringMatching(/^preview → analysis/), '7m', '180s <= 180s', 'yes'],
    ]);
  });

  test('every Rollout is within the 180 s regression-to-abort bound, as the table says; --exit-code passes', () => {
    const rows = analyzeRollouts(synthesized().objects.map((o) => o.object));
    expect(rows.length).toBeGreaterThan(0);
    const r = cli('rollouts', '--exit-code');
    expect(r.code).toBe(0);
    for (const row of rows) {
      expect(row.abortBoundSeconds).toBe(MAX_REGRESSION_TO_ABORT_SECONDS);
      expect(row.worstCaseAbortSeconds).toBeLessThanOrEqual(180);
      expect(r.out).toMatch(new RegExp(`^${row.namespace}/${row.name} .* ${row.worstCaseAbortSeconds}s <= 180s `, 'm'));
    }
  });

  test('follows the environment files', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => t.replace(/(exam-service: \{ tag: [^,]+, replicas: 2), strategy: canary \}/, '$1 }') });
    const r = cli('rollouts', '--environments-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/^exam-system-staging\/exam-service-rollout/m);
    expect(cli('rollouts').out).toMatch(/^exam-system-staging\/exam-service-rollout +canary/m);
  });

  test('invalid environments are an input error', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => t.replace('frontend: { tag: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: 2, strategy: blueGreen }', 'frontend: { tag: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: 2, strategy: linear }') });
    const r = cli('rollouts', '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot synthesize: invalid configuration[\s\S]*services\.frontend\.strategy/);
  });
});
