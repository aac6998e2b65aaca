/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource/quantity.go): the
 * syntax the API server parses, and their value for comparisons (requests <= limits).
 * Imports nothing else from lib/.
 */

const QUANTITY = /^([+-]?)(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Undefined for a valid quantity that is not negative (a request or a limit); otherwise what was expected. */
export function quantityProblem(value: string): string | undefined {
  const m = QUANTITY.exec(value);
  if (m === null) return 'expected a Kubernetes quantity such as "250m", "1", "512Mi" or "1Gi" (not "512MB")';
  if (m[1] === '-' && quantityValue(value) !== 0) return 'expected a quantity >= 0 (requests and limits cannot be negative)';
  return undefined;
}

/** The value of a valid quantity in base units (cores, bytes), as a number. Throws on an invalid one. */
export function quantityValue(value: string): number {
  const m = QUANTITY.exec(value);
  if (m === null) throw new Error(`not a Kubernetes quantity: "${value}"`);
  const sign = m[1] === '-' ? -1 : 1;
  const number = Number(m[2]);
  const suffix = m[6] ?? '';
  const scale = suffix in BINARY ? BINARY[suffix] : suffix in DECIMAL ? DECIMAL[suffix] : 10 ** Number(suffix.slice(1));
  return sign * number * scale;
}
