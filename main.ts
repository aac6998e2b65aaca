// Entry point of `npm run synth` and `cdk8s synth`: writes dist/ (or the folder cdk8s asks for,
// relative to the repository root) and docs/environments.md. SIGINT/SIGTERM/SIGHUP are trapped:
// synth stops before anything changes, or finishes its commit, then exits by the signal.
import { trapInterrupts } from './lib/io/interrupts';
import { synthToDisk } from './lib/synth';
import { stepHookFromEnv } from './lib/output/write-output';

async function main(): Promise<void> {
  const trap = trapInterrupts();
  try {
    process.exitCode = await synthToDisk(process.env.CDK8S_OUTDIR || 'dist', { trap, onStep: stepHookFromEnv(process.env.EXAM_SYNTH_TEST_HOOK) });
  } finally {
    await trap.release();
  }
}

void main();
