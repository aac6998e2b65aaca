/**
 * The exam calendar (environments/calendar.yaml): the one source of when exams happen. It drives
 * production's pre-scaling (KEDA cron triggers), the Argo CD deny windows of every project that
 * can change production, the `calendar` CLI command and the calendar in docs/environments.md.
 *
 * Everything is checked against the horizon written in the file, never against the clock, so the
 * same file always synthesizes the same bytes. Times are evaluated as robfig/cron evaluates them
 * (lib/config/cron.ts), the library Argo CD and KEDA use.
 */
import { z } from 'zod';
import { isDnsLabel } from '../rules/names';
import { instantsAt, localFields, offsetAt } from '../rules/time-zone';
import { parseCron } from './cron';
import { ENVIRONMENT_NAMES, EnvironmentName } from './schema';

/** The calendar's file, next to the environment files (the loader reads it; it is no environment). */
export const CALENDAR_FILE_NAME = 'calendar.yaml';

/** The shortest session the calendar accepts. */
export const MIN_SESSION_MINUTES = 15;

/** Go-style duration of whole minutes: `4h`, `90m`, `1h30m`. */
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?$/;

export function durationMinutes(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (m === null || (m[1] === undefined && m[2] === undefined)) return undefined;
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
}

const duration = z
  .string({ error: 'expected a duration such as "30m", "4h" or "1h30m"' })
  .refine((t) => durationMinutes(t) !== undefined, 'expected a duration in hours and minutes such as "30m", "4h" or "1h30m"');

/** A calendar date, `YYYY-MM-DD`, that exists. */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (m === null) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}
const date = z.string({ error: 'expected a date "YYYY-MM-DD" (quoted)' }).refine(isDate, 'expected an existing date "YYYY-MM-DD"');

/** A local date and time without zone, `YYYY-MM-DDTHH:MM`: read in the session's time zone. */
const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)$/;
const localDateTime = z
  .string({ error: 'expected a local date and time "YYYY-MM-DDTHH:MM" (quoted)' })
  .refine((t) => LOCAL_DATE_TIME.test(t) && isDate(t.slice(0, 10)), 'expected a local date and time "YYYY-MM-DDTHH:MM" (read in the session\'s time zone)');

const sessionSchema = z.strictObject({
  /** A stable name: it appears in window descriptions, ScaledObject triggers and errors. */
  name: z
    .string()
    .max(40, 'expected at most 40 characters (it names cron triggers and windows)')
    .refine(isDnsLabel, 'expected a lower-case name: letters, digits and "-", starting and ending alphanumeric'),
  /** IANA zone the start is written in (Asia/Shanghai, Europe/London, ...). */
  timeZone: z.string({ error: 'expected an IANA time zone name such as Asia/Shanghai' }),
  /** A recurring cron (robfig/cron, five fields) or dated instances; exactly one. */
  start: z.union(
    [z.strictObject({ cron: z.string({ error: 'expected a five-field cron expression' }) }), z.strictObject({ dates: z.array(localDateTime).min(1, 'expected at least one date') })],
    { error: 'expected start: { cron: "<minute> <hour> <dom> <month> <dow>" } or start: { dates: ["YYYY-MM-DDTHH:MM", ...] }' },
  ),
  duration,
  /** The expected peak of concurrent candidates. */
  peakCandidates: z.number({ error: 'expected a whole number of candidates' }).int('expected a whole number of candidates').min(1, 'expected at least 1'),
  environments: z.array(z.enum(ENVIRONMENT_NAMES, { error: `expected an environment: ${ENVIRONMENT_NAMES.join(', ')}` })).min(1, 'expected at least one environment'),
});

export const calendarSchema = z.strictObject({
  /** Every session is checked (overlaps, DST, dated instances) between these dates (UTC, inclusive). */
  horizon: z.strictObject({ from: date, until: date }),
  /** A Monday: the week docs/environments.md draws. */
  referenceWeek: date,
  /** Production scales up this long before a session starts. @default 30m */
  warmUp: duration.default('30m'),
  /** ... and stays up, frozen, this long after it ends (late submissions, grace time). @default 30m */
  coolDown: duration.default('30m'),
  /** Extra capacity over the expected peak, as a fraction (0.25 = 25 %). */
  headroom: z.number({ error: 'expected a fraction such as 0.25' }).min(0, 'expected >= 0').max(2, 'expected <= 2 (200 %)'),
  sessions: z.array(sessionSchema).min(1, 'expected at least one session'),
});

export type CalendarFile = z.output<typeof calendarSchema>;

/** One occurrence of a session, in UTC. */
export interface Occurrence {
  readonly session: string;
  readonly start: Date;
  readonly end: Date;
}

