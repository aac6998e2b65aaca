import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceTag, tagProblem } from '../../lib/cli/commands/set-image';
import { loadEnvironments } from '../../lib/config/load';
import { environmentsCopy } from '../helpers';
import { cli } from './run-cli';

const SHA = '3f2c1e9b7a6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b';

function changedLines(before: string, after: string): { before: string; after: string }[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((l, i) => (l === b[i] ? [] : [{ before: l, after: b[i] }]));
}

describe('set-image <env> <service> <tag>', () => {
  test('a flow-style map: only the tag changes, the map stays flow style, comments survive', () => {
    const dir = environmentsCopy();
    const file = path.join(dir, 'staging.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const r = cli('set-image', 'staging', 'auth-service', SHA, '--environments-dir', dir);
    expect(r).toEqual({ code: 0, out: `staging: auth-service v1.13.0-rc.1 → ${SHA} (staging.yaml)\n`, err: '' });
    const after = fs.readFileSync(file, 'utf8');
    expect(changedLines(before, after)).toEqual([
      { before: '  auth-service: { image: v1.13.0-rc.1@sha256:c29fb1133fe439e1ef7e2d6584c6403a42869641c73a487c02536b5828abaf7b, replicas: 2, strategy: blueGreen }', after: `  auth-service: { tag: ${SHA}, replicas: 2 }` },
    ]);
    expect(after).toContain('# Staging: deployed from develop and release/* (seed §1.2). Argo CD syncs dist/staging.');
    expect(after).toContain('  # Database\n');
    expect(loadEnvironments(dir).find((e) => e.name === 'staging')?.services.find((s) => s.name === 'auth-service')?.tag).toBe(SHA);
  });

  test('a block-style map: only the tag line changes', () => {
    const dir = environmentsCopy();
    const file = path.join(dir, 'production.yaml');
    const before = fs.readFileSync(file, 'utf8');
    expect(cli('set-image', 'production', 'exam-service', SHA, '--environments-dir', dir).code).toBe(0);
    expect(changedLines(before, fs.readFileSync(file, 'utf8'))).toEqual([{ before: '    tag: v1.12.0', after: `    tag: ${SHA}` }]);
  });

  test('a tag YAML would read as a number is quoted, so it stays a string', () => {
    const dir = environmentsCopy();
    const file = path.join(dir, 'staging.yaml');
    const before = fs.readFileSync(file, 'utf8');
    expect(cli('set-image', 'staging', 'frontend', '1234567', '--environments-dir', dir).code).toBe(0);
    expect(changedLines(before, fs.readFileSync(file, 'utf8'))).toEqual([
      { before: '  frontend: { image: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: 2, strategy: blueGreen }', after: '  frontend: { tag: "1234567", replicas: 2 }' },
    ]);
    expect(loadEnvironments(dir).find((e) => e.name === 'staging')?.services.find((s) => s.name === 'frontend')?.tag).toBe('1234567');
  });

  test('quoting style of the existing tag is kept', () => {
    const text = "services:\n  frontend: { tag: 'v1', replicas: 2 } # web\n  exam-service:\n    tag: \"v1\"  # api\n";
    expect(replaceTag(text, 'x.yaml', 'frontend', 'v2')).toBe("services:\n  frontend: { tag: 'v2', replicas: 2 } # web\n  exam-service:\n    tag: \"v1\"  # api\n");
    expect(replaceTag(text, 'x.yaml', 'exam-service', 'v2')).toBe("services:\n  frontend: { tag: 'v1', replicas: 2 } # web\n  exam-service:\n    tag: \"v2\"  # api\n");
  });

  test('setting the tag already there changes nothing', () => {
    const dir = environmentsCopy();
    const file = path.join(dir, 'hotfix.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const r = cli('set-image', 'hotfix', 'frontend', 'v1.12.0', '--environments-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toBe('hotfix: frontend already at v1.12.0; nothing to change\n');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  test.each([
    ['latest', /invalid tag "latest": expected a pinned image tag, not "latest"/],
    ['LATEST', /not "latest"/],
    ['.rc1', /expected a Docker image tag/],
    ['v1 2', /expected a Docker image tag/],
    ['a'.repeat(129), /at most 128 characters/],
  ])('an invalid tag %s is a usage error and the file is untouched', (tag, message) => {
    const dir = environmentsCopy();
    const file = path.join(dir, 'staging.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const r = cli('set-image', 'staging', 'auth-service', tag, '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  test('a tag starting with "-" is rejected by the tag rule, also after "--"', () => {
    const dir = environmentsCopy();
    const r = cli('set-image', '--environments-dir', dir, 'staging', 'auth-service', '--', '-rc1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid tag "-rc1": expected a Docker image tag/);
  });

  test('an unknown environment or service is a usage error listing the choices', () => {
    const env = cli('set-image', 'qa', 'auth-service', SHA);
    expect(env.code).toBe(2);
    expect(env.err).toContain("argument 'env'. Allowed choices are development, staging, hotfix, production");
    const svc = cli('set-image', 'staging', 'payment-service', SHA);
    expect(svc.code).toBe(2);
    expect(svc.err).toContain("argument 'service'. Allowed choices are auth-service, exam-service,");
  });

  test('missing arguments are a usage error', () => {
    expect(cli('set-image', 'staging', 'auth-service').code).toBe(2);
  });

  test('a file that is not valid YAML is an input error and stays as it was', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => `${t}\nservices: {\n` });
    const before = fs.readFileSync(path.join(dir, 'staging.yaml'), 'utf8');
    const r = cli('set-image', 'staging', 'auth-service', SHA, '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/staging\.yaml: not valid YAML/);
    expect(fs.readFileSync(path.join(dir, 'staging.yaml'), 'utf8')).toBe(before);
  });

  test('when the environments are invalid after the edit, the file is restored (exit 1)', () => {
    // production.yaml is broken; the staging edit itself is fine, but the re-validation fails.
    const dir = environmentsCopy({ 'production.yaml': (t) => t.replace('replicas: 10', 'replicas: -10') });
    const file = path.join(dir, 'staging.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const r = cli('set-image', 'staging', 'auth-service', SHA, '--environments-dir', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/staging\.yaml was restored[\s\S]*production\.yaml:\d+: services\.exam-service\.replicas/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  test('tagProblem reuses the schema rule', () => {
    expect(tagProblem(SHA)).toBeUndefined();
    expect(tagProblem('v1.2.3-rc.1_x')).toBeUndefined();
    expect(tagProblem('latest')).toMatch(/not "latest"/);
  });
});

describe('get-image <env> <service>', () => {
  test('prints the tag the file pins', () => {
    expect(cli('get-image', 'production', 'exam-service')).toEqual({ code: 0, out: 'v1.12.0\n', err: '' });
  });

  test('reads the tag set-image wrote', () => {
    const dir = environmentsCopy();
    cli('set-image', 'hotfix', 'question-service', SHA, '--environments-dir', dir);
    expect(cli('get-image', 'hotfix', 'question-service', '--environments-dir', dir).out).toBe(`${SHA}\n`);
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
