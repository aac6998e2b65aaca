import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { FEATURE_FLAGS, featuresDocument, flagdDefinition, parseFeatureFlagModel } from '../../lib/config/feature-flags';
import { ENVIRONMENT_NAMES, EnvironmentName } from '../../lib/config/schema';
import { FEATURES_JSON_KEY, FLAGD_JSON_KEY, FeatureFlags, FeatureFlagsProps } from '../../lib/constructs/feature-flags';

const registry = new SchemaRegistry();

function synth(props: FeatureFlagsProps) {
  const chart = Testing.chart();
  new FeatureFlags(chart, 'flags', props);
  return Testing.synth(chart);
}

describe('FeatureFlags', () => {
  test.each(ENVIRONMENT_NAMES.map((e) => [e]))('ConfigMap feature-flags for %s: the flag document and the resolved flagd definition', (env) => {
    const objects = synth({ environment: env as EnvironmentName, namespace: `ns-${env}` });
    expect(objects).toHaveLength(1);
    const [cm] = objects;
    expect(cm).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'feature-flags', namespace: `ns-${env}` } });
    expect(Object.keys(cm.data)).toEqual([FEATURES_JSON_KEY, FLAGD_JSON_KEY]);
    expect(JSON.parse(cm.data[FEATURES_JSON_KEY])).toStrictEqual(featuresDocument(FEATURE_FLAGS));
    expect(JSON.parse(cm.data[FLAGD_JSON_KEY])).toStrictEqual(flagdDefinition(FEATURE_FLAGS, env as EnvironmentName));
    expect(JSON.parse(cm.data[FLAGD_JSON_KEY]).metadata.environment).toBe(env);
    expect(registry.validate(cm)).toEqual([]);
  });

  test('renders 2-space JSON with a final newline', () => {
    const a = synth({ environment: 'production', namespace: 'exam-system' })[0];
    for (const key of [FEATURES_JSON_KEY, FLAGD_JSON_KEY]) {
      expect(a.data[key]).toBe(`${JSON.stringify(JSON.parse(a.data[key]), null, 2)}\n`);
    }
  });

  test('environments differ only where the model says so', () => {
    const model = parseFeatureFlagModel({
      features: [{ name: 'only-staging', enabled: true, rollout: { strategy: 'percentage', percentage: 100 }, environments: { staging: true, production: false } }],
      kill_switches: FEATURE_FLAGS.kill_switches,
    });
    const variant = (env: EnvironmentName) => JSON.parse(synth({ environment: env, namespace: 'n', model })[0].data[FLAGD_JSON_KEY]).flags['only-staging'].defaultVariant;
    expect(ENVIRONMENT_NAMES.map((e) => variant(e))).toEqual(['on', 'on', 'off', 'off']);
  });

  test('fails early on an unknown environment or an empty namespace', () => {
    expect(() => synth({ environment: 'qa' as EnvironmentName, namespace: 'n' })).toThrow(/FeatureFlags feature-flags: unknown environment "qa"; expected one of development, staging, hotfix, production/);
    expect(() => synth({ environment: 'staging', namespace: '' })).toThrow(/namespace is empty/);
  });
});
