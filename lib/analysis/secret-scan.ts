/**
 * Finds secrets that leaked into synthesized objects. Nothing secret may enter git or dist/:
 * secrets reach pods only as Secrets made in the cluster by an ExternalSecret.
 *
 * Three families of checks, each a pure function over one object:
 * - {@link findSecretData}: a `Secret` that carries `data` or `stringData`;
 * - {@link findLiteralSecretEnv}: a container env var with a secret-like name and a literal
 *   `value` (or a literal value that itself looks like a credential);
 * - {@link findConfigMapCredentials}: a ConfigMap value that looks like a key or a token
 *   (private key block, AWS access key id, JWT, password in a URL or `password=`, a long
 *   high-entropy string), or an env-style key with a secret-like name.
 * {@link findCredentials} is the content detector they share; findings never repeat the
 * secret, only a redacted hint.
 */
import { isEnvVarName } from '../rules/names';
import { objectId } from '../rules/objects';

/** One leak. */
export interface SecretFinding {
  /** `Kind namespace/name`. */
  readonly object: string;
  /** Where in the object, e.g. `spec.template.spec.containers[0].env[1]` or `data.app.properties`. */
  readonly path: string;
  readonly rule: 'secret-data' | 'literal-secret-env' | 'configmap-credential';
  readonly message: string;
}

/** What the scanners need of an object. */
export interface ScannableObject {
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown };
  readonly [key: string]: unknown;
}

/** A hint that identifies a value without disclosing it: its first characters and length. */
export function redact(value: string): string {
  return `"${value.slice(0, 4)}…" (${value.length} chars)`;
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/** Words that make a variable name secret-like (matched as whole words of the name). */
export const SECRET_NAME_WORDS: ReadonlySet<string> = new Set([
  'PASSWORD', 'PASSWORDS', 'PASSWD', 'PASS', 'PWD', 'PASSPHRASE',
  'SECRET', 'SECRETS', 'TOKEN', 'TOKENS', 'KEY', 'KEYS', 'APIKEY', 'PRIVATE',
  'CREDENTIAL', 'CREDENTIALS', 'CREDS', 'DSN',
]);
/** Word sequences that make a name secret-like (connection strings carry passwords). */
export const SECRET_NAME_PHRASES: readonly (readonly string[])[] = [['DATABASE', 'URL'], ['DB', 'URL'], ['CONNECTION', 'STRING']];
/**
 * A last word that turns a secret-like name into a harmless one: it names where a secret is
 * (`SECRET_KEY_FILE`, `TOKEN_PATH`, `SECRET_NAME`) or a setting about it (`TOKEN_TTL`), not the secret.
 */
export const HARMLESS_LAST_WORDS: ReadonlySet<string> = new Set(['FILE', 'PATH', 'DIR', 'NAME', 'REF', 'PREFIX', 'TTL', 'LENGTH', 'EXPIRY', 'ALGORITHM', 'ENABLED']);

/** The words of a name: `dbPassword` and `DB_PASSWORD` both give DB, PASSWORD. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');
}

/** Whether a variable or key name says it holds a secret. */
export function isSecretLikeName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0 || HARMLESS_LAST_WORDS.has(words[words.length - 1]) || words.includes('PUBLIC')) return false;
  if (words.some((w) => SECRET_NAME_WORDS.has(w))) return true;
  return SECRET_NAME_PHRASES.some((phrase) => words.some((_, i) => phrase.every((p, j) => words[i + j] === p)));
}

// ---------------------------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------------------------

/** One credential-looking piece of text. */
export interface CredentialMatch {
  readonly detector: 'private-key' | 'aws-access-key-id' | 'jwt' | 'url-password' | 'password-assignment' | 'high-entropy';
  /** Redacted: never the secret itself. */
  readonly hint: string;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A value that only refers to a variable (`$(DB_PASSWORD)`, `${DB_PASSWORD}`) holds no secret itself. */
const VARIABLE_REFERENCE = /^(\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\})$/;

