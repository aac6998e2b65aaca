/**
 * The exam calendar (environments/calendar.yaml): where its sessions land, what it refuses (each
 * time with file:line), and the replicas it asks of production.
 */
import * as fs from 'node:fs';
import { calendarOccurrences, horizonBounds, occurrences } from '../../lib/config/calendar';
import { EXAM_TRAFFIC_SERVICES, PDB_MAX_UNAVAILABLE, requiredReplicas, sessionCapacities } from '../../lib/config/capacity';
import { SERVICES } from '../../lib/config/catalog';
import { ConfigError, loadEnvironments } from '../../lib/config/load';
import { environmentsCopy } from '../helpers';

const environments = loadEnvironments();
const calendar = environments[0].calendar;
const production = environments.find((e) => e.name === 'production')!;

/**
 * robfig/cron's matching, written out from robfig/cron `spec.go` (`dayMatches`: AND when a day
 * field is `*`, else OR) and `parser.go` (bounds, ranges, lists, steps, names): does the local
 * date-time match? An oracle independent of lib/config/cron.ts, for the crons the calendar produces.
 */
const parsedCrons = new Map<string, { set: Set<number>; star: boolean }[]>();
function robfigMatches(expr: string, local: { minute: number; hour: number; day: number; month: number; weekday: number }): boolean {
  if (!parsedCrons.has(expr)) parsedCrons.set(expr, parseRobfig(expr));
  const [mi, h, dom, mon, dow] = parsedCrons.get(expr)!;
  const domMatch = dom.set.has(local.day);
  const dowMatch = dow.set.has(local.weekday);
  const dayOk = dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  return mi.set.has(local.minute) && h.set.has(local.hour) && mon.set.has(local.month) && dayOk;
}

function parseRobfig(expr: string): { set: Set<number>; star: boolean }[] {
  const names: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
  const bounds = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
  const field = (text: string, i: number) => {
    const set = new Set<number>();
    for (const part of text.split(',')) {
      const [range, step] = part.split('/');
      const [lo, hi] = range === '*' ? bounds[i] : range.split('-').map((x) => names[x.toLowerCase()] ?? Number(x));
      for (let v = lo; v <= (hi ?? (step ? bounds[i][1] : lo)); v += Number(step ?? 1)) set.add(v);
    }
    return { set, star: text === '*' };
  };
  return expr.split(' ').map(field);
}

/** The wall clock of a zone at an instant, read with Intl directly (independent of lib/rules/time-zone.ts). */
const intlFormats = new Map<string, Intl.DateTimeFormat>();
function intlLocal(d: Date, zone: string): number[] {
  if (!intlFormats.has(zone)) intlFormats.set(zone, new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }));
  const p = Object.fromEntries(
    intlFormats
      .get(zone)!
      .formatToParts(d)
      .map((x) => [x.type, Number(x.value)]),
  );
  return [p.year, p.month, p.day, p.hour, p.minute];
}

