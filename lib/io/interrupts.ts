/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP while a tool writes files. Node runs a signal handler only
 * between synchronous steps, so a trap turns "die now, anywhere" into "noticed at the next
 * checkpoint": the writer either stops before anything visible has changed, or finishes its
 * (short, synchronous) commit and then exits. Either way the output is all old or all new.
 * `release()` re-raises a caught signal with the default action, so the exit status is what the
 * caller expects from a killed process (130 for SIGINT, 143 for SIGTERM).
 *
 * SIGKILL cannot be caught; the synth journal (lib/output/transaction.ts) recovers from it.
 */

export const TRAPPED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface InterruptTrap {
  /** The first signal caught so far, once the event loop has had a turn to deliver it. */
  readonly signal: NodeJS.Signals | undefined;
  /** Lets the event loop deliver pending signals, then returns the first one caught. */
  check(): Promise<NodeJS.Signals | undefined>;
  /** Removes the handlers; re-raises a caught signal (after delivering pending ones). */
  release(): Promise<void>;
}

/** One event-loop turn: signal handlers that are due run before this resolves. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function trapInterrupts(signals: readonly NodeJS.Signals[] = TRAPPED_SIGNALS): InterruptTrap {
  let caught: NodeJS.Signals | undefined;
  const handler = (sig: NodeJS.Signals): void => {
    caught ??= sig;
  };
  for (const s of signals) process.on(s, handler);
  return {
    get signal() {
      return caught;
    },
    async check() {
      await nextTurn();
      return caught;
    },
    async release() {
      await nextTurn();
      for (const s of signals) process.removeListener(s, handler);
      if (caught !== undefined) process.kill(process.pid, caught);
    },
  };
}