const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
/** Access key ids (long-term AKIA, temporary ASIA, and the other access-key prefixes). */
const AWS_ACCESS_KEY_ID = /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/g;
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
/** scheme://user:password@host */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:([^\s/@]+)@/gi;
/** `password=…` in a query string, DSN or properties file; `password: …` in YAML or JSON. */
const PASSWORD_ASSIGNMENT = /(?:password|passwd|pwd)["']?\s*[:=]\s*["']?([^\s&;"',]+)/gi;
/** Values of a password setting that are not a password (`require_password: true`). */
const NOT_A_PASSWORD = /^(true|false|null|none|yes|no|required|optional|\*+)$/i;
/** Runs of base64/base64url/hex characters. */
const TOKEN_RUN = /[A-Za-z0-9+/=_-]{32,}/g;

/**
 * The thresholds for "long high-entropy string", measured on random tokens: 32 random base64
 * characters have at least 4.2 bits/char in 99% of cases, names and paths of that length stay
 * below 4.0 and rarely mix upper case, lower case and digits; 32 random hex digits have at least
 * 3.0 bits/char.
 */
export const HIGH_ENTROPY = { minLength: 32, base64BitsPerChar: 4.2, hexBitsPerChar: 3.0 } as const;

/** PEM blocks that are public by nature (certificates, CA bundles, public keys). */
const PUBLIC_PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function highEntropyTokens(text: string): string[] {
  const out: string[] = [];
  const scanned = text.replace(PUBLIC_PEM_BLOCK, (block, label: string) => (label.includes('PRIVATE') ? block : ''));
  for (const m of scanned.matchAll(TOKEN_RUN)) {
    const token = m[0].replace(/^[-_/=]+|[-_/]+$/g, '');
    if (token.length < HIGH_ENTROPY.minLength) continue;
    const before = scanned.slice(Math.max(0, (m.index ?? 0) - 8), m.index);
    if (/^[0-9a-f]+$/i.test(token)) {
      // Content digests (image@sha256:…) identify, they do not authenticate.
      if (/sha(1|256|384|512):$/i.test(before)) continue;
      if (shannonEntropy(token) >= HIGH_ENTROPY.hexBitsPerChar) out.push(token);
      continue;
    }
    const mixed = /[a-z]/.test(token) && /[A-Z]/.test(token) && /[0-9]/.test(token);
    if (mixed && shannonEntropy(token) >= HIGH_ENTROPY.base64BitsPerChar) out.push(token);
  }
  return out;
}

/**
 * Everything in one value that looks like a credential: the detectors of TruffleHog and Trivy's
 * secret scanner for private keys (PrivateKey / private-key), AWS access key ids (AWS /
 * aws-access-key-id), JWTs (JWT / jwt-token) and passwords in URIs (URI), a password setting,
 * and a long high-entropy string (gitleaks generic-api-key's entropy rule). Whole files and the
 * git history are scanned in CI by TruffleHog and Trivy, which know hundreds of credential
 * formats and verify them; here the detectors judge single values the object checks below pick
 * out by their role (an env var, a ConfigMap entry).
 */
