/**
 * The flag model, its precedence rule, and its flagd rendering evaluated by the OpenFeature
 * flagd evaluator itself (@openfeature/flagd-core), the engine flagd and its in-process
 * providers use.
 */
import { DefaultLogger } from '@openfeature/core';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';
import {
  ENVIRONMENT_GATE_FALLBACK,
  FEATURE_FLAGS,
  FeatureFlag,
  FeatureFlagError,
  FeatureFlagModel,
  KILL_SWITCH_EFFECTS,
  KILL_SWITCH_NAMES,
  KillSwitchName,
  featuresDocument,
  flagdDefinition,
  killSwitchFlagKey,
  parseFeatureFlagModel,
  renderJson,
  resolveFlag,
} from '../../lib/config/feature-flags';
import { ENVIRONMENT_NAMES, EnvironmentName } from '../../lib/config/schema';

/** The specified `features.json`, as a value (the contract features.json must reproduce; see docs/decisions.md, 'Feature flags'). */
const SEED_DOCUMENT = {
  features: {
    'new-ui-dashboard': {
      enabled: false,
      rollout: { strategy: 'percentage', percentage: 0 },
      environments: { staging: true, production: false },
    },
    'advanced-proctoring': {
      enabled: true,
      rollout: { strategy: 'user_groups', groups: ['beta_testers', 'premium_users'] },
      environments: { staging: true, production: true },
    },
    'real-time-analytics': {
      enabled: true,
      rollout: { strategy: 'percentage', percentage: 25 },
      kill_switch: true,
      environments: { staging: true, production: true },
    },
  },
  kill_switches: { emergency_maintenance: false, disable_new_registrations: false, read_only_mode: false },
};

const USERS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

/** A flagd evaluator loaded with `env`'s definition, strictly validated against flagd's schema. */
function evaluator(model: FeatureFlagModel, env: EnvironmentName): FlagdCore {
  const storage = new MemoryStorage(new DefaultLogger());
  storage.setConfigurations(JSON.stringify(flagdDefinition(model, env)), true);
  return new FlagdCore(storage);
}

/** The share of USERS for whom `flag` is on; the caller default is `true` so a silent fallback would show. */
function shareOn(core: FlagdCore, flag: string, context: Record<string, unknown> = {}): number {
  let on = 0;
  for (const u of USERS) if (core.resolveBooleanEvaluation(flag, true, { targetingKey: u, ...context } as never).value) on++;
  return on / USERS.length;
}

function withSwitch(name: KillSwitchName): FeatureFlagModel {
  return parseFeatureFlagModel({ ...FEATURE_FLAGS, kill_switches: { ...FEATURE_FLAGS.kill_switches, [name]: true } });
}

function flag(name: string, model: FeatureFlagModel = FEATURE_FLAGS): FeatureFlag {
  return model.features.find((f) => f.name === name)!;
}

function problemsOf(raw: unknown): string[] {
  try {
    parseFeatureFlagModel(raw);
  } catch (err) {
    if (err instanceof FeatureFlagError) return [...err.problems];
    throw err;
  }
  return [];
}

/** A copy of the flag model as plain data, with `edit` applied to the flag called `name`. */
function editedFlag(name: string, edit: (f: Record<string, unknown>) => Record<string, unknown>): unknown {
  const raw = JSON.parse(JSON.stringify(FEATURE_FLAGS)) as { features: Record<string, unknown>[] };
  raw.features = raw.features.map((f) => (f.name === name ? edit(f) : f));
  return raw;
}