/** One session, validated and resolved. */
export interface ExamSession {
  readonly name: string;
  readonly timeZone: string;
  readonly durationMinutes: number;
  readonly peakCandidates: number;
  readonly environments: readonly EnvironmentName[];
  /** `file:line` of the session, for errors raised after loading (capacity, windows). */
  readonly where: string;
  /** Wall-clock start in the zone, minutes after midnight. */
  readonly startMinuteOfDay: number;
  /**
   * The day part of the cron expression(s) the session starts on: `<dom> <month> <dow>`. One for a
   * recurring session, one per date for dated instances (cron has no year: each recurs yearly
   * on Argo CD and KEDA, which is why a dated instance must lie inside the horizon, and the
   * horizon is shorter than a year).
   */
  readonly days: readonly string[];
  /** Human form of the start: the cron or the dates. */
  readonly startText: string;
  /** Human form of each entry of `days`: the cron, or that date. */
  readonly startTexts: readonly string[];
  readonly dated: boolean;
}

export interface ExamCalendar {
  readonly file: string;
  readonly horizon: { readonly from: string; readonly until: string };
  readonly referenceWeek: string;
  readonly warmUpMinutes: number;
  readonly coolDownMinutes: number;
  readonly headroom: number;
  readonly sessions: readonly ExamSession[];
}

/** The instant a horizon date starts (UTC midnight); `until` is inclusive, so its end is the next midnight. */
export function horizonBounds(calendar: Pick<ExamCalendar, 'horizon'>): { from: Date; until: Date } {
  return { from: new Date(`${calendar.horizon.from}T00:00:00Z`), until: new Date(new Date(`${calendar.horizon.until}T00:00:00Z`).getTime() + 86_400_000) };
}