export function findCredentials(text: string): CredentialMatch[] {
  const found: CredentialMatch[] = [];
  for (const m of text.matchAll(PRIVATE_KEY)) found.push({ detector: 'private-key', hint: m[0] });
  for (const m of text.matchAll(AWS_ACCESS_KEY_ID)) found.push({ detector: 'aws-access-key-id', hint: redact(m[0]) });
  for (const m of text.matchAll(JWT)) found.push({ detector: 'jwt', hint: redact(m[0]) });
  for (const m of text.matchAll(URL_PASSWORD)) {
    if (!VARIABLE_REFERENCE.test(m[1])) found.push({ detector: 'url-password', hint: `password ${redact(m[1])} in a URL` });
  }
  for (const m of text.matchAll(PASSWORD_ASSIGNMENT)) {
    if (!VARIABLE_REFERENCE.test(m[1]) && !NOT_A_PASSWORD.test(m[1])) found.push({ detector: 'password-assignment', hint: `password setting ${redact(m[1])}` });
  }
  for (const token of highEntropyTokens(text)) {
    found.push({ detector: 'high-entropy', hint: `${redact(token)} at ${shannonEntropy(token).toFixed(2)} bits/char` });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Object checks
// ---------------------------------------------------------------------------------------------

/**
 * A Secret with data or stringData: its values are in the manifest, hence in git. A project
 * rule: no CI scanner flags a Secret by its kind (TruffleHog and Trivy only see values they
 * recognise, and base64 hides most of them).
 */
export function findSecretData(obj: ScannableObject): SecretFinding[] {
  if (obj.kind !== 'Secret') return [];
  const out: SecretFinding[] = [];
  for (const field of ['data', 'stringData'] as const) {
    const value = obj[field];
    if (value !== undefined && value !== null && (typeof value !== 'object' || Object.keys(value).length > 0)) {
      const keys = typeof value === 'object' ? Object.keys(value).join(', ') : String(typeof value);
      out.push({
        object: objectId(obj),
        path: field,
        rule: 'secret-data',
        message: `Secret carries ${field} (${keys}); make it with an ExternalSecret instead`,
      });
    }
  }
  return out;
}

interface EnvVar {
  readonly name?: unknown;
  readonly value?: unknown;
}

/** Every container list in an object (pods, pod templates, job templates, CRDs that embed them). */
function containerLists(node: unknown, path: string, out: { path: string; containers: unknown[] }[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => containerLists(item, `${path}[${i}]`, out));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    const here = path === '' ? key : `${path}.${key}`;
    if (['containers', 'initContainers', 'ephemeralContainers'].includes(key) && Array.isArray(value)) out.push({ path: here, containers: value });
    containerLists(value, here, out);
  }
}

/**
 * Env vars with a secret-like name and a literal value, or a literal value that looks like a
 * credential. Mirrors Polaris sensitiveContainerEnvVar, which the Polaris configuration CI runs
 * (POLARIS_CHECKS in lib/cli/commands/polaris-config.ts) does not enable, with the name rules
 * above.
 */
export function findLiteralSecretEnv(obj: ScannableObject): SecretFinding[] {
  const lists: { path: string; containers: unknown[] }[] = [];
  containerLists(obj, '', lists);
  const out: SecretFinding[] = [];
  for (const { path, containers } of lists) {
    containers.forEach((c, ci) => {
      const env = (c as { env?: unknown } | null)?.env;
      if (!Array.isArray(env)) return;
      (env as EnvVar[]).forEach((e, ei) => {
        if (typeof e?.value !== 'string' || e.value === '') return;
        const name = String(e.name);
        const where = `${path}[${ci}].env[${ei}]`;
        if (isSecretLikeName(name)) {
          out.push({
            object: objectId(obj),
            path: where,
            rule: 'literal-secret-env',
            message: `env ${name} has a secret-like name and a literal value ${redact(e.value)}; use valueFrom.secretKeyRef`,
          });
          return;
        }
        for (const m of findCredentials(e.value)) {
          out.push({ object: objectId(obj), path: where, rule: 'literal-secret-env', message: `env ${name}: ${m.detector}: ${m.hint}` });
        }
      });
    });
  }
  return out;
}


/**
 * ConfigMap values that look like keys or tokens ({@link findCredentials}), and env-style keys
 * with secret-like names. A project rule: scanners see a ConfigMap as text, not which of its
 * keys a pod reads as a setting.
 */
export function findConfigMapCredentials(obj: ScannableObject): SecretFinding[] {
  if (obj.kind !== 'ConfigMap') return [];
  const out: SecretFinding[] = [];
  const entries: [string, string][] = [];
  const data = (obj.data ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(data)) if (typeof v === 'string') entries.push([`data.${k}`, v]);
  const binary = (obj.binaryData ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(binary)) if (typeof v === 'string') entries.push([`binaryData.${k}`, Buffer.from(v, 'base64').toString('utf8')]);
  for (const [path, value] of entries) {
    const key = path.slice(path.indexOf('.') + 1);
    if (isEnvVarName(key) && isSecretLikeName(key) && value !== '') {
      out.push({ object: objectId(obj), path, rule: 'configmap-credential', message: `key ${key} has a secret-like name; secrets belong in a Secret made by an ExternalSecret` });
    }
    for (const m of findCredentials(value)) {
      out.push({ object: objectId(obj), path, rule: 'configmap-credential', message: `${m.detector}: ${m.hint}` });
    }
  }
  return out;
}

/** Every finding of every check, over many objects. */
export function scanForSecrets(objects: readonly ScannableObject[]): SecretFinding[] {
  return objects.flatMap((o) => [...findSecretData(o), ...findLiteralSecretEnv(o), ...findConfigMapCredentials(o)]);
}
