/**
 * Each detector with fixtures that must be found and fixtures that must not. The fixtures are
 * assembled from pieces at run time so that this file itself holds nothing a scanner would flag.
 */
import {
  findConfigMapCredentials,
  findCredentials,
  findLiteralSecretEnv,
  findSecretData,
  isSecretLikeName,
  scanForSecrets,
  shannonEntropy,
} from '../../lib/analysis/secret-scan';

/** A deterministic pseudo-random token (xorshift), so fixtures are stable and not real secrets. */
function token(length: number, alphabet: string, start: number): string {
  let x = start;
  let out = '';
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += alphabet[(x >>> 0) % alphabet.length];
  }
  return out;
}
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const HEX = '0123456789abcdef';
const b64url = (s: string) => Buffer.from(s).toString('base64url');

const fixtures = {
  privateKey: ['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'].join(' '),
  opensshKey: ['-----BEGIN', 'OPENSSH PRIVATE KEY-----'].join(' '),
  publicKey: ['-----BEGIN', 'PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----'].join(' '),
  certificate: ['-----BEGIN', 'CERTIFICATE-----'].join(' '),
  awsKeyId: ['AKIA', 'Q3EGRZ7NJ2K5WXYT'].join(''),
  awsTempKeyId: ['ASIA', 'Z2KX7VQ3LMNPR4ST'].join(''),
  jwt: [b64url('{"alg":"HS256","typ":"JWT"}'), b64url('{"sub":"user-1","iat":1700000000}'), token(43, BASE64.slice(0, 62), 7)].join('.'),
  base64Secret: token(40, BASE64, 42),
  hexSecret: token(48, HEX, 99),
};

