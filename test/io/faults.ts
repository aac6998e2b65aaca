/**
 * Fault injection for tests that mock node:fs: `jest.mock('node:fs', () => jest.requireActual('./faults').mockFs())` at the top
 * of the test file, then `inject('renameSync', (args) => ...)` makes a call fail with EIO.
 */
import type * as FS from 'node:fs';

type Op = 'writeSync' | 'fsyncSync' | 'renameSync' | 'linkSync' | 'openSync';
const OPS: readonly Op[] = ['writeSync', 'fsyncSync', 'renameSync', 'linkSync', 'openSync'];

/** node:fs with the operations above wrapped in jest.fn (calling the real ones). */
export function mockFs(): typeof FS {
  const actual = jest.requireActual<typeof FS>('node:fs');
  const wrapped: Record<string, unknown> = { ...actual };
  for (const op of OPS) wrapped[op] = jest.fn((...args: unknown[]) => (actual[op] as (...a: unknown[]) => unknown)(...args));
  return wrapped as unknown as typeof FS;
}

/** Makes `op` fail with EIO whenever `when(args, callIndex)` says so (call index counts matching-op calls from now). */
export function inject(op: Op, when: (args: unknown[], call: number) => boolean): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as Record<Op, jest.Mock>;
  const actual = jest.requireActual<Record<Op, (...a: unknown[]) => unknown>>('node:fs');
  let call = 0;
  fs[op].mockImplementation((...args: unknown[]) => {
    if (when(args, call++)) throw Object.assign(new Error(`EIO: i/o error (injected), ${op}`), { code: 'EIO' });
    return actual[op](...args);
  });
}

/** Restores every wrapped operation to the real one. */
export function healFs(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as Record<Op, jest.Mock>;
  const actual = jest.requireActual<Record<Op, (...a: unknown[]) => unknown>>('node:fs');
  for (const op of OPS) fs[op].mockImplementation((...args: unknown[]) => actual[op](...args));
}
