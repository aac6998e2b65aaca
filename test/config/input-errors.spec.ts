/**
 * Bad input the API server or the design would refuse is refused when the environment files are
 * loaded, as `file:line: field: expected ...`. Each case edits a copy of environments/ and checks
 * the exact file, line and field.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadEnvironments } from '../../lib/config/load';
import { DiskMemo } from '../../lib/io/disk-memo';
import { PLATFORM_NAMESPACES } from '../../lib/config/namespaces';
import { environmentsCopy } from '../helpers';

/** The 1-based line of the first occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at === -1) throw new Error(`"${needle}" is not in the edited file`);
  return text.slice(0, at).split('\n').length;
}

interface Edited {
  readonly dir: string;
  readonly text: (file: string) => string;
  readonly problems: readonly string[];
}

/** Loads a copy of environments/ with edits; returns the problems (none when it loads). */
function load(edits: Record<string, (text: string) => string>): Edited {
  const dir = environmentsCopy(edits);
  const text = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  try {
    loadEnvironments(dir);
    return { dir, text, problems: [] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { dir, text, problems: err.problems };
  }
}

/** Asserts one problem `<dir>/<file>:<line of marker>: <field>: <message>`. */
function expectProblem(e: Edited, file: string, marker: string, field: string, message: RegExp): void {
  const prefix = `${path.join(e.dir, file)}:${lineOf(e.text(file), marker)}: ${field}: `;
  const match = e.problems.find((p) => p.startsWith(prefix));
  expect([prefix, match === undefined ? e.problems : match.slice(prefix.length)]).toEqual([prefix, expect.stringMatching(message)]);
}

/** Asserts one problem that names both places of a clash (each file with the line of its marker). */
function expectClash(e: Edited, a: readonly [string, string], b: readonly [string, string], message: RegExp): void {
  const places = [a, b].map(([file, marker]) => `${path.join(e.dir, file)}:${lineOf(e.text(file), marker)}`);
  const match = e.problems.find((p) => places.every((at) => p.includes(`${at}: `) || p.includes(`${at} (`)));
  expect([places, match === undefined ? e.problems : match]).toEqual([places, expect.stringMatching(message)]);
}

const STAGING_FRONTEND = 'frontend: { tag: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: 2, strategy: blueGreen }';
const staging = (from: string, to: string) => ({ 'staging.yaml': (t: string) => t.replace(from, to) });

describe('counts', () => {
  test('replicas above int32', () => {
    const e = load(staging(STAGING_FRONTEND, 'frontend: { tag: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: 2147483648 }'));
    expectProblem(e, 'staging.yaml', 'frontend:', 'services.frontend.replicas', /^expected replicas <= 2147483647 \(an int32\)$/);
  });

  test('maxReplicas above int32', () => {
    const e = load({ 'production.yaml': (t) => t.replace('autoscaling: { maxReplicas: 20 }', 'autoscaling: { maxReplicas: 3000000000 }') });
    expectProblem(e, 'production.yaml', 'maxReplicas: 3000000000', 'services.exam-service.autoscaling.maxReplicas', /^expected maxReplicas <= 2147483647 \(an int32\)$/);
  });

  test('maxReplicas below replicas (an existing rule, now with its line)', () => {
    const e = load({ 'production.yaml': (t) => t.replace('autoscaling: { maxReplicas: 20 }', 'autoscaling: { maxReplicas: 5 }') });
    expectProblem(e, 'production.yaml', 'maxReplicas: 5', 'services.exam-service.autoscaling.maxReplicas', /^expected >= replicas \(10\)$/);
  });
});

describe('resources', () => {
  test('a negative quantity', () => {
    const e = load(staging(STAGING_FRONTEND, 'frontend: { tag: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: 2, resources: { requests: { cpu: "-100m", memory: 64Mi } } }'));
    expectProblem(e, 'staging.yaml', 'cpu: "-100m"', 'services.frontend.resources.requests.cpu', /^expected a quantity >= 0/);
  });

  test('requests above limits, both set in the file', () => {
    const e = load(staging(STAGING_FRONTEND, 'frontend: { tag: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: 2,\n    resources: { requests: { cpu: "2", memory: 64Mi },\n      limits: { cpu: 1500m, memory: 1Gi } } }'));
    expectProblem(e, 'staging.yaml', 'cpu: "2"', 'services.frontend.resources.requests.cpu', /^expected requests\.cpu \(2\) <= limits\.cpu \(1500m\)/);
  });

  test('requests above the catalog limits (1Gi is more than 1000Mi)', () => {
    const e = load(staging(STAGING_FRONTEND, 'frontend: { tag: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: 2,\n    resources: { requests: { cpu: 10m, memory: 1Gi }, limits: { cpu: 100m, memory: 1000Mi } } }'));
    expectProblem(e, 'staging.yaml', 'memory: 1Gi', 'services.frontend.resources.requests.memory', /^expected requests\.memory \(1Gi\) <= limits\.memory \(1000Mi\)/);
  });
});

describe('the ConfigMap', () => {
  test('a key over 253 characters', () => {
    const key = 'A'.repeat(254);
    const e = load(staging('  LOG_LEVEL: DEBUG', `  LOG_LEVEL: DEBUG\n  ${key}: "x"`));
    expectProblem(e, 'staging.yaml', key, `config.${key}`, /^expected a ConfigMap key of at most 253 characters, found 254$/);
  });

  test('data over 1 MiB', () => {
    const e = load({ 'development.yaml': (t) => t.replace('  LOG_LEVEL: DEBUG', `  LOG_LEVEL: DEBUG\n  BLOB: "${'x'.repeat(1024 * 1024)}"`) });
    expectProblem(e, 'development.yaml', 'config:', 'config', /^expected at most 1 MiB \(1048576 bytes\) of ConfigMap data, found 10\d{5} bytes$/);
  });

  test('configFrom data counts toward the limit of the environment that takes it', () => {
    const blob = 'x'.repeat(600 * 1024);
    const e = load({
      'production.yaml': (t) => t.replace('  LOG_LEVEL: INFO', `  LOG_LEVEL: INFO\n  BLOB: "${blob}"`),
      'hotfix.yaml': (t) => t.replace('  REDIS_DB: "1"', `  REDIS_DB: "1"\n  BLOB2: "${blob}"`),
    });
    expect(e.problems.filter((p) => p.includes('production.yaml'))).toEqual([]);
    expectProblem(e, 'hotfix.yaml', 'config:', 'config', /^expected at most 1 MiB \(1048576 bytes\) of ConfigMap data with configFrom applied, found 12\d{5} bytes$/);
  });
});

describe('hosts', () => {
  test('a host label over 63 characters', () => {
    const e = load(staging('webHost: staging.exam.yourdomain.com', `webHost: ${'a'.repeat(64)}.exam.yourdomain.com`));
    expectProblem(e, 'staging.yaml', 'webHost:', 'ingress.webHost', /^expected host labels of at most 63 characters/);
  });

  test('an IP address as a host', () => {
    const e = load(staging('apiHost: staging-api.exam.yourdomain.com', 'apiHost: 203.0.113.10'));
    expectProblem(e, 'staging.yaml', 'apiHost:', 'ingress.apiHost', /^expected a DNS host name, not an IP address \("203\.0\.113\.10"\)$/);
  });

  test('the same host in two environments names both files and lines', () => {
    const e = load(staging('webHost: staging.exam.yourdomain.com', 'webHost: exam.yourdomain.com'));
    expectClash(e, ['staging.yaml', 'webHost:'], ['production.yaml', 'webHost:'], /: ingress\.webHost: host exam\.yourdomain\.com is also used by .* \(ingress\.webHost\)/);
  });

  test('the same host on two routes of one environment', () => {
    const e = load(staging('apiHost: staging-api.exam.yourdomain.com', 'apiHost: staging.exam.yourdomain.com'));
    expectProblem(e, 'staging.yaml', 'apiHost:', 'ingress.apiHost', /^expected a host other than ingress\.webHost \(staging\.exam\.yourdomain\.com\); two routes cannot serve one host$/);
  });
});

describe('namespaces', () => {
  test.each([...PLATFORM_NAMESPACES, 'kube-anything'])('the platform namespace %s is reserved', (ns) => {
    const e = load(staging('namespace: exam-system-staging', `namespace: ${ns}`));
    expectProblem(e, 'staging.yaml', 'namespace:', 'namespace', new RegExp(`^expected a namespace of the environment's own; "${ns}" is reserved for the platform \\(kube-\\*, default, argocd`));
  });

  test('the same namespace in two environments (an existing rule, now naming the other file and line)', () => {
    const e = load(staging('namespace: exam-system-staging', 'namespace: exam-system'));
    expectClash(e, ['staging.yaml', 'namespace:'], ['production.yaml', 'namespace:'], /: namespace: namespace exam-system is also used by .* \(namespace\); expected every environment to have its own$/);
  });
});

describe('data stores: hosts are compared without case or trailing dot', () => {
  test('a database host that differs from production only in case and a trailing dot', () => {
    const e = load({ 'hotfix.yaml': (t) => t.replace('  DATABASE_NAME: exam_system_hotfix', '  DATABASE_HOST: Postgres-Prod.Cluster.Local.\n  DATABASE_NAME: exam_system') });
    expectClash(e, ['hotfix.yaml', 'DATABASE_NAME:'], ['production.yaml', 'DATABASE_NAME:'], /: config: DATABASE_HOST=postgres-prod\.cluster\.local,DATABASE_NAME=exam_system is also used by/);
  });

  test('a Redis host with a trailing dot and DB "00" is production\'s Redis DB 0', () => {
    const e = load({ 'hotfix.yaml': (t) => t.replace('  REDIS_DB: "1"', '  REDIS_HOST: redis-prod.cluster.local.\n  REDIS_DB: "00"') });
    expectClash(e, ['hotfix.yaml', 'REDIS_DB:'], ['production.yaml', 'REDIS_DB:'], /: config: REDIS_HOST=redis-prod\.cluster\.local,REDIS_DB=0 is also used by/);
  });

  test('an inherited value is blamed on the configFrom line', () => {
    const e = load({ 'hotfix.yaml': (t) => t.replace('  S3_BUCKET: exam-system-hotfix\n', '') });
    expectClash(e, ['hotfix.yaml', 'configFrom:'], ['production.yaml', 'S3_BUCKET:'], /: config: S3_BUCKET=exam-system-production is also used by/);
  });
});

describe('Argo CD', () => {
  test('a target revision that is not a valid git ref', () => {
    const e = load(staging('targetRevision: main', 'targetRevision: "main..next"'));
    expectProblem(e, 'staging.yaml', 'targetRevision:', 'gitops.targetRevision', /^expected a valid git branch name \(git check-ref-format\): it contains "\.\."$/);
  });

  test('a target revision other than main', () => {
    const e = load({ 'hotfix.yaml': (t) => t.replace('targetRevision: main', 'targetRevision: deploy/hotfix') });
    expectProblem(e, 'hotfix.yaml', 'targetRevision:', 'gitops.targetRevision', /^expected "main": every Argo CD Application tracks main, and an environment is its folder of dist\/, not a branch; found "deploy\/hotfix"$/);
  });

  test('the target revision defaults to main', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => t.replace(/ {2}targetRevision: main\n/, '') });
    expect(loadEnvironments(dir).find((env) => env.name === 'staging')?.gitops?.targetRevision).toBe('main');
  });
});

