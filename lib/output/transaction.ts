/**
 * Writes synth's output folders (dist/ and docs/) as one transaction, touching only files synth
 * owns. Decisions and their reasons: docs/decisions.md, "Synth's output: ownership, transaction,
 * lock, signals".
 *
 * Ownership. Each folder keeps a record of the files synth wrote there, `.synth-manifest` (one
 * path a line, sorted). Synth deletes only files in the record. A file in the folder that is not
 * in the record is foreign, unless it is byte for byte what synth is about to write there (then
 * it is adopted): an exclusive folder (dist/) with a foreign file is refused, and in a shared
 * folder (docs/, where hand-written pages live) synth never touches a file it did not write.
 *
 * Transaction. Under the lock `.<out>.lock` (next to the output folder), changed files are first
 * staged in `.<out>.<pid>.<random>.tmp/` next to the output folder, then a journal of the
 * operations is written (renamed into place whole). The commit then moves each staged file into place with rename (a hard link
 * keeps the old file as a backup), and marks the journal committed; the staging folder is removed.
 * A failure during the commit rolls every operation back from the journal. A process killed
 * during the commit (SIGKILL, power loss) leaves the staging folder and its journal: the next
 * run, under the lock, rolls the half-done commit back before it does anything else. So readers
 * and the next run see the folders all old or all new. Nothing here is fsynced (an fsync costs
 * milliseconds, and a first synth writes hundreds of files): the guarantee is against the process
 * dying at any point; after a power loss the output is regenerated from git and the sources.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HeldLock, acquireFileLock, acquireFileLockAsync, tempNamePattern, tempPathFor, writeNewFile } from '../io/atomic-file';
import { decodeUtf8 } from '../io/text';

/** The record of what synth wrote in a folder. */
export const OWNERSHIP_RECORD = '.synth-manifest';
const RECORD_HEADER = '# Files synth wrote in this folder; it deletes only these. Generated: do not edit.\n';

export interface OutputFile {
  /** Relative to its folder, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

export interface OutputFolder {
  /** Absolute path. */
  readonly dir: string;
  /** What the folder must hold (of synth's files) after the transaction. */
  readonly files: readonly OutputFile[];
  /** True: every file in the folder must be synth's (dist/). False: others' files may sit beside synth's (docs/). */
  readonly exclusive: boolean;
}

export interface WriteSummary {
  readonly written: number;
  readonly deleted: number;
  readonly unchanged: number;
}

/** The output cannot be written without touching files synth does not own. Nothing was changed. */
export class OwnershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OwnershipError';
  }
}

/** Test and diagnostics hook: called at each step (`locked`, `staged:<i>`, `prepared`, `commit:<i>`, `committed`, `unlocking`). */
export type StepHook = (step: string) => void;

interface Op {
  /** Relative to the transaction base, `/`-separated. */
  readonly path: string;
  readonly kind: 'write' | 'delete';
  readonly existed: boolean;
}

interface Journal {
  readonly ops: readonly Op[];
  /** Folders the commit creates, parents first (relative to the base). */
  readonly createdDirs: readonly string[];
}

const JOURNAL = 'journal.json';
const COMMITTED = 'committed';

function abs(base: string, rel: string): string {
  return path.join(base, ...rel.split('/'));
}

function exists(p: string): boolean {
  return fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined;
}

/** A path a record may list: relative, `/`-separated, inside the folder. */
function isSafeRelative(p: string): boolean {
  return !p.includes('\\') && p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

function readRecord(dir: string): Set<string> {
  const file = path.join(dir, OWNERSHIP_RECORD);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return new Set();
  }
  const paths = new Set<string>();
  text.split('\n').forEach((l, i) => {
    if (l === '' || l.startsWith('#')) return;
    if (!isSafeRelative(l)) throw new OwnershipError(`${file}:${i + 1}: "${l}" is not a path inside the folder; the record was edited by hand? Nothing was changed.`);
    paths.add(l);
  });
  return paths;
}

/**
 * Whether every folder on the way from `dir` to `rel` is a real folder (not a symlink, not a
 * file). `folders` remembers the answer for each folder, so a plan checks each one once.
 */
function underRealFolders(dir: string, rel: string, folders: Map<string, boolean> = new Map()): boolean {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const folder = path.join(dir, ...parts.slice(0, i));
    let real = folders.get(folder);
    if (real === undefined) {
      real = fs.lstatSync(folder, { throwIfNoEntry: false })?.isDirectory() === true;
      folders.set(folder, real);
    }
    if (!real) return false;
  }
  return true;
}

