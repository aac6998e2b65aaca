/**
 * Cron as Argo CD's sync windows and KEDA's cron scaler read it: both parse with robfig/cron v3
 * (`cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)` in kedacore/keda
 * `pkg/scalers/cron_scaler.go`). Each expectation below is robfig/cron's behaviour, read from
 * robfig/cron `parser.go` (bounds, `*`/`?` star bit, `N/step`) and `spec.go` (`Next`,
 * `dayMatches`), and the test holds lib/config/cron.ts to it; croner, an independent engine,
 * cross-checks the runs away from daylight-saving changes (where the two engines part).
 */
import { Cron } from 'croner';
import { parseCron } from '../../lib/config/cron';

const runs = (expr: string, zone: string, from: string, n: number) => parseCron(expr, zone).runsAfter(new Date(from), n).map((d) => d.toISOString().slice(0, 16));

describe('parseCron: robfig/cron semantics', () => {
  test('AND when either is `*` (the star bit), so `* * 1` is Mondays only and `1,15 * *` the 1st and 15th, across month ends', () => {
    expect(runs('0 9 * * 1', 'UTC', '2026-02-28T12:00:00Z', 3)).toEqual(['2026-03-02T09:00', '2026-03-09T09:00', '2026-03-16T09:00']);
    expect(runs('0 9 1,15 * *', 'UTC', '2026-02-28T12:00:00Z', 3)).toEqual(['2026-03-01T09:00', '2026-03-15T09:00', '2026-04-01T09:00']);
  });

  test('refuses the OR form (both day fields restricted, spec.go dayMatches), where croner misses the 1st of a month', () => {
    expect(() => parseCron('0 9 1,15 * 1', 'UTC')).toThrow(/day of month and day of week are both restricted, which robfig\/cron matches as either one \(OR\)/);
    // `*/10` clears the star bit (parser.go getRange: step > 1): robfig ORs it too.
    expect(() => parseCron('0 9 */10 * 1', 'UTC')).toThrow(/both restricted/);
  });

  test('names as robfig spells them (sun-sat, jan-dec, any case)', () => {
    expect(runs('0 9 * JAN-MAR mon-fri', 'UTC', '2026-03-30T12:00:00Z', 3)).toEqual(['2026-03-31T09:00', '2026-01-01T09:00'.replace('2026', '2027'), '2027-01-04T09:00']);
  });

  test.each([
    ['0 9 * * 7', /day of week: 7 is outside 0-6 \(robfig\/cron has no 7 for Sunday: write 0\)/],
    ['0 9 ? * 1', /"\?" means \* to robfig\/cron/],
    ['0 9 L * *', /day of month: "L" is not a number/],
    ['0 9 * * 1#2', /day of week: "1#2" is not a number/],
    ['@daily', /descriptors such as @daily are not read by KEDA's cron parser/],
    ['0 0 9 * * 1', /has 6 fields; expected five/],
    ['0 9 * *', /has 4 fields; expected five/],
    ['5/10 9 * * *', /minute: "5\/10" means 5-max\/10 to robfig\/cron/],
    ['60 9 * * *', /minute: 60 is outside 0-59/],
    ['0 24 * * *', /hour: 24 is outside 0-23/],
    ['0 9 0 * *', /day of month: 0 is outside 1-31/],
    ['0 9 * 13 *', /month: 13 is outside 1-12/],
    ['0 9 * * 5-1', /day of week: range "5-1" runs backwards/],
    ['0 9 * * 1-2-3', /too many hyphens/],
    ['0 9 * * */0', /step "0" in "\*\/0" is not a positive number/],
    ['0 9 1,,2 * *', /empty list item/],
  ])('refuses %s as robfig/cron would, or where croner reads it differently', (expr, message) => {
    expect(() => parseCron(expr, 'UTC')).toThrow(message);
  });

  test.each(['Mars/Olympus', 'Local', '', 'Asia/Peking '])('refuses the time zone "%s" (not an IANA zone robfig loads with time.LoadLocation)', (zone) => {
    expect(() => parseCron('0 9 * * *', zone)).toThrow(/is not an IANA zone name/);
  });

  test('a zone without daylight saving: Asia/Shanghai is UTC+8 all year', () => {
    expect(runs('0 8 * * 1-6', 'Asia/Shanghai', '2027-03-26T00:00:00Z', 3)).toEqual(['2027-03-27T00:00', '2027-03-29T00:00', '2027-03-30T00:00']);
  });

  test('a daylight-saving change: 09:00 in London is 09:00 UTC before 2027-03-28 and 08:00 UTC after (spec.go keeps the wall clock)', () => {
    expect(runs('0 9 * * *', 'Europe/London', '2027-03-27T00:00:00Z', 3)).toEqual(['2027-03-27T09:00', '2027-03-28T08:00', '2027-03-29T08:00']);
    expect(runs('0 9 * * *', 'America/New_York', '2026-10-31T00:00:00Z', 3)).toEqual(['2026-10-31T13:00', '2026-11-01T14:00', '2026-11-02T14:00']);
  });

  test('a start in the hour a change skips does not run that day; one in the hour a change repeats runs twice (spec.go steps hours with t.Add(1 * time.Hour))', () => {
    // 02:30 does not exist in New York on 2026-03-08: robfig's hour loop goes 01:00 EST to
    // 03:00 EDT and never sees hour 2. croner runs at 03:00 instead; the calendar refuses both.
    expect(runs('30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', 2)).toEqual(['2026-03-09T06:30', '2026-03-10T06:30']);
    // 01:30 comes twice on 2026-11-01 (EDT, then EST): after the first, the minute loop wraps
    // from 01:59 EDT to 01:00 EST, and hour 1 matches again.
    expect(runs('30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', 3)).toEqual(['2026-11-01T05:30', '2026-11-01T06:30', '2026-11-02T06:30']);
  });

  test('runsBetween is [from, until)', () => {
    const s = parseCron('0 9 * * *', 'UTC');
    expect(s.runsBetween(new Date('2026-03-01T09:00:00Z'), new Date('2026-03-03T09:00:00Z')).map((d) => d.toISOString())).toEqual(['2026-03-01T09:00:00.000Z', '2026-03-02T09:00:00.000Z']);
  });
});

describe('parseCron agrees with croner, an independent engine, away from daylight-saving changes', () => {
  const from = new Date('2026-09-01T00:00:00Z');
  const until = new Date('2027-09-01T00:00:00Z');
  /** Local dates (in the zone) on which its UTC offset changes, and the day after. */
  const changeDays = (zone: string): Set<string> => {
    const dates = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    const local = (t: number) => dates.format(t);
    const offsets = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    const offset = (t: number) => offsets.formatToParts(t).find((p) => p.type === 'timeZoneName')!.value;
    const days = new Set<string>();
    // Every 3 hours: offset changes are months apart, and the days around one are all skipped.
    for (let t = from.getTime() - 86_400_000; t < until.getTime() + 86_400_000; t += 3 * 3_600_000) {
      if (offset(t) !== offset(t + 3 * 3_600_000)) for (const d of [t - 86_400_000, t, t + 86_400_000, t + 2 * 86_400_000]) days.add(local(d));
    }
    return days;
  };
  test.each([
    ['0 8 * * 1-6', 'Asia/Shanghai'],
    ['0 14 * * 1-6', 'Asia/Shanghai'],
    ['30 9 * * 0', 'Europe/London'],
    ['0 10 17 1 *', 'Europe/London'],
    ['15 2 * * *', 'America/New_York'],
    ['45 23 1,15 * *', 'Australia/Lord_Howe'],
    ['0 */6 * JAN-MAR mon-fri', 'Asia/Kolkata'],
    ['5,35 0-3 * * 3', 'UTC'],
    ['0 0 28 2 *', 'Pacific/Auckland'],
    ['59 23 31 * *', 'America/Sao_Paulo'],
  ])('%s in %s over a year', (expr, zone) => {
    const skip = changeDays(zone);
    const dates = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    const localDay = (d: Date) => dates.format(d);
    const ours = parseCron(expr, zone).runsBetween(from, until);
    const cron = new Cron(expr, { timezone: zone, mode: '5-part', domAndDow: false, paused: true });
    const theirs: Date[] = [];
    for (let t = cron.nextRun(new Date(from.getTime() - 1)); t !== null && t < until; t = cron.nextRun(t)) theirs.push(t);
    const away = (ds: Date[]) => ds.filter((d) => !skip.has(localDay(d))).map((d) => d.toISOString());
    expect(away(ours)).toEqual(away(theirs));
    expect(away(ours).length).toBeGreaterThan(0);
  });
});