describe('the flag model', () => {
  test('features.json is exactly the specified document, as 2-space JSON', () => {
    expect(featuresDocument(FEATURE_FLAGS)).toStrictEqual(SEED_DOCUMENT);
    const text = renderJson(featuresDocument(FEATURE_FLAGS));
    expect(text).toBe(`${JSON.stringify(SEED_DOCUMENT, null, 2)}\n`);
    expect(renderJson(featuresDocument(parseFeatureFlagModel(JSON.parse(JSON.stringify(FEATURE_FLAGS)))))).toBe(text);
  });

  test.each([
    ['a percentage above 100', editedFlag('real-time-analytics', (f) => ({ ...f, rollout: { strategy: 'percentage', percentage: 101 } })), /^feature flag "real-time-analytics": rollout\.percentage: expected a percentage from 0 to 100$/],
    ['a negative percentage', editedFlag('new-ui-dashboard', (f) => ({ ...f, rollout: { strategy: 'percentage', percentage: -5 } })), /^feature flag "new-ui-dashboard": rollout\.percentage: expected a percentage from 0 to 100$/],
    ['a fractional percentage', editedFlag('real-time-analytics', (f) => ({ ...f, rollout: { strategy: 'percentage', percentage: 12.5 } })), /^feature flag "real-time-analytics": rollout\.percentage: expected a whole percentage/],
    ['an unknown environment', editedFlag('advanced-proctoring', (f) => ({ ...f, environments: { staging: true, prod: true } })), /^feature flag "advanced-proctoring": environments\.prod: unknown field/],
    ['an empty group list', editedFlag('advanced-proctoring', (f) => ({ ...f, rollout: { strategy: 'user_groups', groups: [] } })), /^feature flag "advanced-proctoring": rollout\.groups: expected at least one group/],
    ['a group listed twice', editedFlag('advanced-proctoring', (f) => ({ ...f, rollout: { strategy: 'user_groups', groups: ['beta_testers', 'beta_testers'] } })), /^feature flag "advanced-proctoring": rollout\.groups: expected each group once$/],
    ['an unknown strategy', editedFlag('new-ui-dashboard', (f) => ({ ...f, rollout: { strategy: 'everyone' } })), /^feature flag "new-ui-dashboard": rollout\.strategy: expected strategy "percentage"/],
    ['a percentage rollout with groups', editedFlag('new-ui-dashboard', (f) => ({ ...f, rollout: { strategy: 'percentage', percentage: 5, groups: ['a'] } })), /^feature flag "new-ui-dashboard": rollout\.groups: unknown field/],
    ['a misspelt field', editedFlag('real-time-analytics', (f) => ({ ...f, killswitch: true })), /^feature flag "real-time-analytics": killswitch: unknown field/],
    ['a non-boolean enabled', editedFlag('real-time-analytics', (f) => ({ ...f, enabled: 'yes' })), /^feature flag "real-time-analytics": enabled: expected true or false$/],
    ['a name that is not kebab-case', editedFlag('real-time-analytics', (f) => ({ ...f, name: 'Real_Time' })), /^feature flag "Real_Time": name: expected a kebab-case flag name/],
  ])('rejects %s, naming the flag and the field', (_what, raw, message) => {
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('rejects a duplicate flag name and bad kill switches', () => {
    const raw = JSON.parse(JSON.stringify(FEATURE_FLAGS));
    raw.features.push({ ...raw.features[0] });
    expect(problemsOf(raw)).toEqual(['feature flag "new-ui-dashboard": name: duplicate flag name "new-ui-dashboard"; expected unique names']);
    const switches = JSON.parse(JSON.stringify(FEATURE_FLAGS));
    switches.kill_switches = { emergency_maintenance: false, read_only_mode: 'no', panic: true };
    const problems = problemsOf(switches);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kill_switches\.disable_new_registrations: /),
        expect.stringMatching(/^kill_switches\.read_only_mode: /),
        expect.stringMatching(/^kill_switches\.panic: unknown field/),
      ]),
    );
  });
});

