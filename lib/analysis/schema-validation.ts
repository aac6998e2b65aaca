/**
 * Validates synthesized objects against the API schemas generated into imports/schemas:
 * core kinds against the Kubernetes 1.28 definitions, custom resources against their pinned
 * CRDs. Strict: a property the schema does not list is an error, as the API server's strict
 * field validation (and CRD pruning) would treat it.
 *
 * Compiling a validator is the costly part (the Rollout schema embeds a whole pod template), so
 * each compiled validator is kept as ajv's standalone code under .build/schema-validators/, keyed
 * by the schema file's content, the kind, and ajv's version and options: a later run (another
 * test file, another CLI call) loads the code instead of compiling it again.
 */
import Ajv, { ErrorObject, Options, ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../io/atomic-file';
import { REPO_ROOT } from '../paths';
import { objectId } from '../rules/objects';

const SCHEMA_DIR = path.join(REPO_ROOT, 'imports', 'schemas');
const VALIDATOR_CACHE = path.join(REPO_ROOT, '.build', 'schema-validators');
const AJV_OPTIONS: Options = { allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false, code: { source: true } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;

/**
 * The validator `compile` makes, through the code cache: loaded from `key`'s file when it exists,
 * else compiled and written there (best effort: a read-only checkout still validates).
 */
function cachedValidator(key: string, compile: () => { ajv: Ajv; fn: ValidateFunction }): ValidateFunction {
  const file = path.join(VALIDATOR_CACHE, `${key}.js`);
  let code: string | undefined;
  try {
    code = fs.readFileSync(file, 'utf8');
  } catch {
    // not cached yet
  }
  if (code !== undefined) {
    const mod: { exports: { default?: ValidateFunction } } = { exports: {} };
    // The module ajv's standaloneCode wrote: CommonJS, requiring only ajv's runtime helpers.
    new Function('module', 'exports', 'require', code)(mod, mod.exports, require);
    if (typeof mod.exports.default === 'function') return mod.exports.default;
  }
  const { ajv, fn } = compile();
  try {
    fs.mkdirSync(VALIDATOR_CACHE, { recursive: true });
    writeFileAtomic(file, standaloneCode(ajv, fn), { durable: false });
  } catch {
    // Only a cache.
  }
  return fn;
}

function sha256(...parts: string[]): string {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

interface CrdSchemaFile {
  kinds: Record<string, { namespaced: boolean; schema: object }>;
}
interface CoreSchemaFile {
  kinds: Record<string, { definition: string; namespaced: boolean }>;
  definitions: Record<string, object>;
}

export interface SchemaProblem {
  /** kind namespace/name. */
  readonly object: string;
  /** JSON pointer of the field, e.g. /spec/template/spec/containers/0/ports. */
  readonly field: string;
  readonly message: string;
}

export interface KindInfo {
  readonly namespaced: boolean;
  /** Compiled on first use: the CRD schemas are large, and most runs need a few kinds. */
  readonly validate: ValidateFunction;
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'enum') return `${e.message}: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return e.message ?? e.keyword;
}

function lazy(namespaced: boolean, compile: () => ValidateFunction): KindInfo {
  let fn: ValidateFunction | undefined;
  return {
    namespaced,
    get validate() {
      fn ??= compile();
      return fn;
    },
  };
}

const loadedKinds = new Map<string, Map<string, KindInfo>>();

/** Every kind's validator (compiled on first use) from the schema files in `schemaDir`. */
function loadKinds(schemaDir: string): Map<string, KindInfo> {
  const kinds = new Map<string, KindInfo>();
  let ajv: Ajv | undefined;
  const coreText = fs.readFileSync(path.join(schemaDir, 'k8s.json'), 'utf8');
  const core = JSON.parse(coreText) as CoreSchemaFile;
  // One ajv instance, made on the first cache miss: it holds the core definitions every core kind refers to.
  const compiler = (): Ajv => {
    if (ajv === undefined) {
      ajv = new Ajv(AJV_OPTIONS);
      ajv.addSchema({ $id: 'k8s', definitions: core.definitions });
    }
    return ajv;
  };
  const settings = JSON.stringify({ AJV_VERSION, AJV_OPTIONS });
  /** A kind whose validator `schema` gives, cached under its file's hash. */
  const add = (key: string, namespaced: boolean, fileHash: string, schema: () => object) =>
    kinds.set(
      key,
      lazy(namespaced, () =>
        cachedValidator(sha256(settings, fileHash, key), () => {
          const a = compiler();
          return { ajv: a, fn: a.compile(schema()) };
        }),
      ),
    );
  const coreHash = sha256(coreText);
  for (const [key, info] of Object.entries(core.kinds)) add(key, info.namespaced, coreHash, () => ({ $ref: `k8s#/definitions/${info.definition}` }));
  for (const file of fs.readdirSync(schemaDir).sort()) {
    if (file === 'k8s.json' || !file.endsWith('.json')) continue;
    const text = fs.readFileSync(path.join(schemaDir, file), 'utf8');
    const crds = JSON.parse(text) as CrdSchemaFile;
    const fileHash = sha256(text);
    for (const [key, info] of Object.entries(crds.kinds)) add(key, info.namespaced, fileHash, () => info.schema);
  }
  return kinds;
}

/** Compiled validators for every kind in imports/schemas, keyed by `apiVersion/Kind`. */
export class SchemaRegistry {
  private readonly kinds: ReadonlyMap<string, KindInfo>;

  constructor(schemaDir: string = SCHEMA_DIR) {
    // The schema files are read, and each validator compiled (or loaded), once per process.
    let kinds = loadedKinds.get(schemaDir);
    if (kinds === undefined) {
      kinds = loadKinds(schemaDir);
      loadedKinds.set(schemaDir, kinds);
    }
    this.kinds = kinds;
  }

  /** `apiVersion/Kind` → info, or undefined for a kind without a schema. */
  kind(apiVersion: string, kind: string): KindInfo | undefined {
    return this.kinds.get(`${apiVersion}/${kind}`);
  }

  get knownKinds(): string[] {
    return [...this.kinds.keys()].sort();
  }

  /** Problems with one object; an object of a kind without a schema is itself a problem. */
  validate(obj: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }): SchemaProblem[] {
    const id = objectId(obj);
    const info = this.kind(String(obj.apiVersion), String(obj.kind));
    if (info === undefined) {
      return [{ object: id, field: '/apiVersion', message: `no schema for ${String(obj.apiVersion)} ${String(obj.kind)}` }];
    }
    if (info.validate(obj)) return [];
    return (info.validate.errors ?? []).map((e) => ({ object: id, field: e.instancePath || '/', message: describe(e) }));
  }
}
