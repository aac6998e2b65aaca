/**
 * The contract of a memo: the result of a pure, deterministic computation, looked up by its kind
 * and its exact input. A memo may keep results between runs (lib/io/disk-memo.ts), so:
 * - `input` holds everything the computation reads besides the code itself (a file's path and
 *   text, an object's JSON, a query);
 * - the result is plain JSON (objects, arrays, strings, finite numbers, booleans, null). A memo
 *   hands back a copy made through JSON every time, whether it computed the result or kept it,
 *   so the two paths cannot differ;
 * - a computation that throws throws every time: errors are never kept.
 */
export interface Memo {
  get<T>(kind: string, input: string, compute: () => T): T;
}

/** The memo that keeps nothing: computes every time (tests, the CLI, any caller without a cache). */
export const NO_MEMO: Memo = { get: (_kind, _input, compute) => compute() };
