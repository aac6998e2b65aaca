/**
 * Falco rules as typed data (see docs/decisions.md, 'Falco rules'): the exam system's custom rules, the names the default
 * ruleset defines, and the checks a rules file must pass before Falco sees it. Pure data and
 * pure functions: no Kubernetes objects here (lib/constructs/falco.ts renders them).
 */
import { stringify } from 'yaml';
import { isDnsLabel } from '../rules/names';

/**
 * Falco's rule priorities, most severe first. They are the syslog severities; Falco matches them
 * case-insensitively and also accepts `INFO` for `INFORMATIONAL`. There is no `HIGH`.
 */
export const FALCO_PRIORITIES = ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFORMATIONAL', 'DEBUG'] as const;

export type FalcoPriority = (typeof FALCO_PRIORITIES)[number];

/** Every spelling Falco accepts for a priority (compared case-insensitively). */
export const ACCEPTED_PRIORITY_NAMES: readonly string[] = [...FALCO_PRIORITIES, 'INFO'];

/** True when Falco would accept `value` as a rule priority. */
export function isFalcoPriority(value: unknown): boolean {
  return typeof value === 'string' && ACCEPTED_PRIORITY_NAMES.includes(value.toUpperCase());
}

/**
 * Severity words of the specified rules that are not Falco priorities, and the priority each becomes.
 *
 * `HIGH`: the specification gives `Unauthorized Process in Container` WARNING and ranks `Sensitive File
 * Access in Exam System` above it. ERROR is the next Falco level above WARNING. CRITICAL and
 * above stay for what the default ruleset treats as an ongoing compromise (container escape,
 * fileless execution, a dropped binary run), which a read of /etc/passwd alone is not.
 */
export const SEED_PRIORITY_MAPPING: Readonly<Record<string, FalcoPriority>> = { HIGH: 'ERROR' };

export interface FalcoList {
  readonly list: string;
  readonly items: readonly string[];
}

export interface FalcoMacro {
  readonly macro: string;
  readonly condition: string;
}

export interface FalcoRule {
  readonly rule: string;
  readonly desc: string;
  readonly condition: string;
  readonly output: string;
  readonly priority: FalcoPriority;
  readonly tags?: readonly string[];
  /** @default true (Falco's default) */
  readonly enabled?: boolean;
}

export type FalcoRulesItem = FalcoList | FalcoMacro | FalcoRule;

/** The file name of the custom rules under /etc/falco/rules.d. */
export const EXAM_RULES_FILE = 'exam-system-rules.yaml';

/** Processes allowed in exam-system containers (rule `Unauthorized Process in Container`). */
export const EXAM_ALLOWED_PROCESSES = ['node', 'python', 'java', 'nginx', 'curl', 'wget', 'ps', 'top', 'netstat'] as const;

/** Files treated as sensitive in exam-system containers (rule `Sensitive File Access in Exam System`). */
export const EXAM_SENSITIVE_FILES = ['/etc/passwd', '/etc/shadow', '/etc/hosts', '/root/.ssh/id_rsa'] as const;

/**
 * Of those, the files every process reads as a matter of course: the C library's resolver reads
 * /etc/hosts on every host-name lookup (nsswitch `hosts: files dns`), and any user-name lookup
 * (getpwuid, `ls -l`, a logger printing the user) reads /etc/passwd. The default ruleset does
 * not count them as sensitive either (falcosecurity/rules rules/falco_rules.yaml list
 * `sensitive_file_names`: /etc/shadow, /etc/sudoers, /etc/pam.conf, ...). For these the rule
 * watches writes (a user added, a host name redirected); for the others, any read.
 */
export const EXAM_ROUTINELY_READ_FILES = ['/etc/passwd', '/etc/hosts'] as const;

/**
 * The two custom rules, kept in meaning (see docs/decisions.md, 'Falco rules'). The specification
 * inlines its value sets; here they are
 * named lists, so that a namespace or an allowed process is added in one place. The watched
 * namespaces are every deployed environment's namespace (the specification names only exam-system and
 * exam-system-staging, the two it deploys).
 */
