/**
 * `calendar`: the next exam sessions of an environment, from the exam calendar
 * (environments/calendar.yaml) and the synthesized objects: each session's time in its own zone
 * and in UTC, the deny window that freezes automatic syncs around it (read from the synthesized
 * AppProject), the pre-scaling window, and the replicas each exam-traffic service is held at.
 * Deterministic given `--from`; without it, today (UTC).
 */
import { Command, Option } from 'commander';
import { ExamCalendar, calendarOccurrences, horizonBounds, localTime, openWindowAt, weekday, WindowLike } from '../../config/calendar';
import { PRESCALED_ENVIRONMENTS, sessionCapacities } from '../../config/capacity';
import { applicationName } from '../../config/gitops';
import { ConfigError } from '../../config/load';
import { ENVIRONMENT_NAMES, EnvironmentName } from '../../config/schema';
import type { KubeObject } from '../../output/render';
import { synthObjects } from '../../synth';
import { CliContext, EXIT_OK, UsageError, environmentsDirOption, withExitCodes } from '../context';

export interface CalendarOptions {
  readonly environmentsDir: string;
  readonly environment: EnvironmentName;
  /** The first day shown (UTC midnight). */
  readonly from: Date;
  readonly days: number;
}

/** The deny windows of the AppProjects that name an environment's Application (or every Application). */
export function freezeWindows(objects: readonly KubeObject[], environment: EnvironmentName): WindowLike[] {
  const app = applicationName(environment);
  return objects
    .filter((o) => o.kind === 'AppProject')
    .flatMap((p) => ((p.spec as { syncWindows?: (WindowLike & { kind: string })[] }).syncWindows ?? []).filter((w) => w.kind === 'deny'))
    .filter((w) => (w.applications ?? []).includes(app));
}

function hhmm(date: Date, zone: string): string {
  return localTime(date, zone).slice(11);
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

/** The report: a header line, then one row per session occurrence. */
export function calendarReport(calendar: ExamCalendar, objects: readonly KubeObject[], options: Omit<CalendarOptions, 'environmentsDir'>): string {
  const until = new Date(options.from.getTime() + options.days * 86_400_000);
  const sessions = calendarOccurrences(calendar, options.from, until, options.environment);
  const windows = freezeWindows(objects, options.environment);
  const prescaled = PRESCALED_ENVIRONMENTS.includes(options.environment);
  const caps = sessionCapacities(calendar, options.environment);
  const head = `Exam sessions in ${options.environment} from ${options.from.toISOString().slice(0, 10)} for ${options.days} day${options.days === 1 ? '' : 's'} (UTC)`;
  const out = [head];
  const horizon = horizonBounds(calendar);
  if (until > horizon.until || options.from < horizon.from) {
    out.push(`Note: the calendar is checked from ${calendar.horizon.from} to ${calendar.horizon.until}; days outside it show recurring sessions only (renew ${calendar.file}).`);
  }
  if (sessions.length === 0) return `${out.join('\n')}\nNo exam sessions.\n`;
  const rows: string[][] = [['SESSION', 'LOCAL TIME', 'UTC', 'NO AUTOMATIC SYNC (UTC)', 'PRE-SCALED (UTC)', 'REPLICAS']];
  for (const o of sessions) {
    const s = calendar.sessions.find((x) => x.name === o.session)!;
    const frozen = openWindowAt(windows, o.start);
    const warm = new Date(o.start.getTime() - calendar.warmUpMinutes * 60_000);
    const cool = new Date(o.end.getTime() + calendar.coolDownMinutes * 60_000);
    rows.push([
      s.name,
      `${weekday(o.start, s.timeZone)} ${localTime(o.start, s.timeZone)}–${hhmm(o.end, s.timeZone)} ${s.timeZone}`,
      `${weekday(o.start, 'UTC')} ${localTime(o.start, 'UTC')}–${hhmm(o.end, 'UTC')}`,
      frozen === undefined ? 'none (no deny window)' : `${localTime(frozen.open, 'UTC')}–${hhmm(frozen.close, 'UTC')}`,
      prescaled ? `${localTime(warm, 'UTC')}–${hhmm(cool, 'UTC')}` : 'no (CPU scaling only)',
      prescaled ? caps.filter((c) => c.session.name === s.name).map((c) => `${c.service} ${c.required}`).join(', ') : '-',
    ]);
  }
  out.push(table(rows));
  out.push('', 'During a freeze Argo CD syncs nothing automatically; a person with the delivery role may still sync (a kill-switch flip, a fix) and abort a Rollout.');
  return `${out.join('\n')}\n`;
}

/** `YYYY-MM-DD` → UTC midnight; anything else is a usage error. */
export function parseFromDate(text: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const d = m === null ? undefined : new Date(`${text}T00:00:00Z`);
  if (d === undefined || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) throw new UsageError(`--from ${text}: expected a date YYYY-MM-DD`);
  return d;
}

export function runCalendar(options: CalendarOptions): string {
  let result;
  try {
    result = synthObjects({ environmentsDir: options.environmentsDir });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`cannot synthesize: invalid configuration (run validate)\n${err.message}`);
    throw err;
  }
  const env = result.environments.find((e) => e.name === options.environment);
  if (env === undefined) throw new UsageError(`--env ${options.environment}: no such environment; expected one of ${ENVIRONMENT_NAMES.join(', ')}`);
  return calendarReport(env.calendar, result.objects.map((o) => o.object), options);
}

/** Today, UTC midnight: the CLI's default `--from` (the only clock this command reads). */
function today(): Date {
  // eslint-disable-next-line no-restricted-syntax -- the operator view starts today unless told; synth and docs never read the clock
  return new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
}

export function registerCalendar(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('calendar')
      .description('Print the next exam sessions: local and UTC times, the deny window that freezes automatic syncs, the pre-scaling window and the replicas per service.')
      .addOption(new Option('--env <environment>', 'the environment whose sessions to show').choices([...ENVIRONMENT_NAMES]).default('production'))
      .addOption(new Option('--from <date>', 'first day shown, YYYY-MM-DD (UTC)').default(undefined, 'today'))
      .addOption(new Option('--days <n>', 'how many days to show (1-366)').default('7'))
      .addOption(environmentsDirOption())
      .action((opts: { env: EnvironmentName; from?: string; days: string; environmentsDir: string }) => {
        if (!/^\d+$/.test(opts.days) || Number(opts.days) < 1 || Number(opts.days) > 366) throw new UsageError(`--days ${opts.days}: expected a whole number of days from 1 to 366`);
        const from = opts.from === undefined ? today() : parseFromDate(opts.from);
        ctx.io.out(runCalendar({ environmentsDir: opts.environmentsDir, environment: opts.env, from, days: Number(opts.days) }));
        ctx.exitCode = EXIT_OK;
      }),
  );
}
