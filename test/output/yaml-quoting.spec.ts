/**
 * Strings that a YAML 1.1 reader (go-yaml v2 under sigs.k8s.io/yaml, as kubectl and Argo CD
 * read manifests; PyYAML) takes for numbers, booleans or null are quoted in dist/.
 */
import { parse } from 'yaml';
import { KubeObject, isYaml11NonString, toYaml } from '../../lib/output/render';
import { synthInMemory } from '../../lib/synth';
import { environmentsCopy } from '../helpers';

const obj = (value: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { value } });

describe('toYaml quotes what YAML 1.1 or 1.2 would not read back as a string', () => {
  test.each(['2024_06_01', '1_000', '0o17', '017', '08', '0x1F', '0b101', '1e3', '1.5', '.5', '+12', '1:20', '190:20:30.15', 'yes', 'No', 'on', 'OFF', 'y', 'n', '~', 'null', '.inf', '-.Inf', '.NaN', '=', '<<'])(
    '%s is quoted, and reads back as a string in YAML 1.1 and 1.2',
    (value) => {
      const text = toYaml(obj(value));
      expect(text).toContain(`value: "${value}"`);
      for (const version of ['1.1', '1.2'] as const) expect((parse(text, { version }) as { data: { value: unknown } }).data.value).toBe(value);
    },
  );

  test.each(['v1.12.0', '3f9c2ab', '1.2.3', '0.44.1-debian', '100Mi', 'exam-system', '12e', 'a_b', 'NaN'])('%s stays plain', (value) => {
    expect(isYaml11NonString(value)).toBe(false);
    const text = toYaml(obj(value));
    expect(text).toContain(`value: ${value}\n`);
    expect((parse(text, { version: '1.1' }) as { data: { value: unknown } }).data.value).toBe(value);
  });
});

test('an image tag 2024_06_01 reaches dist/ as the string it is', () => {
  const dir = environmentsCopy({ 'development.yaml': (t) => t.replace('frontend: { tag: v1.13.0-dev.1,', 'frontend: { tag: 2024_06_01,') });
  const { files } = synthInMemory({ environmentsDir: dir });
  const deployment = files.find((f) => f.path === 'development/deployment-frontend.yaml');
  expect(deployment?.content).toContain('app.kubernetes.io/version: "2024_06_01"');
  const object = parse(deployment!.content, { version: '1.1' }) as { metadata: { labels: Record<string, unknown> } };
  expect(object.metadata.labels['app.kubernetes.io/version']).toBe('2024_06_01');
});