describe('Prometheus', () => {
  test.each([
    ['ftp://prometheus.monitoring.svc:9090', /^expected an http:\/\/ or https:\/\/ URL, found ftp:\/\/$/],
    ['prometheus.monitoring.svc:9090', /^expected an http:\/\/ or https:\/\/ URL, found prometheus\.monitoring\.svc:\/\/$/],
    ['not a url', /^expected an http\(s\) URL such as http:\/\/prometheus\.monitoring\.svc:9090, found "not a url"$/],
  ])('%s is not an http(s) URL', (url, message) => {
    const e = load(staging('address: http://kube-prometheus-stack-prometheus.monitoring.svc:9090', `address: "${url}"`));
    expectProblem(e, 'staging.yaml', 'address:', 'prometheus.address', message);
  });
});

describe('encoding', () => {
  test('invalid UTF-8 is refused with its line and column', () => {
    const dir = environmentsCopy();
    const file = path.join(dir, 'staging.yaml');
    const text = fs.readFileSync(file, 'utf8').replace('  LOG_LEVEL: DEBUG', '  LOG_LEVEL: DEBUG # caf\u00e9');
    const bytes = Buffer.from(text, 'utf8');
    const at = bytes.indexOf(Buffer.from('caf\u00e9')) + 3;
    bytes[at] = 0xff; // the first byte of é becomes a byte UTF-8 never uses
    fs.writeFileSync(file, bytes);
    const line = lineOf(text, '# caf');
    expect(() => loadEnvironments(dir)).toThrow(`${file}:${line}:${text.split('\n')[line - 1].indexOf('caf') + 4}: not valid UTF-8 (byte 0xff); expected a UTF-8 text file`);
  });
});

