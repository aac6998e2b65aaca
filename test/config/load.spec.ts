import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadEnvironments } from '../../lib/config/load';
import { environmentsCopy } from '../helpers';

/** Loads a copy of environments/ with one file edited; returns the error message. */
function problemWith(file: string, edit: (text: string) => string): string {
  const dir = environmentsCopy({ [file]: edit });
  try {
    loadEnvironments(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('environment files: bad input names the file, the field and what is expected', () => {
  test('the repository files are valid', () => {
    expect(loadEnvironments().map((e) => e.name)).toEqual(['development', 'staging', 'hotfix', 'production']);
  });

  test('a wrong type', () => {
    const msg = problemWith('staging.yaml', (t) => t.replace('auth-service: { tag: v1.13.0-rc.1@sha256:c29fb1133fe439e1ef7e2d6584c6403a42869641c73a487c02536b5828abaf7b, replicas: 2, strategy: blueGreen }', 'auth-service: { tag: v1.13.0-rc.1@sha256:c29fb1133fe439e1ef7e2d6584c6403a42869641c73a487c02536b5828abaf7b, replicas: two, strategy: blueGreen }'));
    expect(msg).toMatch(/environments\/staging\.yaml:\d+: services\.auth-service\.replicas: expected a whole number of replicas/);
  });

  test('an unknown key (a typo) lists the keys allowed there', () => {
    const msg = problemWith('staging.yaml', (t) => t.replace('auth-service: { tag: v1.13.0-rc.1@sha256:c29fb1133fe439e1ef7e2d6584c6403a42869641c73a487c02536b5828abaf7b, replicas: 2, strategy: blueGreen }', 'auth-service: { tag: v1.13.0-rc.1@sha256:c29fb1133fe439e1ef7e2d6584c6403a42869641c73a487c02536b5828abaf7b, replica: 2, replicas: 2, strategy: blueGreen }'));
    expect(msg).toMatch(/environments\/staging\.yaml:\d+: services\.auth-service\.replica: unknown key \(a typo\?\); expected one of tag, replicas, strategy, resources, autoscaling$/);
  });

  test('zod\'s wording becomes what was expected', () => {
    const strategy = problemWith('staging.yaml', (t) => t.replace('auth-service: { tag: v1.13.0-rc.1@sha256:c29fb1133fe439e1ef7e2d6584c6403a42869641c73a487c02536b5828abaf7b, replicas: 2, strategy: blueGreen }', 'auth-service: { tag: v1.13.0-rc.1@sha256:c29fb1133fe439e1ef7e2d6584c6403a42869641c73a487c02536b5828abaf7b, replicas: 2, strategy: blue }'));
    expect(strategy).toMatch(/services\.auth-service\.strategy: expected one of rolling, canary, blueGreen$/);
    const ingress = problemWith('staging.yaml', (t) => t.replace(/^ingress:\n( {2}.*\n)+/m, ''));
    expect(ingress).toMatch(/staging\.yaml:1: ingress: missing; expected a map$/);
    const automated = problemWith('staging.yaml', (t) => t.replace('  automated: true', '  automated: sometimes'));
    expect(automated).toMatch(/gitops\.automated: expected boolean, found string$/);
  });

  test('a missing required field', () => {
    const msg = problemWith('production.yaml', (t) => t.replace(/^namespace: exam-system\n/m, ''));
    expect(msg).toMatch(/environments\/production\.yaml:1: namespace: missing; expected a string/);
  });

  test('an invalid Kubernetes name', () => {
    const msg = problemWith('hotfix.yaml', (t) => t.replace('namespace: exam-system-hotfix', 'namespace: Exam_System'));
    expect(msg).toMatch(/environments\/hotfix\.yaml:\d+: namespace: expected a Kubernetes name/);
  });

  test('a malformed resource quantity such as 512MB', () => {
    const msg = problemWith('staging.yaml', (t) =>
      t.replace('exam-service: { tag: v1.13.0-rc.1@sha256:3c7cfc42ccdb4992e31033247f768082b6a24dfd94baa6e884b6f272b032fb58, replicas: 2, strategy: canary }', 'exam-service: { tag: v1.13.0-rc.1@sha256:3c7cfc42ccdb4992e31033247f768082b6a24dfd94baa6e884b6f272b032fb58, replicas: 2, resources: { limits: { cpu: 500m, memory: 512MB } }, strategy: canary }'),
    );
    expect(msg).toMatch(/environments\/staging\.yaml:\d+: services\.exam-service\.resources\.limits\.memory: expected a Kubernetes quantity .*not "512MB"/);
  });

  test('replicas below 0', () => {
    const msg = problemWith('staging.yaml', (t) => t.replace('frontend: { tag: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: 2, strategy: blueGreen }', 'frontend: { tag: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: -1, strategy: blueGreen }'));
    expect(msg).toMatch(/services\.frontend\.replicas: expected replicas >= 0/);
  });

  test.each([
    ['empty', '""', /expected a non-empty image tag/],
    ['latest', 'latest', /expected a pinned image tag, not "latest"/],
  ])('an image tag that is %s', (_label, tag, expected) => {
    const msg = problemWith('staging.yaml', (t) => t.replace(/question-service: \{ tag: [^,]+,/, `question-service: { tag: ${tag},`));
    expect(msg).toMatch(/environments\/staging\.yaml:\d+: services\.question-service\.tag: /);
    expect(msg).toMatch(expected);
  });

  test('an unknown service name', () => {
    const msg = problemWith('staging.yaml', (t) => t.replace('  frontend: {', '  payment-service: { tag: v1, replicas: 1 }\n  frontend: {'));
    expect(msg).toMatch(/services\.payment-service: unknown service "payment-service"; expected one of auth-service/);
  });

  test('a duplicate service', () => {
    const msg = problemWith('staging.yaml', (t) => t.replace('  frontend: {', '  auth-service: { tag: v2, replicas: 1 }\n  frontend: {'));
    expect(msg).toMatch(/environments\/staging\.yaml:\d+:\d+: not valid YAML \(duplicate key "auth-service"\)/);
  });

  test('a file that is not valid YAML', () => {
    const msg = problemWith('development.yaml', (t) => t.replace('config:', 'config: [unclosed'));
    expect(msg).toMatch(/environments\/development\.yaml:\d+:\d+: not valid YAML/);
  });

  test('a missing service', () => {
    const msg = problemWith('staging.yaml', (t) => t.replace(/^ {2}notification-service: .*\n/m, ''));
    expect(msg).toMatch(/services\.notification-service: missing service/);
  });

  test('a name that does not match the file', () => {
    const msg = problemWith('hotfix.yaml', (t) => t.replace('name: hotfix', 'name: staging'));
    expect(msg).toMatch(/environments\/hotfix\.yaml:3: name: expected "hotfix" \(the file name\), found "staging"/);
  });

  test('two environments writing the same data', () => {
    const msg = problemWith('hotfix.yaml', (t) => t.replace('DATABASE_NAME: exam_system_hotfix', 'DATABASE_NAME: exam_system'));
    expect(msg).toMatch(/environments\/production\.yaml:\d+: config: DATABASE_HOST=postgres-prod\.cluster\.local,DATABASE_NAME=exam_system is also used by \S*environments\/hotfix\.yaml:\d+ \(config\)/);
  });

  test('an environment secrets role that is not an IAM role ARN, or one another environment already uses', () => {
    const bad = problemWith('staging.yaml', (t) => t.replace('role: arn:aws:iam::123456789012:role/exam-secrets-staging', 'role: exam-secrets-staging'));
    expect(bad).toMatch(/environments\/staging\.yaml:\d+: secrets\.role: expected an IAM role ARN: arn:aws:iam::<12-digit account id>:role\/<name>/);
    const missing = problemWith('staging.yaml', (t) => t.replace(/^secrets:\n {2}role: .*\n/m, ''));
    expect(missing).toMatch(/environments\/staging\.yaml:\d+: secrets: missing; expected a map/);
    const shared = problemWith('hotfix.yaml', (t) => t.replace('role/exam-secrets-hotfix', 'role/exam-secrets-production'));
    expect(shared).toMatch(/environments\/(hotfix|production)\.yaml:\d+: secrets\.role: secrets\.role arn:aws:iam::123456789012:role\/exam-secrets-production is also used by \S+\/environments\/(hotfix|production)\.yaml:\d+ \(secrets\.role\)/);
  });

  test('a <name>.yaml that names no environment (a typo must not go unnoticed)', () => {
    const dir = environmentsCopy();
    fs.writeFileSync(path.join(dir, 'qa.yaml'), 'name: qa\n');
    expect(() => loadEnvironments(dir)).toThrow(/qa\.yaml: unexpected environment file; expected only development\.yaml/);
  });

  test('every problem in a file is reported at once', () => {
    const msg = problemWith('staging.yaml', (t) => t.replace('replicas: 2 }', 'replicas: -2 }').replace('LOG_LEVEL: DEBUG', 'LOG_LEVEL: 3'));
    expect(msg.split('\n').length).toBeGreaterThanOrEqual(2);
    expect(msg).toMatch(/config\.LOG_LEVEL: expected a string/);
  });
});