export function recordText(paths: Iterable<string>): string {
  return RECORD_HEADER + [...paths].sort().map((p) => `${p}\n`).join('');
}

/** Every entry below `dir` that is not a folder (symlinks included, never followed), relative. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (absDir: string, rel: string): void => {
    for (const e of fs.readdirSync(absDir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(absDir, e.name), r);
      else out.push(r);
    }
  };
  if (fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) walk(dir, '');
  return out.sort();
}

/** The text of `p` if it is a regular file (a symlink is not followed); undefined if it is anything else or absent. */
function readIfFile(p: string, st: fs.Stats | undefined = fs.lstatSync(p, { throwIfNoEntry: false })): string | undefined {
  if (!st?.isFile()) return undefined;
  return decodeUtf8(fs.readFileSync(p));
}

function removeEmptyDirs(from: string, stopAt: string): void {
  for (let d = from; d.startsWith(stopAt + path.sep); d = path.dirname(d)) {
    try {
      fs.rmdirSync(d);
    } catch {
      return; // not empty, or gone
    }
  }
}

function listed(names: readonly string[], max = 10): string {
  return names.slice(0, max).join(', ') + (names.length > max ? `, and ${names.length - max} more` : '');
}

interface Plan {
  readonly ops: Op[];
  readonly contents: Map<string, string>;
  readonly createdDirs: string[];
  readonly summary: WriteSummary;
}

/** What must change, after checking that only synth's files are touched. Throws OwnershipError. */
function plan(base: string, folders: readonly OutputFolder[]): Plan {
  const ops: Op[] = [];
  const realFolders = new Map<string, boolean>();
  const contents = new Map<string, string>();
  let written = 0;
  let deleted = 0;
  let unchanged = 0;
  for (const folder of folders) {
    const folderRel = path.relative(base, folder.dir).split(path.sep).join('/');
    const record = readRecord(folder.dir);
    const wanted = new Map(folder.files.map((f) => [f.path, f.content]));
    if (wanted.size !== folder.files.length) throw new Error(`${folder.dir}: two output files share a path`);
    if (wanted.has(OWNERSHIP_RECORD)) throw new Error(`${folder.dir}: ${OWNERSHIP_RECORD} is synth's own record`);
    const candidates = folder.exclusive ? listFiles(folder.dir).filter((p) => p !== OWNERSHIP_RECORD) : [...new Set([...record, ...wanted.keys()])].sort();
    const present = new Map<string, string | undefined>();
    const foreign: string[] = [];
    for (const p of candidates) {
      const target = abs(folder.dir, p);
      // Not there, or only through a symlink (never followed: in the exclusive folder the link
      // itself is foreign) or through a file (deleted first if synth's, else foreign).
      if (!underRealFolders(folder.dir, p, realFolders)) continue;
      const st = fs.lstatSync(target, { throwIfNoEntry: false });
      if (st === undefined) continue;
      const content = readIfFile(target, st);
      present.set(p, content);
      if (record.has(p) && content !== undefined) continue;
      if (content !== undefined && wanted.get(p) === content) continue; // what synth writes anyway: adopted
      if (folder.exclusive || wanted.has(p) || content === undefined) foreign.push(p);
    }
    if (foreign.length > 0) {
      throw new OwnershipError(
        folder.exclusive
          ? `${folder.dir}: holds ${foreign.length} file(s) synth did not write (${listed(foreign)}). Synth writes only into a folder of its own ` +
              `and deletes only the files listed in its ${OWNERSHIP_RECORD}; move those files away, or set CDK8S_OUTDIR to an empty or new folder. Nothing was changed.`
          : `${folder.dir}: synth would overwrite ${listed(foreign)}, which it did not write (not in ${OWNERSHIP_RECORD}); move it away. Nothing was changed.`,
      );
    }
    const next = new Set(wanted.keys());
    const add = (p: string, content: string): void => {
      const rel = `${folderRel}/${p}`;
      ops.push({ path: rel, kind: 'write', existed: present.has(p) });
      contents.set(rel, content);
    };
    for (const [p, content] of wanted) {
      if (present.get(p) === content) unchanged++;
      else {
        add(p, content);
        written++;
      }
    }
    for (const p of record) {
      if (next.has(p) || !present.has(p)) continue;
      ops.push({ path: `${folderRel}/${p}`, kind: 'delete', existed: true });
      deleted++;
    }
    const recordNext = recordText(next);
    const recordFile = path.join(folder.dir, OWNERSHIP_RECORD);
    const recordNow = readIfFile(recordFile);
    if (recordNow !== recordNext) {
      ops.push({ path: `${folderRel}/${OWNERSHIP_RECORD}`, kind: 'write', existed: recordNow !== undefined });
      contents.set(`${folderRel}/${OWNERSHIP_RECORD}`, recordNext);
    }
  }
  // Deletes first: a deleted file may stand where a new folder goes.
  ops.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'delete' ? -1 : 1));
  const createdDirs: string[] = [];
  for (const op of ops) {
    if (op.kind !== 'write') continue;
    const chain: string[] = [];
    for (let d = path.posix.dirname(op.path); d !== '.' && !createdDirs.includes(d); d = path.posix.dirname(d)) {
      if (fs.statSync(abs(base, d), { throwIfNoEntry: false })?.isDirectory()) break;
      chain.unshift(d);
    }
    createdDirs.push(...chain);
  }
  return { ops, contents, createdDirs, summary: { written, deleted, unchanged } };
}

