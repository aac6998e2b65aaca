/**
 * Which folders of dist/ are frozen at a moment: an Application's project holds deny windows
 * (derived from the exam calendar), and while one that names the Application is open Argo CD
 * syncs nothing automatically. Read from the synthesized AppProjects and Applications, so the
 * answer is what Argo CD would do (argoproj/argo-cd `pkg/apis/application/v1alpha1/types.go`:
 * `SyncWindows.Matches` takes the windows of the Application's own project whose `applications`
 * globs match its name).
 */
import { openWindowAt, WindowLike } from '../config/calendar';
import type { KubeObject } from '../output/render';
import type { Plan } from './plan';

export interface Freeze {
  readonly application: string;
  /** The dist/ folder the Application syncs (without `dist/`). */
  readonly folder: string;
  readonly window: WindowLike;
  readonly open: Date;
  readonly close: Date;
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** Every Application frozen at `at` by an open deny window of its project. */
export function freezesAt(objects: readonly KubeObject[], at: Date): Freeze[] {
  const projects = new Map(objects.filter((o) => o.kind === 'AppProject').map((p) => [p.metadata.name, p]));
  const out: Freeze[] = [];
  for (const app of objects.filter((o) => o.kind === 'Application')) {
    const spec = app.spec as { project: string; source?: { path?: string } };
    const windows = ((projects.get(spec.project)?.spec as { syncWindows?: (WindowLike & { kind: string })[] } | undefined)?.syncWindows ?? []).filter(
      (w) => w.kind === 'deny' && (w.applications ?? []).some((g) => glob(g).test(app.metadata.name)),
    );
    const open = openWindowAt(windows, at);
    if (open !== undefined) out.push({ application: app.metadata.name, folder: (spec.source?.path ?? '').replace(/^dist\//, ''), ...open });
  }
  return out;
}

/** The freezes that hold back some change of `plan` (by the folder of each changed file). */
export function freezesOfPlan(plan: Plan, objects: readonly KubeObject[], at: Date): Freeze[] {
  const paths = [...plan.added, ...plan.removed, ...plan.changed].flatMap((c) => [c.beforePath, c.afterPath]).filter((p): p is string => p !== undefined);
  return freezesAt(objects, at).filter((f) => paths.some((p) => p === f.folder || p.startsWith(`${f.folder}/`)));
}

/** What a plan says when its changes land in a freeze. */
export function formatFreezeNotice(freezes: readonly Freeze[], at: Date, markdown: boolean): string {
  if (freezes.length === 0) return '';
  const iso = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const lines = freezes.map((f) => `${markdown ? '- ' : '  '}${f.application} (dist/${f.folder}): ${f.window.description ?? f.window.schedule}; frozen ${iso(f.open)} to ${iso(f.close)}`);
  const head = `${markdown ? '> **' : ''}Exam-session freeze at ${iso(at)}: Argo CD will not sync these changes automatically until the window closes; merge after it, or sync by hand with the delivery role only for an emergency (a kill-switch flip, a fix, a Rollout abort).${markdown ? '**' : ''}`;
  return markdown ? `${head}\n\n${lines.join('\n')}\n\n` : `${head}\n${lines.join('\n')}\n\n`;
}
