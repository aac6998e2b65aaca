/**
 * Loads environments/<name>.yaml, validates each against the schema and the rules that span
 * environments, and returns typed values. Every error names the file, the field path and what
 * was expected.
 */
import { SERVICE_SLOS, ServiceSlo } from './slos';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { Document, LineCounter, Scalar, isMap, isNode, isScalar, isSeq, parseDocument } from 'yaml';
import { ENVIRONMENTS_DIR } from '../paths';
import { Memo, NO_MEMO } from '../rules/memo';
import { isDnsLabel, normalizeHost } from '../rules/names';
import { parseImageVersion } from '../rules/image-ref';
import { quantityValue } from '../rules/quantity';
import { DIGEST_REQUIRED_ENVIRONMENTS } from './release-loop';
import { SERVICES, SERVICE_NAMES, ServiceDefinition, ServiceName, ResourceSpec } from './catalog';
import { ENVIRONMENT_NAMES, EnvironmentFile, EnvironmentName, Strategy, environmentSchema } from './schema';
import { CALENDAR_FILE_NAME, ExamCalendar, calendarSchema, resolveCalendar } from './calendar';
import { checkCapacity } from './capacity';

/** A configuration problem: the message names file, field and expectation. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

export interface ResolvedService {
  readonly name: ServiceName;
  readonly definition: ServiceDefinition;
  readonly tag: string;
  readonly replicas: number;
  readonly strategy: Strategy;
  readonly requests: ResourceSpec;
  readonly limits: ResourceSpec;
  readonly autoscaling?: { readonly maxReplicas: number; readonly targetCPUUtilizationPercentage: number };
  /** Its availability and latency objectives (lib/config/slos.ts). */
  readonly slo: ServiceSlo;
}

/** One environment, fully resolved (configFrom applied, catalog defaults filled in). */
export interface Environment extends Omit<EnvironmentFile, 'services' | 'configFrom'> {
  /** The file it came from, relative to the repository root. */
  readonly file: string;
  /** `exam-config-<name>`. */
  readonly configMapName: string;
  readonly services: readonly ResolvedService[];
  /** The exam calendar (environments/calendar.yaml): the same object on every environment. */
  readonly calendar: ExamCalendar;
}

/** The repository's environments folder. */
export const DEFAULT_ENVIRONMENTS_DIR = ENVIRONMENTS_DIR;

/**
 * Keys whose values must differ between environments: no environment writes another's data.
 * Values are compared normalized (`normalizeDataValue`), so `Postgres.Example.com.` and
 * `postgres.example.com` are one host, and Redis DB `01` is DB `1`.
 */
const DATA_KEYS: readonly (readonly string[])[] = [['DATABASE_HOST', 'DATABASE_NAME'], ['S3_BUCKET'], ['REDIS_HOST', 'REDIS_DB']];

function normalizeDataValue(key: string, value: string): string {
  if (key.endsWith('_HOST') || key === 'S3_BUCKET') return normalizeHost(value);
  if (key === 'REDIS_DB' && /^\s*\d+\s*$/.test(value)) return String(Number(value));
  return value;
}

/** The API server's limit on a ConfigMap's data (keys and values). */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

/** The environment a file holds: `<env>.yaml` with `<env>` a DNS label; undefined for every other name (ignored). */
function environmentOfFile(fileName: string): string | undefined {
  const name = fileName.endsWith('.yaml') ? fileName.slice(0, -'.yaml'.length) : '';
  return isDnsLabel(name) ? name : undefined;
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel.split(path.sep).join('/');
}

function formatPath(p: readonly PropertyKey[]): string {
  return p.length === 0 ? '(top level)' : p.map(String).join('.');
}

