import { canaryRouteOwnedFields } from '../../lib/config/gitops';

describe('canaryRouteOwnedFields', () => {
  test('ignores the stable/canary weights, the managed header rules by name and the in-progress label (plugin v0.15.0 pkg/plugin/httproute.go, labels.go)', () => {
    expect(canaryRouteOwnedFields('web-stable', 'web-canary', ['canary-by-header'])).toEqual({
      jsonPointers: ['/metadata/labels/rollouts.argoproj.io~1gatewayapi-canary'],
      jqPathExpressions: [
        '.spec.rules[].backendRefs[]? | select(.name == "web-stable" or .name == "web-canary") | .weight',
        '.spec.rules[] | select(.name != null and (.name | test("^canary-by-header(-[0-9]+)?$")))',
      ],
    });
    expect(canaryRouteOwnedFields('s', 'c', []).jqPathExpressions).toHaveLength(1);
  });

  test('refuses a managed route name that is not a DNS label (it would not be a valid rule name, nor a safe regular expression)', () => {
    expect(() => canaryRouteOwnedFields('s', 'c', ['canary.*'])).toThrow(/managed route "canary\.\*" is not a DNS label/);
  });
});
