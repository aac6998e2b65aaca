/**
 * Loads environments/<name>.yaml, validates each against the schema and the rules that span
 * environments, and returns typed values. Every error names the file, the field path and what
 * was expected.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { REPO_ROOT } from '../paths';
import { ImageRef, parseImageRef } from './image-ref';
import { DIGEST_REQUIRED_ENVIRONMENTS, LEDGER_FOLDER } from './release-loop';
import { SERVICES, SERVICE_NAMES, ServiceDefinition, ServiceName, ResourceSpec } from './catalog';
import { ENVIRONMENT_NAMES, EnvironmentFile, EnvironmentName, Strategy, environmentSchema } from './schema';

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
  /** The image reference of the file: tag, and digest (always, outside development). */
  readonly image: ImageRef;
  readonly replicas: number;
  readonly strategy: Strategy;
  readonly requests: ResourceSpec;
  readonly limits: ResourceSpec;
  readonly autoscaling?: { readonly maxReplicas: number; readonly targetCPUUtilizationPercentage: number };
}

/** One environment, fully resolved (configFrom applied, catalog defaults filled in). */
export interface Environment extends Omit<EnvironmentFile, 'services' | 'configFrom'> {
  /** The file it came from, relative to the repository root. */
  readonly file: string;
  /** `exam-config-<name>`. */
  readonly configMapName: string;
  readonly services: readonly ResolvedService[];
}

/** The repository's environments folder. */
export const DEFAULT_ENVIRONMENTS_DIR = path.join(REPO_ROOT, 'environments');

/** Keys whose values must differ between environments: no environment writes another's data. */
const DATA_KEYS: readonly (readonly string[])[] = [['DATABASE_HOST', 'DATABASE_NAME'], ['S3_BUCKET'], ['REDIS_HOST', 'REDIS_DB']];

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel.split(path.sep).join('/');
}

function formatPath(p: readonly PropertyKey[]): string {
  return p.length === 0 ? '(top level)' : p.map(String).join('.');
}

/** Parses and schema-checks one file; the result still has `configFrom` unresolved. */
export function parseEnvironmentFile(file: string, text: string = fs.readFileSync(file, 'utf8')): EnvironmentFile {
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
  const raw: unknown = doc.toJS();
  const result = environmentSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        const fieldPath = keys.length === 1 ? [...issue.path, keys[0]] : issue.path;
        const node = doc.getIn(fieldPath as unknown[], true);
        const line = isNode(node) && node.range ? `:${lineCounter.linePos(node.range[0]).line}` : '';
        const message = issue.code === 'unrecognized_keys' ? `unknown key (a typo?): ${issue.message}` : issue.message;
        return `${where}${line}: ${formatPath(fieldPath)}: ${message}`;
      }),
    );
  }
  const expected = path.basename(file, '.yaml');
  if (result.data.name !== expected) {
    throw new ConfigError([`${where}: name: expected "${expected}" (the file name), found "${result.data.name}"`]);
  }
  if (DIGEST_REQUIRED_ENVIRONMENTS.includes(result.data.name)) {
    const bare = Object.entries(result.data.services).filter(([, s]) => parseImageRef(s.image).digest === undefined);
    if (bare.length > 0) {
      throw new ConfigError(
        bare.map(([name, s]) => {
          const node = doc.getIn(['services', name, 'image'], true);
          const line = isNode(node) && node.range ? `:${lineCounter.linePos(node.range[0]).line}` : '';
          return `${where}${line}: services.${name}.image: ${result.data.name} runs images by digest; expected ${s.image}@sha256:<64 lowercase hex>, found the bare tag "${s.image}"`;
        }),
      );
    }
  }
  return result.data;
}

