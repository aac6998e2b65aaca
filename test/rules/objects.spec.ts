import { apiGroupOf, formatObjectId, objectId } from '../../lib/rules/objects';

test('objectId names kind, namespace (or "(cluster)") and name', () => {
  expect(objectId({ kind: 'Deployment', metadata: { name: 'auth-service', namespace: 'exam-system' } })).toBe('Deployment exam-system/auth-service');
  expect(objectId({ kind: 'Namespace', metadata: { name: 'exam-system' } })).toBe('Namespace (cluster)/exam-system');
  expect(formatObjectId('Namespace', null, 'x')).toBe('Namespace (cluster)/x');
  expect(objectId({})).toBe('undefined (cluster)/undefined');
});

test.each([
  ['v1', ''],
  ['apps/v1', 'apps'],
  ['argoproj.io/v1alpha1', 'argoproj.io'],
  ['autoscaling/v2', 'autoscaling'],
])('apiGroupOf(%s) = "%s"', (apiVersion, group) => expect(apiGroupOf(apiVersion)).toBe(group));
