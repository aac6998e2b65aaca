import { ApiObject, App } from 'cdk8s';
import { SYNC_WAVES, syncWaveOf } from '../config/gitops';

/** The annotation Argo CD orders a sync by (lower waves first). */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * Annotates every object of the app with its sync wave, by kind (the table SYNC_WAVES in
 * lib/config/gitops.ts). Call it once, after every chart is built. A kind the table does not
 * place stops synth: its order must be decided, not defaulted.
 */
export function applySyncWaves(app: App): void {
  for (const c of app.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    // An Application's wave is the root's order between Applications (APPLICATION_WAVES of
    // lib/config/addons), set where it is built; every other object is placed by its kind.
    if (c.kind === 'Application' && (c.metadata.toJson() as { annotations?: Record<string, string> }).annotations?.[SYNC_WAVE_ANNOTATION] !== undefined) continue;
    const wave = syncWaveOf(c.kind);
    if (wave === undefined) {
      throw new Error(
        `applySyncWaves: ${c.kind} ${c.name} (${c.node.path}) has no sync wave; expected its kind in one of the phases of SYNC_WAVES in lib/config/gitops.ts (${SYNC_WAVES.map((p) => `${p.wave}: ${p.what}`).join('; ')})`,
      );
    }
    c.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
  }
}
