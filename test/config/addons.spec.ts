/**
 * The add-ons' configuration: values validated against the charts' published schemas, the
 * render inventory current with the values and pins, and the promises each values tree makes.
 */
import Ajv2020 from 'ajv/dist/2020';
import Ajv from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ADDON_INVENTORY, addonInputDigest, addonSourceId, inventoryOf } from '../../lib/config/addon-inventory';
import { ADDONS, APPLICATION_WAVES, AddonSpec, applicationWave } from '../../lib/config/addons';
import { APPLICATION_HEALTH_LUA, argoCdValues } from '../../lib/config/addons/argo-cd';
import { GATEWAY_API_PLUGIN_NAME, argoRolloutsValues } from '../../lib/config/addons/argo-rollouts';
import { certManagerValues } from '../../lib/config/addons/cert-manager';
import { envoyGatewayCrdsValues, envoyGatewayValues } from '../../lib/config/addons/envoy-gateway';
import { externalSecretsValues } from '../../lib/config/addons/external-secrets';
import { FALCOSIDEKICK_SLACK_SECRET, falcosidekickValues } from '../../lib/config/addons/falcosidekick';
import { kubePrometheusStackValues } from '../../lib/config/addons/kube-prometheus-stack';
import { ALERTMANAGER_URL, PROMETHEUS_URL } from '../../lib/config/monitoring';
import { ACME_ISSUER } from '../../lib/config/tls';
import { ARGOCD_VERSION, ARGO_ROLLOUTS_VERSION, CHARTS, KUBERNETES_VERSION, ROLLOUTS_GATEWAYAPI_PLUGIN_VERSION } from '../../lib/config/versions';
import { REPO_ROOT } from '../../lib/paths';

const addon = (name: string): AddonSpec => ADDONS.find((a) => a.name === name)!;
const helmValues = (name: string) => {
  const s = addon(name).source;
  if (s.type !== 'helm') throw new Error(`${name} is not a chart`);
  return s.values;
};

describe("values against the charts' published values.schema.json (imports/schemas/values, from npm run import)", () => {
  const schemaOf = (chart: string) =>
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'imports', 'schemas', 'values', `${chart}.json`), 'utf8')) as { chart: string; version: string; schema: { $schema?: string } };
  const validator = (schema: { $schema?: string }) => {
    const ajv = schema.$schema?.includes('2020-12') ? new Ajv2020({ strict: false, allErrors: true }) : new Ajv({ strict: false, allErrors: true });
    return ajv.compile(schema);
  };

  test.each([
    ['cert-manager', CHARTS.certManager],
    ['external-secrets', CHARTS.externalSecrets],
  ])('%s: the schema is the pinned chart version and our values pass it', (name, pin) => {
    const file = schemaOf(pin.chart);
    expect([file.chart, file.version]).toEqual([pin.chart, pin.version]);
    const validate = validator(file.schema);
    expect([validate(helmValues(name)), validate.errors ?? []]).toEqual([true, []]);
  });

  test('the schemas reject what the charts reject (a misspelt key, a wrong type)', () => {
    const cm = validator(schemaOf('cert-manager').schema);
    expect(cm({ ...certManagerValues, crds: { enabled: 'yes' } })).toBe(false);
    expect(cm({ ...certManagerValues, replicaCont: 2 })).toBe(false);
    const eso = validator(schemaOf('external-secrets').schema);
    expect(eso({ ...externalSecretsValues, serviceMonitor: { ...externalSecretsValues.serviceMonitor, renderMode: 'sometimes' } })).toBe(false);
  });

  test('every chart that publishes a schema has it imported, and only those', () => {
    const withSchema = Object.values(CHARTS).filter((p) => 'valuesSchemaUrl' in p).map((p) => `${p.chart}.json`);
    expect(fs.readdirSync(path.join(REPO_ROOT, 'imports', 'schemas', 'values')).sort()).toEqual(withSchema.sort());
  });
});

describe('the render inventory (lib/config/addon-inventory.json)', () => {
  test('has one entry per add-on, rendered from exactly the current values, pins and Kubernetes version', () => {
    expect(Object.keys(ADDON_INVENTORY).sort()).toEqual(ADDONS.map((a) => a.name).sort());
    for (const a of ADDONS) {
      const entry = ADDON_INVENTORY[a.name];
      expect([a.name, entry.source, entry.kubernetesVersion, entry.inputDigest]).toEqual([a.name, addonSourceId(a), KUBERNETES_VERSION, addonInputDigest(a)]);
    }
  });

  test('a change of values, chart version or Kubernetes version without a re-render is refused, saying how to refresh', () => {
    const a = addon('metrics-server');
    const changed: AddonSpec = { ...a, source: { ...(a.source as Extract<AddonSpec['source'], { type: 'helm' }>), values: { replicas: 3 } } };
    expect(() => inventoryOf(changed)).toThrow(/rendered from other values.*npm run charts:render/);
    expect(addonInputDigest(a, '1.36.0')).not.toBe(addonInputDigest(a));
    expect(() => inventoryOf({ ...a, name: 'nope' })).toThrow(/no entry for add-on nope/);
  });

  test('records what the charts install: their CRDs and object kinds', () => {
    const crdGroups = (name: string) => [...new Set(ADDON_INVENTORY[name].crds.map((c) => c.group))].sort();
    expect(crdGroups('gateway-api-crds')).toEqual(['gateway.networking.k8s.io']);
    expect(crdGroups('cert-manager')).toEqual(['acme.cert-manager.io', 'cert-manager.io']);
    expect(crdGroups('envoy-gateway-crds')).toEqual(['gateway.envoyproxy.io']);
    // gateway-helm installs no CRDs: the standard channel is installed once, by gateway-api-crds.
    expect(ADDON_INVENTORY['envoy-gateway'].crds).toEqual([]);
    const gw = ADDON_INVENTORY['gateway-api-crds'].crds.map((c) => c.kind);
    expect(gw).toEqual(expect.arrayContaining(['Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant']));
    expect(ADDON_INVENTORY['gateway-api-crds'].crds.find((c) => c.kind === 'HTTPRoute')!.versions).toContain('v1');
    // Argo CD and Rollouts charts do not make the notification objects (dist/platform/<ns>/ does).
    expect(ADDON_INVENTORY['argo-rollouts'].objects.find((o) => o.kind === 'Secret')).toBeUndefined();
  });
});

