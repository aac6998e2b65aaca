import * as fs from 'node:fs';
import * as path from 'node:path';
import { SERVICE_NAMES } from '../../lib/config/catalog';
import { calendarOccurrences, localTime } from '../../lib/config/calendar';
import { sessionFloors } from '../../lib/config/capacity';
import { renderEnvironmentDocs, serviceRows } from '../../lib/output/environment-docs';
import type { KubeObject } from '../../lib/output/render';
import { synthInMemory } from '../../lib/synth';
import { synthesized } from '../support/synthesized';
import { environmentsCopy } from '../helpers';

const DOCS = path.resolve(__dirname, '..', '..', 'docs', 'environments.md');

describe('docs/environments.md', () => {
  const { environments, objects } = synthesized();
  const kubeObjects = objects.map((o) => o.object);
  const page = renderEnvironmentDocs(environments, kubeObjects);

  test('the committed page is current (run npm run synth and commit docs/)', () => {
    expect(fs.existsSync(DOCS)).toBe(true);
    expect(fs.readFileSync(DOCS, 'utf8')).toBe(page);
  });

  test('has a section, a service table, a traffic diagram and a release flow for every environment', () => {
    for (const env of environments) {
      const section = page.slice(page.indexOf(`\n## ${env.name}\n`), page.indexOf('\n## ', page.indexOf(`\n## ${env.name}\n`) + 1) >>> 0);
      expect(section).toContain(`Namespace \`${env.namespace}\``);
      expect(section).toContain('| Service | Strategy | Replicas | Image tag | Exposure |');
      for (const s of SERVICE_NAMES) expect(section).toMatch(new RegExp(`^\\| ${s} \\| `, 'm'));
      expect(section).toContain('### Traffic');
      expect(section).toContain('### Release flow');
      expect(section.match(/```mermaid\nflowchart LR\n/g)?.length).toBeGreaterThanOrEqual(2);
    }
  });

  test('rows are read from the objects: strategy, replicas (with the HPA), tag and exposure', () => {
    const production = environments.find((e) => e.name === 'production')!;
    const rows = Object.fromEntries(serviceRows(production, kubeObjects).map((r) => [r.service, r]));
    for (const s of production.services) {
      expect(rows[s.name].tag).toBe(s.tag);
      expect(rows[s.name].strategy).toBe(s.strategy);
      const prescaled = sessionFloors(production.calendar, production.name, s.name);
      const scaler = prescaled ? `KEDA, ${Math.max(...prescaled.map((f) => f.desiredReplicas))} in exam sessions` : 'HPA';
      expect(rows[s.name].replicas).toBe(s.autoscaling ? `${s.replicas}–${s.autoscaling.maxReplicas} (${scaler})` : String(s.replicas));
    }
    expect(rows.frontend.exposure).toEqual([`https://${production.ingress.webHost}/`]);
    expect(rows['exam-service'].exposure).toEqual([`https://${production.ingress.apiHost}/`]);
    expect(rows['notification-service'].exposure).toEqual([]);
  });

  test('the page follows the environment files', () => {
    const dir = environmentsCopy({
      'staging.yaml': (t) =>
        t
          .replace('frontend: { tag: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: 2, strategy: blueGreen }', 'frontend: { tag: v9.9.9@sha256:9999999999999999999999999999999999999999999999999999999999999999, replicas: 4, strategy: canary }')
          .replace('question-service: { tag: v1.13.0-rc.1@sha256:0603b136ea61b15f8683a0aefd8e72c8d1fb8998b2f4abad1249b04c0716cf08, replicas: 2 }', 'question-service: { tag: v1.13.0-rc.1@sha256:0603b136ea61b15f8683a0aefd8e72c8d1fb8998b2f4abad1249b04c0716cf08, replicas: 3, strategy: blueGreen }'),
    });
    const other = synthInMemory({ environmentsDir: dir });
    const text = renderEnvironmentDocs(other.environments, other.objects.map((o) => o.object));
    expect(text).toContain('| frontend | Rollout (canary) | 4 | `v9.9.9@sha256:9999999999999999999999999999999999999999999999999999999999999999` | https://staging.exam.yourdomain.com/ |');
    expect(text).toContain('| question-service | Rollout (blue-green) | 3 | `v1.13.0-rc.1@sha256:0603b136ea61b15f8683a0aefd8e72c8d1fb8998b2f4abad1249b04c0716cf08` | internal (ClusterIP) |');
    expect(text).toMatch(/\*\*Canary \(Argo Rollouts\)\*\*: .*frontend \(canary `frontend-canary`/);
    expect(text).toMatch(/\| \[staging\]\(#staging\) \| `exam-system-staging` \| `main` \| automated \| auth-service \(blue-green\), exam-service \(canary\), question-service \(blue-green\), frontend \(canary\) \|/);
  });

  test('traffic: route → service edges from the HTTPRoute objects, service → service edges from the catalog', () => {
    expect(page).toMatch(/route_frontend -->\|"\/"\| svc_frontend/);
    expect(page).toMatch(/route_exam_service -->\|"\/"\| svc_exam_service/);
    expect(page).toContain('route_frontend -->|"/ (X-Preview: always)"| svc_frontend');
    expect(page).toContain('| exam-service | Rollout (canary) | 10–20 (KEDA, 15 in exam sessions) | `v1.12.0@sha256:77d39ce7cf2111e54b2eadebe15aeb5a04125b9e4f83297f28cd01eab8227a74` | https://api.exam.yourdomain.com/ |');
    // development is on no Gateway: nothing exposed.
    const development = page.slice(page.indexOf('\n## development\n'), page.indexOf('\n## staging\n'));
    expect(development).not.toContain('route_');
    expect(development).not.toContain('https://');
    expect(page).toContain('svc_exam_service --> svc_question_service');
    expect(page).not.toContain('svc_question_service --> ');
  });

  test('release flows: canary steps, blue/green preview → analysis → promote, and how the branch reaches Argo CD', () => {
    const production = page.slice(page.indexOf('\n## production\n'));
    expect(production).toContain('Nothing deploys here directly: images arrive by `promote` from `staging` or `hotfix`, only with digests the ledger lists as verified there');
    expect(production).toMatch(/step0\["10% of traffic"\]\n {2}step0 --> step1\["header route: X-Canary: always reaches the canary"\]\n {2}step1 --> step2\["pause 2m"\]/);
    expect(production).toContain('pre-promotion analysis');
    expect(production).toContain('promote by hand');
    const hotfix = page.slice(page.indexOf('\n## hotfix\n'), page.indexOf('\n## production\n'));
    expect(hotfix).toContain("the service repositories' `hotfix/*` ref");
    expect(hotfix).not.toContain('force');
    const development = page.slice(page.indexOf('\n## development\n'), page.indexOf('\n## staging\n'));
    expect(development).toContain('Not deployed by Argo CD');
  });

  test('a service without a workload is an error, not a silent gap', () => {
    const staging = environments.find((e) => e.name === 'staging')!;
    const without = kubeObjects.filter((o: KubeObject) => !(o.metadata.namespace === staging.namespace && o.metadata.name === 'frontend-rollout' && o.kind === 'Rollout'));
    expect(() => renderEnvironmentDocs([staging], without)).toThrow(/exam-system-staging\/frontend: expected exactly one Deployment or Rollout selecting app=frontend, found 0/);
  });

  test('the exam calendar: its sessions, the deny windows as synthesized, and a gantt of the reference week written in the calendar', () => {
    const calendar = environments[0].calendar;
    expect(page).toContain('## Exam calendar');
    expect(page).toContain('| morning | Asia/Shanghai | cron "0 8 * * 1-6" | 4 h | 6000 | production | auth-service 5, exam-service 15, question-service 8 |');
    expect(page).toContain('| `exam-production` in `exam-system` | `30 7 * * 1-6` | 5h | Asia/Shanghai | yes |');
    const gantt = /```mermaid\ngantt\n([\s\S]*?)```/.exec(page)![1];
    expect(gantt).toContain(`title Exam sessions in production, week of ${calendar.referenceWeek} (UTC)`);
    // One session bar per occurrence of the reference week, at its UTC time; each inside its freeze.
    const from = new Date(`${calendar.referenceWeek}T00:00:00Z`);
    const runs = calendarOccurrences(calendar, from, new Date(from.getTime() + 7 * 86_400_000), 'production');
    const bars = [...gantt.matchAll(/^ {2}session \S+ :(\S+ \S+), (\S+ \S+)$/gm)].map((m) => m[1]);
    expect(bars.sort()).toEqual(runs.map((o) => localTime(o.start, 'UTC')).sort());
    expect(bars).toHaveLength(12); // Monday to Saturday, morning and afternoon
    expect([...gantt.matchAll(/:crit, /g)]).toHaveLength(12);
  });
});