describe('precedence (resolveFlag)', () => {
  const model = (f: Partial<FeatureFlag>, switches: Partial<Record<KillSwitchName, boolean>> = {}) =>
    parseFeatureFlagModel({
      features: [{ name: 'x', enabled: true, rollout: { strategy: 'percentage', percentage: 100 }, environments: { staging: true, production: true }, ...f }],
      kill_switches: { ...FEATURE_FLAGS.kill_switches, ...switches },
    });
  const decide = (m: FeatureFlagModel, env: EnvironmentName) => resolveFlag(m, m.features[0], env);

  test("new-ui-dashboard: enabled:false wins over staging:true (off wins), so it is off everywhere", () => {
    for (const env of ENVIRONMENT_NAMES) {
      expect(resolveFlag(FEATURE_FLAGS, flag('new-ui-dashboard'), env)).toMatchObject({ outcome: 'off', reason: 'disabled' });
    }
    // Enabled and raised, staging's approval takes effect and production's refusal holds.
    const released = model({ enabled: true, environments: { staging: true, production: false } });
    expect(ENVIRONMENT_NAMES.map((e) => [e, decide(released, e).outcome])).toEqual([
      ['development', 'on'],
      ['staging', 'on'],
      ['hotfix', 'off'],
      ['production', 'off'],
    ]);
  });

  test('rows are checked in order: kill switch, enabled, environment gate, rollout', () => {
    const everythingOff = model({ enabled: false, kill_switch: true, environments: { staging: false } }, { read_only_mode: true });
    expect(decide(everythingOff, 'staging')).toMatchObject({ outcome: 'off', reason: 'kill_switch', detail: 'off: kill switch read_only_mode is on' });
    expect(decide(model({ enabled: false, environments: { staging: false } }), 'staging')).toMatchObject({ reason: 'disabled' });
    expect(decide(model({ environments: { staging: false } }), 'staging')).toMatchObject({ reason: 'environment', detail: 'off: environment gate (staging: false)' });
    expect(decide(model({ rollout: { strategy: 'percentage', percentage: 0 } }), 'staging')).toMatchObject({ outcome: 'off', reason: 'rollout' });
    expect(decide(model({}), 'staging')).toMatchObject({ outcome: 'on' });
    expect(decide(model({ rollout: { strategy: 'percentage', percentage: 40 } }), 'staging')).toMatchObject({ outcome: 'percentage', percentage: 40 });
  });

  test('development follows staging, hotfix follows production, an own entry wins, no entry is closed', () => {
    expect(ENVIRONMENT_GATE_FALLBACK).toEqual({ development: 'staging', staging: undefined, hotfix: 'production', production: undefined });
    const split = model({ environments: { staging: false, production: true } });
    expect(decide(split, 'development')).toMatchObject({ outcome: 'off', detail: 'off: environment gate (development follows staging: false)' });
    expect(decide(split, 'hotfix')).toMatchObject({ outcome: 'on' });
    const own = model({ environments: { staging: false, development: true, production: true, hotfix: false } });
    expect([decide(own, 'development').outcome, decide(own, 'hotfix').outcome]).toEqual(['on', 'off']);
    const none = model({ environments: {} });
    for (const env of ENVIRONMENT_NAMES) expect(decide(none, env)).toMatchObject({ outcome: 'off', reason: 'environment' });
  });

  test('kill switches act only on switch-controlled flags, and disable_new_registrations on none', () => {
    expect(Object.fromEntries(KILL_SWITCH_NAMES.map((k) => [k, KILL_SWITCH_EFFECTS[k].forcesOff]))).toEqual({
      emergency_maintenance: 'switchable',
      disable_new_registrations: 'none',
      read_only_mode: 'switchable',
    });
    for (const k of KILL_SWITCH_NAMES) {
      const m = withSwitch(k);
      const expected = KILL_SWITCH_EFFECTS[k].forcesOff === 'switchable' ? 'off' : 'percentage';
      expect([k, resolveFlag(m, flag('real-time-analytics', m), 'production').outcome]).toEqual([k, expected]);
      // advanced-proctoring has no kill_switch: no global switch turns proctoring off mid-exam.
      expect([k, resolveFlag(m, flag('advanced-proctoring', m), 'production').outcome]).toEqual([k, 'user_groups']);
    }
  });
});

