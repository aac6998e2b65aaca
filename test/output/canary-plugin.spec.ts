/**
 * The production canary's HTTPRoute through a whole rollout, as the controllers change it, and
 * what Argo CD makes of those changes.
 *
 * The route changes are a model of upstream code, pinned here:
 * - argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi v0.15.0, pkg/plugin/httproute.go:
 *   setHTTPRouteWeight (weights on every non-managed rule's stable/canary backendRefs, both
 *   required), setHTTPHeaderRoute (one rule per source rule that lists both Services, named
 *   `<name>`, `<name>-<n>`, the source's matches with the header match appended, the canary
 *   Service as its only backend), removeHTTPManagedRoutes; pkg/plugin/labels.go
 *   ensureInProgressLabel; pkg/plugin/plugin.go isManagedRuleName.
 * - argoproj/argo-rollouts v1.9.1, rollout/trafficrouting.go reconcileTrafficRouting: the
 *   header route is set while the current step is its setHeaderRoute step and stays until the
 *   rollout is fully promoted or aborted (RemoveManagedRoutes), SetWeight runs on every
 *   reconcile; rollout/canary.go: a setHeaderRoute step completes at once.
 * - argoproj/argo-cd v3.5.1, util/argo/normalizers/diff_normalizer.go: each jqPathExpression is
 *   applied as `del(<expression>)` (gojq; the real jq engine runs it here) and each JSON pointer
 *   removed, on both the desired and the live object, before they are compared.
 * - Gateway API v1.6.1 (HTTPRoute spec, "matching precedence"): among matching rules, the longer
 *   path match wins, then the rule with more header matches.
 */
import type { CanaryStrategy, HttpRouteRule } from '../../lib/analysis/gateway-routing';
import { isManagedRuleName } from '../../lib/analysis/gateway-routing';
import { synthesized } from '../support/synthesized';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;
interface Jq {
  json(value: unknown, filter: string): unknown;
}

const { objects } = synthesized();
const all = objects.map((o) => o.object);
const rollout = all.find((o) => o.kind === 'Rollout' && o.metadata.namespace === 'exam-system' && (o.spec as Obj).strategy.canary) as Obj;
const canary = rollout.spec.strategy.canary as CanaryStrategy & Obj;
const desired = all.find((o) => o.kind === 'HTTPRoute' && o.metadata.namespace === 'exam-system' && o.metadata.name === 'exam-service') as Obj;
const application = all.find((o) => o.kind === 'Application' && o.metadata.name === 'exam-production') as Obj;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const managedNames = (canary.trafficRouting!.managedRoutes ?? []).map((m: { name: string }) => m.name);
const IN_PROGRESS = 'rollouts.argoproj.io/gatewayapi-canary';

// ---------------------------------------------------------------------------------------------
// The plugin (v0.15.0, pkg/plugin/httproute.go), on the route's JSON.

const isStructurallyManaged = (rule: HttpRouteRule) => (rule.backendRefs ?? []).length === 1 && rule.backendRefs![0].name === canary.canaryService;

function setWeight(route: Obj, weight: number): Obj {
  const r = clone(route);
  let canaryFound = false;
  let stableFound = false;
  for (const rule of r.spec.rules as Obj[]) {
    if ((rule.name !== undefined && isManagedRuleName(rule.name, managedNames)) || isStructurallyManaged(rule)) continue;
    for (const b of rule.backendRefs ?? []) {
      if (b.name === canary.canaryService) [b.weight, canaryFound] = [weight, true];
      if (b.name === canary.stableService) [b.weight, stableFound] = [100 - weight, true];
    }
  }
  if (!canaryFound || !stableFound) throw new Error('backendRef was not found in httpRoute');
  r.metadata.labels = { ...r.metadata.labels };
  if (weight === 0) delete r.metadata.labels[IN_PROGRESS];
  else r.metadata.labels[IN_PROGRESS] = 'in-progress';
  return r;
}

function removeManagedRoutes(route: Obj): Obj {
  const r = clone(route);
  r.spec.rules = (r.spec.rules as Obj[]).filter((rule) => !((rule.name !== undefined && isManagedRuleName(rule.name, managedNames)) || isStructurallyManaged(rule)));
  return r;
}

