/**
 * falcosidekick (chart falcosidekick 0.14.0), which fans Falco's alerts out to Alertmanager
 * and Slack. Values: falcosecurity/charts tag falcosidekick-0.14.0, charts/falcosidekick/values.yaml.
 *
 * The Slack webhook is a secret: it lives in AWS Secrets Manager, and an ExternalSecret in
 * dist/platform/security-system/ makes the Secret named here, whose `SLACK_WEBHOOKURL` key the
 * pods read through `envFrom` after the chart's own Secret (the later source wins), so nothing
 * secret is in git.
 */
import { ALERTMANAGER_URL } from '../monitoring';

/** The Secret the falcosidekick ExternalSecret makes, and the key falcosidekick reads. */
export const FALCOSIDEKICK_SLACK_SECRET = { name: 'falcosidekick-slack', key: 'SLACK_WEBHOOKURL' } as const;

/** Where in AWS Secrets Manager the webhook lives (JSON secret, property `webhook_url`). */
export const FALCOSIDEKICK_SLACK_REMOTE = { key: 'exam-platform/falcosidekick-slack', property: 'webhook_url' } as const;

type Priority = 'emergency' | 'alert' | 'critical' | 'error' | 'warning' | 'notice' | 'informational' | 'debug';

export interface FalcosidekickValues {
  readonly replicaCount: number;
  /** The chart's default (UID 1234) made Pod Security "restricted": non-root, RuntimeDefault seccomp. */
  readonly podSecurityContext: {
    readonly runAsNonRoot: true;
    readonly runAsUser: number;
    readonly fsGroup: number;
    readonly seccompProfile: { readonly type: 'RuntimeDefault' };
  };
  readonly securityContext: {
    readonly allowPrivilegeEscalation: false;
    readonly capabilities: { readonly drop: readonly ['ALL'] };
    readonly readOnlyRootFilesystem: true;
  };
  readonly config: {
    readonly existingSecret: string;
    readonly alertmanager: { readonly hostport: string; readonly minimumpriority: Priority };
    readonly slack: { readonly minimumpriority: Priority; readonly outputformat: 'all' | 'text' | 'fields' };
  };
  readonly webui: { readonly enabled: boolean };
}

export const falcosidekickValues: FalcosidekickValues = {
  replicaCount: 2,
  podSecurityContext: { runAsNonRoot: true, runAsUser: 1234, fsGroup: 1234, seccompProfile: { type: 'RuntimeDefault' } },
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
  config: {
    existingSecret: FALCOSIDEKICK_SLACK_SECRET.name,
    alertmanager: { hostport: ALERTMANAGER_URL, minimumpriority: 'warning' },
    slack: { minimumpriority: 'error', outputformat: 'all' },
  },
  webui: { enabled: false },
};
