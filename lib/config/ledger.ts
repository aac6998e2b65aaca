/**
 * The ledger of verified digests: environments/verified/<env>.yaml, committed. One entry says
 * that a digest of a service ran healthy in that environment (a Rollout completed with its
 * analysis passed), when, and on what evidence. `record-verified` appends to it; `promote`
 * copies only digests it lists. Entries are never rewritten: the file is the audit trail.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, isNode, parseDocument } from 'yaml';
import { z } from 'zod';
import { SERVICE_NAMES, ServiceName } from './catalog';
import { digestProblem } from '../rules/image-ref';
import { ConfigError } from './load';
import { LEDGER_FOLDER, VERIFYING_ENVIRONMENTS } from './release-loop';
import { ENVIRONMENT_NAMES, EnvironmentName } from './schema';

const entry = z.strictObject({
  digest: z.string().refine((d) => digestProblem(d) === undefined, 'expected sha256:<64 lowercase hex>'),
  /** RFC 3339 UTC: when the evidence was reported. */
  at: z.iso.datetime({ error: 'expected an RFC 3339 UTC time such as 2026-12-01T10:00:00Z' }),
  /** What showed the digest healthy (the Rollout, its revision, the analysis). */
  evidence: z.string().min(1, 'expected a non-empty description of the evidence'),
});
export type LedgerEntry = z.output<typeof entry>;

export const ledgerSchema = z.strictObject({
  environment: z.enum(ENVIRONMENT_NAMES),
  verified: z.partialRecord(z.enum(SERVICE_NAMES, { error: `expected a service of the catalog: ${SERVICE_NAMES.join(', ')}` }), z.array(entry)).prefault({}),
});
export type Ledger = z.output<typeof ledgerSchema>;

export function ledgerFile(environmentsDir: string, env: EnvironmentName): string {
  return path.join(environmentsDir, LEDGER_FOLDER, `${env}.yaml`);
}

/** The ledger's text when it does not exist yet. */
export function emptyLedger(env: EnvironmentName): string {
  return [
    `# Digests that ran healthy in ${env}: a Rollout completed with its analysis passed.`,
    '# Written by `cli record-verified` (append only); `cli promote` copies only these digests.',
    `environment: ${env}`,
    'verified: {}',
    '',
  ].join('\n');
}

/** Parses a ledger's text; errors name file, line and field. */
export function parseLedger(file: string, text: string, env: EnvironmentName): Ledger {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `${file}:${lineCounter.linePos(e.pos[0]).line}: not valid YAML: ${e.message.split('\n')[0]}`));
  }
  const result = ledgerSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const node = doc.getIn(i.path as unknown[], true);
        const line = isNode(node) && node.range ? `:${lineCounter.linePos(node.range[0]).line}` : '';
        return `${file}${line}: ${i.path.map(String).join('.') || '(top level)'}: ${i.message}`;
      }),
    );
  }
  if (result.data.environment !== env) throw new ConfigError([`${file}: environment: expected "${env}" (the file name), found "${result.data.environment}"`]);
  if (!VERIFYING_ENVIRONMENTS.includes(env)) throw new ConfigError([`${file}: only ${VERIFYING_ENVIRONMENTS.join(' and ')} verify releases; expected no ledger for ${env}`]);
  return result.data;
}

/** The ledger of an environment (empty when its file does not exist). */
export function loadLedger(environmentsDir: string, env: EnvironmentName): Ledger {
  const file = ledgerFile(environmentsDir, env);
  if (!fs.existsSync(file)) return { environment: env, verified: {} };
  return parseLedger(file, fs.readFileSync(file, 'utf8'), env);
}

/** The entry recording `digest` for a service, if any. */
export function verification(ledger: Ledger, service: ServiceName, digest: string): LedgerEntry | undefined {
  return (ledger.verified[service] ?? []).find((e) => e.digest === digest);
}