describe('the values trees', () => {
  test('Argo CD runs the release the imports come from, assesses Application health and leaves notifications to dist/platform/argocd', () => {
    expect(argoCdValues.global.image.tag).toBe(ARGOCD_VERSION);
    // argoproj/argo-cd docs/operator-manual/health.md (v3.5.1), "Argo CD App": the upstream check, verbatim.
    expect(argoCdValues.configs.cm['resource.customizations.health.argoproj.io_Application']).toBe(APPLICATION_HEALTH_LUA);
    expect(APPLICATION_HEALTH_LUA).toContain('hs.status = obj.status.health.status');
    expect(argoCdValues.configs.cm['resource.customizations.ignoreDifferences.gateway.networking.k8s.io_HTTPRoute']).toContain(
      'select(.metadata.labels["rollouts.argoproj.io/gatewayapi-canary"] == "in-progress") | .spec.rules',
    );
    expect(argoCdValues.notifications).toMatchObject({ cm: { create: false }, secret: { create: false } });
  });

  test('Argo Rollouts runs v1.9.1 with the Gateway API plugin registered, no other provider RBAC, and no notification objects', () => {
    expect(argoRolloutsValues.controller.image.tag).toBe(ARGO_ROLLOUTS_VERSION);
    expect(argoRolloutsValues.controller.trafficRouterPlugins).toEqual([
      { name: GATEWAY_API_PLUGIN_NAME, location: `https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/${ROLLOUTS_GATEWAYAPI_PLUGIN_VERSION}/gatewayapi-plugin-linux-amd64` },
    ]);
    // The plugin looks its configuration up under this exact key (pkg/plugin/plugin.go, PluginName).
    expect(GATEWAY_API_PLUGIN_NAME).toBe('argoproj-labs/gatewayAPI');
    expect(Object.entries(argoRolloutsValues.providerRBAC.providers).filter(([, on]) => on)).toEqual([['gatewayAPI', true]]);
    expect(argoRolloutsValues.notifications).toEqual({ configmap: { create: false }, secret: { create: false } });
  });

  test('monitoring: release kube-prometheus-stack in monitoring, default selectors, dashboards from every namespace', () => {
    expect(addon('kube-prometheus-stack')).toMatchObject({ namespace: 'monitoring', source: { releaseName: 'kube-prometheus-stack' } });
    expect(PROMETHEUS_URL).toBe('http://kube-prometheus-stack-prometheus.monitoring.svc:9090');
    expect(ALERTMANAGER_URL).toBe('http://kube-prometheus-stack-alertmanager.monitoring.svc:9093');
    expect(kubePrometheusStackValues.prometheus.prometheusSpec).toMatchObject({ serviceMonitorSelectorNilUsesHelmValues: true, ruleSelectorNilUsesHelmValues: true });
    expect(kubePrometheusStackValues.grafana.sidecar.dashboards).toMatchObject({ label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' });
  });

  test('Envoy Gateway installs no Gateway API CRDs of its own; its own CRDs come from gateway-crds-helm', () => {
    expect(envoyGatewayValues.crds.enabled).toBe(false);
    expect(envoyGatewayCrdsValues.crds).toEqual({ gatewayAPI: { enabled: false }, envoyGateway: { enabled: true } });
  });

  test('falcosidekick posts to Alertmanager and Slack, its webhook from a Secret that is not in git', () => {
    expect(addon('falcosidekick')).toMatchObject({ namespace: 'security-system', source: { releaseName: 'falcosidekick' } });
    expect(falcosidekickValues.config.alertmanager.hostport).toBe(ALERTMANAGER_URL);
    expect(falcosidekickValues.config.existingSecret).toBe(FALCOSIDEKICK_SLACK_SECRET.name);
    expect(JSON.stringify(falcosidekickValues)).not.toMatch(/hooks\.slack\.com|webhookurl/);
  });

  test('cert-manager installs its CRDs and answers ACME HTTP-01 through the Gateway API', () => {
    expect(certManagerValues.crds.enabled).toBe(true);
    expect(certManagerValues.config.enableGatewayAPI).toBe(true);
    expect(ACME_ISSUER.solver.kind).toBe('http01-gateway');
    expect(ACME_ISSUER.server).toMatch(/^https:\/\//);
  });

  test('every add-on has exactly one wave, and the waves are in increasing order', () => {
    for (const a of ADDONS) expect(applicationWave(a.name)).toBeGreaterThan(0);
    const waves = APPLICATION_WAVES.map((w) => w.wave);
    expect(waves).toEqual([...waves].sort((x, y) => x - y));
    expect(() => applicationWave('unknown-addon')).toThrow(/no sync wave; expected it in APPLICATION_WAVES/);
  });
});
