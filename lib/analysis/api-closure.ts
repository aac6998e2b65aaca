/**
 * The API closure of a cluster built from dist/: every apiVersion/kind an Application applies
 * must be served before that Application syncs. A kind is served when it is core Kubernetes
 * (1.28 for the objects synthesized here; the target minor for what an add-on chart renders),
 * when the add-on that installs it syncs in an earlier wave of the root Application, or, for
 * Argo CD's own kinds, from the one-time bootstrap install of Argo CD. Pure: tests feed it
 * the synthesized objects and the add-on inventory.
 */
import { apiGroupOf } from '../rules/objects';
import type { AddonInventory } from '../config/addon-inventory';
import type { AddonSpec } from '../config/addons';

/** What serves an API: core Kubernetes, the bootstrap install, or an add-on Application in a wave. */
export type Provider = { readonly by: 'core' } | { readonly by: 'bootstrap'; readonly addon: string } | { readonly by: 'addon'; readonly addon: string; readonly wave: number };

/** An object to check, with the Application that applies it (or the person applying the bootstrap). */
export interface AppliedKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** Where it comes from, for the message (a dist/ file, or `add-on <name>`). */
  readonly where: string;
  /** The Application that applies it, or `bootstrap` for what a person applies right after installing Argo CD. */
  readonly appliedBy: string;
  /** The wave of that Application in the root; -1 for the root itself and the bootstrap. */
  readonly wave: number;
  /** Core kinds of the target minor (not only 1.28) are admitted: true for what charts render. */
  readonly targetCoreApi: boolean;
  /** The add-on the object belongs to, whose own CRDs it may use in the same sync. */
  readonly ownAddon?: string;
}

export interface ClosureInput {
  /** `apps/v1/Deployment` strings of the 1.28 API (imports/schemas/api-surface/k8s-1.28.json). */
  readonly coreKinds: ReadonlySet<string>;
  /** Core kinds the target minor serves beyond 1.28 (e.g. admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy, GA in 1.30). */
  readonly targetCoreKinds: ReadonlySet<string>;
  readonly addons: readonly AddonSpec[];
  readonly inventory: AddonInventory;
  /** The add-on a person installs before applying dist/argocd-bootstrap/ (Argo CD). */
  readonly bootstrapAddon: string;
  /** The wave of each add-on Application, as dist/argocd/ annotates it. */
  readonly waves: ReadonlyMap<string, number>;
  readonly applied: readonly AppliedKind[];
}

/** Where every served `group/version/Kind` comes from (the earliest provider wins). */
export function providers(input: ClosureInput): Map<string, Provider> {
  const out = new Map<string, Provider>();
  for (const addon of input.addons) {
    const entry = input.inventory[addon.name];
    if (entry === undefined) continue;
    const wave = input.waves.get(addon.name);
    for (const crd of entry.crds) {
      for (const v of crd.versions) {
        const key = `${crd.group}/${v}/${crd.kind}`;
        const p: Provider =
          addon.name === input.bootstrapAddon ? { by: 'bootstrap', addon: addon.name } : { by: 'addon', addon: addon.name, wave: wave ?? Number.POSITIVE_INFINITY };
        const prev = out.get(key);
        if (prev === undefined || (prev.by === 'addon' && (p.by === 'bootstrap' || p.wave < prev.wave))) out.set(key, p);
      }
    }
  }
  return out;
}

/** Every object applied before its API is served, as messages (empty: the closure holds). */
export function closureViolations(input: ClosureInput): string[] {
  const served = providers(input);
  const out: string[] = [];
  for (const a of input.applied) {
    const key = `${a.apiVersion}/${a.kind}`;
    if (input.coreKinds.has(key) || (a.targetCoreApi && input.targetCoreKinds.has(key))) continue;
    const group = apiGroupOf(a.apiVersion);
    if (a.ownAddon !== undefined && input.inventory[a.ownAddon]?.crds.some((c) => c.group === group && c.kind === a.kind && c.versions.includes(a.apiVersion.split('/')[1]))) continue;
    const p = served.get(key);
    if (p === undefined) {
      out.push(`${a.where}: ${key} is neither core Kubernetes nor installed by any add-on (lib/config/addon-inventory.json); add the add-on that serves it`);
    } else if (p.by === 'addon' && !(p.wave < a.wave)) {
      out.push(`${a.where}: ${key} is installed by add-on ${p.addon} in wave ${p.wave}, not before ${a.appliedBy} (wave ${a.wave}); move ${p.addon} to an earlier wave or ${a.appliedBy} to a later one (APPLICATION_WAVES, lib/config/addons/index.ts)`);
    }
  }
  return out;
}
