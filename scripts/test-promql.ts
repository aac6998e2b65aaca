/**
 * npm run test:promql — the synthesized PromQL, judged by the Prometheus engine itself.
 *
 * 1. AnalysisTemplates: every metric of every template in every namespace, with the arguments
 *    the synthesized Rollouts pass (or an example Service where no Rollout uses it), is run by
 *    `promtool test rules` on synthetic series. Argo's success and failure conditions become
 *    `(<query>) OP bool THRESHOLD` (see conditionAsPromQL), so whether a measurement passes,
 *    fails or is inconclusive is computed by Prometheus from the synthesized query and the
 *    synthesized threshold; the cases only state what should happen:
 *    a healthy release passes; 10% of requests failing fails success-rate; a p95 of about 2 s
 *    fails response-time; errors of another Service or environment do not leak in; no traffic
 *    and not-yet-scraped pods are inconclusive; a preview pod that is down fails preview-health.
 * 2. PrometheusRules: `promtool check rules` on each rule file (the CR's spec), then
 *    `promtool test rules` unit tests in which each alert fires exactly when its service breaches
 *    its threshold (taken from the rule's expression), waits out its `for:`, and ignores the
 *    other services and environments.
 *
 * Needs promtool on PATH (Debian/Ubuntu: apt-get install prometheus). Exits non-zero on any
 * failure, and when promtool is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { compare, conditionAsPromQL, labelMatchers, parseGuardedCondition, substituteArgs, topLevelComparison } from '../lib/analysis/promql';
import { PREVIEW_UP_METRIC, RESPONSE_TIME_METRIC, SUCCESS_RATE_METRIC } from '../lib/constructs/analysis-templates';
import { ALERT_NAMES, AlertKind } from '../lib/constructs/exam-alerts';
import { METRICS } from '../lib/config/slo';
import { KubeObject } from '../lib/output/render';
import { synthInMemory } from '../lib/synth';

// ---------------------------------------------------------------------------------------------
// promtool

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function promtool(bin: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8' });
  if (r.error) return { ok: false, output: String(r.error) };
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

function promtoolAsync(bin: string, args: string[], cwd: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => resolve({ ok: false, output: String(err) }));
    child.on('close', (code) => resolve({ ok: code === 0, output: output.trim() }));
  });
}

/** A `promtool test rules` run to make; `problem` is a failure found before running it. */
interface Job {
  readonly section: string;
  readonly subject: string;
  readonly cases: number;
  readonly file: string;
  readonly problem?: string;
}

