/**
 * The exam system's feature flags (see docs/decisions.md, 'Feature flags'): a typed, validated model, the one definition of
 * how a flag's settings combine (precedence), and its two renderings:
 *
 * - `features.json`: the specified document, field for field (`features` + `kill_switches`);
 * - `flags.flagd.json`: the same flags as an OpenFeature flagd flag definition for one
 *   environment, so that any OpenFeature SDK (flagd provider, in-process or file mode) can
 *   evaluate them. The environment gate and the kill switches are resolved here, at synth time;
 *   the rollout (percentage or user groups) is left to flagd, per request.
 *
 * Pure data and pure functions: no clock, no randomness, no I/O.
 */
import { z } from 'zod';
import { ENVIRONMENT_NAMES, EnvironmentName } from './schema';

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

/** The global kill switches of the flag document, in its order. */
export const KILL_SWITCH_NAMES = ['emergency_maintenance', 'disable_new_registrations', 'read_only_mode'] as const;
export type KillSwitchName = (typeof KILL_SWITCH_NAMES)[number];

/** Roll out to a share of users, bucketed by user id (flagd `fractional` on the targetingKey). */
export interface PercentageRollout {
  readonly strategy: 'percentage';
  /** Whole percent, 0–100 (flagd's fractional buckets take whole-number weights). */
  readonly percentage: number;
}

/** Roll out to members of named user groups (the `group` or `groups` context attribute). */
export interface UserGroupsRollout {
  readonly strategy: 'user_groups';
  /** Non-empty, no duplicates. */
  readonly groups: readonly string[];
}

export type Rollout = PercentageRollout | UserGroupsRollout;

export interface FeatureFlag {
  /** kebab-case, unique: the key in `features.json` and in the flagd definition. */
  readonly name: string;
  /** The flag's master switch (see {@link resolveFlag} for what it overrides). */
  readonly enabled: boolean;
  readonly rollout: Rollout;
  /**
   * The flag is shed by the global kill switches that act on switch-controlled flags
   * (see {@link KILL_SWITCH_EFFECTS}). @default false (the flag document omits the field)
   */
  readonly kill_switch?: boolean;
  /** Per-environment gate; an environment not listed falls back as {@link ENVIRONMENT_GATE_FALLBACK} says. */
  readonly environments: Readonly<Partial<Record<EnvironmentName, boolean>>>;
}

export interface FeatureFlagModel {
  /** In document order. */
  readonly features: readonly FeatureFlag[];
  readonly kill_switches: Readonly<Record<KillSwitchName, boolean>>;
}

/** A flag model that breaks a rule; every problem names the flag and the field. */
export class FeatureFlagError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'FeatureFlagError';
  }
}

const FLAG_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const rolloutSchema = z.discriminatedUnion(
  'strategy',
  [
    z.strictObject({
      strategy: z.literal('percentage'),
      percentage: z
        .number({ error: 'expected a number from 0 to 100' })
        .int('expected a whole percentage (flagd buckets take whole-number weights)')
        .min(0, 'expected a percentage from 0 to 100')
        .max(100, 'expected a percentage from 0 to 100'),
    }),
    z.strictObject({
      strategy: z.literal('user_groups'),
      groups: z
        .array(z.string().regex(GROUP_NAME, 'expected a group name ([A-Za-z0-9_.-], starting alphanumeric)'))
        .min(1, 'expected at least one group: an empty list would target nobody')
        .refine((g) => new Set(g).size === g.length, 'expected each group once'),
    }),
  ],
  { error: 'expected strategy "percentage" (with percentage) or "user_groups" (with groups)' },
);

const flagSchema = z.strictObject({
  name: z.string().regex(FLAG_NAME, 'expected a kebab-case flag name (a-z, 0-9, "-")'),
  enabled: z.boolean({ error: 'expected true or false' }),
  rollout: rolloutSchema,
  kill_switch: z.boolean({ error: 'expected true or false' }).optional(),
  environments: z.partialRecord(z.enum(ENVIRONMENT_NAMES, { error: `expected one of ${ENVIRONMENT_NAMES.join(', ')}` }), z.boolean()),
});

