/**
 * Named time zones as Go's `time` package reads them for robfig/cron (Argo CD's sync windows,
 * KEDA's cron scaler): an IANA name, the zone's UTC offset at an instant, the wall clock at an
 * instant, and the instants a wall-clock time stands for (none in a skipped hour, two in a
 * repeated one).
 *
 * Offsets come from the tz data through `Intl`, sampled once per UTC day and bisected to the
 * minute on a day where they differ, then kept: a year of instants costs a few hundred `Intl`
 * calls rather than one or more each. This assumes at most one offset change per UTC day and
 * none that a later change the same day undoes, which holds for every zone in the tz data.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

const validity = new Map<string, boolean>();

/** A valid IANA time zone name (what Go's time.LoadLocation reads from tzdata). */
export function isTimeZone(zone: string): boolean {
  let valid = validity.get(zone);
  if (valid === undefined) {
    valid = zone !== '' && zone.toLowerCase() !== 'local' && formatterFor(zone) !== undefined;
    validity.set(zone, valid);
  }
  return valid;
}

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    return undefined;
  }
}

/** One zone's offsets, sampled at UTC midnights and bisected where two samples differ. */
class ZoneOffsets {
  private readonly midnight = new Map<number, number>();
  private readonly change = new Map<number, number>();

  constructor(private readonly formatter: Intl.DateTimeFormat) {}

  /** Milliseconds to add to an instant to read its wall clock. */
  offsetAt(ms: number): number {
    const day = Math.floor(ms / DAY);
    const before = this.atMidnight(day);
    const after = this.atMidnight(day + 1);
    if (before === after) return before;
    let at = this.change.get(day);
    if (at === undefined) {
      // The first minute of the day that has the next day's offset.
      let lo = day * DAY;
      let hi = (day + 1) * DAY;
      while (hi - lo > MINUTE) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
        if (this.measure(mid) === before) lo = mid;
        else hi = mid;
      }
      at = hi;
      this.change.set(day, at);
    }
    return ms < at ? before : after;
  }

  private atMidnight(day: number): number {
    let offset = this.midnight.get(day);
    if (offset === undefined) {
      offset = this.measure(day * DAY);
      this.midnight.set(day, offset);
    }
    return offset;
  }

  private measure(ms: number): number {
    const p: Record<string, number> = {};
    for (const part of this.formatter.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return wall - Math.floor(ms / 1000) * 1000;
  }
}

const zones = new Map<string, ZoneOffsets>();

function offsetsOf(zone: string): ZoneOffsets {
  let z = zones.get(zone);
  if (z === undefined) {
    const formatter = formatterFor(zone);
    if (formatter === undefined || !isTimeZone(zone)) throw new Error(`time zone "${zone}" is not an IANA zone name; expected e.g. Asia/Shanghai or Europe/London`);
    z = new ZoneOffsets(formatter);
    zones.set(zone, z);
  }
  return z;
}

/** The zone's UTC offset at an instant, in milliseconds (UTC+08:00 is 28,800,000). */
export function offsetAt(date: Date | number, zone: string): number {
  return offsetsOf(zone).offsetAt(typeof date === 'number' ? date : date.getTime());
}

/** The wall clock of `zone` at an instant, as the milliseconds of a Date whose UTC fields read it. */
export function wallClockAt(date: Date | number, zone: string): number {
  const ms = typeof date === 'number' ? date : date.getTime();
  return ms + offsetAt(ms, zone);
}

/**
 * The instants at which the wall clock of `zone` reads `wall` (milliseconds whose UTC fields are
 * the wall-clock fields), in order: one as a rule, none in the hour a change skips, two in the
 * hour a change repeats.
 */
export function instantsAt(wall: number, zone: string): number[] {
  const z = offsetsOf(zone);
  const before = z.offsetAt(wall - DAY);
  const after = z.offsetAt(wall + DAY);
  // No change within a day either side: the one instant.
  if (before === after) return [wall - before];
  const out: number[] = [];
  for (const o of [before, after]) if (z.offsetAt(wall - o) === o) out.push(wall - o);
  return out.sort((a, b) => a - b);
}

/** The wall-clock fields of `zone` at an instant. */
export function localFields(date: Date | number, zone: string): { year: number; month: number; day: number; hour: number; minute: number; weekday: (typeof WEEKDAYS)[number] } {
  const d = new Date(wallClockAt(date, zone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: WEEKDAYS[d.getUTCDay()] };
}
