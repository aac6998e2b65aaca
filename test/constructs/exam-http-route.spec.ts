import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { ExamHttpRoute, ExamHttpRouteProps } from '../../lib/constructs/exam-http-route';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;
const base: ExamHttpRouteProps = {
  name: 'web',
  namespace: 'app',
  labels: { app: 'web' },
  hostname: 'example.com',
  parent: { gatewayName: 'gw', gatewayNamespace: 'gw-ns', sectionName: 'web' },
  backends: [{ service: 'web-stable', port: 80, weight: 100 }, { service: 'web-canary', port: 80, weight: 0 }],
};
function synth(props: Partial<ExamHttpRouteProps> = {}): Obj {
  const chart = Testing.chart();
  new ExamHttpRoute(chart, 'route', { ...base, ...props });
  return Testing.synth(chart)[0];
}

describe('ExamHttpRoute', () => {
  test('one main rule "live" for every path with the weighted backends; header rules after it', () => {
    const route = synth({ headerRules: [{ name: 'preview', header: { name: 'X-Preview', value: 'always' }, backend: { service: 'web-preview', port: 80 } }] });
    expect(route.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'gw-ns', sectionName: 'web' }],
      hostnames: ['example.com'],
      rules: [
        {
          name: 'live',
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [
            { group: '', kind: 'Service', name: 'web-stable', port: 80, weight: 100 },
            { group: '', kind: 'Service', name: 'web-canary', port: 80, weight: 0 },
          ],
        },
        {
          name: 'preview',
          matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'X-Preview', value: 'always' }] }],
          backendRefs: [{ group: '', kind: 'Service', name: 'web-preview', port: 80 }],
        },
      ],
    });
    expect(new SchemaRegistry().validate(route)).toEqual([]);
  });

  test.each<[string, Partial<ExamHttpRouteProps>, RegExp]>([
    ['no backend', { backends: [] }, /ExamHttpRoute app\/web: no backend; expected at least one Service/],
    ['a bad port', { backends: [{ service: 's', port: 0 }] }, /backend s: port 0; expected 1-65535/],
    ['a bad weight', { backends: [{ service: 's', port: 80, weight: -1 }] }, /backend s: weight -1; expected a whole number 0-1000000/],
    ['a header rule named live', { headerRules: [{ name: 'live', header: { name: 'X', value: 'y' }, backend: { service: 's', port: 80 } }] }, /rule names live, live repeat; expected unique rule names/],
    ['a bad rule name', { headerRules: [{ name: 'Preview', header: { name: 'X', value: 'y' }, backend: { service: 's', port: 80 } }] }, /rule name "Preview"; expected a DNS label/],
  ])('rejects %s early', (_what, props, expected) => {
    expect(() => synth(props)).toThrow(expected);
  });
});
