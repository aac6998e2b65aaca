/**
 * The exam system's service catalog: what each service is, independent of the environment.
 * Environment files choose tags, replicas and strategies; everything here is the same in
 * every environment. This is the one home of service names, ports, resources and the
 * service-to-service call graph.
 */

/** The system every object belongs to (`app.kubernetes.io/part-of`). */
export const PART_OF = 'exam-system';

/** The port every exam-system container listens on (see docs/decisions.md, 'Image names and the container port'). */
export const CONTAINER_PORT = 8000;

/** The HTTP health endpoint of every exam-system service. */
export const HEALTH_PATH = '/health';

export type Component = 'backend' | 'frontend';

/** CPU and memory, as Kubernetes quantities. */
export interface ResourceSpec {
  readonly cpu: string;
  readonly memory: string;
}

export interface ServiceDefinition {
  /** `app.kubernetes.io/component`. */
  readonly component: Component;
  /** One line for docs. */
  readonly description: string;
  readonly requests: ResourceSpec;
  readonly limits: ResourceSpec;
  /** Keys of the Secret `exam-secrets` the service reads as environment variables. */
  readonly secrets: readonly string[];
  /** Services this one calls (drives the NetworkPolicies). */
  readonly calls: readonly ServiceName[];
  /** Served to the internet through an HTTPRoute on the shared Gateway; the host comes from the environment. */
  readonly ingress?: 'web' | 'api';
  /**
   * The name of the Service that carries live traffic when the service runs blue/green.
   * Production's blue/green switches `auth-service` and `frontend-service` (see docs/decisions.md,
   * 'Blue/green releases').
   * @default the service name
   */
  readonly activeServiceName?: string;
}

export const SERVICE_NAMES = [
  'auth-service',
  'exam-service',
  'question-service',
  'proctoring-service',
  'analytics-service',
  'notification-service',
  'frontend',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * Requests are what a pod needs at a normal load; limits leave room for bursts without
 * letting one pod starve a node. exam-service's figures are the specified ones (see docs/decisions.md, 'Service resources').
 */
/** What every backend reads from `exam-secrets`: its PostgreSQL login and the Redis password. */
const DATA_STORE_SECRETS = ['DATABASE_USER', 'DATABASE_PASSWORD', 'REDIS_PASSWORD'] as const;

export const SERVICES: Readonly<Record<ServiceName, ServiceDefinition>> = {
  'auth-service': {
    component: 'backend',
    secrets: [...DATA_STORE_SECRETS, 'JWT_SIGNING_KEY'],
    description: 'Sign-in, sessions and tokens',
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '300m', memory: '256Mi' },
    calls: ['notification-service'],
  },
  'exam-service': {
    component: 'backend',
    secrets: DATA_STORE_SECRETS,
    description: 'Exam sessions, answers and submission (the public API)',
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '500m', memory: '512Mi' },
    calls: ['auth-service', 'question-service', 'notification-service'],
    ingress: 'api',
  },
  'question-service': {
    component: 'backend',
    secrets: DATA_STORE_SECRETS,
    description: 'Question bank and paper assembly',
    requests: { cpu: '200m', memory: '256Mi' },
    limits: { cpu: '500m', memory: '512Mi' },
    calls: [],
  },
  'proctoring-service': {
    component: 'backend',
    secrets: DATA_STORE_SECRETS,
    description: 'Live proctoring signals and incident review',
    requests: { cpu: '500m', memory: '512Mi' },
    limits: { cpu: '1', memory: '1Gi' },
    calls: ['exam-service', 'notification-service'],
  },
  'analytics-service': {
    component: 'backend',
    secrets: DATA_STORE_SECRETS,
    description: 'Scores, statistics and reports',
    requests: { cpu: '250m', memory: '512Mi' },
    limits: { cpu: '1', memory: '1Gi' },
    calls: ['exam-service', 'question-service'],
  },
  'notification-service': {
    component: 'backend',
    secrets: DATA_STORE_SECRETS,
    description: 'E-mail and in-app notifications',
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '200m', memory: '256Mi' },
    calls: [],
  },
  frontend: {
    component: 'frontend',
    secrets: [],
    description: 'Web front end and its backend-for-frontend',
    requests: { cpu: '50m', memory: '64Mi' },
    limits: { cpu: '200m', memory: '128Mi' },
    calls: ['auth-service', 'exam-service', 'question-service', 'proctoring-service', 'analytics-service'],
    ingress: 'web',
    activeServiceName: 'frontend-service',
  },
};
