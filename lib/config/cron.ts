/**
 * Cron expressions as Argo CD (sync windows) and KEDA (the cron scaler) evaluate them: both parse
 * with robfig/cron v3 (`parser.go`, `spec.go`), five fields, minute hour day-of-month month
 * day-of-week, in a named time zone. This module is that matcher, written from the two files
 * (test/config/cron.spec.ts pins each rule against them and cross-checks the runs with croner, an
 * independent JavaScript engine):
 * - exactly five fields, no `@descriptors` (KEDA's parser has no Descriptor option);
 * - day of week 0-6 (robfig's bounds; 7 is refused), names sun-sat and jan-dec as robfig spells
 *   them, any case;
 * - lists, ranges and `*` or `range/step`; no `L`, `W`, `#` (robfig refuses them), no `?` (robfig
 *   reads it as `*`, other engines do not: write `*`), no `N/step` (robfig reads it as
 *   `N-max/step`, other engines refuse it: write the range out);
 * - day of month and day of week: robfig matches both (AND) when either field is `*`, and either
 *   one (OR) when both are restricted (`dayMatches` in spec.go; `*\/2` counts as restricted). The
 *   OR form surprises readers and other engines, so it is refused: at least one of the two must
 *   be `*`.
 * The wall clock is kept across a daylight-saving change (09:00 in London is 09:00 UTC in January
 * and 08:00 UTC in June). A start in the hour a change skips does not run that day, and one in the
 * hour a change repeats runs twice (spec.go moves through hours with `t.Add(time.Hour)`); the
 * calendar refuses sessions near a change anyway (lib/config/calendar.ts).
 */
import { instantsAt, isTimeZone } from '../rules/time-zone';

const FIELDS = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
const BOUNDS: readonly (readonly [number, number])[] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

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
    if (part.includes('?')) return `${FIELDS[field]}: "?" means * to robfig/cron and something else to other cron engines; write *`;
    const [range, step, extra] = part.split('/');
    if (extra !== undefined) return `${FIELDS[field]}: too many slashes in "${part}"`;
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `${FIELDS[field]}: step "${step}" in "${part}" is not a positive number`;
    if (range === '*') continue;
    const ends = range.split('-');
    if (ends.length > 2) return `${FIELDS[field]}: too many hyphens in "${part}"`;
    if (step !== undefined && ends.length === 1) return `${FIELDS[field]}: "${part}" means ${range}-max/${step} to robfig/cron and something else to other cron engines; write the range out`;
    const nums = ends.map((e) => value(e, field));
    const bad = nums.find((n) => typeof n === 'string');
    if (bad !== undefined) return `${FIELDS[field]}: ${bad}`;
    if (nums.length === 2 && (nums[0] as number) > (nums[1] as number)) return `${FIELDS[field]}: range "${range}" runs backwards`;
  }
  return undefined;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The values a field (already checked by fieldProblem) matches, as a table indexed by value (parser.go getField). */
function expand(text: string, field: number): boolean[] {
  const [min, max] = BOUNDS[field];
  const table = new Array<boolean>(max + 1).fill(false);
  for (const part of text.split(',')) {
    const [range, step] = part.split('/');
    const [lo, hi] = range === '*' ? [min, max] : range.split('-').map((e) => value(e, field) as number);
    for (let v = lo; v <= (hi ?? lo); v += Number(step ?? 1)) table[v] = true;
  }
  return table;
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
  // A schedule is immutable: the windows of every project are read at every occurrence.
  const key = `${timeZone}\0${expression}`;
  let schedule = schedules.get(key);
  if (schedule === undefined) {
    schedule = compileCron(expression, timeZone);
    schedules.set(key, schedule);
  }
  return schedule;
}

const schedules = new Map<string, CronSchedule>();

function compileCron(expression: string, timeZone: string): CronSchedule {
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
  const [minutes, hours, dom, months, dow] = fields.map((f, i) => expand(f, i));
  const hourList = hours.flatMap((on, h) => (on ? [h] : []));
  const minuteList = minutes.flatMap((on, m) => (on ? [m] : []));
  const runsBetween = (from: Date, until: Date): Date[] => {
    const out: number[] = [];
    const lo = from.getTime();
    const hi = until.getTime();
    // Every wall-clock day whose times can fall in [from, until): offsets lie within a day.
    for (let day = Math.floor(lo / DAY) - 1; day <= Math.floor(hi / DAY) + 1; day++) {
      const date = new Date(day * DAY);
      if (!months[date.getUTCMonth() + 1] || !dom[date.getUTCDate()] || !dow[date.getUTCDay()]) continue;
      for (const h of hourList) {
        for (const m of minuteList) {
          for (const t of instantsAt(day * DAY + h * HOUR + m * MINUTE, timeZone)) if (t >= lo && t < hi) out.push(t);
        }
      }
    }
    return out.sort((a, b) => a - b).map((t) => new Date(t));
  };
  return {
    expression: fields.join(' '),
    timeZone,
    runsAfter: (after, count) => {
      // robfig gives up five years on (spec.go yearLimit).
      const out: Date[] = [];
      for (let from = after.getTime() + 1, span = 32 * DAY; out.length < count && from < after.getTime() + 5 * 366 * DAY; from += span, span *= 2) {
        out.push(...runsBetween(new Date(from), new Date(from + span)));
      }
      return out.slice(0, count);
    },
    runsBetween,
  };
}