describe('isSecretLikeName', () => {
  test.each(['DATABASE_PASSWORD', 'FLAGSMITH_SECRET_KEY', 'SECRET_KEY', 'API_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'DATABASE_URL', 'DB_URL', 'SENTRY_DSN', 'GITHUB_CREDENTIALS', 'dbPassword', 'apiKey', 'REDIS_PASS', 'JWT_SIGNING_KEY', 'SSH_PRIVATE_KEY'])(
    '%s is secret-like',
    (name) => expect(isSecretLikeName(name)).toBe(true),
  );
  test.each(['DATABASE_HOST', 'DATABASE_NAME', 'DATABASE_POOL_SIZE', 'REDIS_HOST', 'API_RATE_LIMIT', 'AWS_REGION', 'S3_BUCKET', 'LOG_LEVEL', 'SECRET_KEY_FILE', 'TOKEN_TTL', 'SECRET_NAME', 'CACHE_KEY_PREFIX', 'PUBLIC_KEY', 'KEYCLOAK_URL', 'MONKEY_MODE', 'GUNICORN_WORKERS'])(
    '%s is not',
    (name) => expect(isSecretLikeName(name)).toBe(false),
  );
});

describe('findCredentials', () => {
  const detectors = (text: string) => findCredentials(text).map((m) => m.detector);

  test.each([
    ['a private key block', fixtures.privateKey, 'private-key'],
    ['an OpenSSH private key block', fixtures.opensshKey, 'private-key'],
    ['an AWS access key id', `aws_access_key_id = ${fixtures.awsKeyId}`, 'aws-access-key-id'],
    ['a temporary AWS access key id', `key: ${fixtures.awsTempKeyId}`, 'aws-access-key-id'],
    ['a JWT', `Authorization: Bearer ${fixtures.jwt}`, 'jwt'],
    ['a password in a URL', ['postgres://exam:', 'S3cr3tPw', '@db.internal:5432/exam'].join(''), 'url-password'],
    ['a Redis URL with only a password', ['redis://:', 'hunter2hunter2', '@redis:6379/0'].join(''), 'url-password'],
    ['password= in a query string', ['jdbc:postgresql://db/exam?user=exam&', 'password=', 'S3cr3tPw'].join(''), 'password-assignment'],
    ['password: in YAML', ['spring:\n  datasource:\n    ', 'password: ', 'S3cr3tPw'].join(''), 'password-assignment'],
    ['"password": in JSON', ['{"db": {"', 'password": "', 'S3cr3tPw"}}'].join(''), 'password-assignment'],
    ['a long random base64 string', `api_token=${fixtures.base64Secret}`, 'high-entropy'],
    ['a long random hex string', `SIGNING=${fixtures.hexSecret}`, 'high-entropy'],
  ])('finds %s', (_what, text, detector) => {
    expect(detectors(text)).toContain(detector);
  });

  test.each([
    ['a public key', fixtures.publicKey],
    ['a certificate', fixtures.certificate],
    ['a URL without credentials', 'http://prometheus.monitoring.svc.cluster.local:9090/api/v1/query'],
    ['a URL whose password is a variable reference', 'postgres://exam:$(DATABASE_PASSWORD)@db:5432/exam'],
    ['a password setting that is a flag', 'require_password: true\npassword_min_length: 12'],
    ['a password taken from a variable', 'password: ${DB_PASSWORD}'],
    ['an image digest', `ghcr.io/exam/app@sha256:${token(64, HEX, 5)}`],
    ['long kebab/snake names and paths', 'kill_switches.disable_new_registrations exam-system-production /etc/falco/rules.d/exam_rules.yaml'],
    ['a PromQL expression', 'sum(rate(http_requests_total{service="exam-service",status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))'],
    ['short random strings', token(20, BASE64, 3)],
    ['a long repetitive string', 'A'.repeat(64)],
  ])('does not flag %s', (_what, text) => {
    expect(findCredentials(text)).toEqual([]);
  });

  test('never repeats the secret in its hint', () => {
    for (const m of findCredentials([fixtures.awsKeyId, fixtures.jwt, fixtures.base64Secret, ['postgres://u:', 'VerySecretPw1', '@h/db'].join('')].join('\n'))) {
      for (const secret of [fixtures.awsKeyId, fixtures.jwt, fixtures.base64Secret, 'VerySecretPw1']) expect(m.hint).not.toContain(secret);
    }
  });

  test('entropy is measured in bits per character', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abab')).toBe(1);
    expect(shannonEntropy(HEX)).toBe(4);
  });
});

const deployment = (env: unknown[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'ns' },
  spec: { template: { spec: { initContainers: [{ name: 'init', env: [] }], containers: [{ name: 'api', env }] } } },
});

describe('findSecretData', () => {
  test('flags a Secret with data or stringData', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: { password: Buffer.from('x').toString('base64') } };
    expect(findSecretData(secret)).toEqual([expect.objectContaining({ object: 'Secret ns/s', path: 'data', rule: 'secret-data' })]);
    expect(findSecretData({ ...secret, data: undefined, stringData: { token: 'x' } })).toEqual([expect.objectContaining({ path: 'stringData' })]);
  });

  test('accepts a Secret without values and ignores other kinds', () => {
    expect(findSecretData({ kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, type: 'kubernetes.io/service-account-token' })).toEqual([]);
    expect(findSecretData({ kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: {} })).toEqual([]);
    expect(findSecretData({ kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data: { password: 'x' } })).toEqual([]);
  });
});