/** Runs the jobs a few at a time (promtool is single-threaded); results in job order. */
async function runJobs(bin: string, dir: string, jobs: readonly Job[]): Promise<Check[]> {
  const results: Check[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++) {
      const job = jobs[i];
      const r = await promtoolAsync(bin, ['test', 'rules', job.file], dir);
      const ok = r.ok && job.problem === undefined;
      results[i] = { section: job.section, subject: job.subject, cases: job.cases, ok, output: job.problem === undefined ? r.output : `${r.output}\n${job.problem}` };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(os.cpus().length, 8)) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Synthetic series (30 s apart, like the scrape interval; 20 minutes; evaluated at 10 minutes)

const STEP = '30s';
const POINTS = 40;
const EVAL_AT = '10m';
/** Requests per step of a service with traffic. */
const REQUESTS_PER_STEP = 1000;
/** Prometheus' default histogram buckets (client libraries' DefBuckets). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const PODS = 4;

interface InputSeries {
  series: string;
  values: string;
}

/** How one Service behaves in a scenario. */
interface Behaviour {
  /** Requests per step; 0: series exist but no traffic (idle). */
  readonly requests: number;
  /** Share of requests answered 5xx. */
  readonly errorFraction: number;
  /** The p95 latency the histogram encodes, in seconds. */
  readonly p95: number;
  /** Pods answering their scrape, of PODS. */
  readonly podsUp: number;
}

const HEALTHY: Behaviour = { requests: REQUESTS_PER_STEP, errorFraction: 0.005, p95: 0.15, podsUp: PODS };
const BROKEN: Behaviour = { requests: REQUESTS_PER_STEP, errorFraction: 0.5, p95: 4, podsUp: 1 };

function selector(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

function counter(perStep: number): string {
  return `0+${Number(perStep.toFixed(6))}x${POINTS}`;
}

/**
 * Cumulative bucket shares such that histogram_quantile(0.95) interpolates to exactly `p95`:
 * with the 95th percentile in bucket (lo, hi], share F(lo) = (0.95 - r) / (1 - r) where
 * r = (p95 - lo) / (hi - lo), and F(hi) = 1.
 */
function bucketShares(p95: number): number[] {
  const hiIndex = BUCKETS.findIndex((b) => b >= p95);
  if (hiIndex <= 0) throw new Error(`p95 ${p95}s is outside the synthetic histogram's buckets`);
  const lo = BUCKETS[hiIndex - 1];
  const hi = BUCKETS[hiIndex];
  const r = (p95 - lo) / (hi - lo);
  if (r >= 0.95) throw new Error(`p95 ${p95}s is too close to a bucket bound to encode`);
  const fLo = (0.95 - r) / (1 - r);
  return BUCKETS.map((_b, i) => (i < hiIndex ? (fLo * (i + 1)) / hiIndex : 1));
}

function seriesFor(namespace: string, service: string, b: Behaviour): InputSeries[] {
  const scope = { namespace, service };
  const out: InputSeries[] = [
    { series: selector(METRICS.requests, { ...scope, [METRICS.statusLabel]: '200' }), values: counter(b.requests * (1 - b.errorFraction)) },
    { series: selector(METRICS.requests, { ...scope, [METRICS.statusLabel]: '503' }), values: counter(b.requests * b.errorFraction) },
  ];
  const shares = bucketShares(b.p95);
  BUCKETS.forEach((le, i) => out.push({ series: selector(METRICS.durationBuckets, { ...scope, le: String(le) }), values: counter(b.requests * shares[i]) }));
  out.push({ series: selector(METRICS.durationBuckets, { ...scope, le: '+Inf' }), values: counter(b.requests) });
  for (let pod = 0; pod < PODS; pod++) {
    out.push({ series: selector('up', { ...scope, instance: `10.0.0.${pod + 1}:8000` }), values: `${pod < b.podsUp ? 1 : 0}x${POINTS}` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading the synthesized objects

interface Metric {
  name: string;
  successCondition?: string;
  failureCondition?: string;
  provider: { prometheus?: { query?: string } };
}
interface Template extends KubeObject {
  spec: { args?: { name: string; value?: string }[]; metrics: Metric[] };
}
interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** The argument sets the Rollouts of `namespace` pass to `template`. */
function rolloutArgs(objects: readonly KubeObject[], namespace: string, template: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const ro of objects.filter((o) => o.kind === 'Rollout' && o.metadata.namespace === namespace)) {
    const s = (ro.spec as { strategy: Record<string, Record<string, { templates?: { templateName: string }[]; args?: { name: string; value?: string }[] } | undefined>> }).strategy;
    for (const a of [s.canary?.analysis, s.blueGreen?.prePromotionAnalysis, s.blueGreen?.postPromotionAnalysis]) {
      if (a?.templates?.some((t) => t.templateName === template)) {
        out.push(Object.fromEntries((a.args ?? []).map((x) => [x.name, x.value ?? ''])));
      }
    }
  }
  return out;
}

function neighboursOf(target: string): string[] {
  const base = target.replace(/-(canary|preview)$/, '');
  return [base === target ? `${target}-canary` : base, target === 'notification-service' ? 'question-service' : 'notification-service'];
}

function equalityMatcher(expr: string, label: string): string {
  const values = [...new Set(labelMatchers(expr).filter((m) => m.label === label && m.op === '=').map((m) => m.value))];
  if (values.length !== 1) throw new Error(`expected one ${label}="..." matcher in ${expr}, found ${values.length}`);
  return values[0];
}

// ---------------------------------------------------------------------------------------------
// Analysis scenarios

type Expected = 'pass' | 'fail' | 'no data (NaN)' | 'no data (empty)';

interface AnalysisScenario {
  readonly name: string;
  readonly target?: Behaviour;
  readonly neighbours: Behaviour;
  readonly otherEnvironment: Behaviour;
  readonly expect: Readonly<Record<string, Expected>>;
}

const OTHER_NAMESPACE = 'another-environment';

const ANALYSIS_SCENARIOS: readonly AnalysisScenario[] = [
  {
    name: 'healthy release passes',
    target: HEALTHY,
    neighbours: HEALTHY,
    otherEnvironment: HEALTHY,
    expect: { [SUCCESS_RATE_METRIC]: 'pass', [RESPONSE_TIME_METRIC]: 'pass', [PREVIEW_UP_METRIC]: 'pass' },
  },
  {
    name: '10% of requests failing fails success-rate',
    target: { ...HEALTHY, errorFraction: 0.1 },
    neighbours: HEALTHY,
    otherEnvironment: HEALTHY,
    expect: { [SUCCESS_RATE_METRIC]: 'fail', [RESPONSE_TIME_METRIC]: 'pass', [PREVIEW_UP_METRIC]: 'pass' },
  },
  {
    name: 'p95 of about 2 s fails response-time',
    target: { ...HEALTHY, p95: 2 },
    neighbours: HEALTHY,
    otherEnvironment: HEALTHY,
    expect: { [SUCCESS_RATE_METRIC]: 'pass', [RESPONSE_TIME_METRIC]: 'fail', [PREVIEW_UP_METRIC]: 'pass' },
  },
  {
    name: "errors of another Service or environment do not leak in",
    target: HEALTHY,
    neighbours: BROKEN,
    otherEnvironment: BROKEN,
    expect: { [SUCCESS_RATE_METRIC]: 'pass', [RESPONSE_TIME_METRIC]: 'pass', [PREVIEW_UP_METRIC]: 'pass' },
  },
  {
    name: "another Service's or environment's busier, healthy traffic does not mask a bad release",
    target: { ...HEALTHY, errorFraction: 0.1, p95: 2, podsUp: PODS - 1 },
    neighbours: { ...HEALTHY, requests: REQUESTS_PER_STEP * 10 },
    otherEnvironment: { ...HEALTHY, requests: REQUESTS_PER_STEP * 10 },
    expect: { [SUCCESS_RATE_METRIC]: 'fail', [RESPONSE_TIME_METRIC]: 'fail', [PREVIEW_UP_METRIC]: 'fail' },
  },
  {
    name: 'no traffic is inconclusive',
    target: { ...HEALTHY, requests: 0 },
    neighbours: HEALTHY,
    otherEnvironment: HEALTHY,
    expect: { [SUCCESS_RATE_METRIC]: 'no data (NaN)', [RESPONSE_TIME_METRIC]: 'no data (NaN)', [PREVIEW_UP_METRIC]: 'pass' },
  },
  {
    name: 'pods not scraped yet are inconclusive (others broken)',
    target: undefined,
    neighbours: BROKEN,
    otherEnvironment: BROKEN,
    expect: { [SUCCESS_RATE_METRIC]: 'no data (empty)', [RESPONSE_TIME_METRIC]: 'no data (empty)', [PREVIEW_UP_METRIC]: 'no data (empty)' },
  },
  {
    name: 'a pod down fails preview-health',
    target: { ...HEALTHY, podsUp: PODS - 1 },
    neighbours: HEALTHY,
    otherEnvironment: HEALTHY,
    expect: { [SUCCESS_RATE_METRIC]: 'pass', [RESPONSE_TIME_METRIC]: 'pass', [PREVIEW_UP_METRIC]: 'fail' },
  },
];

function expectedSamples(e: Expected, which: 'success' | 'failure'): { labels: string; value: number }[] {
  switch (e) {
    case 'pass':
      return [{ labels: '{}', value: which === 'success' ? 1 : 0 }];
    case 'fail':
      return [{ labels: '{}', value: which === 'success' ? 0 : 1 }];
    case 'no data (NaN)':
      return [{ labels: '{}', value: 0 }];
    case 'no data (empty)':
      return [];
  }
}

interface Check {
  readonly section: string;
  readonly subject: string;
  readonly cases: number;
  readonly ok: boolean;
  readonly output: string;
}

function analysisJobs(dir: string, objects: readonly KubeObject[]): Job[] {
  const jobs: Job[] = [];
  const templates = objects.filter((o): o is Template => o.kind === 'AnalysisTemplate');
  if (templates.length === 0) throw new Error('no AnalysisTemplate in the synthesized output');
  for (const t of templates) {
    const ns = t.metadata.namespace ?? '';
    const declared = (t.spec.args ?? []).map((a) => a.name);
    const used = rolloutArgs(objects, ns, t.metadata.name);
    const argSets = used.length > 0 ? used : [Object.fromEntries(declared.map((a) => [a, 'exam-service']))];
    for (const args of argSets) {
      const resolved = t.spec.metrics.map((m) => {
        const query = substituteArgs(m.provider.prometheus?.query ?? '', args);
        if (m.successCondition === undefined || m.failureCondition === undefined) {
          throw new Error(`AnalysisTemplate ${ns}/${t.metadata.name} metric ${m.name}: expected both a successCondition and a failureCondition`);
        }
        parseGuardedCondition(m.successCondition);
        return { metric: m, query, namespace: equalityMatcher(query, 'namespace'), service: equalityMatcher(query, 'service') };
      });
      const target = resolved[0].service;
      const tests = ANALYSIS_SCENARIOS.map((sc) => {
        const input: InputSeries[] = [];
        if (sc.target) input.push(...seriesFor(ns, target, sc.target));
        for (const n of neighboursOf(target)) input.push(...seriesFor(ns, n, sc.neighbours));
        input.push(...seriesFor(OTHER_NAMESPACE, target, sc.otherEnvironment));
        return {
          name: sc.name,
          interval: STEP,
          input_series: input,
          promql_expr_test: resolved.flatMap((r) => {
            const expected = sc.expect[r.metric.name];
            if (expected === undefined) throw new Error(`scenario "${sc.name}" has no expectation for metric ${r.metric.name}; add one`);
            return (['success', 'failure'] as const).map((which) => ({
              expr: `# ${t.metadata.name}/${r.metric.name} ${which}Condition, expected ${expected}: ${sc.name}\n${conditionAsPromQL(
                r.query,
                which === 'success' ? r.metric.successCondition! : r.metric.failureCondition!,
              )}`,
              eval_time: EVAL_AT,
              exp_samples: expectedSamples(expected, which),
            }));
          }),
        };
      });
      const argText = Object.entries(args).map(([k, v]) => `${k}=${v}`).join(',');
      const file = `analysis-${ns}-${t.metadata.name}-${argText.replace(/[^a-z0-9-]+/g, '_')}.test.yaml`;
      fs.writeFileSync(path.join(dir, file), stringify({ rule_files: [], evaluation_interval: STEP, tests }, { lineWidth: 0 }));
      jobs.push({ section: 'analysis', subject: `${ns} ${t.metadata.name} (${argText})`, cases: tests.reduce((n, x) => n + x.promql_expr_test.length, 0), file });
    }
  }
  return jobs;
}

// ---------------------------------------------------------------------------------------------
// Alert scenarios

type Problem = 'errors' | 'slow' | 'down';

/** What a service is like when it has `problem`, given the alert thresholds. */
function behaviourWith(problem: Problem | undefined, t: Readonly<Record<AlertKind, number>>): Behaviour {
  const healthy: Behaviour = { requests: REQUESTS_PER_STEP, errorFraction: t.errorRate / 4, p95: t.latency * 0.3, podsUp: PODS };
  switch (problem) {
    case undefined:
      return healthy;
    case 'errors':
      return { ...healthy, errorFraction: Math.min(1, t.errorRate * 2) };
    case 'slow':
      return { ...healthy, p95: t.latency * 2 };
    case 'down':
      return { ...healthy, podsUp: PODS - 1 };
  }
}

/** The value each alert's expression computes for a behaviour (what should fire). */
function trueValues(b: Behaviour): Record<AlertKind, number> {
  return { errorRate: b.errorFraction, successRate: 1 - b.errorFraction, latency: b.p95, availability: b.podsUp / PODS };
}

const KINDS = Object.keys(ALERT_NAMES) as AlertKind[];
const kindOf = (alert: string | undefined): AlertKind | undefined => KINDS.find((k) => ALERT_NAMES[k] === alert);

function expand(template: string, labels: Record<string, string>): string {
  return template.replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_all, name: string) => labels[name] ?? '');
}

function alertJobs(bin: string, dir: string, objects: readonly KubeObject[]): { checks: Check[]; jobs: Job[] } {
  const checks: Check[] = [];
  const jobs: Job[] = [];
  const rules = objects.filter((o) => o.kind === 'PrometheusRule');
  if (rules.length === 0) throw new Error('no PrometheusRule in the synthesized output');
  for (const pr of rules) {
    const ns = pr.metadata.namespace ?? '';
    const groups = (pr.spec as { groups: RuleGroup[] }).groups;
    const rulesFile = `rules-${ns}-${pr.metadata.name}.yaml`;
    fs.writeFileSync(path.join(dir, rulesFile), stringify({ groups }, { lineWidth: 0 }));
    const check = promtool(bin, ['check', 'rules', rulesFile], dir);
    const ruleCount = groups.reduce((n, g) => n + g.rules.length, 0);
    checks.push({ section: 'check rules', subject: `${ns}/${pr.metadata.name}`, cases: ruleCount, ...check });
    if (!check.ok) continue;

    // Every alerting rule, with the service it watches and the threshold it fires at.
    const alerts = groups.flatMap((g) =>
      g.rules.map((r) => {
        const kind = kindOf(r.alert);
        const cmp = topLevelComparison(r.expr);
        if (kind === undefined || cmp === undefined) throw new Error(`${ns} ${g.name}: rule ${r.alert ?? r.record} is not one of the known alerts with a threshold`);
        if (equalityMatcher(r.expr, 'namespace') !== ns) throw new Error(`${ns} ${g.name} ${r.alert}: does not select namespace="${ns}"`);
        return { rule: r, kind, cmp, service: equalityMatcher(r.expr, 'service') };
      }),
    );
    const thresholdOf = (kind: AlertKind) => {
      const values = [...new Set(alerts.filter((a) => a.kind === kind).map((a) => a.cmp.threshold))];
      if (values.length !== 1) throw new Error(`${ns}: alert ${ALERT_NAMES[kind]} has ${values.length} different thresholds`);
      return values[0];
    };
    const thresholds = Object.fromEntries(KINDS.map((k) => [k, thresholdOf(k)])) as Record<AlertKind, number>;
    const services = [...new Set(alerts.map((a) => a.service))];

    for (const service of services) {
      const scenarios: { name: string; problem?: Problem }[] = [
        { name: 'all healthy: nothing fires' },
        { name: `${service} answers with errors`, problem: 'errors' },
        { name: `${service} is slow`, problem: 'slow' },
        { name: `a pod of ${service} is down`, problem: 'down' },
      ];
      const tests = scenarios.map((sc) => {
        const input: InputSeries[] = [];
        const behaviours = new Map(services.map((s) => [s, behaviourWith(s === service ? sc.problem : undefined, thresholds)]));
        for (const [s, b] of behaviours) input.push(...seriesFor(ns, s, b));
        // The same services broken in another environment must not fire this environment's alerts.
        for (const s of services) input.push(...seriesFor(OTHER_NAMESPACE, s, BROKEN));
        const firing = (evalAt: string, afterFor: boolean) =>
          KINDS.map((kind) => ({
            eval_time: evalAt,
            alertname: ALERT_NAMES[kind],
            exp_alerts: afterFor
              ? alerts
                  .filter((a) => a.kind === kind && compare(trueValues(behaviours.get(a.service)!)[kind], a.cmp.op, a.cmp.threshold))
                  .map((a) => {
                    const seriesLabels = { namespace: ns, service: a.service };
                    return {
                      exp_labels: { ...(a.rule.labels ?? {}), ...seriesLabels },
                      exp_annotations: Object.fromEntries(Object.entries(a.rule.annotations ?? {}).map(([k, v]) => [k, expand(v, seriesLabels)])),
                    };
                  })
              : [],
          }));
        // At 1m a breach has not yet lasted `for:` (3m): pending, not firing. At 10m it fires.
        return { name: sc.name, interval: STEP, input_series: input, alert_rule_test: [...firing('1m', false), ...firing(EVAL_AT, true)] };
      });
      const fired = new Set(
        tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.some((x) => x.exp_labels.service === service)).map((a) => a.alertname)),
      );
      const missing = KINDS.filter((k) => alerts.some((a) => a.kind === k && a.service === service) && !fired.has(ALERT_NAMES[k]));
      const file = `alerts-${ns}-${service}.test.yaml`;
      fs.writeFileSync(path.join(dir, file), stringify({ rule_files: [rulesFile], evaluation_interval: STEP, tests }, { lineWidth: 0 }));
      jobs.push({
        section: 'alerts',
        subject: `${ns} ${service} (${[...fired].sort().join(', ')} fire)`,
        cases: tests.reduce((n, t) => n + t.alert_rule_test.length, 0),
        file,
        problem: missing.length === 0 ? undefined : `no scenario makes ${missing.map((k) => ALERT_NAMES[k]).join(', ')} fire`,
      });
    }
  }
  return { checks, jobs };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const bin = findOnPath('promtool');
  if (bin === undefined) {
    console.error(
      'test:promql FAILED: promtool was not found on PATH.\n' +
        'Install it (it ships with the Prometheus server package), e.g. on Debian/Ubuntu:\n' +
        '  apt-get update && apt-get install -y prometheus\n' +
        'then run npm run test:promql again. This suite never passes without promtool.',
    );
    return 2;
  }
  const version = promtool(bin, ['--version'], process.cwd()).output.split('\n')[0];
  console.log(`using ${version}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-promql-'));
  const objects = synthInMemory().objects.map((o) => o.object);
  const alerts = alertJobs(bin, dir, objects);
  const checks = [...alerts.checks, ...(await runJobs(bin, dir, [...analysisJobs(dir, objects), ...alerts.jobs]))];

  const failed = checks.filter((c) => !c.ok);
  for (const c of checks) {
    console.log(`${c.ok ? 'PASS' : 'FAIL'}  ${c.section.padEnd(11)} ${c.subject}  [${c.cases} ${c.section === 'check rules' ? 'rules' : 'checks'}]`);
    if (!c.ok) console.log(c.output.replace(/^/gm, '      '));
  }
  const total = checks.reduce((n, c) => n + c.cases, 0);
  console.log(`\n${checks.length} promtool runs, ${total} checks and rules.`);
  console.log(`promql: ${checks.length - failed.length} passed, ${failed.length} failed`);
  if (failed.length > 0) {
    console.log(`inputs kept for inspection in ${dir}`);
    return 1;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`test:promql FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