/** The line of a field: its key's line; for a missing field, the line of the nearest key above it (1 at the top). */
function lineIn(doc: Document, lineCounter: LineCounter, fieldPath: readonly PropertyKey[]): number {
  let line = 1;
  let node: unknown = doc.contents;
  for (const segment of fieldPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) break;
      const key = pair.key as Scalar;
      if (key.range) line = lineCounter.linePos(key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && isNode(node.items[segment])) {
      const item = node.items[segment] as { range?: [number, number, number] | null };
      if (item.range) line = lineCounter.linePos(item.range[0]).line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

/**
 * The text of a file, which must be UTF-8: an invalid byte is refused with its line and column
 * (read as a string, it would silently become U+FFFD and be written back that way).
 */
export function readEnvironmentText(file: string): string {
  const bytes = fs.readFileSync(file);
  const text = bytes.toString('utf8');
  const again = Buffer.from(text, 'utf8');
  if (again.equals(bytes)) return text;
  let offset = 0;
  while (offset < bytes.length && bytes[offset] === again[offset]) offset++;
  const before = bytes.subarray(0, offset);
  const line = before.filter((b) => b === 0x0a).length + 1;
  const col = offset - (before.lastIndexOf(0x0a) + 1) + 1;
  throw new ConfigError([`${displayPath(file)}:${line}:${col}: not valid UTF-8 (byte 0x${bytes[offset].toString(16).padStart(2, '0')}); expected a UTF-8 text file`]);
}

/** The keys a strict map of the schema allows at `fieldPath` (for "unknown key" messages). */
function allowedKeys(root: z.ZodType, fieldPath: readonly PropertyKey[]): string[] {
  type Def = { type: string; shape?: Record<string, ZodTypeLike>; valueType?: ZodTypeLike; innerType?: ZodTypeLike; in?: ZodTypeLike };
  type ZodTypeLike = { _zod: { def: Def } };
  const unwrap = (t: ZodTypeLike): Def => {
    const def = t._zod.def;
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    return inner === undefined ? def : unwrap(inner);
  };
  let def: Def | undefined = unwrap(root as unknown as ZodTypeLike);
  for (const segment of fieldPath) {
    const next: ZodTypeLike | undefined = def?.type === 'object' ? def.shape?.[String(segment)] : def?.type === 'record' ? def.valueType : undefined;
    def = next === undefined ? undefined : unwrap(next);
  }
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

/** A schema issue as `what was expected`: zod's default wording rewritten, a missing field said so. */
function describeIssue(root: z.ZodType, issue: z.core.$ZodIssue, parentPath: readonly PropertyKey[], missing: boolean): string {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(root, parentPath);
    return `unknown key (a typo?); expected ${allowed.length > 0 ? `one of ${allowed.join(', ')}` : 'none here'}`;
  }
  if (issue.code === 'invalid_key') return issue.issues.map((i) => i.message).join('; ');
  const message = issue.message
    .replace(/^Invalid input: expected (.+), received (.+)$/, 'expected $1, found $2')
    .replace(/^Invalid option: expected one of (.+)$/, (_m, options: string) => `expected one of ${options.replace(/"/g, '').split('|').join(', ')}`)
    .replace(/^Too (?:small|big): expected (\w+) to be ([<>]=?)(.+)$/, 'expected a $1 $2 $3')
    .replace(/^expected object\b/, 'expected a map');
  return missing && issue.code === 'invalid_type' ? `missing; ${message.replace(/, found undefined$/, '')}` : message;
}

/** One parsed file, with the lines of its fields for later messages. */
interface ParsedFile {
  readonly file: string;
  /** `file` as messages show it. */
  readonly where: string;
  readonly data: EnvironmentFile;
  /** `where:line` of a field (of the nearest key above it when the field is absent). */
  readonly at: (fieldPath: readonly PropertyKey[]) => string;
}

/** A YAML file checked against a schema, with the lines of its fields. */
interface LocatedFile<T> {
  readonly where: string;
  readonly data: T;
  readonly at: (fieldPath: readonly PropertyKey[]) => string;
}

/**
 * Parses YAML and checks it against a zod schema; every problem is `file:line: field: expected`.
 * The one home of the YAML-with-lines machinery (the environment files and the exam calendar).
 */
function parseYaml<S extends z.ZodType>(file: string, text: string, schema: S): LocatedFile<z.output<S>> {
  const where = displayPath(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        const key = e.code === 'DUPLICATE_KEY' ? ` (duplicate key "${(/^\s*"?([^":\n]+)/.exec(text.slice(e.pos[0])) ?? ['', '?'])[1].trim()}")` : '';
        return `${where}:${line}:${col}: not valid YAML${key}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const at = (fieldPath: readonly PropertyKey[]) => `${where}:${lineIn(doc, lineCounter, fieldPath)}`;
  const raw: unknown = doc.toJS();
  const result = schema.safeParse(raw ?? {});
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        const fieldPath = keys.length === 1 ? [...issue.path, keys[0]] : issue.path;
        return `${at(fieldPath)}: ${formatPath(fieldPath)}: ${describeIssue(schema, issue, issue.path, !doc.hasIn(fieldPath))}`;
      }),
    );
  }
  return { where, data: result.data as z.output<S>, at };
}

function checkFile(file: string, text: string): LocatedFile<EnvironmentFile> {
  const located = parseYaml(file, text, environmentSchema);
  const { data, at } = located;
  const expected = path.basename(file, '.yaml');
  if (data.name !== expected) {
    throw new ConfigError([`${at(['name'])}: name: expected "${expected}" (the file name), found "${data.name}"`]);
  }
  // staging, hotfix and production run images by digest (docs/decisions.md, The release loop).
  if (DIGEST_REQUIRED_ENVIRONMENTS.includes(data.name)) {
    const bare = Object.entries(data.services).filter(([, s]) => parseImageVersion(s.tag).digest === undefined);
    if (bare.length > 0) {
      throw new ConfigError(
        bare.map(([name, s]) => `${at(['services', name, 'tag'])}: services.${name}.tag: ${data.name} runs images by digest; expected ${s.tag}@sha256:<64 lowercase hex>, found the bare tag "${s.tag}"`),
      );
    }
  }
  return located;
}

/** What a file's parse reads: its path, the path its messages show (relative to the working folder) and its text. */
function fileInput(file: string, text: string): string {
  return `${file}\0${displayPath(file)}\0${text}`;
}

/**
 * Parses and checks one environment file, through `memo`. After a memo hit, the lines for later
 * messages come from checking the text again, and only when a message needs one.
 */
function parseFile(file: string, text: string, memo: Memo): ParsedFile {
  let located: LocatedFile<EnvironmentFile> | undefined;
  const data = memo.get('environment-file', fileInput(file, text), () => (located = checkFile(file, text)).data);
  return { file, where: displayPath(file), data, at: (fieldPath) => (located ??= checkFile(file, text)).at(fieldPath) };
}

/**
 * Parses and checks the exam calendar (environments/calendar.yaml): schema, cron and time zones
 * with robfig/cron's rules, the horizon, dated instances, durations, daylight-saving changes and
 * overlaps. Every problem names file, line and field.
 */
export function parseCalendarFile(file: string, text: string = readEnvironmentText(file), memo: Memo = NO_MEMO): ExamCalendar {
  return memo.get('calendar-file', fileInput(file, text), () => {
    const { data, at } = parseYaml(file, text, calendarSchema);
    const { calendar, problems } = resolveCalendar(data, at);
    if (problems.length > 0 || calendar === undefined) throw new ConfigError(problems.map((p) => `${at(p.path)}: ${formatPath(p.path)}: ${p.message}`));
    return calendar;
  });
}

/** Parses and schema-checks one file; the result still has `configFrom` unresolved. */
export function parseEnvironmentFile(file: string, text: string = readEnvironmentText(file)): EnvironmentFile {
  return checkFile(file, text).data;
}

/**
 * Requests above limits, which the API server refuses. Blamed on the request when the file sets
 * it, else on the limit the file sets, else on the service (the catalog's own values).
 */
function resourceProblems(f: ParsedFile, s: ResolvedService): string[] {
  const problems: string[] = [];
  const own = f.data.services[s.name].resources;
  for (const resource of ['cpu', 'memory'] as const) {
    const request = s.requests[resource];
    const limit = s.limits[resource];
    if (quantityValue(request) > quantityValue(limit)) {
      const base = ['services', s.name];
      const field = own?.requests !== undefined ? [...base, 'resources', 'requests', resource] : own?.limits !== undefined ? [...base, 'resources', 'limits', resource] : base;
      problems.push(`${f.at(field)}: ${field.join('.')}: expected requests.${resource} (${request}) <= limits.${resource} (${limit}); the API server refuses a request above its limit`);
    }
  }
  return problems;
}

function resolve(files: ReadonlyMap<EnvironmentName, ParsedFile>, calendar: ExamCalendar): Environment[] {
  const problems: string[] = [];
  const envs: Environment[] = [];
  for (const f of files.values()) {
    const { data, where } = f;
    let config = data.config;
    if (data.configFrom !== undefined) {
      const base = files.get(data.configFrom);
      if (base === undefined || base.data.configFrom !== undefined) {
        problems.push(`${f.at(['configFrom'])}: configFrom: expected an environment that has its own config, found "${data.configFrom}"`);
      } else {
        config = { ...base.data.config, ...data.config };
      }
    }
    const bytes = Object.entries(config).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    if (bytes > CONFIG_MAP_MAX_BYTES) {
      problems.push(`${f.at(['config'])}: config: expected at most 1 MiB (${CONFIG_MAP_MAX_BYTES} bytes) of ConfigMap data${data.configFrom === undefined ? '' : ' with configFrom applied'}, found ${bytes} bytes`);
    }
    const services = SERVICE_NAMES.map((name): ResolvedService => {
      const s = data.services[name];
      const def = SERVICES[name];
      return {
        name,
        definition: def,
        tag: s.tag,
        replicas: s.replicas,
        strategy: s.strategy,
        requests: { ...def.requests, ...s.resources?.requests },
        limits: { ...def.limits, ...s.resources?.limits },
        autoscaling: s.autoscaling,
        slo: SERVICE_SLOS[name],
      };
    });
    for (const s of services) {
      if (s.strategy === 'canary' && s.definition.ingress === undefined) {
        problems.push(`${f.at(['services', s.name, 'strategy'])}: services.${s.name}.strategy: a canary needs an HTTPRoute on the Gateway whose weights Argo Rollouts sets, and ${s.name} is not exposed; expected rolling or blueGreen`);
      } else if (s.strategy === 'canary' && data.gitops === undefined) {
        problems.push(`${f.at(['services', s.name, 'strategy'])}: services.${s.name}.strategy: a canary needs an HTTPRoute on the shared Gateway, and only deployed environments (with gitops) are on it; expected rolling or blueGreen`);
      }
      if (s.autoscaling && s.autoscaling.maxReplicas < s.replicas) {
        problems.push(`${f.at(['services', s.name, 'autoscaling', 'maxReplicas'])}: services.${s.name}.autoscaling.maxReplicas: expected >= replicas (${s.replicas})`);
      }
      problems.push(...resourceProblems(f, s));
    }
    if (normalizeHost(data.ingress.webHost) === normalizeHost(data.ingress.apiHost)) {
      problems.push(`${f.at(['ingress', 'apiHost'])}: ingress.apiHost: expected a host other than ingress.webHost (${data.ingress.webHost}); two routes cannot serve one host`);
    }
    const { configFrom: _from, services: _s, ...rest } = data;
    envs.push({ ...rest, file: where, config, configMapName: `exam-config-${data.name}`, services, calendar });
    problems.push(...checkCapacity(calendar, data.name, where, services));
  }

  // Rules across environments: what one environment claims, no other may claim.
  // Where a claim is (a thunk: lines are looked up only for a message).
  const seen = new Map<string, { at: () => string; field: string }>();
  for (const f of files.values()) {
    const env = envs.find((e) => e.name === f.data.name);
    if (env === undefined) continue;
    const configAt = (key: string) => () => (f.data.config[key] === undefined && f.data.configFrom !== undefined ? f.at(['configFrom']) : f.at(['config', key]));
    const claims: { key: string; shown: string; field: string; at: () => string }[] = [
      { key: `namespace ${env.namespace}`, shown: `namespace ${env.namespace}`, field: 'namespace', at: () => f.at(['namespace']) },
      { key: `host ${normalizeHost(env.ingress.webHost)}`, shown: `host ${env.ingress.webHost}`, field: 'ingress.webHost', at: () => f.at(['ingress', 'webHost']) },
      { key: `host ${normalizeHost(env.ingress.apiHost)}`, shown: `host ${env.ingress.apiHost}`, field: 'ingress.apiHost', at: () => f.at(['ingress', 'apiHost']) },
      { key: `secrets.role ${env.secrets.role}`, shown: `secrets.role ${env.secrets.role}`, field: 'secrets.role', at: () => f.at(['secrets', 'role']) },
    ];
    for (const keys of DATA_KEYS) {
      if (!keys.every((k) => env.config[k] !== undefined)) continue;
      claims.push({
        key: `data ${keys.map((k) => `${k}=${normalizeDataValue(k, env.config[k])}`).join(',')}`,
        shown: keys.map((k) => `${k}=${env.config[k]}`).join(','),
        field: 'config',
        at: configAt(keys[keys.length - 1]),
      });
    }
    for (const claim of claims) {
      const other = seen.get(claim.key);
      if (other !== undefined) {
        problems.push(`${claim.at()}: ${claim.field}: ${claim.shown} is also used by ${other.at()} (${other.field}); expected every environment to have its own`);
      } else {
        seen.set(claim.key, { at: claim.at, field: claim.field });
      }
    }
  }
  // The calendar's environments must be deployed: only those have Applications to freeze.
  for (const session of calendar.sessions) {
    for (const name of session.environments) {
      if (files.get(name)?.data.gitops === undefined) {
        problems.push(`${session.where}: session "${session.name}": environments: ${name} is not deployed (no gitops in its file); expected environments Argo CD syncs`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return envs;
}

/**
 * Loads and validates every environment file in `dir`, in the canonical order, and the exam
 * calendar `calendar.yaml` next to them (no environment: it is read as the calendar). Reads only
 * `<env>.yaml` files; editor files (`.swp`, `~`, `.DS_Store`), the tools' temporary
 * (`.<name>.<pid>.<random>.tmp`) and lock (`.<name>.lock`) files and any other name are ignored.
 * A `<name>.yaml` that names no environment is an error (a typo must not go unnoticed).
 * `texts` replaces files' contents (by path), so a writer can validate an edit before it writes it.
 * `memo` keeps the parse of each file and of the calendar by their text (lib/rules/memo.ts).
 */
export function loadEnvironments(dir: string = DEFAULT_ENVIRONMENTS_DIR, texts: ReadonlyMap<string, string> = new Map(), memo: Memo = NO_MEMO): Environment[] {
  const problems: string[] = [];
  if (!fs.existsSync(dir)) throw new ConfigError([`${displayPath(dir)}: folder not found; expected one file per environment`]);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name === CALENDAR_FILE_NAME) continue; // the exam calendar: read below, not an environment
    const name = environmentOfFile(entry.name);
    if (name === undefined || (ENVIRONMENT_NAMES as readonly string[]).includes(name)) continue;
    problems.push(`${displayPath(path.join(dir, entry.name))}: unexpected environment file; expected only ${ENVIRONMENT_NAMES.map((n) => `${n}.yaml`).join(', ')}`);
  }
  const files = new Map<EnvironmentName, ParsedFile>();
  for (const name of ENVIRONMENT_NAMES) {
    const file = path.join(dir, `${name}.yaml`);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      problems.push(`${displayPath(file)}: missing; every environment needs its file`);
      continue;
    }
    try {
      files.set(name, parseFile(file, texts.get(file) ?? readEnvironmentText(file), memo));
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  const calendarFile = path.join(dir, CALENDAR_FILE_NAME);
  let calendar: ExamCalendar | undefined;
  if (!fs.existsSync(calendarFile) || !fs.statSync(calendarFile).isFile()) {
    problems.push(`${displayPath(calendarFile)}: missing; the exam calendar drives production's pre-scaling and its deny windows`);
  } else {
    try {
      calendar = parseCalendarFile(calendarFile, texts.get(calendarFile) ?? readEnvironmentText(calendarFile), memo);
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0 || calendar === undefined) throw new ConfigError(problems);
  return resolve(files, calendar);
}
