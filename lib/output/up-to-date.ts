/**
 * Skipping a synth that would change nothing. After each successful synth, a stamp records a key
 * of everything the output depends on (the bundled code, every environment file, the installed
 * dependencies, Node's version) and a hash of every file synth owns in the output (dist/ and its
 * docs page, records included). The next synth with the same key whose output still hashes the
 * same has nothing to do, and stops before it loads cdk8s. Anything else (an edited source or
 * environment file, a touched, added or removed output file, a leftover of an interrupted run)
 * means a full synth. The stamp lives in node_modules/.cache, never in the repository.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lockPathFor, tempNamePattern, writeFileAtomic } from '../io/atomic-file';
import { REPO_ROOT } from '../paths';
import { OWNERSHIP_RECORD } from './transaction';
import { ENVIRONMENT_DOCS, docsDirFor } from './write-output';

const STAMP_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'exam-delivery-synth', 'stamps');

function sha(data: string | Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** The stamp file of an output folder. */
export function stampFile(out: string): string {
  return path.join(STAMP_DIR, `${sha(out).slice(0, 16)}.json`);
}

/** What the output depends on besides the code: the environment files, the installed packages, Node. Undefined when unknown. */
export function inputsKey(codeKey: string, environmentsDir: string, out: string): string | undefined {
  const h = crypto.createHash('sha256').update(`${codeKey}\0${process.version}\0${out}\0`);
  try {
    // The installed dependency tree (npm rewrites this file on every install).
    h.update(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', '.package-lock.json')));
    for (const name of fs.readdirSync(environmentsDir).sort()) {
      if (name.startsWith('.')) continue; // the loader ignores hidden files (the writers' temporary and lock files)
      h.update(`\0${name}\0`).update(fs.readFileSync(path.join(environmentsDir, name)));
    }
  } catch {
    return undefined;
  }
  return h.digest('hex');
}

/**
 * Hashes of every file in the output folder and of synth's files in the docs folder; undefined
 * when an interrupted run left something, or (unless `locked`, i.e. called by the holder) another
 * run holds the lock. `contents` holds files whose bytes the caller knows (it just wrote them):
 * those are hashed from memory instead of read back.
 */
export function outputState(out: string, locked = false, contents: ReadonlyMap<string, string> = new Map()): Record<string, string> | undefined {
  const base = path.dirname(out);
  const pattern = tempNamePattern(out);
  let names: string[];
  try {
    names = fs.readdirSync(base);
  } catch {
    return undefined;
  }
  if (names.some((n) => pattern.test(n)) || (!locked && fs.existsSync(lockPathFor(out)))) return undefined;
  const state: Record<string, string> = {};
  const hashOf = (file: string): string => sha(contents.get(file) ?? fs.readFileSync(file));
  const walk = (abs: string, rel: string): void => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(path.join(abs, e.name), r);
      else state[r] = e.isFile() ? hashOf(path.join(abs, e.name)) : 'not a file';
    }
  };
  try {
    walk(out, 'out');
    const docs = docsDirFor(out);
    // Every generated page the docs record lists (environments.md, addons.md, ...), and the record.
    const record = fs.readFileSync(path.join(docs, OWNERSHIP_RECORD), 'utf8');
    const owned = record.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    for (const f of new Set([ENVIRONMENT_DOCS, OWNERSHIP_RECORD, ...owned])) state[`docs/${f}`] = hashOf(path.join(docs, f));
  } catch {
    return undefined;
  }
  return state;
}

function sameState(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** True when the last synth into `out` had the same inputs and the output is still exactly what it wrote. */
export function isUpToDate(out: string, key: string): boolean {
  let stamp: { key?: string; state?: Record<string, string> };
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile(out), 'utf8')) as typeof stamp;
  } catch {
    return false;
  }
  if (stamp.key !== key || stamp.state === undefined) return false;
  const state = outputState(out);
  return state !== undefined && sameState(state, stamp.state);
}

/**
 * Records the output as synth just left it (call under the output lock, after the commit, with
 * the contents it wrote or left; see `outputState`).
 */
export function writeStamp(out: string, key: string, contents: ReadonlyMap<string, string> = new Map()): void {
  const state = outputState(out, true, contents);
  if (state === undefined) return;
  fs.mkdirSync(STAMP_DIR, { recursive: true });
  writeFileAtomic(stampFile(out), JSON.stringify({ key, state }), { durable: false });
}
