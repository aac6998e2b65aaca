/**
 * Capacity before the surge: how many replicas each exam-traffic service needs for a session,
 * from the calendar's expected peak, the catalog's candidates per replica and the calendar's
 * headroom. Production pre-scales to it (KEDA cron triggers); staging and hotfix keep CPU
 * scaling only.
 */
import { ExamCalendar, ExamSession, sessionCrons } from './calendar';
import { SERVICES, SERVICE_NAMES, ServiceName } from './catalog';
import type { EnvironmentName } from './schema';

/** The environments whose exam-traffic services pre-scale from the calendar. */
export const PRESCALED_ENVIRONMENTS: readonly EnvironmentName[] = ['production'];

/** The services that carry exam traffic: those the catalog gives a per-replica capacity. */
export const EXAM_TRAFFIC_SERVICES: readonly ServiceName[] = SERVICE_NAMES.filter((n) => SERVICES[n].candidatesPerReplica !== undefined);

/**
 * Every service's PodDisruptionBudget: a voluntary disruption (a node drain) takes at most this
 * many pods at a time. A session's replicas must still serve its peak with this many gone.
 */
export const PDB_MAX_UNAVAILABLE = 1;

/** ceil(peak / per replica × (1 + headroom)). */
export function requiredReplicas(peakCandidates: number, candidatesPerReplica: number, headroom: number): number {
  // Rounded to 9 decimals first: 6000 / 500 × 1.25 is 15, not 15.000000000000002.
  return Math.ceil(Number(((peakCandidates / candidatesPerReplica) * (1 + headroom)).toFixed(9)));
}

/** The replicas one session needs of one service. */
export interface SessionCapacity {
  readonly session: ExamSession;
  readonly service: ServiceName;
  /** Serve the peak with the headroom. */
  readonly required: number;
  /** Serve the bare peak (what must remain during a disruption). */
  readonly minimum: number;
}

/** Each session of `environment` × each exam-traffic service, in calendar then catalog order. */
export function sessionCapacities(calendar: ExamCalendar, environment: EnvironmentName): SessionCapacity[] {
  return calendar.sessions
    .filter((s) => s.environments.includes(environment))
    .flatMap((session) =>
      EXAM_TRAFFIC_SERVICES.map((service) => {
        const per = SERVICES[service].candidatesPerReplica!;
        return { session, service, required: requiredReplicas(session.peakCandidates, per, calendar.headroom), minimum: Math.ceil(session.peakCandidates / per) };
      }),
    );
}

/** What the environment file says about a service's scaling. */
export interface ScalingBounds {
  readonly name: ServiceName;
  readonly replicas: number;
  readonly autoscaling?: { readonly maxReplicas: number };
}

/**
 * The problems of pre-scaling `environment` (empty when everything fits): each names the
 * session (file:line), the service and what is expected.
 */
export function checkCapacity(calendar: ExamCalendar, environment: EnvironmentName, envFile: string, services: readonly ScalingBounds[]): string[] {
  if (!PRESCALED_ENVIRONMENTS.includes(environment)) return [];
  const problems: string[] = [];
  for (const c of sessionCapacities(calendar, environment)) {
    const s = services.find((x) => x.name === c.service);
    const max = s?.autoscaling?.maxReplicas;
    const head = `${c.session.where}: session "${c.session.name}" needs ${c.required} replicas of ${c.service} in ${environment} (peak ${c.session.peakCandidates} / ${SERVICES[c.service].candidatesPerReplica} per replica × ${1 + calendar.headroom})`;
    if (max === undefined) {
      problems.push(`${head}; expected services.${c.service}.autoscaling.maxReplicas in ${envFile}, which pre-scaling needs`);
    } else if (c.required > max) {
      problems.push(`${head}, above its maxReplicas ${max} (${envFile}); expected maxReplicas >= ${c.required} or a smaller peak`);
    } else if (c.required - PDB_MAX_UNAVAILABLE < c.minimum) {
      problems.push(`${head}: with the PodDisruptionBudget's ${PDB_MAX_UNAVAILABLE} pod away it serves fewer than the peak needs (${c.minimum}); expected more headroom`);
    }
  }
  return problems;
}

/** A floor held by a KEDA cron trigger: from the warm-up before a session to the cool-down after. */
export interface SessionFloor {
  /** The session's name (dated sessions: `<name>-<date>`, one per date). */
  readonly name: string;
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  readonly desiredReplicas: number;
}

/**
 * The cron floors of one service in one environment, or undefined when it does not pre-scale
 * (not a prescaled environment, or not exam traffic): CPU scaling only.
 */
export function sessionFloors(calendar: ExamCalendar, environment: EnvironmentName, service: ServiceName): SessionFloor[] | undefined {
  if (!PRESCALED_ENVIRONMENTS.includes(environment) || !EXAM_TRAFFIC_SERVICES.includes(service)) return undefined;
  return sessionCapacities(calendar, environment)
    .filter((c) => c.service === service)
    .flatMap((c) => {
      const s = c.session;
      const starts = sessionCrons(s, -calendar.warmUpMinutes);
      const ends = sessionCrons(s, s.durationMinutes + calendar.coolDownMinutes);
      return starts.map((start, i) => ({
        name: s.dated ? `${s.name}-${s.startTexts[i].slice(0, 10)}` : s.name,
        start,
        end: ends[i],
        timeZone: s.timeZone,
        desiredReplicas: c.required,
      }));
    });
}
