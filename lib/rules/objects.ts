/**
 * How the project names a Kubernetes object in messages and keys, and the API group of an
 * apiVersion, in one place. Imports nothing else from lib/.
 */

/** The identity parts of an object, as loose as the callers hold them (parsed YAML included). */
export interface ObjectIdentity {
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown };
}

/** `Kind namespace/name`, or `Kind (cluster)/name` for a cluster-scoped object. */
export function formatObjectId(kind: string, namespace: string | null | undefined, name: string): string {
  return `${kind} ${namespace ?? '(cluster)'}/${name}`;
}

/** `Kind namespace/name` of an object (`(cluster)` when it has no namespace). */
export function objectId(o: ObjectIdentity): string {
  const namespace = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : undefined;
  return formatObjectId(String(o.kind), namespace, String(o.metadata?.name));
}

/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (the core group). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}
