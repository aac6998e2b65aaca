/**
 * `dispatch-payload <type>`: the release workflow's gate. Every malformed payload exits 2 with
 * the field named and produces no request (the workflow records nothing); valid ones become the
 * requests the queue records.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requestsFromEvent } from '../../lib/cli/commands/dispatch-payload';
import { DEFAULT_ENVIRONMENTS_DIR } from '../../lib/config/load';
import { cli } from './run-cli';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const SHA = 'a'.repeat(40);
const REPO = 'ghcr.io/exam-platform/exam-system';
const AT = () => '2026-12-01T10:00:00Z';

const published = (payload: Record<string, unknown> = {}) => ({
  action: 'image-published',
  client_payload: { service: 'exam-service', image: `${REPO}/exam-service:${SHA}@${DIGEST}`, ref: 'refs/heads/develop', sha: SHA, repository: 'exam-platform/exam-service', ...payload },
});
const verified = (payload: Record<string, unknown> = {}) => ({
  action: 'rollout-verified',
  client_payload: { rollout: 'exam-service-rollout', namespace: 'exam-system-staging', service: 'exam-service', image: `${REPO}/exam-service:${SHA}@${DIGEST}`, revision: '4', ...payload },
});
const without = (event: { client_payload: Record<string, unknown> }, key: string) => {
  const { [key]: _gone, ...rest } = event.client_payload;
  return { ...event, client_payload: rest };
};

function run(type: string, event: unknown): ReturnType<typeof cli> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-event-'));
  const file = path.join(dir, 'event.json');
  fs.writeFileSync(file, typeof event === 'string' ? event : JSON.stringify(event));
  return cli('dispatch-payload', type, '--event', file, '--github-output');
}

describe('image-published', () => {
  test('develop → a set-image request for staging, the image as <tag>@<digest>', () => {
    expect(requestsFromEvent('image-published', published(), DEFAULT_ENVIRONMENTS_DIR).requests).toEqual([
      { kind: 'set-image', queue: 'staging', environment: 'staging', service: 'exam-service', image: `${SHA}@${DIGEST}`, source: `exam-platform/exam-service@${SHA} (refs/heads/develop)` },
    ]);
  });

  test.each([
    ['refs/heads/release/1.13', 'staging'],
    ['refs/heads/hotfix/login-fix', 'hotfix'],
  ])('%s → %s', (ref, env) => {
    expect(requestsFromEvent('image-published', published({ ref }), DEFAULT_ENVIRONMENTS_DIR).requests.map((r) => r.queue)).toEqual([env]);
  });

  test.each(['refs/heads/main', 'refs/heads/feature/x', 'refs/tags/v1.13.0'])('%s deploys nothing directly: no request, exit 0', (ref) => {
    const r = run('image-published', published({ ref }));
    expect(r.code).toBe(0);
    expect(r.out).toBe('requests=[]\nqueues=[]\n');
    expect(r.err).toMatch(/deploys nothing directly/);
  });

  test('--github-output prints single-line JSON for $GITHUB_OUTPUT', () => {
    const r = run('image-published', published());
    expect(r.code).toBe(0);
    const [requests, queues] = r.out.trimEnd().split('\n');
    expect(JSON.parse(requests.slice('requests='.length))).toHaveLength(1);
    expect(queues).toBe('queues=["staging"]');
  });
});

describe('rollout-verified', () => {
  test('a healthy staging Rollout → its ledger entry, then a promotion to production', () => {
    expect(requestsFromEvent('rollout-verified', verified(), DEFAULT_ENVIRONMENTS_DIR, AT).requests).toEqual([
      {
        kind: 'record-verified',
        queue: 'verified-staging',
        environment: 'staging',
        service: 'exam-service',
        digest: DIGEST,
        at: '2026-12-01T10:00:00Z',
        evidence: `Rollout exam-system-staging/exam-service-rollout revision 4 completed (every step and analysis passed) running ${SHA}@${DIGEST}`,
      },
      { kind: 'promote', queue: 'production', from: 'staging', to: 'production', service: 'exam-service' },
    ]);
  });
});

describe('manual requests (workflow_dispatch inputs)', () => {
  test('set-image into hotfix; promote every service when none is named', () => {
    expect(requestsFromEvent('set-image', { inputs: { request: 'set-image', environment: 'hotfix', service: 'frontend', image: `v2@${DIGEST}`, from: 'staging' } }, DEFAULT_ENVIRONMENTS_DIR).requests).toEqual([
      { kind: 'set-image', queue: 'hotfix', environment: 'hotfix', service: 'frontend', image: `v2@${DIGEST}`, source: 'workflow_dispatch' },
    ]);
    const all = requestsFromEvent('promote', { inputs: { request: 'promote', environment: 'production', service: '', image: '', from: 'hotfix' } }, DEFAULT_ENVIRONMENTS_DIR).requests;
    expect(all).toHaveLength(7);
    expect(new Set(all.map((r) => r.queue))).toEqual(new Set(['production']));
  });
});

/** Malformed payloads: exit 2, the field and what is expected, nothing requested. */
const MALFORMED: [string, string, unknown, RegExp][] = [
  ['not JSON', 'image-published', '{"client_payload": ', /not valid JSON/],
  ['no client_payload', 'image-published', { action: 'image-published' }, /client_payload: expected an object/],
  ['an unknown service', 'image-published', published({ service: 'payment-service' }), /client_payload\.service: expected one of auth-service, exam-service/],
  ['a missing image', 'image-published', without(published(), 'image'), /client_payload\.image: expected <repository>:<tag>@sha256:<64 lowercase hex> \(string\)/],
  ['a bare tag (no digest)', 'image-published', published({ image: `${REPO}/exam-service:${SHA}` }), /client_payload\.image: expected a digest-pinned image <tag>@sha256:<64 lowercase hex>/],
  ['an upper-case digest', 'image-published', published({ image: `${REPO}/exam-service:${SHA}@sha256:${'A'.repeat(64)}` }), /client_payload\.image: expected a digest sha256:<64 lowercase hex digits>/],
  ['a short digest', 'image-published', published({ image: `${SHA}@sha256:abc` }), /client_payload\.image: expected a digest sha256/],
  ['another service\'s repository', 'image-published', published({ image: `${REPO}/frontend:${SHA}@${DIGEST}` }), /client_payload\.image: expected the repository ghcr\.io\/exam-platform\/exam-system\/exam-service of exam-service, found .*frontend/],
  ['a sender that is not the service\'s repository', 'image-published', published({ repository: 'someone/exam-service' }), /client_payload\.repository: expected exam-platform\/exam-service/],
  ['a missing ref', 'image-published', without(published(), 'ref'), /client_payload\.ref: expected a full git ref such as refs\/heads\/develop/],
  ['a short sha', 'image-published', published({ sha: 'abc1234' }), /client_payload\.sha: expected the 40-hex commit sha/],
  ['an unknown field (a typo)', 'image-published', published({ servce: 'x' }), /client_payload\.servce: unknown field \(a typo\?\)/],
  ['a wrong type', 'image-published', published({ service: 7 }), /client_payload\.service: expected a service name \(string\)/],
  ['the wrong event type', 'image-published', { ...published(), action: 'rollout-verified' }, /action: expected the event type "image-published"/],
  ['a ref with a space', 'image-published', published({ ref: 'refs/heads/de velop' }), /client_payload\.ref: expected a full git ref/],
  ['verification from production', 'rollout-verified', verified({ namespace: 'exam-system' }), /client_payload\.namespace: expected the namespace of staging or hotfix \(exam-system-staging, exam-system-hotfix\), found exam-system/],
  ['a verified image without a digest', 'rollout-verified', verified({ image: `${REPO}/exam-service:${SHA}` }), /client_payload\.image: expected a digest-pinned image/],
  ['a revision that is not a number', 'rollout-verified', verified({ revision: 'four' }), /client_payload\.revision: expected the Rollout revision \(digits\)/],
  ['a time that is not RFC 3339', 'rollout-verified', verified({ at: 'yesterday' }), /client_payload\.at: expected an RFC 3339 UTC time/],
  ['a manual set-image into production', 'set-image', { inputs: { request: 'set-image', environment: 'production', service: 'frontend', image: `v2@${DIGEST}`, from: 'staging' } }, /inputs\.environment: production takes only promoted, verified digests/],
  ['a manual promote of an unknown service', 'promote', { inputs: { request: 'promote', environment: 'production', service: 'frontend, payments', image: '', from: 'staging' } }, /inputs\.service: unknown service payments/],
];

describe('malformed payloads: exit 2, the field named, nothing requested', () => {
  test.each(MALFORMED)('%s', (_label, type, event, message) => {
    const r = run(type, event);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });

  test('there are at least 8 of them, each failing for its own reason', () => {
    expect(MALFORMED.length).toBeGreaterThanOrEqual(8);
    expect(new Set(MALFORMED.map(([, , , m]) => m.source)).size).toBe(MALFORMED.length);
  });

  test('every problem of a payload is named at once', () => {
    const r = run('image-published', published({ service: 'nope', sha: 'x', ref: 'develop' }));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/client_payload\.service:[\s\S]*client_payload\.ref:[\s\S]*client_payload\.sha:/);
  });

  test('no event file is a usage error', () => {
    const r = cli('dispatch-payload', 'image-published', '--event', path.join(os.tmpdir(), 'no-such-event.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no-such-event\.json: not found; expected the event JSON/);
    expect(cli('dispatch-payload', 'push-event', '--event', 'x').code).toBe(2);
  });
});