function problemWith(edit: (text: string) => string): { message: string; text: string } {
  let text = '';
  const dir = environmentsCopy({ 'calendar.yaml': (t) => (text = edit(t)) });
  try {
    loadEnvironments(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return { message: (err as Error).message, text };
  }
  throw new Error('expected a ConfigError');
}

/** The 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in the edited file`);
  return i + 1;
}

describe('the calendar: where sessions land', () => {
  test('the repository calendar loads, with the loader skipping it as an environment', () => {
    expect(environments.map((e) => e.name)).toEqual(['development', 'staging', 'hotfix', 'production']);
    expect(calendar.sessions.map((s) => s.name)).toEqual(['morning', 'afternoon', 'overseas-sitting']);
    expect(calendar.file).toBe('environments/calendar.yaml');
  });

  test('every session start matches robfig/cron in its zone on every day of the horizon, and nowhere else', () => {
    const { from, until } = horizonBounds(calendar);
    for (const s of calendar.sessions) {
      const runs = new Set(occurrences(s, from, until).map((o) => o.start.getTime()));
      let expected = 0;
      const wrong: string[] = [];
      // Every hour of the horizon (the calendar's sessions start on the hour).
      expect([s.name, s.startMinuteOfDay % 60]).toEqual([s.name, 0]);
      for (let t = from.getTime(); t < until.getTime(); t += 60 * 60_000) {
        const d = new Date(t);
        const [year, month, day, hour, minute] = intlLocal(d, s.timeZone);
        const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
        const crons = s.days.map((days) => `${s.startMinuteOfDay % 60} ${Math.floor(s.startMinuteOfDay / 60)} ${days}`);
        const match = crons.some((c) => robfigMatches(c, { minute, hour, day, month, weekday }));
        if (match) expected++;
        if (runs.has(t) !== match) wrong.push(d.toISOString());
      }
      expect([s.name, wrong]).toEqual([s.name, []]);
      expect([s.name, runs.size]).toEqual([s.name, expected]);
    }
  });

  test('land where expected: Shanghai has no daylight saving, London moves to UTC+1 on 2027-03-28', () => {
    const on = (session: string, fromIso: string, untilIso: string) =>
      calendarOccurrences(calendar, new Date(fromIso), new Date(untilIso), 'production')
        .filter((o) => o.session === session)
        .map((o) => o.start.toISOString().slice(0, 16));
    // Monday 2026-09-07, 08:00 and 14:00 in Shanghai; Sunday has none.
    expect(on('morning', '2026-09-06T00:00:00Z', '2026-09-08T00:00:00Z')).toEqual(['2026-09-07T00:00']);
    expect(on('afternoon', '2026-09-06T00:00:00Z', '2026-09-08T00:00:00Z')).toEqual(['2026-09-07T06:00']);
    // The dated sitting: 10:00 in London is 10:00 UTC in January (GMT) and 09:00 UTC in June (BST).
    expect(on('overseas-sitting', '2026-09-01T00:00:00Z', '2027-09-01T00:00:00Z')).toEqual(['2027-01-17T10:00', '2027-06-13T09:00']);
  });

  test('the warm-up precedes the start and the cool-down follows the end', () => {
    expect(calendar.warmUpMinutes).toBe(30);
    expect(calendar.coolDownMinutes).toBe(30);
    for (const s of calendar.sessions) expect(s.startMinuteOfDay - calendar.warmUpMinutes).toBeGreaterThanOrEqual(0);
  });
});

describe('capacity', () => {
  test('required replicas = ceil(peak / per replica × (1 + headroom))', () => {
    expect(requiredReplicas(6000, 500, 0.25)).toBe(15);
    expect(requiredReplicas(6001, 500, 0.25)).toBe(16);
    expect(requiredReplicas(100, 1000, 0)).toBe(1);
  });

  test('the exam-traffic services are exam-service, auth-service and question-service, each with a per-replica figure', () => {
    expect([...EXAM_TRAFFIC_SERVICES].sort()).toEqual(['auth-service', 'exam-service', 'question-service']);
  });

  test('every production session fits under maxReplicas and still serves its peak with the PDB\'s pod away', () => {
    const caps = sessionCapacities(calendar, 'production');
    expect(caps).toHaveLength(calendar.sessions.length * 3);
    for (const c of caps) {
      const s = production.services.find((x) => x.name === c.service)!;
      expect([c.session.name, c.service, c.required <= s.autoscaling!.maxReplicas]).toEqual([c.session.name, c.service, true]);
      expect(c.required - PDB_MAX_UNAVAILABLE).toBeGreaterThanOrEqual(Math.ceil(c.session.peakCandidates / SERVICES[c.service].candidatesPerReplica!));
    }
    expect(caps.find((c) => c.session.name === 'morning' && c.service === 'exam-service')!.required).toBe(15);
  });
});

describe('the calendar: malformed input is refused with file:line', () => {
  test.each<[string, (t: string) => string, string, RegExp]>([
    ['invalid YAML', (t) => t.replace('duration: 4h', 'duration: [4h'), 'peakCandidates: 6000', /not valid YAML/],
    ['an unknown key', (t) => t.replace('    duration: 4h\n    peakCandidates: 6000', '    duraton: 4h\n    duration: 4h\n    peakCandidates: 6000'), 'duraton', /sessions\.0\.duraton: unknown key/],
    ['a cron with six fields', (t) => t.replace('"0 8 * * 1-6"', '"0 0 8 * * 1-6"'), '0 0 8 * * 1-6', /sessions\.0\.start\.cron: .*has 6 fields; expected five/],
    ['day of week 7', (t) => t.replace('"0 8 * * 1-6"', '"0 8 * * 7"'), '0 8 * * 7', /day of week: 7 is outside 0-6/],
    ['two start times in one cron', (t) => t.replace('"0 8 * * 1-6"', '"0 8,9 * * 1-6"'), '0 8,9', /expected one start time a day/],
    ['an unknown time zone', (t) => t.replace('timeZone: Asia/Shanghai', 'timeZone: Asia/Beijing'), 'Asia/Beijing', /sessions\.0\.timeZone: time zone "Asia\/Beijing" is not an IANA zone name/],
    ['a duration under 15 minutes', (t) => t.replace('duration: 4h', 'duration: 10m'), 'duration: 10m', /sessions\.0\.duration: 10m is shorter than 15 minutes/],
    ['a duration that is no duration', (t) => t.replace('duration: 4h', 'duration: four hours'), 'four hours', /sessions\.0\.duration: expected a duration/],
    ['an unknown environment', (t) => t.replace('environments: [production]', 'environments: [prod]'), '[prod]', /sessions\.0\.environments\.0: expected an environment/],
    ['an environment that is not deployed', (t) => t.replace('environments: [production]', 'environments: [development]'), '- name: morning', /session "morning": environments: development is not deployed/],
    ['overlapping sessions', (t) => t.replace('"0 14 * * 1-6"', '"0 11 * * 1-6"'), '"0 11 * * 1-6"', /sessions\.1\.start: session "afternoon" .* overlaps session "morning"/],
    ['a dated instance outside the horizon', (t) => t.replace('"2027-06-13T10:00"', '"2027-09-12T10:00"'), '2027-09-12', /sessions\.2\.start\.dates\.1: 2027-09-12T10:00 \(Europe\/London\) is outside the horizon/],
    ['a date that does not exist', (t) => t.replace('"2027-06-13T10:00"', '"2027-02-30T10:00"'), '2027-02-30', /sessions\.2\.start\.dates\.1: expected a local date and time/],
    ['dated instances at two times of day', (t) => t.replace('"2027-06-13T10:00"', '"2027-06-13T11:00"'), '2027-06-13T11:00', /sessions\.2\.start\.dates: dates start at 10:00, 11:00/],
    ['a horizon over a year (a dated instance could come round again)', (t) => t.replace('until: "2027-08-31"', 'until: "2027-09-05"'), 'until:', /horizon\.until: the horizon spans 370 days; expected at most 365/],
    ['a reference week that is not a Monday', (t) => t.replace('referenceWeek: "2026-09-07"', 'referenceWeek: "2026-09-08"'), 'referenceWeek', /referenceWeek: 2026-09-08 is not a Monday/],
    ['both cron and dates', (t) => t.replace('start: { cron: "0 8 * * 1-6" }', 'start: { cron: "0 8 * * 1-6", dates: ["2027-01-01T08:00"] }'), 'dates: ["2027-01-01', /sessions\.0\.start: expected start: \{ cron/],
    ['a session in the hour a daylight-saving change skips', (t) => t.replace('start: { dates: ["2027-01-17T10:00", "2027-06-13T10:00"] }', 'start: { cron: "30 2 * 3 0" }').replace('timeZone: Europe/London', 'timeZone: America/New_York').replace('duration: 3h', 'duration: 1h'), '30 2 * 3 0', /sessions\.2\.start: session "overseas-sitting" on 2027-03-14 meets a daylight-saving change in America\/New_York/],
    ['a session whose cool-down crosses midnight', (t) => t.replace('"0 14 * * 1-6"', '"0 20 * * 1-6"'), '"0 20 * * 1-6"', /sessions\.1\.start: from the warm-up \(30m before\) to the cool-down \(30m after\) the session crosses midnight in Asia\/Shanghai/],
    ['a session that needs more than maxReplicas', (t) => t.replace('peakCandidates: 6000', 'peakCandidates: 9000'), '- name: morning', /session "morning" needs 8 replicas of auth-service in production \(peak 9000 \/ 1500 per replica × 1.25\), above its maxReplicas 6 \(.*environments\/production.yaml\)[^\n]*\n.*session "morning" needs 23 replicas of exam-service/],
    ['no headroom for a disruption (PDB)', (t) => t.replace('headroom: 0.25', 'headroom: 0'), '- name: morning', /session "morning" needs 12 replicas of exam-service .*PodDisruptionBudget's 1 pod away/],
  ])('%s', (_what, edit, needle, message) => {
    const { message: msg, text } = problemWith(edit);
    expect(msg).toMatch(message);
    const line = lineOf(text, needle);
    expect(msg).toMatch(new RegExp(`environments/calendar\\.yaml:${line}(:\\d+)?: `));
  });

  test('a missing calendar is refused', () => {
    const dir = environmentsCopy();
    fs.unlinkSync(`${dir}/calendar.yaml`);
    expect(() => loadEnvironments(dir)).toThrow(/calendar\.yaml: missing; the exam calendar drives/);
  });
});
