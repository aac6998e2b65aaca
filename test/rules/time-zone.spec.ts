/**
 * Zone offsets and wall clocks (lib/rules/time-zone.ts), held to Intl's own reading of the tz
 * data: the module samples once per UTC day and bisects where the offset changes, so every hour
 * of a year must read as Intl reads it, in zones with half-hour and 45-minute offsets, negative
 * offsets, a 30-minute daylight-saving shift and southern-hemisphere summers.
 */
import { instantsAt, isTimeZone, localFields, offsetAt, wallClockAt } from '../../lib/rules/time-zone';

const HOUR = 3_600_000;

/** The offset in milliseconds from Intl's `longOffset` name of it (`GMT`, `GMT+00:00`, `GMT+05:45`, `GMT-04:00`). */
function intlOffsetMs(format: Intl.DateTimeFormat, t: number): number {
  const name = format.formatToParts(t).find((p) => p.type === 'timeZoneName')!.value;
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (m === null) throw new Error(`unexpected offset name ${name}`);
  return m[1] === undefined ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * HOUR + Number(m[3]) * 60_000);
}

const longOffset = (zone: string) => new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });

describe('time zones', () => {
  test.each(['Asia/Shanghai', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/Sao_Paulo', 'UTC'])(
    '%s: every hour of a year has the offset Intl reads',
    (zone) => {
      const wrong: string[] = [];
      const intl = longOffset(zone);
      for (let t = Date.parse('2026-09-01T00:00:00Z'); t < Date.parse('2027-09-01T00:00:00Z'); t += HOUR) {
        if (offsetAt(t, zone) !== intlOffsetMs(intl, t)) wrong.push(new Date(t).toISOString());
      }
      expect(wrong).toEqual([]);
    },
  );

  test('a change lands on its minute: London moves to UTC+1 at 01:00 UTC on 2027-03-28', () => {
    const change = Date.parse('2027-03-28T01:00:00Z');
    expect([offsetAt(change - 60_000, 'Europe/London'), offsetAt(change, 'Europe/London')]).toEqual([0, HOUR]);
    expect([intlOffsetMs(longOffset('Europe/London'), change - 60_000), intlOffsetMs(longOffset('Europe/London'), change)]).toEqual([0, HOUR]);
  });

  test('the wall clock of an instant, and its fields', () => {
    expect(new Date(wallClockAt(Date.parse('2026-09-07T00:00:00Z'), 'Asia/Shanghai')).toISOString()).toBe('2026-09-07T08:00:00.000Z');
    expect(localFields(Date.parse('2026-09-06T23:30:00Z'), 'Asia/Kathmandu')).toEqual({ year: 2026, month: 9, day: 7, hour: 5, minute: 15, weekday: 'Mon' });
    expect(localFields(Date.parse('2027-01-01T00:00:00Z'), 'America/New_York')).toEqual({ year: 2026, month: 12, day: 31, hour: 19, minute: 0, weekday: 'Thu' });
  });

  test('a wall-clock time stands for one instant, none in a skipped hour, two in a repeated one', () => {
    const wall = (iso: string) => Date.parse(`${iso}Z`);
    const iso = (ts: number[]) => ts.map((t) => new Date(t).toISOString());
    expect(iso(instantsAt(wall('2026-09-07T08:00:00'), 'Asia/Shanghai'))).toEqual(['2026-09-07T00:00:00.000Z']);
    // New York skips 02:00-03:00 on 2026-03-08 and repeats 01:00-02:00 on 2026-11-01.
    expect(instantsAt(wall('2026-03-08T02:30:00'), 'America/New_York')).toEqual([]);
    expect(iso(instantsAt(wall('2026-11-01T01:30:00'), 'America/New_York'))).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z']);
    // Lord Howe shifts by 30 minutes: 02:15 is skipped on 2026-10-04.
    expect(instantsAt(wall('2026-10-04T02:15:00'), 'Australia/Lord_Howe')).toEqual([]);
  });

  test.each([
    ['Asia/Shanghai', true],
    ['Europe/London', true],
    ['UTC', true],
    ['Mars/Olympus', false],
    ['Local', false],
    ['local', false],
    ['', false],
  ])('isTimeZone(%j) is %s', (zone, valid) => {
    expect(isTimeZone(zone)).toBe(valid);
    expect(isTimeZone(zone)).toBe(valid); // the second answer comes from the cache
  });

  test('an unknown zone is an error that says what is expected', () => {
    expect(() => offsetAt(0, 'Mars/Olympus')).toThrow('time zone "Mars/Olympus" is not an IANA zone name; expected e.g. Asia/Shanghai or Europe/London');
  });
});
