/**
 * PromQL as data: parse queries with the official grammar (@prometheus-io/lezer-promql, the
 * parser of the Prometheus web UI), resolve Argo Rollouts' `{{args.x}}` placeholders, and
 * read what other checks need from a query (its longest range window, its label matchers,
 * the threshold of an alert's comparison).
 *
 * It also models the success/failure conditions our AnalysisTemplates use, so tests can state
 * what Argo Rollouts does with a measurement (see `measurementPhase`).
 *
 * The grammar checks syntax only; type errors (e.g. `rate()` of an instant vector) are caught
 * by the jest suites in test/promql/, which run every query through the Prometheus engine (promtool).
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { Comparator } from '../config/slo';

export type { Comparator };

/** A syntax error: where it is (0-based offsets, 1-based line and column) and what is wrong. */
export interface PromQLSyntaxError {
  readonly from: number;
  readonly to: number;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

type SyntaxTree = ReturnType<typeof parser.parse>;
type TreeNode = ReturnType<SyntaxTree['resolve']>;

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Every syntax error in `query` (empty when it parses). */
export function promqlSyntaxErrors(query: string): PromQLSyntaxError[] {
  return syntaxErrorsOf(query, parser.parse(query));
}

function syntaxErrorsOf(query: string, tree: SyntaxTree): PromQLSyntaxError[] {
  if (query.trim() === '') return [{ from: 0, to: 0, line: 1, column: 1, message: 'empty query' }];
  const errors: PromQLSyntaxError[] = [];
  const seen = new Set<number>();
  tree.iterate({
    enter(node) {
      if (!node.type.isError || seen.has(node.from)) return;
      seen.add(node.from);
      const near = query.slice(node.from, Math.max(node.to, node.from + 12)).split('\n')[0];
      const message = node.from >= query.length ? 'unexpected end of query' : `unexpected input near "${near}"`;
      errors.push({ from: node.from, to: node.to, ...position(query, node.from), message });
    },
  });
  return errors;
}

/** Parses `query` (once) and throws one readable error listing every syntax error. */
function parseStrict(query: string, what = 'query'): SyntaxTree {
  const tree = parser.parse(query);
  const errors = syntaxErrorsOf(query, tree);
  if (errors.length > 0) {
    throw new Error(`${what} is not valid PromQL: ${errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; ')}\n${query}`);
  }
  return tree;
}

const PLACEHOLDER = /\{\{\s*args\.([A-Za-z0-9_.-]+?)\s*\}\}/g;

/** The argument names a template string uses, in order of first use. */
export function argNames(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/**
 * Resolves `{{args.x}}` (and `{{ args.x }}`) as Argo Rollouts does when it creates an
 * AnalysisRun. Throws when the query uses an argument that `args` lacks.
 */
export function substituteArgs(query: string, args: Readonly<Record<string, string>>): string {
  const missing = argNames(query).filter((name) => !(name in args));
  if (missing.length > 0) throw new Error(`query uses ${missing.map((m) => `{{args.${m}}}`).join(', ')} but no value was given`);
  return query.replace(PLACEHOLDER, (_all, name: string) => args[name]);
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** A PromQL duration (`30s`, `2m`, `1h30m`, `500ms`, or a bare number of seconds) in seconds. */
export function promqlDurationSeconds(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]];
    end = re.lastIndex;
  }
  if (end === 0 || end !== text.length) throw new Error(`not a PromQL duration: "${text}"`);
  return total;
}

function durationOf(query: string, node: TreeNode): number {
  const duration = node.getChild('DurationExpr');
  if (duration === null) throw new Error(`no duration in "${query.slice(node.from, node.to)}"`);
  const literal = duration.getChild('NumberDurationLiteralInDurationContext');
  if (literal === null || literal.from !== duration.from || literal.to !== duration.to) {
    throw new Error(`unsupported duration expression "${query.slice(duration.from, duration.to)}": expected a plain duration such as 2m`);
  }
  return promqlDurationSeconds(query.slice(literal.from, literal.to));
}

/**
 * The longest range window in `query`, in seconds: `[2m]` of a range selector or the range of
 * a subquery `[10m:30s]`. 0 when the query has none. Throws on a syntax error.
 */
export function maxRangeSeconds(query: string): number {
  const tree = parseStrict(query);
  let max = 0;
  tree.iterate({
    enter(node) {
      if (node.name === 'MatrixSelector' || node.name === 'SubqueryExpr') max = Math.max(max, durationOf(query, node.node));
    },
  });
  return max;
}

export interface LabelMatcher {
  readonly label: string;
  /** `=`, `!=`, `=~` or `!~`. */
  readonly op: string;
  /** The value, unquoted. */
  readonly value: string;
}

