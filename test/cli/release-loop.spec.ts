/**
 * The CLI contract of the release loop, every exit code: record-verified (0 recorded or already
 * there, 2 bad input), promote (0 promoted, 1 refused writing nothing, 2 bad input),
 * apply-requests (what the release workflow's render job runs); and the loop end to end, offline:
 * set-image a digest into staging → promote refused → record-verified → promote → synth →
 * production runs that digest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEnvironments } from '../../lib/config/load';
import { loadLedger, parseLedger } from '../../lib/config/ledger';
import { synthObjects } from '../../lib/synth';
import { environmentsCopy } from '../helpers';
import { cli } from './run-cli';

const SHA = '3f2c1e9b7a6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b';
const DIGEST = `sha256:${'5eed'.repeat(16)}`;
const IMAGE = `${SHA}@${DIGEST}`;
const AT = '2026-12-01T10:00:00Z';

const imageOf = (dir: string, env: string, service: string) => loadEnvironments(dir).find((e) => e.name === env)!.services.find((s) => s.name === service)!.tag;
const snapshot = (dir: string) => Object.fromEntries(fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((f) => [f, fs.statSync(path.join(dir, f)).isFile() ? fs.readFileSync(path.join(dir, f), 'utf8') : '(dir)']));

describe('record-verified <env> <service> <digest>', () => {
  test('appends to environments/verified/<env>.yaml (created with its header), which the loader accepts; exit 0', () => {
    const dir = environmentsCopy();
    const r = cli('record-verified', 'staging', 'exam-service', DIGEST, '--at', AT, '--evidence', 'Rollout exam-system-staging/exam-service-rollout revision 4 completed', '--environments-dir', dir);
    expect(r).toEqual({ code: 0, out: `staging: recorded exam-service ${DIGEST} as verified (verified/staging.yaml)\n`, err: '' });
    const text = fs.readFileSync(path.join(dir, 'verified', 'staging.yaml'), 'utf8');
    expect(text).toBe(
      [
        '# Digests that ran healthy in staging: a Rollout completed with its analysis passed.',
        '# Written by `cli record-verified` (append only); `cli promote` copies only these digests.',
        'environment: staging',
        'verified:',
        '  exam-service:',
        `    - digest: ${DIGEST}`,
        `      at: ${AT}`,
        '      evidence: Rollout exam-system-staging/exam-service-rollout revision 4 completed',
        '',
      ].join('\n'),
    );
    expect(loadEnvironments(dir)).toHaveLength(4);
    expect(fs.readdirSync(path.join(dir, 'verified'))).toEqual(['staging.yaml']);
  });

  test('idempotent: the same digest again changes nothing and keeps the first record; another digest appends', () => {
    const dir = environmentsCopy();
    cli('record-verified', 'staging', 'exam-service', DIGEST, '--at', AT, '--environments-dir', dir);
    const file = path.join(dir, 'verified', 'staging.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const again = cli('record-verified', 'staging', 'exam-service', DIGEST, '--at', '2026-12-02T00:00:00Z', '--environments-dir', dir);
    expect(again).toEqual({ code: 0, out: `staging: exam-service ${DIGEST} was already recorded at ${AT}; nothing to change\n`, err: '' });
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    const other = `sha256:${'f'.repeat(64)}`;
    expect(cli('record-verified', 'staging', 'exam-service', other, '--at', AT, '--environments-dir', dir).code).toBe(0);
    expect(loadLedger(dir, 'staging').verified['exam-service']!.map((e) => e.digest)).toEqual([DIGEST, other]);
  });

  test.each([
    [['production', 'exam-service', DIGEST], /argument 'env'\. Allowed choices are staging, hotfix/],
    [['staging', 'payments', DIGEST], /argument 'service'/],
    [['staging', 'exam-service', 'sha256:abc'], /invalid digest "sha256:abc": expected sha256:<64 lowercase hex>/],
    [['staging', 'exam-service', `${SHA}@${DIGEST}`], /invalid digest/],
    [['staging', 'exam-service', DIGEST, '--at', 'now'], /invalid time "now": expected RFC 3339 UTC/],
    [['staging', 'exam-service', DIGEST, '--evidence', ' '], /invalid evidence: expected one non-empty line/],
  ])('bad input %j: exit 2, nothing written', (args, message) => {
    const dir = environmentsCopy();
    const r = cli('record-verified', ...args, '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(fs.existsSync(path.join(dir, 'verified', 'staging.yaml'))).toBe(false);
  });

  test('a broken ledger is an input error naming file, line and field; it is left as it was', () => {
    const dir = environmentsCopy();
    fs.mkdirSync(path.join(dir, 'verified'));
    const file = path.join(dir, 'verified', 'staging.yaml');
    fs.writeFileSync(file, 'environment: staging\nverified:\n  exam-service:\n    - digest: sha256:nope\n      at: 2026-12-01T10:00:00Z\n      evidence: x\n');
    const before = fs.readFileSync(file, 'utf8');
    const r = cli('record-verified', 'staging', 'exam-service', DIGEST, '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/verified\/staging\.yaml:4: verified\.exam-service\.0\.digest: expected sha256:<64 lowercase hex>/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  test('the ledger refuses an environment that does not verify', () => {
    expect(() => parseLedger('verified/production.yaml', 'environment: production\nverified: {}\n', 'production')).toThrow(/only staging and hotfix verify releases/);
  });
});

describe('promote <from> <to> [--service <name>]...', () => {
  function staged(): string {
    const dir = environmentsCopy();
    expect(cli('set-image', 'staging', 'exam-service', IMAGE, '--environments-dir', dir).code).toBe(0);
    return dir;
  }

  test('refuses (exit 1) an unverified digest, naming each, and writes nothing', () => {
    const dir = staged();
    const before = snapshot(dir);
    const r = cli('promote', 'staging', 'production', '--service', 'exam-service', '--service', 'frontend', '--environments-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('refused: production takes only digests verified in staging; nothing written. Not verified:');
    expect(r.err).toContain(`  exam-service: ${IMAGE} (record it with: record-verified staging exam-service ${DIGEST})`);
    expect(r.err).toMatch(/ {2}frontend: v1\.13\.0-rc\.1@sha256:d10e9146/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('one unverified service refuses the whole promotion, even when the others are verified', () => {
    const dir = staged();
    cli('record-verified', 'staging', 'exam-service', DIGEST, '--at', AT, '--environments-dir', dir);
    const before = snapshot(dir);
    const r = cli('promote', 'staging', 'production', '--service', 'exam-service', '--service', 'auth-service', '--environments-dir', dir);
    expect(r.code).toBe(1);
    expect(r.err).not.toContain('  exam-service:');
    expect(r.err).toContain('  auth-service:');
    expect(snapshot(dir)).toEqual(before);
  });

  test('with every selected digest verified: copies tag and digest, prints what changed (exit 0); again: nothing to change', () => {
    const dir = staged();
    cli('record-verified', 'staging', 'exam-service', DIGEST, '--at', AT, '--environments-dir', dir);
    const old = imageOf(dir, 'production', 'exam-service');
    const r = cli('promote', 'staging', 'production', '--service', 'exam-service', '--environments-dir', dir);
    expect(r).toEqual({ code: 0, out: `production: exam-service ${old} → ${IMAGE}\n`, err: '' });
    expect(imageOf(dir, 'production', 'exam-service')).toBe(IMAGE);
    expect(imageOf(dir, 'production', 'frontend')).toBe(imageOf(environmentsCopy(), 'production', 'frontend'));
    expect(cli('promote', 'staging', 'production', '--service', 'exam-service', '--environments-dir', dir)).toEqual({ code: 0, out: 'production: already runs these images from staging; nothing to change\n', err: '' });
  });

  test('every service when none is named: refused until each digest is verified', () => {
    const dir = staged();
    const r = cli('promote', 'staging', 'production', '--environments-dir', dir);
    expect(r.code).toBe(1);
    expect(r.err.match(/^ {2}[a-z-]+: /gm)).toHaveLength(7);
    for (const s of loadEnvironments(dir).find((e) => e.name === 'staging')!.services) {
      cli('record-verified', 'staging', s.name, s.tag.split('@')[1], '--at', AT, '--environments-dir', dir);
    }
    const ok = cli('promote', 'staging', 'production', '--environments-dir', dir);
    expect(ok.code).toBe(0);
    expect(ok.out.trimEnd().split('\n')).toHaveLength(7);
    for (const s of loadEnvironments(dir).find((e) => e.name === 'staging')!.services) expect(imageOf(dir, 'production', s.name)).toBe(s.tag);
  });

  test.each([
    [['staging', 'staging'], /expected two different environments/],
    [['production', 'staging'], /production verifies nothing; expected a source among staging, hotfix/],
    [['development', 'staging'], /development verifies nothing/],
    [['staging', 'production', '--service', 'payments'], /unknown service payments; expected one of auth-service/],
    [['staging', 'qa'], /argument 'to'\. Allowed choices are development, staging, hotfix, production/],
  ])('bad input %j: exit 2', (args, message) => {
    const dir = staged();
    const before = snapshot(dir);
    const r = cli('promote', ...args, '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('apply-requests <queue> --requests-dir <dir> (the release workflow\'s render job)', () => {
  function queue(files: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-queue-'));
    for (const [f, request] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), JSON.stringify(request));
    }
    return dir;
  }

  test('production applies the pending ledger entries first, then the promotions; meta lists what main already satisfies', () => {
    const envs = environmentsCopy();
    cli('set-image', 'staging', 'exam-service', IMAGE, '--environments-dir', envs);
    const frontend = imageOf(envs, 'production', 'frontend');
    const requests = queue({
      'verified-staging/exam-service.json': { kind: 'record-verified', queue: 'verified-staging', environment: 'staging', service: 'exam-service', digest: DIGEST, at: AT, evidence: 'Rollout exam-system-staging/exam-service-rollout revision 4 completed' },
      'production/exam-service.json': { kind: 'promote', queue: 'production', from: 'staging', to: 'production', service: 'exam-service' },
      'production/auth-service.json': { kind: 'promote', queue: 'production', from: 'staging', to: 'production', service: 'auth-service' },
    });
    const meta = path.join(requests, 'meta.json');
    const r = cli('apply-requests', 'production', '--requests-dir', requests, '--queue-commit', 'c0ffee', '--meta', meta, '--environments-dir', envs);
    expect(r.code).toBe(0);
    expect(r.out).toContain('## release(production): exam-service');
    expect(r.out).toContain('Needs a review by the code owners of production.');
    expect(r.out).toMatch(/\| `production\/auth-service\.json` \| promote \| refused \| production: auth-service .* is not verified in staging; waiting \|/);
    expect(imageOf(envs, 'production', 'exam-service')).toBe(IMAGE);
    expect(imageOf(envs, 'production', 'frontend')).toBe(frontend);
    expect(JSON.parse(fs.readFileSync(meta, 'utf8'))).toMatchObject({ queue: 'production', queueCommit: 'c0ffee', title: 'release(production): exam-service', autoMerge: false, satisfied: [] });
    // Rendered again (main now has it): satisfied, so the queue drops it; the refused one waits.
    cli('apply-requests', 'production', '--requests-dir', requests, '--meta', meta, '--environments-dir', envs);
    expect(JSON.parse(fs.readFileSync(meta, 'utf8')).satisfied).toEqual(['production/exam-service.json']);
  });

  test('staging and ledger queues merge on their own', () => {
    const envs = environmentsCopy();
    const requests = queue({ 'staging/frontend.json': { kind: 'set-image', queue: 'staging', environment: 'staging', service: 'frontend', image: IMAGE, source: 'exam-platform/frontend@x (refs/heads/develop)' } });
    const meta = path.join(requests, 'meta.json');
    expect(cli('apply-requests', 'staging', '--requests-dir', requests, '--meta', meta, '--environments-dir', envs).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(meta, 'utf8'))).toMatchObject({ title: 'release(staging): frontend', autoMerge: true });
    expect(imageOf(envs, 'staging', 'frontend')).toBe(IMAGE);
    expect(cli('apply-requests', 'verified-staging', '--requests-dir', requests, '--meta', meta, '--environments-dir', envs).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(meta, 'utf8'))).toMatchObject({ title: 'verified(staging): nothing new', autoMerge: true });
  });

  test.each([
    ['not JSON', { 'staging/frontend.json': '{' }, /staging\/frontend\.json: not valid JSON/],
    ['not a request', { 'staging/frontend.json': { kind: 'deploy' } }, /staging\/frontend\.json: not a release request/],
    ['a request filed under another service', { 'staging/frontend.json': { kind: 'set-image', queue: 'staging', environment: 'staging', service: 'auth-service', image: IMAGE, source: 'x' } }, /expected queue "staging" and file <service>\.json/],
  ])('a tampered queue (%s) is an input error (exit 2)', (_label, files, message) => {
    const requests = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-queue-'));
    for (const [f, v] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(requests, f)), { recursive: true });
      fs.writeFileSync(path.join(requests, f), typeof v === 'string' ? v : JSON.stringify(v));
    }
    const r = cli('apply-requests', 'staging', '--requests-dir', requests, '--environments-dir', environmentsCopy());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe('a release, end to end, offline (README "A release, end to end")', () => {
  test('set-image a digest into staging → promote refused → record-verified → promote → synth → production runs that digest', () => {
    const dir = environmentsCopy();
    expect(cli('set-image', 'staging', 'exam-service', IMAGE, '--environments-dir', dir).code).toBe(0);
    const refused = cli('promote', 'staging', 'production', '--service', 'exam-service', '--environments-dir', dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`exam-service: ${IMAGE}`);
    expect(cli('record-verified', 'staging', 'exam-service', DIGEST, '--environments-dir', dir).code).toBe(0);
    expect(cli('promote', 'staging', 'production', '--service', 'exam-service', '--environments-dir', dir).code).toBe(0);
    const { objects } = synthObjects({ environmentsDir: dir });
    const images = (ns: string) =>
      objects
        .filter((o) => o.object.kind === 'Rollout' && o.object.metadata.namespace === ns && o.object.metadata.name === 'exam-service-rollout')
        .map((o) => (o.object as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers[0].image);
    expect(images('exam-system')).toEqual([`ghcr.io/exam-platform/exam-system/exam-service:${IMAGE}`]);
    expect(images('exam-system-staging')).toEqual(images('exam-system'));
  });
});

describe('validate checks the ledgers too', () => {
  test('a valid ledger is reported; a broken one fails the check (exit 1) naming file, line and field', () => {
    const dir = environmentsCopy();
    cli('record-verified', 'staging', 'exam-service', DIGEST, '--at', AT, '--environments-dir', dir);
    const ok = cli('validate', '--environments-dir', dir);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/verified\/staging\.yaml: valid \(1 verified digest\)/);
    const file = path.join(dir, 'verified', 'staging.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`at: ${AT}`, 'at: yesterday'));
    const bad = cli('validate', '--environments-dir', dir);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/verified\/staging\.yaml:\d+: verified\.exam-service\.0\.at: expected an RFC 3339 UTC time/);
  });
});