/** `YYYY-MM-DD HH:MM` in a zone (deterministic: no locale, no host zone). */
export function localTime(date: Date, timeZone: string): string {
  const p = localFields(date, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** Short weekday in a zone (`Mon`). */
export function weekday(date: Date, timeZone: string): string {
  return localFields(date, timeZone).weekday;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The cron expression of a session's start (or of any moment `offsetMinutes` from it, on the same day). */
export function sessionCrons(session: ExamSession, offsetMinutes = 0): string[] {
  const at = session.startMinuteOfDay + offsetMinutes;
  if (at < 0 || at >= 24 * 60) {
    throw new Error(`${session.where}: session "${session.name}": ${offsetMinutes < 0 ? `${-offsetMinutes} min before` : `${offsetMinutes} min after`} its start crosses midnight (${session.timeZone}); the windows and triggers are daily crons, so expected a session whose freeze stays within its day`);
  }
  return session.days.map((d) => `${at % 60} ${Math.floor(at / 60)} ${d}`);
}

/** Every occurrence of a session that starts in [from, until). */
export function occurrences(session: ExamSession, from: Date, until: Date): Occurrence[] {
  const out: Occurrence[] = [];
  for (const cron of sessionCrons(session)) {
    for (const start of parseCron(cron, session.timeZone).runsBetween(from, until)) {
      out.push({ session: session.name, start, end: new Date(start.getTime() + session.durationMinutes * 60_000) });
    }
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** Every occurrence of the sessions that apply to `environment`, in [from, until), by start. */
export function calendarOccurrences(calendar: ExamCalendar, from: Date, until: Date, environment?: EnvironmentName): Occurrence[] {
  return calendar.sessions
    .filter((s) => environment === undefined || s.environments.includes(environment))
    .flatMap((s) => occurrences(s, from, until))
    .sort((a, b) => a.start.getTime() - b.start.getTime() || (a.session < b.session ? -1 : 1));
}

/** A located problem: the message and the path of the field inside the file. */
export interface CalendarProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * The rules beyond the schema: cron and zone (robfig semantics), the horizon, dated instances,
 * durations, daylight-saving changes, overlaps. `where(path)` gives `file:line` for a field.
 */
export function resolveCalendar(file: CalendarFile, where: (path: readonly (string | number)[]) => string): { calendar?: ExamCalendar; problems: CalendarProblem[] } {
  const problems: CalendarProblem[] = [];
  const warmUpMinutes = durationMinutes(file.warmUp)!;
  const coolDownMinutes = durationMinutes(file.coolDown)!;
  const horizon = horizonBounds(file);
  const spanDays = (horizon.until.getTime() - horizon.from.getTime()) / 86_400_000;
  if (spanDays < 1) problems.push({ path: ['horizon', 'until'], message: `expected a date on or after horizon.from (${file.horizon.from})` });
  if (spanDays > 365) {
    problems.push({ path: ['horizon', 'until'], message: `the horizon spans ${spanDays} days; expected at most 365, so that a dated instance (a cron without a year) cannot come round again inside it` });
  }
  if (new Date(`${file.referenceWeek}T00:00:00Z`).getUTCDay() !== 1) problems.push({ path: ['referenceWeek'], message: `${file.referenceWeek} is not a Monday; expected the Monday the reference week starts on` });
  const refWeek = new Date(`${file.referenceWeek}T00:00:00Z`);
  if (refWeek < horizon.from || refWeek.getTime() + 7 * 86_400_000 > horizon.until.getTime()) problems.push({ path: ['referenceWeek'], message: `expected a week inside the horizon (${file.horizon.from} to ${file.horizon.until})` });

  const sessions: ExamSession[] = [];
  const names = new Set<string>();
  file.sessions.forEach((s, i) => {
    const at = (...rest: (string | number)[]) => ['sessions', i, ...rest];
    const before = problems.length;
    if (names.has(s.name)) problems.push({ path: at('name'), message: `session "${s.name}" is defined twice; expected unique names` });
    names.add(s.name);
    const minutes = durationMinutes(s.duration)!;
    if (minutes < MIN_SESSION_MINUTES) problems.push({ path: at('duration'), message: `${s.duration} is shorter than ${MIN_SESSION_MINUTES} minutes; expected a real exam session` });
    let startMinuteOfDay = 0;
    let days: string[] = [];
    let ok = true;
    try {
      parseCron('0 0 * * *', s.timeZone);
    } catch (err) {
      problems.push({ path: at('timeZone'), message: (err as Error).message });
      ok = false;
    }
    if (ok && 'cron' in s.start) {
      try {
        parseCron(s.start.cron, s.timeZone);
        const [minute, hour, ...rest] = s.start.cron.trim().split(/\s+/);
        if (!/^\d+$/.test(minute) || !/^\d+$/.test(hour)) {
          problems.push({ path: at('start', 'cron'), message: `"${s.start.cron}": expected one start time a day (a single minute and hour, e.g. "0 8 * * 1-6"); write one session per start time` });
        } else {
          startMinuteOfDay = Number(hour) * 60 + Number(minute);
          days = [rest.join(' ')];
        }
      } catch (err) {
        problems.push({ path: at('start', 'cron'), message: (err as Error).message });
      }
    } else if (ok && 'dates' in s.start) {
      const times = new Set(s.start.dates.map((d) => d.slice(11)));
      if (times.size > 1) problems.push({ path: at('start', 'dates'), message: `dates start at ${[...times].join(', ')}; expected one start time per session (write one session per start time)` });
      const [hh, mm] = s.start.dates[0].slice(11).split(':').map(Number);
      startMinuteOfDay = hh * 60 + mm;
      s.start.dates.forEach((d, j) => {
        const [y, mo, da] = d.slice(0, 10).split('-').map(Number);
        const cron = `${mm} ${hh} ${da} ${mo} *`;
        // A cron has no year: the instance must be the only run of its cron inside the horizon.
        const runs = parseCron(cron, s.timeZone).runsBetween(horizon.from, horizon.until);
        const inYear = runs.filter((r) => localTime(r, s.timeZone).startsWith(`${y}-`));
        if (inYear.length === 0) {
          problems.push({ path: at('start', 'dates', j), message: `${d} (${s.timeZone}) is outside the horizon ${file.horizon.from} to ${file.horizon.until}; expected dated instances inside it (cron has no year: outside it the instance would recur every year unchecked)` });
        }
        days.push(`${da} ${mo} *`);
      });
      if (new Set(days).size !== days.length) problems.push({ path: at('start', 'dates'), message: 'the same date is listed twice' });
    }
    if (problems.length === before && (startMinuteOfDay - warmUpMinutes < 0 || startMinuteOfDay + minutes + coolDownMinutes > 24 * 60)) {
      problems.push({
        path: at('start'),
        message: `from the warm-up (${file.warmUp} before) to the cool-down (${file.coolDown} after) the session crosses midnight in ${s.timeZone}; the scaling triggers and deny windows are daily crons, so expected a session whose warm-up and cool-down stay within its day`,
      });
    }
    if (problems.length > before) return;
    sessions.push({
      name: s.name,
      timeZone: s.timeZone,
      durationMinutes: minutes,
      peakCandidates: s.peakCandidates,
      environments: [...new Set(s.environments)],
      where: where(at('name')),
      startMinuteOfDay,
      days,
      startText: 'cron' in s.start ? `cron "${s.start.cron.trim()}"` : s.start.dates.join(', '),
      startTexts: 'cron' in s.start ? [`cron "${s.start.cron.trim()}"`] : s.start.dates,
      dated: 'dates' in s.start,
    });
  });
  if (problems.length > 0) return { problems };

  const calendar: ExamCalendar = {
    file: where([]).replace(/:\d+$/, ''),
    horizon: file.horizon,
    referenceWeek: file.referenceWeek,
    warmUpMinutes,
    coolDownMinutes,
    headroom: file.headroom,
    sessions,
  };
  // Every occurrence in the horizon: a start time of day the zone's clock shows exactly once
  // (robfig/cron skips a start in the hour a daylight-saving change skips, and runs one in a
  // repeated hour twice), and no offset change from an hour before the warm-up to an hour after
  // the cool-down (an Argo CD window is an absolute duration while KEDA's end is a wall-clock
  // cron).
  const all: (Occurrence & { index: number })[] = [];
  sessions.forEach((s, index) => {
    const path = ['sessions', file.sessions.findIndex((f) => f.name === s.name), 'start'];
    const meets = (day: string) => ({
      path,
      message: `session "${s.name}" on ${day} meets a daylight-saving change in ${s.timeZone} within an hour of its warm-up or cool-down (robfig/cron skips or repeats such times); expected sessions away from the change`,
    });
    // The session's days as wall-clock dates (the cron read in UTC), each shown once by the zone's clock.
    const wallDays = sessionCrons(s).flatMap((cron) => parseCron(cron, 'UTC').runsBetween(horizon.from, horizon.until));
    const skippedOrRepeated = wallDays.find((wall) => instantsAt(wall.getTime(), s.timeZone).length !== 1);
    if (skippedOrRepeated !== undefined) {
      problems.push(meets(skippedOrRepeated.toISOString().slice(0, 10)));
      return;
    }
    for (const o of occurrences(s, horizon.from, horizon.until)) {
      const edges = [new Date(o.start.getTime() - 60 * 60_000 - warmUpMinutes * 60_000), o.start, o.end, new Date(o.end.getTime() + coolDownMinutes * 60_000 + 60 * 60_000)];
      if (new Set(edges.map((e) => offsetAt(e, s.timeZone))).size > 1) {
        problems.push(meets(localTime(o.start, s.timeZone).slice(0, 10)));
        return;
      }
      all.push({ ...o, index });
    }
  });
  if (problems.length > 0) return { problems };
  for (const env of ENVIRONMENT_NAMES) {
    const runs = all.filter((o) => sessions[o.index].environments.includes(env)).sort((a, b) => a.start.getTime() - b.start.getTime());
    for (let i = 1; i < runs.length; i++) {
      const [a, b] = [runs[i - 1], runs[i]];
      if (b.start < a.end) {
        problems.push({
          path: ['sessions', file.sessions.findIndex((f) => f.name === b.session), 'start'],
          message: `session "${b.session}" (${localTime(b.start, 'UTC')} UTC) overlaps session "${a.session}" (${localTime(a.start, 'UTC')} to ${localTime(a.end, 'UTC')} UTC) in ${env}; expected sessions that do not overlap`,
        });
        return { problems };
      }
    }
  }
  return { calendar, problems };
}

/** An Argo CD sync window as an AppProject holds it (the fields this file reads). */
export interface WindowLike {
  readonly schedule: string;
  readonly duration: string;
  readonly timeZone?: string;
  readonly applications?: readonly string[];
  readonly description?: string;
}

/** The spans [open, close) of a window that overlap [from, until), as Argo CD evaluates it (robfig/cron in its zone). */
export function windowSpans(window: WindowLike, from: Date, until: Date): { open: Date; close: Date }[] {
  const minutes = durationMinutes(window.duration);
  if (minutes === undefined) throw new Error(`sync window "${window.schedule}": duration "${window.duration}" is not in hours and minutes`);
  const ms = minutes * 60_000;
  return parseCron(window.schedule, window.timeZone ?? 'UTC')
    .runsBetween(new Date(from.getTime() - ms), until)
    .map((open) => ({ open, close: new Date(open.getTime() + ms) }))
    .filter((s) => s.close > from);
}

/** The first of `windows` open at `at`, or undefined. */
export function openWindowAt<W extends WindowLike>(windows: readonly W[], at: Date): { window: W; open: Date; close: Date } | undefined {
  for (const window of windows) {
    const span = windowSpans(window, at, new Date(at.getTime() + 1)).find((s) => s.open <= at && at < s.close);
    if (span !== undefined) return { window, ...span };
  }
  return undefined;
}
