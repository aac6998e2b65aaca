import { configMapKeyProblem, dnsLabelProblem, hostnameProblem, httpUrlProblem, isDnsLabel, isDnsSubdomain, isEnvVarName, labelValueProblem, normalizeHost } from '../../lib/rules/names';

describe('DNS labels (IsDNS1123Label)', () => {
  test.each(['a', 'exam-system', 'a1', '0', 'x'.repeat(63)])('accepts %s', (v) => {
    expect([isDnsLabel(v), dnsLabelProblem(v)]).toEqual([true, undefined]);
  });
  test.each(['', 'Exam', '-a', 'a-', 'a_b', 'a.b', 'x'.repeat(64)])('refuses "%s"', (v) => {
    expect(isDnsLabel(v)).toBe(false);
    expect(dnsLabelProblem(v)).toMatch(/^expected a Kubernetes name/);
  });
});

describe('DNS subdomains (IsDNS1123Subdomain)', () => {
  test.each(['a', 'a.b', 'exam-config-production', 'argoproj.io'])('accepts %s', (v) => expect(isDnsSubdomain(v)).toBe(true));
  test.each(['', '.a', 'a.', 'a..b', 'A.b', `${'a.'.repeat(127)}ab`])('refuses "%s"', (v) => expect(isDnsSubdomain(v)).toBe(false));
});

describe('host names', () => {
  test.each(['exam.yourdomain.com', 'api.exam.dev.localhost', `${'a'.repeat(63)}.example.com`])('accepts %s', (v) => expect(hostnameProblem(v)).toBeUndefined());
  test.each([
    ['10.0.0.1', /not an IP address/],
    ['::1', /not an IP address/],
    [`${'a'.repeat(64)}.example.com`, /labels of at most 63 characters/],
    [`${'abcdefghi.'.repeat(25)}example.com`, /at most 253 characters/],
    ['localhost', /DNS host name/],
    ['Exam.example.com', /DNS host name/],
    ['*.example.com', /DNS host name/],
    ['exam.example.com.', /DNS host name/],
  ])('refuses %s', (v, why) => expect(hostnameProblem(v)).toMatch(why));

  test('normalizeHost folds case and the trailing dot of a fully qualified name', () => {
    expect(normalizeHost('Postgres-Prod.Cluster.Local.')).toBe('postgres-prod.cluster.local');
    expect(normalizeHost('redis')).toBe('redis');
  });
});

describe('ConfigMap keys (IsConfigMapKey)', () => {
  test.each(['LOG_LEVEL', 'features.json', 'a-b', 'x'.repeat(253)])('accepts %s', (v) => expect(configMapKeyProblem(v)).toBeUndefined());
  test.each([
    ['x'.repeat(254), /at most 253 characters, found 254/],
    ['a/b', /ConfigMap key/],
    ['..', /ConfigMap key/],
    ['', /ConfigMap key/],
  ])('refuses %s', (v, why) => expect(configMapKeyProblem(v)).toMatch(why));
});

describe('label values (IsValidLabelValue)', () => {
  test.each(['', 'v1.12.0', '3f9c2ab', 'x'.repeat(63)])('accepts "%s"', (v) => expect(labelValueProblem(v)).toBeUndefined());
  test.each([
    ['x'.repeat(64), /at most 63 characters/],
    ['v1_', /starting and ending alphanumeric/],
    ['_v1', /starting and ending alphanumeric/],
    ['a@b', /starting and ending alphanumeric/],
  ])('refuses %s', (v, why) => expect(labelValueProblem(v)).toMatch(why));
});

describe('environment variable names and http(s) URLs', () => {
  test.each([['LOG_LEVEL', true], ['_X', true], ['A1', true], ['1A', false], ['log_level', false], ['A-B', false], ['', false]])('isEnvVarName(%s) = %s', (name, ok) =>
    expect(isEnvVarName(name)).toBe(ok),
  );
  test.each(['http://prometheus.monitoring.svc:9090', 'https://prom.example.com/prometheus'])('accepts %s', (url) => expect(httpUrlProblem(url)).toBeUndefined());
  test.each([
    ['ftp://prometheus:9090', /found ftp:\/\/$/],
    ['prometheus:9090', /found prometheus:\/\/$/],
    ['http://', /http\(s\) URL such as/],
    ['', /http\(s\) URL such as/],
  ])('refuses %s', (url, why) => expect(httpUrlProblem(url)).toMatch(why));
});