describe('existing rules, now with their lines', () => {
  test('a missing service is blamed on the services line', () => {
    const e = load(staging(/^ {2}notification-service: .*\n/m.exec(fs.readFileSync(path.join(__dirname, '..', '..', 'environments', 'staging.yaml'), 'utf8'))![0], ''));
    expectProblem(e, 'staging.yaml', 'services:', 'services.notification-service', /^missing service/);
  });

  test('configFrom an environment without its own config', () => {
    const e = load({ 'hotfix.yaml': (t) => t.replace('configFrom: production', 'configFrom: hotfix') });
    expectProblem(e, 'hotfix.yaml', 'configFrom:', 'configFrom', /^expected an environment that has its own config, found "hotfix"$/);
  });

  test('a canary the catalog cannot route', () => {
    const e = load(staging('question-service: { tag: v1.13.0-rc.1@sha256:0603b136ea61b15f8683a0aefd8e72c8d1fb8998b2f4abad1249b04c0716cf08, replicas: 2 }', 'question-service: { tag: v1.13.0-rc.1@sha256:0603b136ea61b15f8683a0aefd8e72c8d1fb8998b2f4abad1249b04c0716cf08, replicas: 2, strategy: canary }'));
    expectProblem(e, 'staging.yaml', 'question-service:', 'services.question-service.strategy', /^a canary needs .* expected rolling or blueGreen$/);
  });

  test('a tag YAML reads as a number asks for quotes', () => {
    const e = load(staging(STAGING_FRONTEND, 'frontend: { tag: 1e3, replicas: 2 }'));
    expectProblem(e, 'staging.yaml', 'frontend:', 'services.frontend.tag', /quote a tag YAML reads as a number/);
  });

  test('a tag that cannot be the pods\' version label', () => {
    const e = load(staging(STAGING_FRONTEND, `frontend: { tag: v1_, replicas: 2 }`));
    expectProblem(e, 'staging.yaml', 'frontend:', 'services.frontend.tag', /starting and ending alphanumeric \(it becomes a label value\)/);
  });

  test('a tag pinned by digest is accepted; a malformed digest is not', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    expect(load(staging(STAGING_FRONTEND, `frontend: { tag: "v1.13.0-rc.1@${digest}", replicas: 2 }`)).problems).toEqual([]);
    const e = load(staging(STAGING_FRONTEND, 'frontend: { tag: "v1@sha256:C0FFEE", replicas: 2 }'));
    expectProblem(e, 'staging.yaml', 'frontend:', 'services.frontend.tag', /^expected a digest sha256:<64 lowercase hex digits>/);
  });
});

