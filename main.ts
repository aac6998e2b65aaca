// Entry point of `npm run synth` and `cdk8s synth`: writes dist/ (or the folder cdk8s asks for,
// relative to the repository root) and docs/environments.md. SIGINT/SIGTERM/SIGHUP are trapped:
// synth stops before anything changes, or finishes its commit, then exits by the signal.
// When nothing the output depends on changed since the last synth and the output is as it left
// it, there is nothing to do: the check runs before the app (and cdk8s) is even loaded.
import { trapInterrupts } from './lib/io/interrupts';
import { inputsKey, isUpToDate, writeStamp } from './lib/output/up-to-date';
import { ENVIRONMENT_DOCS, docsDirFor, resolveOutDir, shownPath, stepHookFromEnv } from './lib/output/write-output';
import { ENVIRONMENTS_DIR } from './lib/paths';

async function main(): Promise<void> {
  const trap = trapInterrupts();
  try {
    const out = resolveOutDir(process.env.CDK8S_OUTDIR || 'dist');
    // Set by scripts/synth.js: the content hash of this bundle's sources.
    const codeKey = process.env.EXAM_SYNTH_CODE_KEY;
    const key = codeKey ? inputsKey(codeKey, ENVIRONMENTS_DIR, out) : undefined;
    if (key !== undefined && isUpToDate(out, key)) {
      console.log(`${shownPath(out)}/ and ${shownPath(docsDirFor(out))}/${ENVIRONMENT_DOCS} are up to date: nothing they depend on changed since the last synth`);
      return;
    }
    const { synthToDisk } = await import('./lib/synth');
    const { DiskMemo } = await import('./lib/io/disk-memo');
    const memo = codeKey ? DiskMemo.forCode(codeKey) : undefined;
    process.exitCode = await synthToDisk(out, {
      trap,
      memo,
      onStep: stepHookFromEnv(process.env.EXAM_SYNTH_TEST_HOOK),
      afterWrite: (contents) => {
        try {
          memo?.save();
        } catch {
          // Only an optimisation, like the stamp.
        }
        if (key === undefined) return;
        try {
          writeStamp(out, key, contents);
        } catch {
          // Only an optimisation: without a stamp the next synth does the full work.
        }
        // scripts/synth.js keeps V8's code cache of a full render.
        (process as NodeJS.EventEmitter).emit('exam-synth:rendered');
      },
    });
  } finally {
    await trap.release();
  }
}

void main();
