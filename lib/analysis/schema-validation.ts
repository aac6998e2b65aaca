/**
 * Validates synthesized objects against the API schemas generated into imports/schemas:
 * core kinds against the Kubernetes 1.28 definitions, custom resources against their pinned
 * CRDs. Strict: a property the schema does not list is an error, as the API server's strict
 * field validation (and CRD pruning) would treat it.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../paths';
import { objectId } from '../rules/objects';

const SCHEMA_DIR = path.join(REPO_ROOT, 'imports', 'schemas');

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

/** Compiled validators for every kind in imports/schemas, keyed by `apiVersion/Kind`. */
export class SchemaRegistry {
  private readonly kinds = new Map<string, KindInfo>();

  constructor(schemaDir: string = SCHEMA_DIR) {
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false });
    const core = JSON.parse(fs.readFileSync(path.join(schemaDir, 'k8s.json'), 'utf8')) as CoreSchemaFile;
    ajv.addSchema({ $id: 'k8s', definitions: core.definitions });
    for (const [key, info] of Object.entries(core.kinds)) {
      this.kinds.set(key, lazy(info.namespaced, () => ajv.compile({ $ref: `k8s#/definitions/${info.definition}` })));
    }
    for (const file of fs.readdirSync(schemaDir).sort()) {
      if (file === 'k8s.json' || !file.endsWith('.json')) continue;
      const crds = JSON.parse(fs.readFileSync(path.join(schemaDir, file), 'utf8')) as CrdSchemaFile;
      for (const [key, info] of Object.entries(crds.kinds)) {
        this.kinds.set(key, lazy(info.namespaced, () => ajv.compile(info.schema)));
      }
    }
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