function setHeaderRoute(route: Obj, step: { name: string; match?: { headerName: string; headerValue: { exact: string } }[] }): Obj {
  if (step.match === undefined) return removeManagedRoutes(route);
  const r = clone(route);
  const headers = step.match.map((m) => ({ name: m.headerName, type: 'Exact', value: m.headerValue.exact }));
  const names = (rule: Obj) => (rule.backendRefs ?? []).map((b: Obj) => b.name);
  const sources = (r.spec.rules as Obj[]).filter((rule) => names(rule).includes(canary.canaryService) && names(rule).includes(canary.stableService));
  if (sources.length === 0) throw new Error('backendRef was not found in httpRoute');
  const managed = sources.map((src, idx) => ({
    name: idx === 0 ? step.name : `${step.name}-${idx}`,
    matches: (src.matches ?? []).length === 0 ? [{ headers }] : src.matches.map((m: Obj) => ({ path: m.path, headers: [...(m.headers ?? []), ...headers] })),
    ...(src.filters ? { filters: clone(src.filters) } : {}),
    backendRefs: [{ group: '', kind: 'Service', name: canary.canaryService, port: src.backendRefs.find((b: Obj) => b.name === canary.canaryService).port }],
  }));
  r.spec.rules = [...(r.spec.rules as Obj[]).filter((rule) => !(rule.name !== undefined && isManagedRuleName(rule.name, [step.name]))), ...managed];
  return r;
}

// ---------------------------------------------------------------------------------------------
// Gateway API request matching, for one route.

function matchScore(rule: Obj, req: { path: string; headers: Record<string, string> }): [number, number] | undefined {
  let best: [number, number] | undefined;
  for (const m of rule.matches ?? [{}]) {
    const p = m.path ?? { type: 'PathPrefix', value: '/' };
    const pathOk = p.type === 'Exact' ? req.path === p.value : p.value === '/' || req.path === p.value || req.path.startsWith(`${p.value.replace(/\/$/, '')}/`);
    const headersOk = (m.headers ?? []).every((h: Obj) => Object.entries(req.headers).some(([k, v]) => k.toLowerCase() === h.name.toLowerCase() && v === h.value));
    if (!pathOk || !headersOk) continue;
    const score: [number, number] = [(p.type === 'Exact' ? 1e6 : 0) + p.value.length, (m.headers ?? []).length];
    if (best === undefined || score[0] > best[0] || (score[0] === best[0] && score[1] > best[1])) best = score;
  }
  return best;
}

/** The Services (with their share of traffic) a request reaches through the route. */
function reached(route: Obj, req: { path: string; headers?: Record<string, string> }): Record<string, number> {
  const request = { path: req.path, headers: req.headers ?? {} };
  let winner: Obj;
  let best: [number, number] | undefined;
  for (const rule of route.spec.rules as Obj[]) {
    const s = matchScore(rule, request);
    if (s !== undefined && (best === undefined || s[0] > best[0] || (s[0] === best[0] && s[1] > best[1]))) [winner, best] = [rule, s];
  }
  const refs = (winner!.backendRefs as Obj[]).map((b) => ({ name: b.name, weight: b.weight ?? 1 }));
  const total = refs.reduce((a, b) => a + b.weight, 0);
  return Object.fromEntries(refs.filter((b) => b.weight > 0).map((b) => [b.name, Math.round((100 * b.weight) / total)]));
}

// ---------------------------------------------------------------------------------------------
// Argo CD's normalization (diff_normalizer.go) with the Application's ignoreDifferences.

let jq: Jq;
beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  jq = await (require('jq-web') as Promise<Jq>);
});

function normalize(route: Obj): Obj {
  let out = clone(route);
  const entries = (application.spec.ignoreDifferences as Obj[]).filter(
    (d) => d.group === 'gateway.networking.k8s.io' && d.kind === 'HTTPRoute' && d.name === route.metadata.name && d.namespace === route.metadata.namespace,
  );
  for (const d of entries) {
    for (const expr of d.jqPathExpressions ?? []) out = jq.json(out, `del(${expr})`);
    for (const pointer of d.jsonPointers ?? []) {
      const keys = (pointer as string).split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
      const parent = keys.slice(0, -1).reduce((o: Obj, k) => (o === undefined ? undefined : o[k]), out);
      if (parent !== undefined) delete parent[keys[keys.length - 1]];
    }
  }
  return out;
}

/** Whether Argo CD reports the live route as in sync with git. */
const inSync = (live: Obj, want: Obj = desired) => JSON.stringify(normalize(live)) === JSON.stringify(normalize(want));

/** The route after each step of the Rollout, from a fully promoted start. */
function walk(): { step: Obj; route: Obj }[] {
  let live = setWeight(clone(desired), 0);
  const out: { step: Obj; route: Obj }[] = [];
  for (const step of canary.steps as Obj[]) {
    if (step.setWeight !== undefined) live = setWeight(live, step.setWeight);
    if (step.setHeaderRoute !== undefined) live = setHeaderRoute(live, step.setHeaderRoute);
    // SetWeight runs on every reconcile with the last setWeight's value (trafficrouting.go).
    out.push({ step, route: live });
  }
  return out;
}

