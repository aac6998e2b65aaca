/**
 * The Kubernetes name rules, in one place (k8s.io/apimachinery/pkg/util/validation/validation.go:
 * IsDNS1123Label, IsDNS1123Subdomain, IsConfigMapKey; Ingress hosts: pkg/apis/networking/
 * validation/validation.go, which also refuses IP addresses). Each `...Problem` function returns
 * undefined when the value is valid, otherwise what was expected, for `field: expected ...`
 * messages. This folder imports nothing else from lib/: every layer may use it.
 */
import { isIP } from 'node:net';

/** A DNS-1123 label's longest length (Namespaces, Services, label-style names). */
export const DNS_LABEL_MAX_LENGTH = 63;
/** A DNS-1123 subdomain's (and so a host name's, and a ConfigMap key's) longest length. */
export const DNS_SUBDOMAIN_MAX_LENGTH = 253;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** Whether `value` is a DNS-1123 label: at most 63 lower-case letters, digits and `-`, alphanumeric at both ends. */
export function isDnsLabel(value: string): boolean {
  return value.length <= DNS_LABEL_MAX_LENGTH && DNS_LABEL.test(value);
}

/** Undefined for a DNS-1123 label; otherwise what was expected. */
export function dnsLabelProblem(value: string): string | undefined {
  if (value.length > DNS_LABEL_MAX_LENGTH) return `expected a Kubernetes name of at most ${DNS_LABEL_MAX_LENGTH} characters, found ${value.length}`;
  if (!DNS_LABEL.test(value)) return 'expected a Kubernetes name (DNS label): lower-case letters, digits and "-", starting and ending alphanumeric';
  return undefined;
}

/** Whether `value` is a DNS-1123 subdomain: DNS labels joined by `.`, at most 253 characters. */
export function isDnsSubdomain(value: string): boolean {
  return value.length > 0 && value.length <= DNS_SUBDOMAIN_MAX_LENGTH && value.split('.').every((l) => DNS_LABEL.test(l));
}

/**
 * Undefined for a host name an Ingress or HTTPRoute accepts and DNS can resolve: at least two
 * DNS labels (each at most 63 characters), at most 253 characters in all, lower case, no
 * wildcard, and not an IP address.
 */
export function hostnameProblem(value: string): string | undefined {
  if (isIP(value) !== 0 || /^[0-9.]+$/.test(value)) return `expected a DNS host name, not an IP address ("${value}")`;
  if (value.length > DNS_SUBDOMAIN_MAX_LENGTH) return `expected a host name of at most ${DNS_SUBDOMAIN_MAX_LENGTH} characters, found ${value.length}`;
  const labels = value.split('.');
  const long = labels.find((l) => l.length > DNS_LABEL_MAX_LENGTH);
  if (long !== undefined) return `expected host labels of at most ${DNS_LABEL_MAX_LENGTH} characters, found "${long.slice(0, 20)}…" (${long.length})`;
  if (labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) {
    return 'expected a DNS host name such as exam.example.com: lower-case labels of letters, digits and "-", joined by "."';
  }
  return undefined;
}

/**
 * The form two host names are compared in: lower case, without the trailing dot of a fully
 * qualified name (`Postgres.Example.com.` and `postgres.example.com` are one host).
 */
export function normalizeHost(value: string): string {
  return value.trim().toLowerCase().replace(/\.+$/, '');
}

/** Undefined for a valid ConfigMap (or Secret) data key: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.` or `..`. */
export function configMapKeyProblem(key: string): string | undefined {
  if (key.length > DNS_SUBDOMAIN_MAX_LENGTH) return `expected a ConfigMap key of at most ${DNS_SUBDOMAIN_MAX_LENGTH} characters, found ${key.length}`;
  if (!CONFIG_MAP_KEY.test(key) || key === '.' || key === '..') return 'expected a ConfigMap key: letters, digits, "-", "_" and "."';
  return undefined;
}

/** A label value's longest length. */
export const LABEL_VALUE_MAX_LENGTH = 63;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Undefined for a valid label value (IsValidLabelValue): at most 63 characters, alphanumeric at both ends. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > LABEL_VALUE_MAX_LENGTH) return `expected at most ${LABEL_VALUE_MAX_LENGTH} characters (it becomes a label value), found ${value.length}`;
  if (!LABEL_VALUE.test(value)) return 'expected letters, digits, "-", "_" and ".", starting and ending alphanumeric (it becomes a label value)';
  return undefined;
}

const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Whether `name` is the project's environment variable name: upper-case letters, digits and `_`, not starting with a digit. */
export function isEnvVarName(name: string): boolean {
  return ENV_VAR_NAME.test(name);
}

/** Undefined for an http:// or https:// URL with a host; otherwise what was expected. */
export function httpUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `expected an http(s) URL such as http://prometheus.monitoring.svc:9090, found "${value}"`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `expected an http:// or https:// URL, found ${url.protocol}//`;
  if (url.hostname === '') return 'expected an http(s) URL with a host';
  return undefined;
}
