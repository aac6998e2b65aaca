/**
 * The rules git applies to ref names (`git check-ref-format`; git's refs.c,
 * check_refname_component and check_branch_ref), in one function. Imports nothing else from lib/.
 */

/** Characters git refuses anywhere in a ref: control characters, space, `~ ^ : ? * [ \`, and DEL. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\x00-\x20\x7f~^:?*[\\]/;

export interface RefNameRules {
  /**
   * `git check-ref-format --branch`: the name of a branch (`refs/heads/<name>`), which may be
   * one level (`main`), must not start with `-`, and must not be `HEAD`. Otherwise a full ref
   * such as `refs/pull/7/merge`, which needs at least two levels. @default false
   */
  readonly branch?: boolean;
}

/** Undefined when git accepts `name` as a ref (or branch) name; otherwise what was expected. */
export function refNameProblem(name: string, rules: RefNameRules = {}): string | undefined {
  const expected = (why: string) => `expected a valid git ${rules.branch === true ? 'branch' : 'ref'} name (git check-ref-format): ${why}`;
  if (name === '') return expected('it is empty');
  const bad = FORBIDDEN.exec(name);
  if (bad !== null) return expected(`it contains ${JSON.stringify(bad[0])} (no spaces, control characters, ~ ^ : ? * [ or \\)`);
  if (name.includes('..')) return expected('it contains ".."');
  if (name.includes('@{')) return expected('it contains "@{"');
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return expected('it starts or ends with "/" or has an empty component');
  if (name.endsWith('.')) return expected('it ends with "."');
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return expected(`a component starts with "." ("${component}")`);
    if (component.endsWith('.lock')) return expected(`a component ends with ".lock" ("${component}")`);
  }
  if (rules.branch === true) {
    if (name.startsWith('-')) return expected('it starts with "-"');
    if (name === 'HEAD') return expected('"HEAD" is not a branch');
  } else if (name === '@') {
    return expected('"@" alone is not a ref');
  } else if (!name.includes('/')) {
    return expected('a full ref has at least two levels, such as refs/heads/main');
  }
  return undefined;
}
