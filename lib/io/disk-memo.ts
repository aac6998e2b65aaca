/**
 * A memo on disk (lib/rules/memo.ts): synth's pure steps keep their results between runs, because
 * a change to one environment file leaves most of their inputs as they were: the YAML of each
 * object, the parse and checks of each environment file and of the exam calendar, the release
 * timing, the rendered Falco and notification files, the calendar's gantt.
 *
 * The memo belongs to one build of the code on one Node (the file name carries a hash of the
 * bundle's content key and Node's version, whose ICU holds the time zones), so a change to the
 * code never reads an old result. Entries are keyed by kind and a sha256 of the input. It lives
 * in node_modules/.cache (never in the repository), in V8's serialization format (read four
 * times faster than the same JSON; the Node version in its name also fixes that format), keeps
 * only the entries the last run used, is written atomically and only when it changed, and is
 * only an optimisation: a missing, unreadable or damaged memo (its sha256 heads it) means
 * computing everything. The bytes synth writes are the same either way
 * (test/output/synth-memo.spec.ts).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import type { Memo } from '../rules/memo';
import { REPO_ROOT } from '../paths';
import { writeFileAtomic } from './atomic-file';

/** Where the memos live. */
export const MEMO_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'exam-delivery-synth', 'memo');

const PREFIX = 'memo-';
/** The sha256 of the rest of the file heads it. */
const DIGEST_BYTES = 32;

export class DiskMemo implements Memo {
  /** The memo of the code build `codeKey` (a hex content key) on this Node. */
  public static forCode(codeKey: string, dir: string = MEMO_DIR): DiskMemo {
    if (!/^[0-9a-f]{16,}$/.test(codeKey)) throw new Error(`DiskMemo: code key "${codeKey}" is not a hex content key`);
    const build = crypto.createHash('sha256').update(`${codeKey}\0${process.version}`).digest('hex').slice(0, 32);
    return new DiskMemo(dir, `${PREFIX}${build}.bin`);
  }

  /** Entry key → the result, as parsed from JSON. */
  private readonly known: Map<string, unknown>;
  private readonly used = new Map<string, unknown>();
  private computed = 0;
  private found = 0;

  private constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {
    let known = new Map<string, unknown>();
    try {
      const bytes = fs.readFileSync(path.join(dir, name));
      const payload = bytes.subarray(DIGEST_BYTES);
      if (crypto.createHash('sha256').update(payload).digest().equals(bytes.subarray(0, DIGEST_BYTES))) {
        // An array of [key, result] pairs (Array.isArray holds across realms, as under jest).
        const stored = v8.deserialize(payload) as unknown;
        if (Array.isArray(stored)) known = new Map(stored.filter((e): e is [string, unknown] => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string'));
      }
    } catch {
      // none yet, or unreadable: compute everything
    }
    this.known = known;
  }

  public get<T>(kind: string, input: string, compute: () => T): T {
    const key = `${kind}:${crypto.createHash('sha256').update(input).digest('base64url')}`;
    let value: unknown;
    if (this.used.has(key) || this.known.has(key)) {
      value = this.used.has(key) ? this.used.get(key) : this.known.get(key);
      this.found++;
    } else {
      const result = compute();
      const text = JSON.stringify(result) as string | undefined;
      // Not JSON (undefined, a function): nothing to keep.
      if (text === undefined) return result;
      value = JSON.parse(text);
      this.computed++;
    }
    this.used.set(key, value);
    // Strings are immutable; anything else is handed out as a copy, so no caller changes the kept result.
    return (typeof value === 'object' && value !== null ? JSON.parse(JSON.stringify(value)) : value) as T;
  }

  /** How many results this run computed (the others came from the memo). */
  public get misses(): number {
    return this.computed;
  }

  /** How many results came from the memo. */
  public get hits(): number {
    return this.found;
  }

  /**
   * Keeps what this run used (atomically), when that differs from what it read, and drops the
   * memos of other code builds.
   */
  public save(): void {
    if (this.computed === 0 && this.used.size === this.known.size) return;
    fs.mkdirSync(this.dir, { recursive: true });
    const payload = v8.serialize([...this.used]);
    writeFileAtomic(path.join(this.dir, this.name), Buffer.concat([crypto.createHash('sha256').update(payload).digest(), payload]), { durable: false });
    for (const f of fs.readdirSync(this.dir)) {
      if (f.startsWith(PREFIX) && f !== this.name) fs.rmSync(path.join(this.dir, f), { force: true });
    }
  }
}
