/**
 * A memo on disk (lib/rules/memo.ts): synth's pure steps keep their results between runs, because
 * a change to one environment file leaves most of their inputs as they were: the parse and checks
 * of each environment file and of the exam calendar, each chart's rendered objects (lib/app.ts),
 * the release timing, the YAML of each object, the calendar's gantt.
 *
 * The memo belongs to one build of the code on one Node (the file name carries a hash of the
 * bundle's content key and Node's version, whose ICU holds the time zones), so a change to the
 * code never reads an old result. Entries are keyed by kind and a sha256 of the input. It lives
 * in node_modules/.cache (never in the repository), as each entry's JSON text in a plain binary
 * frame (`encodeEntries`: reading it is a copy, where one JSON or V8-serialized document would be
 * parsed whole), keeps only the entries the last run used, is written atomically and only when it
 * changed, and is only an optimisation: a missing, unreadable or damaged memo (its sha256 heads
 * it) means computing everything. The bytes synth writes are the same either way
 * (test/output/synth-memo.spec.ts).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Memo } from '../rules/memo';
import { REPO_ROOT } from '../paths';
import { writeFileAtomic } from './atomic-file';
import { decodeUtf8 } from './text';

/** Where the memos live. */
export const MEMO_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'exam-delivery-synth', 'memo');

const PREFIX = 'memo-';
/** The sha256 of the rest of the file heads it. */
const DIGEST_BYTES = 32;

/**
 * The file: the sha256 of the rest, then each entry as the byte lengths of its key and its JSON
 * text (32-bit little-endian), the key (ASCII) and the text (UTF-8).
 */
function encodeEntries(entries: ReadonlyMap<string, string>): Buffer {
  let size = DIGEST_BYTES;
  for (const [key, text] of entries) size += 8 + key.length + Buffer.byteLength(text, 'utf8');
  const bytes = Buffer.alloc(size);
  let at = DIGEST_BYTES;
  for (const [key, text] of entries) {
    const keyLength = bytes.write(key, at + 8, 'latin1');
    const textLength = bytes.write(text, at + 8 + keyLength, 'utf8');
    bytes.writeUInt32LE(keyLength, at);
    bytes.writeUInt32LE(textLength, at + 4);
    at += 8 + keyLength + textLength;
  }
  crypto.createHash('sha256').update(bytes.subarray(DIGEST_BYTES)).digest().copy(bytes, 0);
  return bytes;
}

/** The entries of a memo file; throws on a damaged one. */
function decodeEntries(bytes: Buffer): Map<string, string> {
  const payload = bytes.subarray(DIGEST_BYTES);
  if (!crypto.createHash('sha256').update(payload).digest().equals(bytes.subarray(0, DIGEST_BYTES))) throw new Error('damaged memo');
  const entries = new Map<string, string>();
  for (let at = 0; at < payload.length; ) {
    const keyLength = payload.readUInt32LE(at);
    const textLength = payload.readUInt32LE(at + 4);
    const key = payload.subarray(at + 8, at + 8 + keyLength);
    const text = payload.subarray(at + 8 + keyLength, at + 8 + keyLength + textLength);
    if (text.length !== textLength) throw new Error('damaged memo');
    entries.set(key.toString('latin1'), decodeUtf8(text));
    at += 8 + keyLength + textLength;
  }
  return entries;
}

export class DiskMemo implements Memo {
  /** The memo of the code build `codeKey` (a hex content key) on this Node. */
  public static forCode(codeKey: string, dir: string = MEMO_DIR): DiskMemo {
    if (!/^[0-9a-f]{16,}$/.test(codeKey)) throw new Error(`DiskMemo: code key "${codeKey}" is not a hex content key`);
    const build = crypto.createHash('sha256').update(`${codeKey}\0${process.version}`).digest('hex').slice(0, 32);
    return new DiskMemo(dir, `${PREFIX}${build}.bin`);
  }

  /** Entry key → the result's JSON text. */
  private readonly known: Map<string, string>;
  private readonly used = new Map<string, string>();
  private computed = 0;
  private found = 0;

  private constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {
    let known = new Map<string, string>();
    try {
      known = decodeEntries(fs.readFileSync(path.join(dir, name)));
    } catch {
      // none yet, or unreadable: compute everything
    }
    this.known = known;
  }

  public get<T>(kind: string, input: string, compute: () => T): T {
    const key = `${kind}:${crypto.createHash('sha256').update(input).digest('base64url')}`;
    let text = this.used.get(key) ?? this.known.get(key);
    if (text === undefined) {
      const result = compute();
      text = JSON.stringify(result) as string | undefined;
      // Not JSON (undefined, a function): nothing to keep.
      if (text === undefined) return result;
      this.computed++;
    } else {
      this.found++;
    }
    this.used.set(key, text);
    // Parsed afresh for every caller: no caller can change what another one, or the file, gets.
    return JSON.parse(text) as T;
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
    writeFileAtomic(path.join(this.dir, this.name), encodeEntries(this.used), { durable: false });
    for (const f of fs.readdirSync(this.dir)) {
      if (f.startsWith(PREFIX) && f !== this.name) fs.rmSync(path.join(this.dir, f), { force: true });
    }
  }
}