describe('the production canary route through a rollout (plugin v0.15.0, Argo Rollouts v1.9.1, Argo CD v3.5.1)', () => {
  const steps = walk();

  test('at rest the route is exactly what git says: all traffic on stable, no header rule, no label', () => {
    expect(JSON.stringify(setWeight(desired, 0))).toBe(JSON.stringify(desired));
    expect(reached(desired, { path: '/api/exams' })).toEqual({ 'exam-service-stable': 100 });
    expect(reached(desired, { path: '/api/exams', headers: { 'X-Canary': 'always' } })).toEqual({ 'exam-service-stable': 100 });
  });

  test('each setWeight moves that share of requests to the canary', () => {
    const seen = steps.filter((s) => s.step.setWeight !== undefined).map((s) => reached(s.route, { path: '/api/exams' }));
    expect(seen).toEqual([10, 25, 50, 75].map((w) => ({ 'exam-service-stable': 100 - w, 'exam-service-canary': w })));
  });

  test('from the header step on, X-Canary: always reaches only the canary at every weight, on every path; other values do not', () => {
    const from = steps.findIndex((s) => s.step.setHeaderRoute !== undefined);
    expect(from).toBe(1);
    for (const s of steps.slice(from)) {
      expect(reached(s.route, { path: '/', headers: { 'x-canary': 'always' } })).toEqual({ 'exam-service-canary': 100 });
      expect(reached(s.route, { path: '/api/exams/42/answers', headers: { 'X-Canary': 'always' } })).toEqual({ 'exam-service-canary': 100 });
      expect(reached(s.route, { path: '/api/exams', headers: { 'X-Canary': 'never' } })).not.toEqual({ 'exam-service-canary': 100 });
    }
    const managed = (steps[steps.length - 1].route.spec.rules as Obj[]).filter((r) => r.name === 'canary-by-header');
    expect(managed.length).toBe(1);
  });

  test('Argo CD sees no difference at any step: the Application ignores exactly what the plugin changes, so self-heal reverts nothing', () => {
    for (const s of steps) expect([JSON.stringify(s.step), inSync(s.route)]).toEqual([JSON.stringify(s.step), true]);
    // Without the ignoreDifferences, the same routes would be out of sync (weights, header rule, label).
    const raw = (r: Obj) => JSON.stringify(r) === JSON.stringify(desired);
    expect(steps.map((s) => raw(s.route))).toEqual(steps.map(() => false));
  });

  test('promotion or abort (RemoveManagedRoutes, weight 0) leaves the route exactly as in git', () => {
    const last = steps[steps.length - 1].route;
    // After the last step the canary takes 100% before it becomes stable (index == len(steps)).
    expect(inSync(setWeight(last, 100))).toBe(true);
    expect(reached(setWeight(last, 100), { path: '/' })).toEqual({ 'exam-service-canary': 100 });
    expect(JSON.stringify(setWeight(removeManagedRoutes(last), 0))).toBe(JSON.stringify(desired));
  });

  test('the ignores are narrow: changes to hosts, paths, other backends or hand-written rules still show', () => {
    const live = steps[steps.length - 1].route;
    const changed = (edit: (r: Obj) => void) => {
      const want = clone(desired);
      edit(want);
      return inSync(live, want);
    };
    expect(changed((r) => (r.spec.hostnames = ['api2.exam.yourdomain.com']))).toBe(false);
    expect(changed((r) => (r.spec.rules[0].matches[0].path.value = '/api'))).toBe(false);
    expect(changed((r) => r.spec.rules[0].backendRefs.push({ group: '', kind: 'Service', name: 'exam-service', port: 80, weight: 1 }))).toBe(false);
    expect(changed((r) => r.spec.rules.push({ name: 'maintenance', backendRefs: [{ group: '', kind: 'Service', name: 'exam-service', port: 80 }] }))).toBe(false);
    expect(changed((r) => (r.metadata.labels['app.kubernetes.io/version'] = 'v9'))).toBe(false);
  });

  test('a header step before the first weight would be removed at once: Argo Rollouts removes managed routes while the canary has no available pod', () => {
    const steps = canary.steps as Obj[];
    expect(steps.findIndex((s) => s.setHeaderRoute !== undefined)).toBeGreaterThan(steps.findIndex((s) => s.setWeight !== undefined));
  });
});