const modelSchema = z.strictObject({
  features: z.array(flagSchema).superRefine((flags, ctx) => {
    const seen = new Set<string>();
    flags.forEach((f, i) => {
      if (seen.has(f.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate flag name "${f.name}"; expected unique names` });
      seen.add(f.name);
    });
  }),
  kill_switches: z.strictObject({
    emergency_maintenance: z.boolean(),
    disable_new_registrations: z.boolean(),
    read_only_mode: z.boolean(),
  }),
});

/** Where a zod issue is, in words: `feature flag "x": rollout.percentage` or `kill_switches.y`. */
function describeIssue(raw: unknown, issue: z.core.$ZodIssue): string {
  const path = [...issue.path];
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  if (keys.length === 1) path.push(keys[0]);
  const message = issue.code === 'unrecognized_keys' ? `unknown field (a typo?): ${issue.message}` : issue.message;
  if (path[0] === 'features' && typeof path[1] === 'number') {
    const flags = (raw as { features?: unknown[] }).features ?? [];
    const name = (flags[path[1]] as { name?: unknown } | undefined)?.name;
    const who = typeof name === 'string' && name !== '' ? `feature flag "${name}"` : `feature flag #${path[1] + 1}`;
    const field = path.slice(2).map(String).join('.') || '(flag)';
    return `${who}: ${field}: ${message}`;
  }
  return `${path.map(String).join('.') || '(top level)'}: ${message}`;
}

/** Validates a flag model; throws {@link FeatureFlagError} naming each bad flag and field. */
export function parseFeatureFlagModel(raw: unknown): FeatureFlagModel {
  const result = modelSchema.safeParse(raw);
  if (!result.success) throw new FeatureFlagError(result.error.issues.map((i) => describeIssue(raw, i)));
  return result.data;
}

/**
 * The flags and kill switches, exactly as the specified document states them. Validated when
 * this module loads, so a bad edit fails every test and synth at once.
 */
export const FEATURE_FLAGS: FeatureFlagModel = parseFeatureFlagModel({
  features: [
    {
      name: 'new-ui-dashboard',
      enabled: false,
      rollout: { strategy: 'percentage', percentage: 0 },
      environments: { staging: true, production: false },
    },
    {
      name: 'advanced-proctoring',
      enabled: true,
      rollout: { strategy: 'user_groups', groups: ['beta_testers', 'premium_users'] },
      environments: { staging: true, production: true },
    },
    {
      name: 'real-time-analytics',
      enabled: true,
      rollout: { strategy: 'percentage', percentage: 25 },
      kill_switch: true,
      environments: { staging: true, production: true },
    },
  ],
  kill_switches: { emergency_maintenance: false, disable_new_registrations: false, read_only_mode: false },
});

// ---------------------------------------------------------------------------------------------
// Precedence: the one place that says how the settings combine
// ---------------------------------------------------------------------------------------------

/**
 * The environment whose gate an environment inherits when a flag does not list it. The document's
 * document lists only staging and production:
 * - **development** follows **staging**: developers must see what is being tested next;
 * - **hotfix** follows **production**: it verifies production builds with production settings
 *   (its environment file takes production's ConfigMap), so it must show what users see.
 * A flag may still list `development` or `hotfix` itself; that entry wins. An environment with
 * neither its own entry nor its fallback's is closed (off).
 */
export const ENVIRONMENT_GATE_FALLBACK: Readonly<Record<EnvironmentName, EnvironmentName | undefined>> = {
  development: 'staging',
  staging: undefined,
  hotfix: 'production',
  production: undefined,
};

/** What a global kill switch forces off, and why. */
export interface KillSwitchEffect {
  /** `switchable`: every flag with `kill_switch: true`; `none`: no flag (the switch is read directly). */
  readonly forcesOff: 'switchable' | 'none';
  readonly reason: string;
}

/**
 * Which flags each kill switch forces off. A flag opts in with `kill_switch: true` (the document marks
 * `real-time-analytics`): such a flag is optional load that can be shed without harming an exam in
 * progress. Flags without it (for example `advanced-proctoring`) are never flipped by a global
 * switch: turning proctoring off in the middle of an exam would be a security incident, not a
 * mitigation.
 */
export const KILL_SWITCH_EFFECTS: Readonly<Record<KillSwitchName, KillSwitchEffect>> = {
  emergency_maintenance: {
    forcesOff: 'switchable',
    reason: 'shed optional load while the system is being repaired',
  },
  read_only_mode: {
    forcesOff: 'switchable',
    reason: 'switch-controlled features (real-time analytics) write continuously; read-only mode must stop all non-essential writes',
  },
  disable_new_registrations: {
    forcesOff: 'none',
    reason: 'a sign-up switch, not a feature: auth-service is to read it as the flagd flag kill_switches.disable_new_registrations',
  },
};

/** The synth-time decision for one flag in one environment. */
export type FlagDecision =
  | {
      readonly outcome: 'off';
      /** Which rule switched it off (the first failing row of the precedence table). */
      readonly reason: 'kill_switch' | 'disabled' | 'environment' | 'rollout';
      readonly detail: string;
    }
  | { readonly outcome: 'on'; readonly detail: string }
  | { readonly outcome: 'percentage'; readonly percentage: number; readonly detail: string }
  | { readonly outcome: 'user_groups'; readonly groups: readonly string[]; readonly detail: string };

/** The environment gate of `flag` in `env`, with the fallback applied. */
export function environmentGate(flag: FeatureFlag, env: EnvironmentName): { readonly open: boolean; readonly source: EnvironmentName | undefined } {
  const own = flag.environments[env];
  if (own !== undefined) return { open: own, source: env };
  const fallback = ENVIRONMENT_GATE_FALLBACK[env];
  const inherited = fallback === undefined ? undefined : flag.environments[fallback];
  return inherited === undefined ? { open: false, source: undefined } : { open: inherited, source: fallback };
}

/** The kill switches that are on and force `flag` off. */
export function activeKillSwitches(model: FeatureFlagModel, flag: FeatureFlag): KillSwitchName[] {
  if (flag.kill_switch !== true) return [];
  return KILL_SWITCH_NAMES.filter((k) => model.kill_switches[k] && KILL_SWITCH_EFFECTS[k].forcesOff === 'switchable');
}

/**
 * How `enabled`, the environment gate, the rollout and the kill switches combine. A user gets a
 * feature only if every row says yes; rows are checked top to bottom and the first "no" is the
 * reason reported:
 *
 * | # | rule                | when                                                      | result                  |
 * |---|---------------------|-----------------------------------------------------------|-------------------------|
 * | 1 | kill switch         | a switch in KILL_SWITCH_EFFECTS that acts on the flag is on | off for everyone        |
 * | 2 | `enabled`           | `enabled: false`                                          | off for everyone        |
 * | 3 | environment gate    | gate false (own entry, else ENVIRONMENT_GATE_FALLBACK, else false) | off for everyone |
 * | 4 | rollout             | percentage 0 / 100                                        | off / on for everyone   |
 * |   |                     | percentage 1–99                                           | that share of users, bucketed by user id (flagd) |
 * |   |                     | user_groups                                               | members of the groups (flagd) |
 *
 * Why "off wins": `enabled` is the flag's master switch and the environment gate can only narrow
 * it, never widen it. So one field is always enough to turn a feature off, and nothing can turn a
 * feature on behind the master switch's back. For `new-ui-dashboard`
 * (`enabled: false`, `staging: true`, 0%) this means off in every environment: `staging: true` is
 * a standing approval, so that when the flag is enabled and its percentage raised, staging (and
 * development) get it while production (and hotfix) stay off.
 *
 * Rows 1–3 are resolved at synth time for the environment; row 4 is rendered as flagd targeting
 * and evaluated per request.
 */
export function resolveFlag(model: FeatureFlagModel, flag: FeatureFlag, env: EnvironmentName): FlagDecision {
  const switches = activeKillSwitches(model, flag);
  if (switches.length > 0) return { outcome: 'off', reason: 'kill_switch', detail: `off: kill switch ${switches.join(', ')} is on` };
  if (!flag.enabled) return { outcome: 'off', reason: 'disabled', detail: 'off: enabled is false' };
  const gate = environmentGate(flag, env);
  if (!gate.open) {
    const why = gate.source === undefined ? `no gate for ${env}` : gate.source === env ? `${env}: false` : `${env} follows ${gate.source}: false`;
    return { outcome: 'off', reason: 'environment', detail: `off: environment gate (${why})` };
  }
  const rollout = flag.rollout;
  if (rollout.strategy === 'user_groups') {
    return { outcome: 'user_groups', groups: rollout.groups, detail: `on for groups ${rollout.groups.join(', ')}` };
  }
  if (rollout.percentage === 0) return { outcome: 'off', reason: 'rollout', detail: 'off: rollout percentage is 0' };
  if (rollout.percentage === 100) return { outcome: 'on', detail: 'on: rollout percentage is 100' };
  return { outcome: 'percentage', percentage: rollout.percentage, detail: `on for ${rollout.percentage}% of users (by targetingKey)` };
}

// ---------------------------------------------------------------------------------------------
// Renderings
// ---------------------------------------------------------------------------------------------

/** 2-space JSON with a final newline; key order is the insertion order the builders below fix. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The `features.json` document: the specified fields, values and structure, in its field order. */
export function featuresDocument(model: FeatureFlagModel): Record<string, unknown> {
  const features: Record<string, unknown> = {};
  for (const f of model.features) {
    const rollout =
      f.rollout.strategy === 'percentage'
        ? { strategy: f.rollout.strategy, percentage: f.rollout.percentage }
        : { strategy: f.rollout.strategy, groups: [...f.rollout.groups] };
    const environments: Record<string, boolean> = {};
    for (const env of ENVIRONMENT_NAMES) {
      const v = f.environments[env];
      if (v !== undefined) environments[env] = v;
    }
    features[f.name] = {
      enabled: f.enabled,
      rollout,
      ...(f.kill_switch !== undefined ? { kill_switch: f.kill_switch } : {}),
      environments,
    };
  }
  const killSwitches: Record<string, boolean> = {};
  for (const k of KILL_SWITCH_NAMES) killSwitches[k] = model.kill_switches[k];
  return { features, kill_switches: killSwitches };
}

/** The flagd schema the definition declares. */
export const FLAGD_SCHEMA = 'https://flagd.dev/schema/v0/flags.json';

/** The flagd key under which a kill switch is published (e.g. `kill_switches.read_only_mode`). */
export function killSwitchFlagKey(name: KillSwitchName): string {
  return `kill_switches.${name}`;
}

/** The context attributes user-group targeting reads: `group` (one name) or `groups` (a list of names). */
export const GROUP_ATTRIBUTES = { single: 'group', list: 'groups' } as const;

/** JSON Logic: the user is in one of `groups`, by `group` (a string) or `groups` (an array). */
function inGroups(groups: readonly string[]): Record<string, unknown> {
  const list = [...groups];
  return {
    or: [
      { in: [{ var: GROUP_ATTRIBUTES.single }, list] },
      { some: [{ var: GROUP_ATTRIBUTES.list }, { in: [{ var: '' }, list] }] },
    ],
  };
}

/**
 * The flagd flag definition for `env`. Every flag is a boolean with variants `on`/`off`, state
 * ENABLED and a default of `off`:
 * - rows 1–3 of {@link resolveFlag} failing, or 0%: no targeting, default `off` (a static off);
 * - 100%: no targeting, default `on`;
 * - 1–99%: `fractional` on the evaluation's targetingKey (bucketed by flag key + user id, so a
 *   user keeps the same answer); no targetingKey means `off`;
 * - user_groups: `on` if the context's `group` is one of the groups, or its `groups` list
 *   contains one; otherwise `off`.
 * A flag that is off is not given state DISABLED: in flagd that returns each caller's own
 * code default, so the answer would depend on the call site instead of this definition.
 * The kill switches are also published, as static flags `kill_switches.<name>`.
 */
export function flagdDefinition(model: FeatureFlagModel, env: EnvironmentName): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const f of model.features) {
    const d = resolveFlag(model, f, env);
    const base = { state: 'ENABLED', variants: { on: true, off: false } };
    const metadata = { decision: d.detail };
    switch (d.outcome) {
      case 'off':
        flags[f.name] = { ...base, defaultVariant: 'off', metadata };
        break;
      case 'on':
        flags[f.name] = { ...base, defaultVariant: 'on', metadata };
        break;
      case 'percentage':
        flags[f.name] = {
          ...base,
          defaultVariant: 'off',
          targeting: { fractional: [['on', d.percentage], ['off', 100 - d.percentage]] },
          metadata,
        };
        break;
      case 'user_groups':
        flags[f.name] = { ...base, defaultVariant: 'off', targeting: { if: [inGroups(d.groups), 'on', 'off'] }, metadata };
        break;
    }
  }
  for (const k of KILL_SWITCH_NAMES) {
    const on = model.kill_switches[k];
    flags[killSwitchFlagKey(k)] = {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: on ? 'on' : 'off',
      metadata: { decision: `kill switch ${on ? 'on' : 'off'}` },
    };
  }
  return { $schema: FLAGD_SCHEMA, metadata: { flagSetId: 'exam-system', environment: env }, flags };
}