describe('the loader reads only <env>.yaml files', () => {
  test('editor files, the tools\' temporary and lock files, and other names are ignored', () => {
    const dir = environmentsCopy();
    const garbage = 'name: [this is not an environment\n';
    for (const f of ['.staging.yaml.swp', 'staging.yaml~', '.DS_Store', '.staging.yaml.4242.k3j5h.tmp', '.staging.yaml.lock', 'staging.yml', 'README.md', 'Staging.yaml', '#staging.yaml#']) {
      fs.writeFileSync(path.join(dir, f), garbage);
    }
    fs.mkdirSync(path.join(dir, 'archive'));
    fs.writeFileSync(path.join(dir, 'archive', 'staging.yaml'), garbage);
    expect(loadEnvironments(dir).map((e) => e.name)).toEqual(['development', 'staging', 'hotfix', 'production']);
  });
});

describe('requests above limits, blamed where the file set the value', () => {
  test('a limit below the catalog request is blamed on the limit', () => {
    const e = load(staging(STAGING_FRONTEND, 'frontend: { tag: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: 2,\n    resources: { limits: { cpu: 1m, memory: 1Mi } } }'));
    expectProblem(e, 'staging.yaml', 'cpu: 1m', 'services.frontend.resources.limits.cpu', /^expected requests\.cpu \(\d+m?\) <= limits\.cpu \(1m\)/);
    expectProblem(e, 'staging.yaml', 'cpu: 1m', 'services.frontend.resources.limits.memory', /^expected requests\.memory \(\d+Mi\) <= limits\.memory \(1Mi\)/);
  });
});

