/**
 * set-image and get-image: images by digest (`<tag>@sha256:<hex>`), bare tags only where the
 * environment allows them, edits that keep every other byte, exit codes 0, 1 and 2.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceTag, tagProblem } from '../../lib/cli/commands/set-image';
import { loadEnvironments } from '../../lib/config/load';
import { environmentsCopy } from '../helpers';
import { cli } from './run-cli';

const SHA = '3f2c1e9b7a6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b';
const DIGEST = `sha256:${'ab12'.repeat(16)}`;
const IMAGE = `${SHA}@${DIGEST}`;

function changedLines(before: string, after: string): { before: string; after: string }[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((l, i) => (l === b[i] ? [] : [{ before: l, after: b[i] }]));
}

function imageOf(dir: string, env: string, service: string): string {
  return loadEnvironments(dir).find((e) => e.name === env)!.services.find((s) => s.name === service)!.tag;
}

describe('set-image <env> <service> <image>', () => {
  test('a flow-style map: only the image changes, the map stays flow style, comments survive', () => {
    const dir = environmentsCopy();
    const file = path.join(dir, 'staging.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const old = imageOf(dir, 'staging', 'auth-service');
    const r = cli('set-image', 'staging', 'auth-service', IMAGE, '--environments-dir', dir);
    expect(r).toEqual({ code: 0, out: `staging: auth-service ${old} → ${IMAGE} (staging.yaml)\n`, err: '' });
    const after = fs.readFileSync(file, 'utf8');
    expect(changedLines(before, after)).toEqual([
      { before: `  auth-service: { tag: ${old}, replicas: 2, strategy: blueGreen }`, after: `  auth-service: { tag: ${IMAGE}, replicas: 2, strategy: blueGreen }` },
    ]);
    expect(after).toContain('# Staging: deployed from develop and release/*. Argo CD syncs dist/staging.');
    expect(after).toContain('  # Database\n');
    expect(imageOf(dir, 'staging', 'auth-service')).toBe(IMAGE);
  });

  test('a block-style map: only the image line changes', () => {
    const dir = environmentsCopy();
    const file = path.join(dir, 'production.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const old = imageOf(dir, 'production', 'exam-service');
    expect(cli('set-image', 'production', 'exam-service', IMAGE, '--environments-dir', dir).code).toBe(0);
    expect(changedLines(before, fs.readFileSync(file, 'utf8'))).toEqual([{ before: `    tag: ${old}`, after: `    tag: ${IMAGE}` }]);
  });

  test('development takes a bare tag; a tag YAML would read as a number is quoted, so it stays a string', () => {
    const dir = environmentsCopy();
    const file = path.join(dir, 'development.yaml');
    const before = fs.readFileSync(file, 'utf8');
    expect(cli('set-image', 'development', 'frontend', '1234567', '--environments-dir', dir).code).toBe(0);
    expect(changedLines(before, fs.readFileSync(file, 'utf8'))).toEqual([
      { before: '  frontend: { tag: v1.13.0-dev.1, replicas: 1 }', after: '  frontend: { tag: "1234567", replicas: 1 }' },
    ]);
    expect(imageOf(dir, 'development', 'frontend')).toBe('1234567');
  });

  test('quoting style of the existing image is kept', () => {
    const text = "services:\n  frontend: { tag: 'v1', replicas: 2 } # web\n  exam-service:\n    tag: \"v1\"  # api\n";
    expect(replaceTag(text, 'x.yaml', 'frontend', 'v2')).toBe("services:\n  frontend: { tag: 'v2', replicas: 2 } # web\n  exam-service:\n    tag: \"v1\"  # api\n");
    expect(replaceTag(text, 'x.yaml', 'exam-service', 'v2')).toBe("services:\n  frontend: { tag: 'v1', replicas: 2 } # web\n  exam-service:\n    tag: \"v2\"  # api\n");
  });

  test('setting the image already there changes nothing (exit 0)', () => {
    const dir = environmentsCopy();
    const file = path.join(dir, 'hotfix.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const current = imageOf(dir, 'hotfix', 'frontend');
    const r = cli('set-image', 'hotfix', 'frontend', current, '--environments-dir', dir);
    expect(r).toEqual({ code: 0, out: `hotfix: frontend already at ${current}; nothing to change\n`, err: '' });
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  test.each(['staging', 'hotfix', 'production'])('a bare tag for %s, which runs images by digest, exits 2 and writes nothing', (env) => {
    const dir = environmentsCopy();
    const file = path.join(dir, `${env}.yaml`);
    const before = fs.readFileSync(file, 'utf8');
    const r = cli('set-image', env, 'auth-service', SHA, '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`invalid image "${SHA}": ${env} runs images by digest; expected ${SHA}@sha256:<64 lowercase hex> (only development take bare tags)`);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test.each([
    ['latest', /invalid image "latest": expected a pinned image tag, not "latest"/],
    [`latest@${DIGEST}`, /not "latest"/],
    ['.rc1', /expected a Docker image tag/],
    ['v1 2', /expected a Docker image tag/],
    ['a'.repeat(129), /at most 128 characters/],
    [`v1@sha256:${"A".repeat(64)}`, /expected a digest sha256:<64 lowercase hex digits>/],
    ["v1@sha256:abc", /expected a digest sha256:<64 lowercase hex digits>/],
    [`v1@md5:${"a".repeat(32)}`, /expected a digest sha256/],
    [`@${DIGEST}`, /expected a non-empty image tag/],
  ])('an invalid image %s is a usage error (exit 2) and the file is untouched', (image, message) => {
    const dir = environmentsCopy();
    const file = path.join(dir, 'staging.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const r = cli('set-image', 'staging', 'auth-service', image, '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  test('an image starting with "-" is rejected by the image rule, also after "--"', () => {
    const dir = environmentsCopy();
    const r = cli('set-image', '--environments-dir', dir, 'staging', 'auth-service', '--', '-rc1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid image "-rc1": expected a Docker image tag/);
  });

  test('an unknown environment or service is a usage error listing the choices', () => {
    const env = cli('set-image', 'qa', 'auth-service', IMAGE);
    expect(env.code).toBe(2);
    expect(env.err).toContain("argument 'env'. Allowed choices are development, staging, hotfix, production");
    const svc = cli('set-image', 'staging', 'payment-service', IMAGE);
    expect(svc.code).toBe(2);
    expect(svc.err).toContain("argument 'service'. Allowed choices are auth-service, exam-service,");
  });

  test('missing arguments are a usage error', () => {
    expect(cli('set-image', 'staging', 'auth-service').code).toBe(2);
  });

  test('a file that is not valid YAML is an input error and stays as it was', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => `${t}\nservices: {\n` });
    const before = fs.readFileSync(path.join(dir, 'staging.yaml'), 'utf8');
    const r = cli('set-image', 'staging', 'auth-service', IMAGE, '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/staging\.yaml: not valid YAML/);
    expect(fs.readFileSync(path.join(dir, 'staging.yaml'), 'utf8')).toBe(before);
  });

  test('when the environments would be invalid after the edit: the file is not written (exit 1)', () => {
    // production.yaml is broken; the staging edit itself is fine, but the re-validation fails.
    const dir = environmentsCopy({ 'production.yaml': (t) => t.replace('replicas: 10', 'replicas: -10') });
    const file = path.join(dir, 'staging.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const r = cli('set-image', 'staging', 'auth-service', IMAGE, '--environments-dir', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/staging\.yaml was not changed[\s\S]*production\.yaml:\d+: services\.exam-service\.replicas/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test('tagProblem is the one image rule, the schema\'s', () => {
    expect(tagProblem(IMAGE)).toBeUndefined();
    expect(tagProblem('v1.2.3-rc.1_x')).toBeUndefined();
    expect(tagProblem('latest')).toMatch(/not "latest"/);
  });
});

describe('get-image <env> <service>', () => {
  test('prints the image the file pins', () => {
    expect(cli('get-image', 'production', 'exam-service')).toEqual({ code: 0, out: expect.stringMatching(/^v1\.12\.0@sha256:[0-9a-f]{64}\n$/), err: '' });
  });

  test('reads the image set-image wrote', () => {
    const dir = environmentsCopy();
    cli('set-image', 'hotfix', 'question-service', IMAGE, '--environments-dir', dir);
    expect(cli('get-image', 'hotfix', 'question-service', '--environments-dir', dir).out).toBe(`${IMAGE}\n`);
  });

  test('bad arguments', () => {
    expect(cli('get-image', 'qa', 'frontend').code).toBe(2);
    expect(cli('get-image', 'staging', 'nope').code).toBe(2);
    const dir = environmentsCopy();
    fs.rmSync(path.join(dir, 'staging.yaml'));
    const missing = cli('get-image', 'staging', 'frontend', '--environments-dir', dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/staging\.yaml: not found/);
  });
});