/** Undoes a commit from its journal; each step is idempotent, so a crash here is recovered by running it again. */
function rollback(base: string, staging: string, journal: Journal): void {
  const undo = (op: Op, i: number): void => {
    const target = abs(base, op.path);
    const backup = path.join(staging, 'old', String(i));
    if (exists(backup)) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(backup, target);
    } else if (op.kind === 'write' && !op.existed && !exists(path.join(staging, 'new', String(i)))) {
      fs.rmSync(target, { force: true });
    }
  };
  // Writes first (newest first), then the folders they needed, then the deletes: a deleted file
  // may have stood where a created folder is.
  const indexed = journal.ops.map((op, i) => ({ op, i })).reverse();
  for (const { op, i } of indexed) if (op.kind === 'write') undo(op, i);
  for (const d of [...journal.createdDirs].reverse()) {
    try {
      fs.rmdirSync(abs(base, d));
    } catch {
      // not created yet, or not empty
    }
  }
  for (const { op, i } of indexed) if (op.kind === 'delete') undo(op, i);
}

function finish(base: string, staging: string, journal: Journal | undefined): void {
  if (journal !== undefined) {
    for (const op of journal.ops) if (op.kind === 'delete') removeEmptyDirs(path.dirname(abs(base, op.path)), path.join(base, op.path.split('/')[0]));
  }
  fs.rmSync(staging, { recursive: true, force: true });
}

function readJournal(staging: string): Journal | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(staging, JOURNAL), 'utf8')) as Journal;
  } catch {
    return undefined;
  }
}

/**
 * Recovers from a run that died (SIGKILL, power loss): a commit that was marked done is
 * finished, one that was not is rolled back, and staging leftovers are removed. Call only under
 * the lock. Returns what it found.
 */
export function recoverOutput(base: string, name: string): ('rolled back' | 'finished' | 'discarded')[] {
  const pattern = tempNamePattern(path.join(base, name));
  const found: ('rolled back' | 'finished' | 'discarded')[] = [];
  for (const entry of fs.readdirSync(base).filter((e) => pattern.test(e)).sort()) {
    const staging = path.join(base, entry);
    const journal = fs.statSync(staging).isDirectory() ? readJournal(staging) : undefined;
    if (journal !== undefined && exists(path.join(staging, COMMITTED))) {
      finish(base, staging, journal);
      found.push('finished');
    } else if (journal !== undefined) {
      rollback(base, staging, journal);
      finish(base, staging, undefined);
      found.push('rolled back');
    } else {
      fs.rmSync(staging, { recursive: true, force: true });
      found.push('discarded');
    }
  }
  return found;
}

export interface TransactionOptions {
  /** Called at every step; tests use it to inject signals and crashes. */
  readonly onStep?: StepHook;
  /** Lock wait, in ms. @default 120000 */
  readonly lockTimeoutMs?: number;
  /** Checked while waiting for the lock: true stops the wait (LockWaitCancelled). */
  readonly cancelled?: () => boolean;
}

/**
 * One write of the output folders. `open` takes the lock, recovers a dead run's leftovers and
 * plans (checking ownership); `stage` writes the new files aside; `commit` makes them visible;
 * `close` releases the lock and discards anything not committed. The caller may stop between
 * steps (a signal): until `commit`, nothing visible has changed.
 */
export class OutputTransaction {
  /** `base` holds every folder; `name` (the output folder's name) names the lock and staging folder. */
  static async open(base: string, name: string, folders: readonly OutputFolder[], options: TransactionOptions = {}): Promise<OutputTransaction> {
    const lock = await acquireFileLockAsync(path.join(base, name), { timeoutMs: options.lockTimeoutMs, cancelled: options.cancelled });
    return OutputTransaction.start(base, name, folders, options, lock);
  }

