import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freezesOfPlan } from '../../lib/analysis/freeze';
import { isEmptyPlan, planObjects } from '../../lib/analysis/plan';
import { readManifestDir } from '../../lib/cli/commands/plan';
import { synthObjects } from '../../lib/synth';
import { synthesized } from '../support/synthesized';
import { environmentsCopy } from '../helpers';
import { cli } from './run-cli';

/** A fresh synth written to a scratch folder: the "committed dist/" of these tests. */
function distCopy(): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exam-dist-')), 'dist');
  for (const f of synthesized().files) {
    const target = path.join(dir, ...f.path.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, f.content);
  }
  return dir;
}

describe('plan', () => {
  const dist = distCopy();

  test('a fresh synth against its own output: no differences, exit 0 even with --exit-code', () => {
    const r = cli('plan', '--dist-dir', dist, '--exit-code');
    expect(r).toEqual({ code: 0, out: 'No differences: a fresh synth matches dist/.\n', err: '' });
  });

  test('reads every object under the folder, recursively', () => {
    expect(readManifestDir(dist).length).toBe(synthesized().objects.length);
  });

  test('a changed environment file: the changed fields, old → new, and exit 1 with --exit-code', () => {
    const envs = environmentsCopy({ 'staging.yaml': (t) => t.replace('exam-service: { tag: v1.13.0-rc.1@sha256:3c7cfc42ccdb4992e31033247f768082b6a24dfd94baa6e884b6f272b032fb58, replicas: 2, strategy: canary }', 'exam-service: { tag: v1.13.0-rc.2@sha256:2222222222222222222222222222222222222222222222222222222222222222, replicas: 3, strategy: canary }') });
    const r = cli('plan', '--dist-dir', dist, '--environments-dir', envs, '--exit-code');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Plan against dist\/: 0 to add, \d+ to change, 0 to remove\.$/m);
    expect(r.out).toContain('~ Rollout exam-system-staging/exam-service-rollout  (staging/rollout-exam-service-rollout.yaml)');
    expect(r.out).toContain('    spec.replicas: 2 → 3');
    expect(r.out).toContain(`    spec.template.spec.containers[name=exam-service].image: "ghcr.io/exam-platform/exam-system/exam-service:v1.13.0-rc.1@sha256:3c7cfc42ccdb4992e31033247f768082b6a24dfd94baa6e884b6f272b032fb58" → "ghcr.io/exam-platform/exam-system/exam-service:v1.13.0-rc.2@sha256:${'2'.repeat(64)}"`);
    expect(r.out).not.toContain('exam-system/exam-service  (production');
  });

  test('objects missing on disk are added, objects only on disk are removed', () => {
    const dir = distCopy();
    const configMap = 'staging/configmap-exam-config-staging.yaml';
    fs.rmSync(path.join(dir, ...configMap.split('/')));
    fs.writeFileSync(path.join(dir, 'staging', 'configmap-stale.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stale\n  namespace: exam-system-staging\ndata: {}\n');
    const r = cli('plan', '--dist-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`+ ConfigMap exam-system-staging/exam-config-staging  (${configMap})`);
    expect(r.out).toContain('- ConfigMap exam-system-staging/stale  (staging/configmap-stale.yaml)');
  });

  test('markdown, the pull request summary', () => {
    const envs = environmentsCopy({ 'production.yaml': (t) => t.replace('  LOG_LEVEL: INFO', '  LOG_LEVEL: WARN') });
    const r = cli('plan', '--format', 'markdown', '--dist-dir', dist, '--environments-dir', envs, '--label', 'dist/ on main');
    expect(r.code).toBe(0);
    expect(r.out).toContain('## Manifest plan');
    expect(r.out).toContain('Against dist/ on main: **0 to add, ');
    expect(r.out).toContain('<details><summary><code>ConfigMap exam-system/exam-config-production</code>');
    expect(r.out).toContain('| `data.LOG_LEVEL` | `"INFO"` | `"WARN"` |');
  });

  test('a production change planned inside an exam-session freeze says so; outside one, or for staging, it does not', () => {
    const envs = environmentsCopy({ 'production.yaml': (t) => t.replace('  LOG_LEVEL: INFO', '  LOG_LEVEL: WARN') });
    // Monday 2026-09-07, 08:15 in Shanghai: the morning session (08:00-12:00, frozen from 07:30 to 12:30).
    const during = cli('plan', '--format', 'markdown', '--dist-dir', dist, '--environments-dir', envs, '--at', '2026-09-07T00:15Z');
    expect(during.out).toMatch(/^> \*\*Exam-session freeze at 2026-09-07 00:15 UTC: Argo CD will not sync these changes automatically/);
    expect(during.out).toContain('- exam-production (dist/production): exam session morning (cron "0 8 * * 1-6", 4h, Asia/Shanghai)');
    expect(during.out).toContain('frozen 2026-09-06 23:30 UTC to 2026-09-07 04:30 UTC');
    expect(during.out).toContain('## Manifest plan');
    const text = cli('plan', '--dist-dir', dist, '--environments-dir', envs, '--at', '2026-09-07T04:29Z');
    expect(text.out).toMatch(/^Exam-session freeze at 2026-09-07 04:29 UTC/);
    // The same plan at other moments (what the command computes, without rendering it again).
    const fresh = synthObjects({ environmentsDir: envs }).objects;
    const plan = planObjects(readManifestDir(dist), fresh);
    const frozenAt = (at: string) => freezesOfPlan(plan, fresh.map((o) => o.object), new Date(at)).length;
    expect(frozenAt('2026-09-07T04:29Z')).toBeGreaterThan(0);
    // 12:31 in Shanghai: the cool-down is over.
    expect(frozenAt('2026-09-07T04:31Z')).toBe(0);
    // Sunday: no session.
    expect(frozenAt('2026-09-06T01:00Z')).toBe(0);
    const staging = environmentsCopy({ 'staging.yaml': (t) => t.replace('  LOG_LEVEL: DEBUG', '  LOG_LEVEL: INFO') });
    const stagingFresh = synthObjects({ environmentsDir: staging }).objects;
    const stagingPlan = planObjects(readManifestDir(dist), stagingFresh);
    expect(isEmptyPlan(stagingPlan)).toBe(false);
    expect(freezesOfPlan(stagingPlan, stagingFresh.map((o) => o.object), new Date('2026-09-07T00:15Z'))).toEqual([]);
    expect(cli('plan', '--dist-dir', dist, '--at', 'monday').err).toMatch(/--at monday: expected an ISO 8601 time with a zone/);
  });

  test('bad input: a missing folder, a file that is not a manifest, an unknown format, invalid environments', () => {
    const missing = cli('plan', '--dist-dir', path.join(dist, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope: not a folder/);

    const dir = distCopy();
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'kind: [\n');
    expect(cli('plan', '--dist-dir', dir).err).toMatch(/broken\.yaml: not valid YAML/);
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'just: data\n');
    expect(cli('plan', '--dist-dir', dir).err).toMatch(/broken\.yaml: expected a Kubernetes object/);

    const format = cli('plan', '--format', 'html');
    expect(format.code).toBe(2);
    expect(format.err).toContain("Allowed choices are text, markdown");

    const envs = environmentsCopy({ 'staging.yaml': (t) => t.replace('namespace: exam-system-staging', 'namespace: Staging') });
    const invalid = cli('plan', '--dist-dir', dist, '--environments-dir', envs);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toMatch(/cannot synthesize: invalid configuration/);
  });
});
