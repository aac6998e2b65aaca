/**
 * Where synth's output goes and how it is written: the output folder (relative paths are
 * relative to the repository root, never the working directory), the docs folder next to it, and
 * the transaction over both with its signal checkpoints. No cdk8s here: the writing is tested on
 * its own, in child processes that are killed at every step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LockWaitCancelled, sleepSync } from '../io/atomic-file';
import { InterruptTrap } from '../io/interrupts';
import { REPO_ROOT } from '../paths';
import { OutputFile, OutputTransaction, OwnershipError, StepHook, WriteSummary } from './transaction';

/** The generated page in the docs folder (the only file synth owns there). */
export const ENVIRONMENT_DOCS = 'environments.md';

/** An output folder given relative is relative to the repository root, wherever synth runs from. */
export function resolveOutDir(outDir: string): string {
  return path.resolve(REPO_ROOT, outDir);
}

/** Where synth writes the docs for an output folder: the `docs` folder next to it. */
export function docsDirFor(outDir: string): string {
  return path.join(path.dirname(resolveOutDir(outDir)), 'docs');
}

/** A path as people read it: relative to the repository root when inside it. */
export function shownPath(p: string): string {
  const rel = path.relative(REPO_ROOT, p);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? p : rel.split(path.sep).join('/');
}

/** Refuses output folders synth must never own, before any work: the repository root or a folder above it, a folder named docs. */
export function checkOutDir(outDir: string): void {
  const out = resolveOutDir(outDir);
  const root = path.resolve(REPO_ROOT);
  if (out === root || root.startsWith(out === path.parse(out).root ? out : out + path.sep)) {
    throw new OwnershipError(`${out}: is the repository root or a folder above it; synth writes into a folder of its own (CDK8S_OUTDIR, default dist). Nothing was changed.`);
  }
  if (out === docsDirFor(out)) throw new OwnershipError(`${out}: is where synth writes its docs; choose another output folder. Nothing was changed.`);
}

export interface WriteOutputOptions {
  /** Signals caught while synth runs: checked at every step before the commit. */
  readonly trap?: InterruptTrap;
  /** Called at each write step (tests inject signals and crashes here). */
  readonly onStep?: StepHook;
  /** Lock wait, in ms. @default 120000 */
  readonly lockTimeoutMs?: number;
  /**
   * Runs after a successful write, still under the lock (synth records its up-to-date stamp here),
   * with the content of every file written or left as it was, by absolute path.
   */
  readonly afterWrite?: (contents: ReadonlyMap<string, string>) => void;
}

/**
 * Writes `files` into `outDir` (exclusively synth's) and `docs` into the docs folder next to it,
 * as one transaction. Returns the summary, or the signal that stopped it before the commit (then
 * nothing changed). Throws OwnershipError before any change when a foreign file is in the way.
 */
export async function writeSynthOutput(outDir: string, files: readonly OutputFile[], docs: readonly OutputFile[], options: WriteOutputOptions = {}): Promise<WriteSummary | NodeJS.Signals> {
  checkOutDir(outDir);
  const out = resolveOutDir(outDir);
  const interrupted = async (): Promise<NodeJS.Signals | undefined> => (options.trap === undefined ? undefined : options.trap.check());
  let sig = await interrupted();
  if (sig !== undefined) return sig;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  let txn: OutputTransaction;
  try {
    txn = await OutputTransaction.open(
      path.dirname(out),
      path.basename(out),
      [
        { dir: out, files, exclusive: true },
        { dir: docsDirFor(out), files: docs, exclusive: false },
      ],
      // A signal while another run holds the lock ends the wait at once.
      { onStep: options.onStep, lockTimeoutMs: options.lockTimeoutMs, cancelled: () => options.trap?.signal !== undefined },
    );
  } catch (err) {
    if (err instanceof LockWaitCancelled && options.trap?.signal !== undefined) return options.trap.signal;
    throw err;
  }
  try {
    sig = await interrupted();
    if (sig !== undefined) return sig;
    txn.stage();
    sig = await interrupted();
    if (sig !== undefined) return sig;
    txn.commit(); // synchronous: a signal from here on is handled after it
    options.afterWrite?.(
      new Map([...files.map((f): [string, string] => [path.join(out, f.path), f.content]), ...docs.map((f): [string, string] => [path.join(docsDirFor(out), f.path), f.content])]),
    );
    return txn.summary;
  } finally {
    txn.close();
  }
}

/** The exit status of a process ended by `sig` (128 + its number). */
export function signalExitCode(sig: NodeJS.Signals): number {
  return 128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : sig === 'SIGHUP' ? 1 : 9);
}

/**
 * A fault-injection hook for tests of signals and crashes, from `EXAM_SYNTH_TEST_HOOK`:
 * `<step>=<action>`, where the action is a signal the process sends itself (`SIGINT`, `SIGTERM`,
 * `SIGHUP`, `SIGKILL`) or `sleep:<ms>`. It announces `synth: test step <step>` on stderr when
 * reached. Steps: `locked`, `staged:<i>`, `prepared`, `commit:<i>`, `committed`.
 */
export function stepHookFromEnv(value: string | undefined): StepHook | undefined {
  if (value === undefined || value === '') return undefined;
  const m = /^([a-z]+(?::\d+)?)=(SIGINT|SIGTERM|SIGHUP|SIGKILL|sleep:(\d+))$/.exec(value);
  if (m === null) throw new Error(`EXAM_SYNTH_TEST_HOOK=${value}: expected <step>=<SIGINT|SIGTERM|SIGHUP|SIGKILL|sleep:ms>`);
  const [, at, action, ms] = m;
  return (step) => {
    if (step !== at) return;
    process.stderr.write(`synth: test step ${step}\n`);
    if (ms !== undefined) sleepSync(Number(ms));
    else process.kill(process.pid, action as NodeJS.Signals);
  };
}