describe('the flagd definitions, evaluated by @openfeature/flagd-core', () => {
  test('every environment\'s definition passes flagd\'s own schema (strict) and declares it', () => {
    for (const env of ENVIRONMENT_NAMES) {
      const def = flagdDefinition(FEATURE_FLAGS, env);
      expect(def.$schema).toBe('https://flagd.dev/schema/v0/flags.json');
      expect(() => evaluator(FEATURE_FLAGS, env)).not.toThrow();
    }
    // The strict check is real: a flag without variants is refused.
    const storage = new MemoryStorage(new DefaultLogger());
    expect(() => storage.setConfigurations(JSON.stringify({ flags: { x: { state: 'ENABLED', defaultVariant: 'on' } } }), true)).toThrow();
  });

  test('real-time-analytics is on for 25% ± 2% of 10,000 users, bucketed by user id alone', () => {
    for (const env of ['staging', 'production'] as const) {
      const core = evaluator(FEATURE_FLAGS, env);
      const answers = USERS.map((u) => core.resolveBooleanEvaluation('real-time-analytics', false, { targetingKey: u }).value);
      // The rest of the context (group, session) must not move a user between buckets.
      const withContext = USERS.map((u, i) => core.resolveBooleanEvaluation('real-time-analytics', false, { targetingKey: u, group: i % 2 ? 'students' : 'beta_testers', session: `s-${i}` }).value);
      const share = answers.filter(Boolean).length / USERS.length;
      const moved = answers.filter((a, i) => a !== withContext[i]).length;
      console.log(`real-time-analytics (${env}): on for ${(share * 100).toFixed(2)}% of ${USERS.length} users (target 25% ± 2%); ${moved} users moved by other context`);
      expect(Math.abs(share - 0.25)).toBeLessThanOrEqual(0.02);
      expect(moved).toBe(0);
    }
  });

  test('a percentage rollout without a targetingKey answers off (not the caller default)', () => {
    const core = evaluator(FEATURE_FLAGS, 'production');
    expect(core.resolveBooleanEvaluation('real-time-analytics', true, {}).value).toBe(false);
  });

  test('advanced-proctoring is on only for beta_testers and premium_users', () => {
    const core = evaluator(FEATURE_FLAGS, 'production');
    const on = (ctx: Record<string, unknown>) => core.resolveBooleanEvaluation('advanced-proctoring', false, ctx as never).value;
    expect(on({ targetingKey: 'u1', group: 'beta_testers' })).toBe(true);
    expect(on({ targetingKey: 'u1', group: 'premium_users' })).toBe(true);
    expect(on({ targetingKey: 'u1', groups: ['students', 'premium_users'] })).toBe(true);
    expect(on({ targetingKey: 'u1', group: 'students' })).toBe(false);
    expect(on({ targetingKey: 'u1', group: 'beta_tester' })).toBe(false);
    expect(on({ targetingKey: 'u1', groups: ['students', 'teachers'] })).toBe(false);
    expect(on({ targetingKey: 'u1', groups: [] })).toBe(false);
    expect(on({ targetingKey: 'u1' })).toBe(false);
    expect(on({})).toBe(false);
    // Not a share of users: group members are all on, everyone else all off.
    expect(shareOn(core, 'advanced-proctoring', { group: 'premium_users' })).toBe(1);
    expect(shareOn(core, 'advanced-proctoring', { group: 'students' })).toBe(0);
  });

  /** Each flag's outcome in each environment, measured through flagd over 10,000 users. */
  const TABLE: [string, EnvironmentName, string][] = [
    ['new-ui-dashboard', 'development', 'off'],
    ['new-ui-dashboard', 'staging', 'off'],
    ['new-ui-dashboard', 'hotfix', 'off'],
    ['new-ui-dashboard', 'production', 'off'],
    ['advanced-proctoring', 'development', 'groups'],
    ['advanced-proctoring', 'staging', 'groups'],
    ['advanced-proctoring', 'hotfix', 'groups'],
    ['advanced-proctoring', 'production', 'groups'],
    ['real-time-analytics', 'development', '25%'],
    ['real-time-analytics', 'staging', '25%'],
    ['real-time-analytics', 'hotfix', '25%'],
    ['real-time-analytics', 'production', '25%'],
  ];

  function measuredOutcome(core: FlagdCore, name: string): string {
    const member = shareOn(core, name, { group: 'beta_testers' });
    const outsider = shareOn(core, name, { group: 'students' });
    if (member === 0 && outsider === 0) return 'off';
    if (member === 1 && outsider === 1) return 'on';
    if (member === 1 && outsider === 0) return 'groups';
    if (member === outsider) return `${Math.round(member * 100)}%`;
    return `unexpected: members ${member}, others ${outsider}`;
  }

  test.each(TABLE)('%s in %s: %s', (name, env, expected) => {
    expect(measuredOutcome(evaluator(FEATURE_FLAGS, env), name)).toBe(expected);
  });

  test('the table covers every flag in every environment', () => {
    const covered = new Set(TABLE.map(([f, e]) => `${f}/${e}`));
    for (const f of FEATURE_FLAGS.features) for (const e of ENVIRONMENT_NAMES) expect(covered).toContain(`${f.name}/${e}`);
  });

  test('a kill switch forces its flag off for everyone, whatever the caller default', () => {
    for (const k of ['read_only_mode', 'emergency_maintenance'] as const) {
      const model = withSwitch(k);
      for (const env of ENVIRONMENT_NAMES) {
        const core = evaluator(model, env);
        expect([k, env, shareOn(core, 'real-time-analytics')]).toEqual([k, env, 0]);
        expect(core.resolveBooleanEvaluation('real-time-analytics', true, { targetingKey: 'user-1' })).toMatchObject({ value: false, reason: 'STATIC' });
        expect(core.resolveBooleanEvaluation(killSwitchFlagKey(k), false, {}).value).toBe(true);
        // The flag without kill_switch keeps its targeting.
        expect(core.resolveBooleanEvaluation('advanced-proctoring', false, { group: 'beta_testers' }).value).toBe(true);
      }
    }
    // disable_new_registrations is published for auth-service but sheds no feature.
    const core = evaluator(withSwitch('disable_new_registrations'), 'production');
    expect(core.resolveBooleanEvaluation(killSwitchFlagKey('disable_new_registrations'), false, {}).value).toBe(true);
    expect(Math.abs(shareOn(core, 'real-time-analytics') - 0.25)).toBeLessThanOrEqual(0.02);
  });

  test('with every switch off, the kill-switch flags answer off', () => {
    const core = evaluator(FEATURE_FLAGS, 'production');
    for (const k of KILL_SWITCH_NAMES) expect(core.resolveBooleanEvaluation(killSwitchFlagKey(k), true, {}).value).toBe(false);
  });
});