  static openSync(base: string, name: string, folders: readonly OutputFolder[], options: TransactionOptions = {}): OutputTransaction {
    const lock = acquireFileLock(path.join(base, name), { timeoutMs: options.lockTimeoutMs });
    return OutputTransaction.start(base, name, folders, options, lock);
  }

  private static start(base: string, name: string, folders: readonly OutputFolder[], options: TransactionOptions, lock: HeldLock): OutputTransaction {
    try {
      for (const f of folders) {
        if (path.dirname(f.dir) !== base) throw new Error(`${f.dir}: not a folder of ${base}`);
      }
      options.onStep?.('locked');
      recoverOutput(base, name);
      return new OutputTransaction(base, name, plan(base, folders), options, lock);
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  private staging: string | undefined;
  private committed = false;

  private constructor(
    private readonly base: string,
    private readonly name: string,
    private readonly plan: Plan,
    private readonly options: TransactionOptions,
    private readonly lock: HeldLock,
  ) {}

  get summary(): WriteSummary {
    return this.plan.summary;
  }

  private step(name: string): void {
    this.options.onStep?.(name);
  }

  /** Writes every changed file aside, flushed, and the journal last. Nothing visible changes. */
  stage(): void {
    if (this.plan.ops.length === 0) return;
    const staging = tempPathFor(path.join(this.base, this.name));
    this.staging = staging;
    fs.mkdirSync(path.join(staging, 'new'), { recursive: true });
    fs.mkdirSync(path.join(staging, 'old'));
    this.plan.ops.forEach((op, i) => {
      if (op.kind !== 'write') return;
      writeNewFile(path.join(staging, 'new', String(i)), this.plan.contents.get(op.path) as string, { durable: false });
      this.step(`staged:${i}`);
    });
    const journal: Journal = { ops: this.plan.ops, createdDirs: this.plan.createdDirs };
    writeNewFile(path.join(staging, `${JOURNAL}.tmp`), JSON.stringify(journal), { durable: false });
    fs.renameSync(path.join(staging, `${JOURNAL}.tmp`), path.join(staging, JOURNAL));
    this.step('prepared');
  }

  /** Makes the staged changes visible; on failure, rolls every one back and rethrows. Synchronous: no signal runs in between. */
  commit(): void {
    const staging = this.staging;
    if (staging === undefined) {
      if (this.plan.ops.length > 0) throw new Error('commit before stage');
      this.committed = true;
      return;
    }
    const journal: Journal = { ops: this.plan.ops, createdDirs: this.plan.createdDirs };
    let dirsMade = false;
    try {
      this.plan.ops.forEach((op, i) => {
        const target = abs(this.base, op.path);
        const backup = path.join(staging, 'old', String(i));
        if (op.kind === 'delete') {
          fs.renameSync(target, backup);
        } else {
          if (!dirsMade) {
            // After the deletes (which come first), before the first write.
            for (const d of this.plan.createdDirs) fs.mkdirSync(abs(this.base, d), { recursive: true });
            dirsMade = true;
          }
          if (op.existed) {
            try {
              fs.linkSync(target, backup);
            } catch {
              fs.copyFileSync(target, backup);
            }
          }
          fs.renameSync(path.join(staging, 'new', String(i)), target);
        }
        this.step(`commit:${i}`);
      });
      writeNewFile(path.join(staging, COMMITTED), '', { durable: false });
    } catch (err) {
      try {
        rollback(this.base, staging, journal);
        fs.rmSync(staging, { recursive: true, force: true });
        this.staging = undefined;
      } catch (undo) {
        this.staging = undefined; // kept on disk: the next run recovers from its journal
        if (err instanceof Error) err.message += ` (the rollback failed too: ${undo instanceof Error ? undo.message : String(undo)}; the next synth restores the folders from ${staging})`;
      }
      throw err;
    }
    this.committed = true;
    this.step('committed');
    finish(this.base, staging, journal);
    this.staging = undefined;
  }

  /** Releases the lock; anything staged but not committed is discarded. */
  close(): void {
    try {
      if (this.staging !== undefined && !this.committed) fs.rmSync(this.staging, { recursive: true, force: true });
      this.staging = undefined;
    } finally {
      this.step('unlocking');
      this.lock.release();
    }
  }
}

/** The whole transaction, synchronously (no signal checkpoints): for tools and tests. */
export function writeOutputSync(base: string, name: string, folders: readonly OutputFolder[], options: TransactionOptions = {}): WriteSummary {
  const txn = OutputTransaction.openSync(base, name, folders, options);
  try {
    txn.stage();
    txn.commit();
    return txn.summary;
  } finally {
    txn.close();
  }
}
