import { quantityProblem, quantityValue } from '../../lib/rules/quantity';

test.each([
  ['250m', 0.25],
  ['1', 1],
  ['1.5', 1.5],
  ['512Mi', 512 * 2 ** 20],
  ['1Gi', 2 ** 30],
  ['1G', 1e9],
  ['1e3', 1000],
  ['.5', 0.5],
  ['+2k', 2000],
  ['100n', 100e-9],
])('%s = %d', (q, v) => {
  expect(quantityProblem(q)).toBeUndefined();
  expect(quantityValue(q)).toBeCloseTo(v, 12);
});

test('1Gi is 1024Mi, and 1G is less than 1Gi', () => {
  expect(quantityValue('1Gi')).toBe(quantityValue('1024Mi'));
  expect(quantityValue('1G')).toBeLessThan(quantityValue('1Gi'));
});

test.each([
  ['-1', /cannot be negative/],
  ['-250m', /cannot be negative/],
  ['512MB', /not "512MB"/],
  ['1.2.3', /Kubernetes quantity/],
  ['', /Kubernetes quantity/],
])('refuses %s', (q, why) => expect(quantityProblem(q)).toMatch(why));

test('quantityValue refuses what is not a quantity', () => {
  expect(() => quantityValue('lots')).toThrow('not a Kubernetes quantity: "lots"');
});