export function examSystemRules(watchedNamespaces: readonly string[]): FalcoRulesItem[] {
  if (watchedNamespaces.length === 0) {
    throw new Error('Falco rules: no watched namespaces; expected the namespaces of the deployed environments');
  }
  for (const ns of watchedNamespaces) {
    if (!isDnsLabel(ns)) throw new Error(`Falco rules: watched namespace "${ns}" is not a DNS label; expected e.g. exam-system`);
  }
  if (new Set(watchedNamespaces).size !== watchedNamespaces.length) {
    throw new Error(`Falco rules: watched namespaces repeat (${watchedNamespaces.join(', ')}); expected each once`);
  }
  return [
    { list: 'exam_system_namespaces', items: [...watchedNamespaces] },
    { list: 'exam_system_allowed_processes', items: [...EXAM_ALLOWED_PROCESSES] },
    { list: 'exam_system_secret_files', items: EXAM_SENSITIVE_FILES.filter((f) => !(EXAM_ROUTINELY_READ_FILES as readonly string[]).includes(f)) },
    { list: 'exam_system_routinely_read_files', items: [...EXAM_ROUTINELY_READ_FILES] },
    {
      rule: 'Unauthorized Process in Container',
      desc: 'Detect unauthorized processes running in exam system containers',
      condition:
        'spawned_process and container and k8s.ns.name in (exam_system_namespaces) and not proc.name in (exam_system_allowed_processes)',
      output:
        'Unauthorized process in exam system container (user=%user.name command=%proc.cmdline container=%container.name ' +
        'image=%container.image.repository k8s_ns=%k8s.ns.name k8s_pod=%k8s.pod.name)',
      priority: 'WARNING',
      tags: ['container', 'process', 'exam-system'],
    },
    {
      rule: 'Sensitive File Access in Exam System',
      desc:
        'Detect access to sensitive files in exam system: any read of a secret file (/etc/shadow, SSH keys), and any write to ' +
        '/etc/passwd or /etc/hosts (read on every user and host-name lookup, so reads are not alerted)',
      condition:
        'container and k8s.ns.name in (exam_system_namespaces) and ' +
        '((open_read and fd.name in (exam_system_secret_files)) or (open_write and fd.name in (exam_system_routinely_read_files)))',
      output:
        'Sensitive file accessed in exam system (user=%user.name file=%fd.name evt_type=%evt.type flags=%evt.arg.flags ' +
        'command=%proc.cmdline container=%container.name k8s_ns=%k8s.ns.name k8s_pod=%k8s.pod.name)',
      priority: SEED_PRIORITY_MAPPING.HIGH,
      tags: ['filesystem', 'exam-system', 'security'],
    },
  ];
}

