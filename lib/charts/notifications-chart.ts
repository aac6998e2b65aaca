import { App } from 'cdk8s';
import { PLATFORM_FOLDER } from '../config/gitops';
import {
  NOTIFICATION_SECRETS,
  NotificationController,
  NotificationTemplate,
  NotificationTrigger,
  SubscriptionRule,
  notificationConfigData,
  secretKeysUsed,
} from '../config/notifications';
import { AwsSecretStore } from '../constructs/aws-secret-store';
import { commonLabels } from '../constructs/labels';
import { NotificationsConfig } from '../constructs/notifications-config';
import { OutputChart } from './output-chart';

export interface NotificationsChartProps {
  readonly controller: NotificationController;
  /** The subscriptions the controller's objects carry: the services configured are those they use. */
  readonly subscriptions: readonly SubscriptionRule[];
  readonly templates: Readonly<Record<string, NotificationTemplate>>;
  readonly triggers: Readonly<Record<string, NotificationTrigger>>;
}

/**
 * dist/platform/<namespace>/: one controller's notification ConfigMap and the ExternalSecret of
 * its Secret. This repository is their one owner (the Argo CD and Argo Rollouts installs are
 * configured not to create them); `exam-platform` syncs them.
 */
export class NotificationsChart extends OutputChart {
  constructor(scope: App, props: NotificationsChartProps) {
    const { controller } = props;
    super(scope, `notifications-${controller.namespace}`, { folder: `${PLATFORM_FOLDER}/${controller.namespace}` });
    new NotificationsConfig(this, 'notifications', {
      namespace: controller.namespace,
      configMapName: controller.configMap,
      data: notificationConfigData(props.subscriptions, props.templates, props.triggers),
      secretName: controller.secret,
      storeName: NOTIFICATION_SECRETS.storeName,
      remoteKey: NOTIFICATION_SECRETS.remoteKey,
      keys: secretKeysUsed(props.subscriptions),
      refreshInterval: NOTIFICATION_SECRETS.refreshInterval,
    });
  }
}

export interface NotificationSecretStoreChartProps {
  /** The namespaces whose ExternalSecrets read notification tokens. */
  readonly namespaces: readonly string[];
}

/** The ClusterSecretStore of the notification tokens (dist/platform/cluster/), with its own IAM role. */
export class NotificationSecretStoreChart extends OutputChart {
  constructor(scope: App, props: NotificationSecretStoreChartProps) {
    super(scope, 'notifications-store', { folder: `${PLATFORM_FOLDER}/cluster` });
    new AwsSecretStore(this, 'store', {
      name: NOTIFICATION_SECRETS.storeName,
      namespaces: props.namespaces,
      region: NOTIFICATION_SECRETS.region,
      roleArn: NOTIFICATION_SECRETS.role,
      labels: commonLabels('notifications'),
    });
  }
}