test('one message per problem: a bad namespace or ConfigMap key is reported once', () => {
  const e = load(staging('namespace: exam-system-staging', 'namespace: Exam_System'));
  expect(e.problems.filter((p) => p.includes(': namespace: '))).toHaveLength(1);
  const k = load(staging('  LOG_LEVEL: DEBUG', '  LOG_LEVEL: DEBUG\n  bad/key: "x"'));
  expect(k.problems.filter((p) => p.includes('config.bad/key'))).toEqual([expect.stringMatching(/: config\.bad\/key: expected a ConfigMap key/)]);
});

describe('through a memo (lib/io/disk-memo.ts)', () => {
  test('a parse taken from the memo blames the same lines as a fresh one: a clash across files, and the calendar', () => {
    const e = load(staging('webHost: staging.exam.yourdomain.com', 'webHost: exam.yourdomain.com'));
    const memoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-load-memo-'));
    try {
      const memo = DiskMemo.forCode('d'.repeat(64), memoDir);
      const problems = () => {
        try {
          loadEnvironments(e.dir, new Map(), memo);
        } catch (err) {
          if (err instanceof ConfigError) return err.problems;
          throw err;
        }
        return [];
      };
      expect(problems()).toEqual(e.problems); // computed: every file parsed afresh
      expect(memo.misses).toBe(5); // four environment files and the calendar
      expect(problems()).toEqual(e.problems); // from the memo: lines looked up again when needed
      expect(memo.hits).toBe(5);
      expectClash({ ...e, problems: problems() }, ['staging.yaml', 'webHost:'], ['production.yaml', 'webHost:'], /is also used by/);
      const calendar = loadEnvironments(undefined, new Map(), memo)[0].calendar;
      expect(calendar.sessions.every((s) => /^environments\/calendar\.yaml:\d+$/.test(s.where))).toBe(true);
      // Messages show paths relative to the working folder: that is part of a parse's input.
      const cwd = process.cwd();
      process.chdir(path.join(cwd, 'lib'));
      try {
        const elsewhere = loadEnvironments(path.join(cwd, 'environments'), new Map(), memo)[0].calendar;
        expect(elsewhere.sessions.map((s) => s.where.replace(/:\d+$/, ''))).toEqual(calendar.sessions.map(() => path.join(cwd, 'environments', 'calendar.yaml')));
      } finally {
        process.chdir(cwd);
      }
    } finally {
      fs.rmSync(memoDir, { recursive: true, force: true });
    }
  });
});