/** The rules file as Falco reads it: a YAML sequence of list, macro and rule items. Deterministic. */
export function renderRulesFile(items: readonly FalcoRulesItem[]): string {
  return stringify(items, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}

// ---------------------------------------------------------------------------------------------
// The default ruleset

/**
 * The ruleset the pinned Falco image ships as /etc/falco/falco_rules.yaml: falcosecurity/rules
 * `falco-rules-5.1.0`, bundled with Falco 0.44.x (required_engine_version 0.57.0, container
 * plugin >= 0.4.0). Only its stable rules are in the image; incubating and sandbox rules are
 * separate artifacts this deployment does not install.
 */
export const DEFAULT_RULESET_VERSION = 'falco-rules-5.1.0';

/**
 * Every macro falco_rules.yaml defines, in file order. Recorded from the falco-rules 5.x
 * line; the ruleset is semantically versioned and removing a macro or list is a major change,
 * so every name here is defined by 5.1.0 as well (a name 5.1.0 added and this list lacks only
 * makes the reference check stricter).
 */
export const DEFAULT_RULESET_MACROS: readonly string[] = [
  'open_write',
  'open_read',
  'open_file_failed',
  'never_true',
  'proc_name_exists',
  'spawned_process',
  'create_symlink',
  'create_hardlink',
  'kernel_module_load',
  'dup',
  'etc_dir',
  'shell_procs',
  'server_procs',
  'run_by_package_mgmt_binaries',
  'sensitive_files',
  'proc_is_new',
  'container',
  'interactive',
  'system_users',
  'ansible_running_python',
  'run_by_qualys',
  'run_by_google_accounts_daemon',
  'run_by_chef',
  'run_by_foreman',
  'python_mesos_marathon_scripting',
  'splunk_running_forwarder',
  'perl_running_plesk',
  'perl_running_updmap',
  'perl_running_centrifydc',
  'runuser_reading_pam',
  'linux_bench_reading_etc_shadow',
  'veritas_driver_script',
  'user_ssh_directory',
  'directory_traversal',
  'cmp_cp_by_passwd',
  'user_known_read_sensitive_files_activities',
  'user_read_sensitive_file_conditions',
  'user_read_sensitive_file_containers',
  'mandb_postinst',
  'postgres_running_wal_e',
  'redis_running_prepost_scripts',
  'rabbitmq_running_scripts',
  'rabbitmqctl_running_scripts',
  'run_by_appdynamics',
  'parent_java_running_zookeeper',
  'parent_java_running_kafka',
  'parent_java_running_elasticsearch',
  'parent_java_running_activemq',
  'parent_java_running_cassandra',
  'parent_java_running_jboss_wildfly',
  'parent_java_running_glassfish',
  'parent_java_running_hadoop',
  'parent_java_running_datastax',
  'nginx_starting_nginx',
  'nginx_running_aws_s3_cp',
  'consul_running_net_scripts',
  'consul_running_alert_checks',
  'serf_script',
  'check_process_status',
  'possibly_node_in_container',
  'possibly_parent_java_running_tomcat',
  'protected_shell_spawner',
  'container_entrypoint',
  'user_known_system_user_login',
  'user_expected_terminal_shell_in_container_conditions',
  'user_shell_container_exclusions',
  'k8s_containers',
  'k8s_api_server',
  'user_known_contact_k8s_api_server_activities',
  'grep_commands',
  'grep_more',
  'private_key_or_password',
  'access_log_files',
  'allowed_clear_log_files',
  'trusted_logging_images',
  'containerd_activities',
  'clear_data_procs',
  'user_known_remove_data_activities',
  'user_known_stand_streams_redirect_activities',
  'known_ptrace_procs',
  'ptrace_attach_or_injection',
  'private_aws_credentials',
  'known_drop_and_execute_activities',
  'outbound',
  'ssh_non_standard_ports_network',
  'known_memfd_execution_processes',
];

/** Every list falco_rules.yaml defines, in file order (same source as the macros). */
export const DEFAULT_RULESET_LISTS: readonly string[] = [
  'shell_binaries',
  'login_binaries',
  'passwd_binaries',
  'shadowutils_binaries',
  'http_server_binaries',
  'db_server_binaries',
  'postgres_mgmt_binaries',
  'nosql_server_binaries',
  'gitlab_binaries',
  'rpm_binaries',
  'deb_binaries',
  'python_package_managers',
  'package_mgmt_binaries',
  'userexec_binaries',
  'user_mgmt_binaries',
  'hids_binaries',
  'vpn_binaries',
  'nomachine_binaries',
  'mail_binaries',
  'mail_config_binaries',
  'sensitive_file_names',
  'sensitive_directory_names',
  'cron_binaries',
  'needrestart_binaries',
  'sshkit_script_binaries',
  'read_sensitive_file_binaries',
  'read_sensitive_file_images',
  'protected_shell_spawning_binaries',
  'mesos_shell_binaries',
  'trusted_images',
  'sematext_images',
  'falco_containers',
  'falco_no_driver_containers',
  'falco_privileged_images',
  'known_shell_spawn_cmdlines',
  'user_known_shell_spawn_binaries',
  'ibm_cloud_containers',
  'grep_binaries',
  'log_directories',
  'log_files',
  'data_remove_commands',
  'user_known_packet_socket_binaries',
  'allowed_container_images_loading_kernel_module',
  'docker_binaries',
  'known_ptrace_binaries',
  'known_drop_and_execute_containers',
  'rfc_1918_addresses',
  'ssh_non_standard_ports',
  'known_memfd_execution_binaries',
];

// ---------------------------------------------------------------------------------------------
// Condition syntax

export type ConditionToken =
  | { readonly kind: 'lparen' }
  | { readonly kind: 'rparen' }
  | { readonly kind: 'comma' }
  /** A quoted string; `value` is its content. */
  | { readonly kind: 'string'; readonly value: string }
  /** A comparison operator: = == != < <= > >= */
  | { readonly kind: 'op'; readonly value: string }
  /** Anything else: field names (with dots and [args]), keywords, macro names, bare values. */
  | { readonly kind: 'word'; readonly value: string };

const WORD_END = /[\s(),=<>!"']/;

/** Splits a Falco condition into tokens. Throws on an unterminated string or a lone `!`. */
export function tokenizeCondition(condition: string): ConditionToken[] {
  const out: ConditionToken[] = [];
  let i = 0;
  while (i < condition.length) {
    const c = condition[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      out.push({ kind: 'lparen' });
      i++;
    } else if (c === ')') {
      out.push({ kind: 'rparen' });
      i++;
    } else if (c === ',') {
      out.push({ kind: 'comma' });
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < condition.length && condition[j] !== c) {
        if (condition[j] === '\\' && j + 1 < condition.length) j++;
        value += condition[j];
        j++;
      }
      if (j >= condition.length) throw new Error(`unterminated string starting at offset ${i}`);
      out.push({ kind: 'string', value });
      i = j + 1;
    } else if ('=<>!'.includes(c)) {
      const two = condition.slice(i, i + 2);
      if (['==', '!=', '<=', '>='].includes(two)) {
        out.push({ kind: 'op', value: two });
        i += 2;
      } else if (c === '!') {
        throw new Error(`unexpected "!" at offset ${i}; expected "!="`);
      } else {
        out.push({ kind: 'op', value: c });
        i++;
      }
    } else {
      let j = i;
      while (j < condition.length && !WORD_END.test(condition[j])) j++;
      out.push({ kind: 'word', value: condition.slice(i, j) });
      i = j;
    }
  }
  return out;
}

/** Operators written as words that compare a field with one value. */
const VALUE_OPERATORS = new Set([
  'contains',
  'icontains',
  'bcontains',
  'startswith',
  'bstartswith',
  'endswith',
  'glob',
  'iglob',
  'regex',
]);
/** Operators that compare a field with a parenthesised list of values (and list names). */
const LIST_OPERATORS = new Set(['in', 'intersects', 'pmatch']);
/** Operators that take no value. */
const UNARY_OPERATORS = new Set(['exists']);
/** Field transformers: name(field). */
const TRANSFORMERS = new Set(['tolower', 'toupper', 'b64', 'basename', 'len', 'val']);
const KEYWORDS = new Set(['and', 'or', 'not', ...VALUE_OPERATORS, ...LIST_OPERATORS, ...UNARY_OPERATORS]);

const MACRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * A bare word inside `in (...)` that names a list rather than a literal value. Falco itself
 * expands any item equal to a defined list name and keeps every other item as a literal, so a
 * mistyped list name silently becomes a value that never matches. Lists are named in
 * snake_case with at least one underscore (every list of the default ruleset and of ours);
 * a snake_case item that no list defines is therefore reported rather than taken as a value.
 */
const LIST_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;

export interface ConditionReferences {
  /** Fields compared (e.g. `k8s.ns.name`). */
  readonly fields: readonly string[];
  /** Macro names used as boolean terms. */
  readonly macros: readonly string[];
  /** Items of value lists that name a list (known ones, or snake_case names; see LIST_NAME). */
  readonly lists: readonly string[];
  /** Literal values compared against. */
  readonly values: readonly string[];
}

/**
 * Parses a condition (or, and, not, parentheses, comparisons, macro terms) and returns what it
 * refers to. `knownLists` lets an item of a value list count as a list reference even when it
 * does not look like one. Throws with the offending position on a syntax error.
 */
export function conditionReferences(condition: string, knownLists: ReadonlySet<string> = new Set()): ConditionReferences {
  const tokens = tokenizeCondition(condition);
  const fields: string[] = [];
  const macros: string[] = [];
  const lists: string[] = [];
  const values: string[] = [];
  let pos = 0;

  const peek = (offset = 0): ConditionToken | undefined => tokens[pos + offset];
  const describe = (t: ConditionToken | undefined): string =>
    t === undefined ? 'end of condition' : t.kind === 'word' || t.kind === 'op' ? `"${t.value}"` : t.kind === 'string' ? `'${t.value}'` : t.kind;
  const fail = (expected: string): never => {
    throw new Error(`unexpected ${describe(peek())} at token ${pos + 1}; expected ${expected}`);
  };
  const isWord = (t: ConditionToken | undefined, value?: string): t is { kind: 'word'; value: string } =>
    t !== undefined && t.kind === 'word' && (value === undefined || t.value === value);
  const expect = (kind: ConditionToken['kind'], what: string): void => {
    if (peek()?.kind !== kind) fail(what);
    pos++;
  };

  // field | transformer(field)
  const parseFieldOperand = (): void => {
    const t = peek();
    if (isWord(t) && TRANSFORMERS.has(t.value) && peek(1)?.kind === 'lparen') {
      pos += 2;
      parseFieldOperand();
      expect('rparen', '")" closing the transformer');
      return;
    }
    if (!isWord(t) || !t.value.includes('.') || KEYWORDS.has(t.value)) fail('a field name such as proc.name');
    fields.push((t as { value: string }).value);
    pos++;
  };

  const parseValue = (): void => {
    const t = peek();
    if (isWord(t) && TRANSFORMERS.has(t.value) && peek(1)?.kind === 'lparen') {
      parseFieldOperand();
      return;
    }
    if (t?.kind === 'string' || (t?.kind === 'word' && !KEYWORDS.has(t.value)) || (t?.kind === 'op' && (t.value === '<' || t.value === '>'))) {
      values.push(t.value);
      pos++;
      return;
    }
    fail('a value');
  };

  const parseValueList = (): void => {
    expect('lparen', '"(" opening a value list');
    if (peek()?.kind === 'rparen') {
      pos++;
      return;
    }
    for (;;) {
      const t = peek();
      if (t?.kind === 'string') {
        values.push(t.value);
      } else if (t?.kind === 'word') {
        if (knownLists.has(t.value) || LIST_NAME.test(t.value)) lists.push(t.value);
        else values.push(t.value);
      } else {
        fail('a list item');
      }
      pos++;
      if (peek()?.kind === 'comma') {
        pos++;
        continue;
      }
      expect('rparen', '"," or ")" in a value list');
      return;
    }
  };

  const parseComparison = (): void => {
    parseFieldOperand();
    const op = peek();
    if (isWord(op) && UNARY_OPERATORS.has(op.value)) {
      pos++;
    } else if (isWord(op) && LIST_OPERATORS.has(op.value)) {
      pos++;
      parseValueList();
    } else if ((isWord(op) && VALUE_OPERATORS.has(op.value)) || op?.kind === 'op') {
      pos++;
      parseValue();
    } else {
      fail('an operator (=, !=, in, contains, startswith, exists, ...)');
    }
  };

  const parsePrimary = (): void => {
    const t = peek();
    if (t?.kind === 'lparen') {
      pos++;
      parseOr();
      expect('rparen', '")"');
      return;
    }
    if (isWord(t) && (t.value.includes('.') || (TRANSFORMERS.has(t.value) && peek(1)?.kind === 'lparen'))) {
      parseComparison();
      return;
    }
    if (isWord(t) && MACRO_NAME.test(t.value) && !KEYWORDS.has(t.value)) {
      macros.push(t.value);
      pos++;
      return;
    }
    fail('a macro name, a comparison or "("');
  };

  const parseNot = (): void => {
    if (isWord(peek(), 'not')) {
      pos++;
      parseNot();
      return;
    }
    parsePrimary();
  };
  const parseAnd = (): void => {
    parseNot();
    while (isWord(peek(), 'and')) {
      pos++;
      parseNot();
    }
  };
  function parseOr(): void {
    parseAnd();
    while (isWord(peek(), 'or')) {
      pos++;
      parseAnd();
    }
  }

  if (tokens.length === 0) throw new Error('empty condition');
  parseOr();
  if (pos !== tokens.length) fail('"and", "or" or the end of the condition');
  return { fields, macros, lists, values };
}

// ---------------------------------------------------------------------------------------------
// Rules file checks

export interface KnownNames {
  readonly macros: readonly string[];
  readonly lists: readonly string[];
}

/** The names the default ruleset defines: what a custom rules file may use without defining. */
export const DEFAULT_RULESET_NAMES: KnownNames = { macros: DEFAULT_RULESET_MACROS, lists: DEFAULT_RULESET_LISTS };

const RULE_REQUIRED = ['rule', 'desc', 'condition', 'output', 'priority'] as const;
const RULE_KEYS = new Set([
  ...RULE_REQUIRED,
  'tags',
  'enabled',
  'exceptions',
  'source',
  'append',
  'override',
  'warn_evttypes',
  'skip-if-unknown-filter',
  'capture',
  'capture_duration',
]);
const MACRO_KEYS = new Set(['macro', 'condition', 'append', 'override']);
const LIST_KEYS = new Set(['list', 'items', 'append', 'override']);
const HEADER_KEYS = new Set(['required_engine_version', 'required_plugin_versions']);

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Problems Falco would reject, or silently get wrong, in a parsed rules file: missing or
 * unknown fields, an invalid priority, a condition that does not parse, a macro or list that
 * neither the default ruleset (`known`) nor the file itself defines, and a name that silently
 * redefines one of the default ruleset's. Empty when the file is sound.
 */
export function checkRulesFile(doc: unknown, known: KnownNames = DEFAULT_RULESET_NAMES): string[] {
  if (!Array.isArray(doc)) return ['rules file: expected a YAML sequence of rule, macro and list items'];
  const problems: string[] = [];
  const ownMacros = new Set<string>();
  const ownLists = new Set<string>();
  const defaultNames = new Set([...known.macros, ...known.lists]);

  const define = (kind: 'macro' | 'list', name: unknown, where: string, own: Set<string>): void => {
    if (typeof name !== 'string' || name === '') {
      problems.push(`${where}: "${kind}" must be a non-empty string`);
      return;
    }
    if (own.has(name)) problems.push(`${where}: ${kind} "${name}" is defined twice in this file`);
    if (defaultNames.has(name)) problems.push(`${where}: ${kind} "${name}" would replace the default ruleset's "${name}"; choose another name`);
    own.add(name);
  };

  doc.forEach((item, index) => {
    const where = `item ${index + 1}`;
    if (!isRecord(item)) {
      problems.push(`${where}: expected a mapping`);
    } else if ('list' in item) {
      define('list', item.list, where, ownLists);
      if (!Array.isArray(item.items) || item.items.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
        problems.push(`${where}: list "${String(item.list)}" needs "items", a sequence of values`);
      }
      for (const k of Object.keys(item)) if (!LIST_KEYS.has(k)) problems.push(`${where}: unknown list field "${k}"`);
    } else if ('macro' in item) {
      define('macro', item.macro, where, ownMacros);
      if (typeof item.condition !== 'string' || item.condition.trim() === '') problems.push(`${where}: macro "${String(item.macro)}" needs a condition`);
      for (const k of Object.keys(item)) if (!MACRO_KEYS.has(k)) problems.push(`${where}: unknown macro field "${k}"`);
    } else if ('rule' in item) {
      const name = typeof item.rule === 'string' ? item.rule : `#${index + 1}`;
      for (const f of RULE_REQUIRED) {
        if (typeof item[f] !== 'string' || (item[f] as string).trim() === '') problems.push(`rule "${name}": missing "${f}" (a non-empty string)`);
      }
      if (typeof item.priority === 'string' && !isFalcoPriority(item.priority)) {
        problems.push(`rule "${name}": priority "${item.priority}" is not a Falco priority; expected one of ${ACCEPTED_PRIORITY_NAMES.join(', ')}`);
      }
      if (item.tags !== undefined && (!Array.isArray(item.tags) || item.tags.some((t) => typeof t !== 'string'))) {
        problems.push(`rule "${name}": tags must be a sequence of strings`);
      }
      if (item.enabled !== undefined && typeof item.enabled !== 'boolean') problems.push(`rule "${name}": enabled must be true or false`);
      for (const k of Object.keys(item)) if (!RULE_KEYS.has(k)) problems.push(`rule "${name}": unknown rule field "${k}"`);
    } else if (!Object.keys(item).every((k) => HEADER_KEYS.has(k))) {
      problems.push(`${where}: not a rule, macro or list (keys: ${Object.keys(item).join(', ')})`);
    }
  });

  // References, once every name of the file is known (Falco resolves them after loading).
  const macros = new Set([...known.macros, ...ownMacros]);
  const lists = new Set([...known.lists, ...ownLists]);
  doc.forEach((item, index) => {
    if (!isRecord(item) || typeof item.condition !== 'string' || item.condition.trim() === '') return;
    const what = 'rule' in item ? `rule "${String(item.rule)}"` : 'macro' in item ? `macro "${String(item.macro)}"` : `item ${index + 1}`;
    let refs: ConditionReferences;
    try {
      refs = conditionReferences(item.condition, lists);
    } catch (err) {
      problems.push(`${what}: condition does not parse: ${(err as Error).message}`);
      return;
    }
    for (const m of refs.macros) {
      if (!macros.has(m)) {
        problems.push(
          lists.has(m)
            ? `${what}: "${m}" is a list, not a macro; use it inside "in (...)"`
            : `${what}: macro "${m}" is defined neither by the default ruleset (${DEFAULT_RULESET_VERSION}) nor by this file`,
        );
      }
    }
    for (const l of refs.lists) {
      if (!lists.has(l)) problems.push(`${what}: list "${l}" is defined neither by the default ruleset (${DEFAULT_RULESET_VERSION}) nor by this file`);
    }
  });
  return problems;
}
