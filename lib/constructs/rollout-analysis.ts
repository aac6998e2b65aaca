/** Props shared by the Rollout constructs: which AnalysisTemplates run, with which args. */
export interface AnalysisRef {
  /** AnalysisTemplate names in the Rollout's namespace. */
  readonly templates: readonly string[];
  /** Template arguments, e.g. `{ 'service-name': 'exam-service-canary' }`. */
  readonly args: Readonly<Record<string, string>>;
}

export function analysisSpec(ref: AnalysisRef) {
  if (ref.templates.length === 0) throw new Error('an analysis needs at least one AnalysisTemplate');
  return {
    templates: ref.templates.map((templateName) => ({ templateName })),
    args: Object.keys(ref.args)
      .sort()
      .map((name) => ({ name, value: ref.args[name] })),
  };
}