/** Every label matcher of every selector in `query`, in order (e.g. to see what a rule filters on). */
export function labelMatchers(query: string): LabelMatcher[] {
  const tree = parseStrict(query);
  const out: LabelMatcher[] = [];
  tree.iterate({
    enter(node) {
      if (node.name !== 'UnquotedLabelMatcher') return;
      const label = node.node.getChild('LabelName');
      const op = node.node.getChild('MatchOp');
      const value = node.node.getChild('StringLiteral');
      if (label === null || op === null || value === null) return;
      out.push({ label: query.slice(label.from, label.to), op: query.slice(op.from, op.to), value: JSON.parse(query.slice(value.from, value.to)) as string });
    },
  });
  return out;
}

const COMPARATORS: Readonly<Record<string, Comparator>> = { Gtr: '>', Gte: '>=', Lss: '<', Lte: '<=' };

/**
 * The comparison at the top of an alert expression `<expr> OP <number>` (e.g. `... > 0.05`):
 * what an alert fires on. Undefined when the expression is not such a comparison.
 */
export function topLevelComparison(query: string): { readonly op: Comparator; readonly threshold: number; readonly left: string } | undefined {
  const tree = parseStrict(query);
  const top = tree.topNode.firstChild;
  if (top === null || top.name !== 'BinaryExpr') return undefined;
  const children: TreeNode[] = [];
  for (let c = top.firstChild; c !== null; c = c.nextSibling) children.push(c);
  const opNode = children.find((c) => COMPARATORS[c.name] !== undefined);
  const last = children[children.length - 1];
  if (opNode === undefined || last.name !== 'NumberDurationLiteral' || children.some((c) => c.name === 'BoolModifier')) return undefined;
  return { op: COMPARATORS[opNode.name], threshold: Number(query.slice(last.from, last.to)), left: query.slice(top.from, children[0].to).trim() };
}

/*
 * Argo Rollouts conditions.
 *
 * Our AnalysisTemplates state every condition in one shape (built by guardedCondition in
 * lib/config/slo.ts):  len(result) > 0 && !isNaN(result[0]) && result[0] OP NUMBER
 * Argo Rollouts evaluates it with expr-lang, where `&&` short-circuits, `result` is the
 * Prometheus vector as a list of floats (an empty list for an empty vector) and `isNaN` is Go's
 * math.IsNaN. The functions below model exactly that shape, and reject anything else, so a
 * test can never silently check a condition it does not understand.
 */

const CONDITION = /^len\(result\) > 0 && !isNaN\(result\[0\]\) && result\[0\] (>=|<=|>|<) (-?\d+(?:\.\d+)?)$/;

export interface GuardedCondition {
  readonly op: Comparator;
  readonly threshold: number;
}

/** Reads a condition of our one shape; throws on any other text. */
export function parseGuardedCondition(condition: string): GuardedCondition {
  const m = CONDITION.exec(condition);
  if (m === null) throw new Error(`unsupported analysis condition "${condition}"; expected "len(result) > 0 && !isNaN(result[0]) && result[0] OP NUMBER"`);
  return { op: m[1] as Comparator, threshold: Number(m[2]) };
}

export function compare(value: number, op: Comparator, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

/** The condition's value for a measurement `result` (the query's vector, as Argo passes it). */
export function evaluateGuardedCondition(condition: string, result: readonly number[]): boolean {
  const { op, threshold } = parseGuardedCondition(condition);
  return result.length > 0 && !Number.isNaN(result[0]) && compare(result[0], op, threshold);
}

export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive';

/**
 * What Argo Rollouts records for one measurement (utils/evaluate EvaluateResult): failed when
 * the failure condition holds (or, without one, when the success condition does not); else
 * successful when the success condition holds; else inconclusive.
 */
export function measurementPhase(metric: { readonly successCondition?: string; readonly failureCondition?: string }, result: readonly number[]): MeasurementPhase {
  const success = metric.successCondition === undefined ? undefined : evaluateGuardedCondition(metric.successCondition, result);
  const failure = metric.failureCondition === undefined ? undefined : evaluateGuardedCondition(metric.failureCondition, result);
  if (success === undefined && failure === undefined) return 'Successful';
  const failed = failure ?? !success;
  const succeeded = success ?? !failure;
  if (failed) return 'Failed';
  return succeeded ? 'Successful' : 'Inconclusive';
}

/**
 * The same condition as a PromQL filter: `(<query>) OP bool NUMBER` returns 1 where Argo's
 * condition holds and 0 where it does not; NaN compares false in both languages and an empty
 * vector stays empty (Argo: `len(result) > 0` is false). Used to let Prometheus itself decide
 * pass or fail on synthetic series.
 */
export function conditionAsPromQL(query: string, condition: string): string {
  const { op, threshold } = parseGuardedCondition(condition);
  return `(${query.trim()}) ${op} bool ${threshold}`;
}
