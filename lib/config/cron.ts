/**
 * Cron expressions as Argo CD (sync windows) and KEDA (the cron scaler) evaluate them: both parse
 * with robfig/cron v3 (`parser.go`, `spec.go`), five fields, minute hour day-of-month month
 * day-of-week, in a named time zone. Evaluation uses croner, configured and restricted so that
 * it agrees with robfig on everything this file accepts (test/config/cron.test.ts pins each
 * difference against the robfig source):
 * - exactly five fields, no `@descriptors` (KEDA's parser has no Descriptor option);
 * - day of week 0-6 (robfig's bounds; croner would also take 7 for Sunday), names sun-sat and
 *   jan-dec as robfig spells them;
 * - no `L`, `W`, `#` (croner extensions robfig refuses), no `?` (robfig reads it as `*`, croner
 *   substitutes the current time in some fields), no `N/step` (robfig reads it as `N-max/step`,
 *   croner refuses it);
 * - day of month and day of week: robfig matches both (AND) when either field is `*`, and either
 *   one (OR) when both are restricted (`dayMatches` in spec.go; `*\/2` counts as restricted).
 *   croner misses OR days at a month boundary (from 28 February, `0 9 1,15 * 1` skips 1 March),
 *   so the OR form is refused: at least one of the two fields must be `*`.
 * Around a daylight-saving change the two differ (robfig skips a start time that falls in the
 * skipped hour and runs twice in the repeated hour; croner shifts and runs once): the calendar
 * refuses any session whose freeze comes within reach of a change (lib/config/calendar.ts).
 */
import { Cron } from 'croner';

const FIELDS = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
const BOUNDS: readonly (readonly [number, number])[] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** A valid IANA time zone name (what Go's time.LoadLocation reads from tzdata). */
export function isTimeZone(zone: string): boolean {
  if (zone === '' || zone.toLowerCase() === 'local') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function value(text: string, field: number): number | string {
  const names = field === 3 ? MONTHS : field === 4 ? DAYS : undefined;
  const named = names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return field === 3 ? named + 1 : named;
  if (!/^\d+$/.test(text)) return `"${text}" is not a number${names ? ` or a name (${names[0]}-${names[names.length - 1]})` : ''}`;
  const n = Number(text);
  const [lo, hi] = BOUNDS[field];
  if (n < lo || n > hi) return `${n} is outside ${lo}-${hi}${field === 4 && n === 7 ? ' (robfig/cron has no 7 for Sunday: write 0)' : ''}`;
  return n;
}

/** Why robfig/cron would refuse or read differently one field; undefined when it is fine. */
function fieldProblem(text: string, field: number): string | undefined {
  for (const part of text.split(',')) {
    if (part === '') return `${FIELDS[field]}: empty list item in "${text}"`;
    if (part.includes('?')) return `${FIELDS[field]}: "?" means * to robfig/cron and something else to croner; write *`;
    const [range, step, extra] = part.split('/');
    if (extra !== undefined) return `${FIELDS[field]}: too many slashes in "${part}"`;
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `${FIELDS[field]}: step "${step}" in "${part}" is not a positive number`;
    if (range === '*') continue;
    const ends = range.split('-');
    if (ends.length > 2) return `${FIELDS[field]}: too many hyphens in "${part}"`;
    if (step !== undefined && ends.length === 1) return `${FIELDS[field]}: "${part}" means ${range}-max/${step} to robfig/cron and is refused by croner; write the range out`;
    const nums = ends.map((e) => value(e, field));
    const bad = nums.find((n) => typeof n === 'string');
    if (bad !== undefined) return `${FIELDS[field]}: ${bad}`;
    if (nums.length === 2 && (nums[0] as number) > (nums[1] as number)) return `${FIELDS[field]}: range "${range}" runs backwards`;
  }
  return undefined;
}

/** A parsed schedule: evaluates like robfig/cron in its time zone. */
export interface CronSchedule {
  readonly expression: string;
  readonly timeZone: string;
  /** The first `count` runs strictly after `after`. */
  runsAfter(after: Date, count: number): Date[];
  /** Every run in [from, until). */
  runsBetween(from: Date, until: Date): Date[];
}

/**
 * Parses a five-field cron expression in `timeZone` with robfig/cron's rules. Throws an Error
 * whose message says what is wrong and what is expected (the caller adds file and line).
 */
export function parseCron(expression: string, timeZone: string): CronSchedule {
  if (!isTimeZone(timeZone)) throw new Error(`time zone "${timeZone}" is not an IANA zone name; expected e.g. Asia/Shanghai or Europe/London`);
  if (expression.trim().startsWith('@')) throw new Error(`"${expression}": descriptors such as @daily are not read by KEDA's cron parser; expected five fields`);
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`"${expression}" has ${fields.length} fields; expected five: minute hour day-of-month month day-of-week`);
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(fields[i], i);
    if (problem !== undefined) throw new Error(`"${expression}": ${problem}`);
  }
  if (fields[2] !== '*' && fields[4] !== '*') {
    throw new Error(`"${expression}": day of month and day of week are both restricted, which robfig/cron matches as either one (OR); expected one of them to be *, with one session per pattern`);
  }
  let cron: Cron;
  try {
    cron = new Cron(fields.join(' '), { timezone: timeZone, mode: '5-part', domAndDow: false, paused: true });
  } catch (err) {
    throw new Error(`"${expression}": ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    expression: fields.join(' '),
    timeZone,
    runsAfter: (after, count) => cron.nextRuns(count, after),
    runsBetween: (from, until) => {
      const out: Date[] = [];
      for (let t = cron.nextRun(new Date(from.getTime() - 1)); t !== null && t < until; t = cron.nextRun(t)) out.push(t);
      return out;
    },
  };
}