describe('findLiteralSecretEnv', () => {
  test('flags a secret-like name with a literal value, in any container list of any kind', () => {
    const found = findLiteralSecretEnv(deployment([{ name: 'LOG_LEVEL', value: 'INFO' }, { name: 'DATABASE_PASSWORD', value: 'hunter2' }]));
    expect(found).toEqual([expect.objectContaining({ object: 'Deployment ns/api', path: 'spec.template.spec.containers[0].env[1]', rule: 'literal-secret-env' })]);
    expect(found[0].message).not.toContain('hunter2');
    const cronJob = {
      kind: 'CronJob',
      metadata: { name: 'c', namespace: 'ns' },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'API_TOKEN', value: 'abc' }] }] } } } } },
    };
    expect(findLiteralSecretEnv(cronJob)).toHaveLength(1);
    const init = deployment([]);
    init.spec.template.spec.initContainers[0].env = [{ name: 'SECRET_KEY', value: 'x' }] as never;
    expect(findLiteralSecretEnv(init)).toEqual([expect.objectContaining({ path: 'spec.template.spec.initContainers[0].env[0]' })]);
  });

  test('flags a literal value that is itself a credential, whatever the name', () => {
    expect(findLiteralSecretEnv(deployment([{ name: 'UPSTREAM', value: `https://svc:${'Pa55word99'}@api.example.org` }]))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^env UPSTREAM: url-password/) }),
    ]);
  });

  test('accepts secretKeyRef, empty values and harmless names', () => {
    expect(
      findLiteralSecretEnv(
        deployment([
          { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'exam-secrets', key: 'DATABASE_PASSWORD' } } },
          { name: 'SECRET_KEY', value: '' },
          { name: 'SECRET_KEY_FILE', value: '/var/run/secrets/app/key' },
          { name: 'GUNICORN_WORKERS', value: '2' },
        ]),
      ),
    ).toEqual([]);
  });
});

describe('findConfigMapCredentials', () => {
  const cm = (data: Record<string, string>, binaryData?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'ns' }, data, binaryData });

  test.each([
    ['a private key', { 'tls.key': fixtures.privateKey }, /private-key/],
    ['an AWS access key id', { 'credentials.ini': `aws_access_key_id=${fixtures.awsKeyId}` }, /aws-access-key-id/],
    ['a JWT', { TOKEN_HINT: fixtures.jwt }, /jwt/],
    ['a password in a URL', { 'app.properties': ['db.url=postgres://exam:', 'S3cr3tPw', '@db/exam'].join('') }, /url-password/],
    ['a high-entropy string', { 'settings.json': `{"signing": "${fixtures.base64Secret}"}` }, /high-entropy/],
    ['an env-style key with a secret-like name', { REDIS_PASSWORD: 'x' }, /key REDIS_PASSWORD has a secret-like name/],
  ])('flags %s', (_what, data, message) => {
    const found = findConfigMapCredentials(cm(data));
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((f) => f.message).join('\n')).toMatch(message);
    expect(found.every((f) => f.rule === 'configmap-credential' && f.object === 'ConfigMap ns/cfg')).toBe(true);
  });

  test('scans binaryData too', () => {
    expect(findConfigMapCredentials(cm({}, { 'id_rsa': Buffer.from(fixtures.opensshKey).toString('base64') }))).toEqual([
      expect.objectContaining({ path: 'binaryData.id_rsa', message: expect.stringMatching(/^private-key/) }),
    ]);
  });

  test('accepts ordinary configuration', () => {
    const env = cm({
      DATABASE_HOST: 'postgres-prod.cluster.local',
      DATABASE_NAME: 'exam_system',
      REDIS_DB: '0',
      AWS_REGION: 'us-east-1',
      'features.json': '{\n  "features": {\n    "real-time-analytics": { "enabled": true, "kill_switch": true }\n  }\n}\n',
      'falco.yaml': 'json_output: true\nhttp_output:\n  enabled: true\n  url: http://falcosidekick:2801/\n',
    });
    expect(findConfigMapCredentials(env)).toEqual([]);
  });
});

describe('scanForSecrets', () => {
  test('runs every check over every object', () => {
    const found = scanForSecrets([
      { kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, stringData: { a: 'b' } },
      deployment([{ name: 'API_KEY', value: 'k' }]),
      { kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data: { x: fixtures.privateKey } },
      { kind: 'Service', metadata: { name: 'svc', namespace: 'ns' }, spec: {} },
    ]);
    expect(found.map((f) => f.rule)).toEqual(['secret-data', 'literal-secret-env', 'configmap-credential']);
  });
});