function resolve(files: ReadonlyMap<EnvironmentName, { file: string; data: EnvironmentFile }>): Environment[] {
  const problems: string[] = [];
  const envs: Environment[] = [];
  for (const { file, data } of files.values()) {
    const where = displayPath(file);
    let config = data.config;
    if (data.configFrom !== undefined) {
      const base = files.get(data.configFrom);
      if (base === undefined || base.data.configFrom !== undefined) {
        problems.push(`${where}: configFrom: expected an environment that has its own config, found "${data.configFrom}"`);
      } else {
        config = { ...base.data.config, ...data.config };
      }
    }
    const services = SERVICE_NAMES.map((name): ResolvedService => {
      const s = data.services[name];
      const def = SERVICES[name];
      return {
        name,
        definition: def,
        image: parseImageRef(s.image),
        replicas: s.replicas,
        strategy: s.strategy,
        requests: s.resources?.requests ?? def.requests,
        limits: s.resources?.limits ?? def.limits,
        autoscaling: s.autoscaling,
      };
    });
    for (const s of services) {
      if (s.strategy === 'canary' && s.definition.ingress === undefined) {
        problems.push(`${where}: services.${s.name}.strategy: a canary needs an HTTPRoute on the Gateway whose weights Argo Rollouts sets, and ${s.name} is not exposed; expected rolling or blueGreen`);
      } else if (s.strategy === 'canary' && data.gitops === undefined) {
        problems.push(`${where}: services.${s.name}.strategy: a canary needs an HTTPRoute on the shared Gateway, and only deployed environments (with gitops) are on it; expected rolling or blueGreen`);
      }
      if (s.autoscaling && s.autoscaling.maxReplicas < s.replicas) {
        problems.push(`${where}: services.${s.name}.autoscaling.maxReplicas: expected >= replicas (${s.replicas})`);
      }
    }
    const { configFrom: _from, services: _s, ...rest } = data;
    envs.push({ ...rest, file: where, config, configMapName: `exam-config-${data.name}`, services });
  }

  // Rules across environments.
  const seen = new Map<string, string>();
  for (const env of envs) {
    const claims = [`namespace ${env.namespace}`, `secrets.role ${env.secrets.role}`];
    for (const keys of DATA_KEYS) {
      if (keys.every((k) => env.config[k] !== undefined)) claims.push(keys.map((k) => `${k}=${env.config[k]}`).join(','));
    }
    for (const claim of claims) {
      const other = seen.get(claim);
      if (other !== undefined) {
        const field = claim.startsWith('namespace') ? 'namespace' : claim.startsWith('secrets.role') ? 'secrets.role' : 'config';
        problems.push(`${env.file}: ${field}: ${claim} is also used by ${other}; every environment needs its own`);
      } else {
        seen.set(claim, env.file);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return envs;
}

/** Loads and validates every environment file in `dir`, in the canonical order. */
export function loadEnvironments(dir: string = DEFAULT_ENVIRONMENTS_DIR): Environment[] {
  const problems: string[] = [];
  if (!fs.existsSync(dir)) throw new ConfigError([`${displayPath(dir)}: folder not found; expected one file per environment`]);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // Read: <env>.yaml. Accepted: the ledger folder (verified/). Ignored: everything that is not
    // a lowercase `<name>.yaml` (the tools' `.<file>.<pid>.<random>.tmp` and `.<file>.lock`,
    // editor backups, dotfiles). A `<name>.yaml` that names no environment is an error (a typo).
    if (entry.isDirectory()) {
      if (entry.name !== LEDGER_FOLDER && !entry.name.startsWith('.')) problems.push(`${displayPath(path.join(dir, entry.name))}: unexpected folder; expected only ${LEDGER_FOLDER}/ (the ledger of verified digests)`);
      continue;
    }
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.yaml$/.exec(entry.name);
    if (m !== null && !(ENVIRONMENT_NAMES as readonly string[]).includes(m[1])) {
      problems.push(`${displayPath(path.join(dir, entry.name))}: unexpected file; expected only ${ENVIRONMENT_NAMES.map((n) => `${n}.yaml`).join(', ')}`);
    }
  }
  const files = new Map<EnvironmentName, { file: string; data: EnvironmentFile }>();
  for (const name of ENVIRONMENT_NAMES) {
    const file = path.join(dir, `${name}.yaml`);
    if (!fs.existsSync(file)) {
      problems.push(`${displayPath(file)}: missing; every environment needs its file`);
      continue;
    }
    try {
      files.set(name, { file, data: parseEnvironmentFile(file) });
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return resolve(files);
}
