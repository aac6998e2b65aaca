/**
 * The custom Falco rules, read back from the rendered ConfigMap: required fields, Falco
 * priorities, and every macro and list a condition uses defined by the default ruleset or by
 * the file itself. Also the condition tokenizer those checks rest on.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import {
  checkRulesFile,
  conditionReferences,
  DEFAULT_RULESET_LISTS,
  DEFAULT_RULESET_MACROS,
  EXAM_ROUTINELY_READ_FILES,
  EXAM_RULES_FILE,
  isFalcoPriority,
  SEED_PRIORITY_MAPPING,
  tokenizeCondition,
  type ConditionToken,
} from '../../lib/config/falco-rules';
import { SECURITY_NAMESPACE } from '../../lib/config/namespaces';
import { FALCO_IMAGE } from '../../lib/config/versions';
import { Falco, FALCO_CONFIG_MAP } from '../../lib/constructs/falco';

const WATCHED = ['exam-system', 'exam-system-staging', 'exam-system-hotfix'];

/** The custom rules file exactly as the ConfigMap carries it, parsed. */
function renderedRules(): Record<string, unknown>[] {
  const chart = Testing.chart();
  new Falco(chart, 'falco', { namespace: SECURITY_NAMESPACE, watchedNamespaces: WATCHED, image: FALCO_IMAGE });
  const cm = (Testing.synth(chart) as { kind: string; metadata: { name: string }; data?: Record<string, string> }[]).find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === FALCO_CONFIG_MAP,
  );
  const text = cm?.data?.[EXAM_RULES_FILE];
  if (text === undefined) throw new Error(`ConfigMap ${FALCO_CONFIG_MAP} has no ${EXAM_RULES_FILE}`);
  return parse(text) as Record<string, unknown>[];
}

const items = renderedRules();
const rules = items.filter((i) => 'rule' in i);
const ownMacros = items.filter((i) => 'macro' in i).map((i) => i.macro as string);
const ownLists = items.filter((i) => 'list' in i).map((i) => i.list as string);

/** Falco's priorities, as the Falco documentation lists them (INFO is accepted for INFORMATIONAL). */
const VALID_PRIORITIES = ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFORMATIONAL', 'INFO', 'DEBUG'];

describe('each custom rule, parsed from the rendered ConfigMap', () => {
  test('the file holds the two specified rules', () => {
    expect(rules.map((r) => r.rule)).toEqual(['Unauthorized Process in Container', 'Sensitive File Access in Exam System']);
  });

  test.each(['Unauthorized Process in Container', 'Sensitive File Access in Exam System'])('%s has rule, desc, condition, output, priority', (name) => {
    const rule = rules.find((r) => r.rule === name)!;
    for (const field of ['rule', 'desc', 'condition', 'output', 'priority']) {
      expect({ field, type: typeof rule[field], empty: String(rule[field]).trim() === '' }).toEqual({ field, type: 'string', empty: false });
    }
  });

  test.each(['Unauthorized Process in Container', 'Sensitive File Access in Exam System'])('%s has a valid Falco priority', (name) => {
    const rule = rules.find((r) => r.rule === name)!;
    expect(VALID_PRIORITIES).toContain(String(rule.priority).toUpperCase());
  });

  test.each(['Unauthorized Process in Container', 'Sensitive File Access in Exam System'])(
    '%s uses only macros and lists the default ruleset or this file defines',
    (name) => {
      const rule = rules.find((r) => r.rule === name)!;
      const lists = new Set([...DEFAULT_RULESET_LISTS, ...ownLists]);
      const refs = conditionReferences(rule.condition as string, lists);
      expect(refs.macros.length + refs.lists.length).toBeGreaterThan(0);
      expect(refs.macros.filter((m) => !DEFAULT_RULESET_MACROS.includes(m) && !ownMacros.includes(m))).toEqual([]);
      expect(refs.lists.filter((l) => !lists.has(l))).toEqual([]);
    },
  );

  test('the whole file passes the rules-file check (fields, priorities, references, no shadowed defaults)', () => {
    expect(checkRulesFile(items)).toEqual([]);
  });
});

describe('kept in meaning', () => {
  const byName = (name: string) => conditionReferences(rules.find((r) => r.rule === name)!.condition as string, new Set(ownLists));
  const listItems = (name: string) => items.find((i) => i.list === name)?.items as string[] | undefined;

  test('Unauthorized Process in Container: a process spawned in a container of a watched namespace, not on the allowed list', () => {
    const refs = byName('Unauthorized Process in Container');
    expect(refs.macros).toEqual(['spawned_process', 'container']);
    expect(refs.fields).toEqual(['k8s.ns.name', 'proc.name']);
    expect(rules[0].condition).toMatch(/not proc\.name in \(exam_system_allowed_processes\)/);
    // The design's values, written out: the rendered list must hold exactly these.
    expect(listItems('exam_system_allowed_processes')).toEqual(['node', 'python', 'java', 'nginx', 'curl', 'wget', 'ps', 'top', 'netstat']);
    expect(listItems('exam_system_namespaces')).toEqual(WATCHED);
    expect(rules[0].priority).toBe('WARNING');
  });

  test('Sensitive File Access in Exam System: the same files, reads of secrets and writes of the routinely read ones', () => {
    const refs = byName('Sensitive File Access in Exam System');
    expect([...refs.macros].sort()).toEqual(['container', 'open_read', 'open_write']);
    const watched = [...(listItems('exam_system_secret_files') ?? []), ...(listItems('exam_system_routinely_read_files') ?? [])];
    expect(watched.sort()).toEqual(['/etc/hosts', '/etc/passwd', '/etc/shadow', '/root/.ssh/id_rsa']); // the design's four files, written out
    expect(listItems('exam_system_routinely_read_files')).toEqual(['/etc/passwd', '/etc/hosts']);
  });

  /**
   * The rule's condition evaluated on events: `open_read` / `open_write` are the default
   * ruleset's macros (falcosecurity/rules rules/falco_rules.yaml: an open/openat/openat2 that
   * succeeded, for reading / writing), `container` is true in a container. The C library reads
   * /etc/hosts on every host-name lookup and /etc/passwd on every user-name lookup, so a rule
   * that matched those reads would fire on nearly every request (which is why the default
   * ruleset's `sensitive_file_names` lists /etc/shadow but neither of them).
   */
  describe('Sensitive File Access in Exam System, on events', () => {
    const rule = rules.find((r) => r.rule === 'Sensitive File Access in Exam System')!;
    interface FileEvent {
      readonly open: 'read' | 'write';
      readonly file: string;
      readonly namespace: string;
      readonly container: boolean;
    }
    /** A small evaluator for the condition's grammar: and, or, not, parentheses, macros, `field in (list)`. */
    function matches(condition: string, e: FileEvent): boolean {
      const tokens: ConditionToken[] = tokenizeCondition(condition);
      let pos = 0;
      const word = () => {
        const t = tokens[pos++];
        if (t?.kind !== 'word') throw new Error(`expected a word at token ${pos}`);
        return t.value;
      };
      const fields: Record<string, string> = { 'fd.name': e.file, 'k8s.ns.name': e.namespace };
      const macros: Record<string, boolean> = { open_read: e.open === 'read', open_write: e.open === 'write', container: e.container };
      const term = (): boolean => {
        const t = tokens[pos];
        if (t?.kind === 'lparen') {
          pos++;
          const v = or();
          if (tokens[pos++]?.kind !== 'rparen') throw new Error('expected )');
          return v;
        }
        const w = word();
        if (w === 'not') return !term();
        if (tokens[pos]?.kind === 'word' && (tokens[pos] as { value: string }).value === 'in') {
          pos++;
          if (tokens[pos++]?.kind !== 'lparen') throw new Error('expected ( after in');
          const items: string[] = [];
          while (tokens[pos]?.kind !== 'rparen') {
            const name = word();
            items.push(...(listItems(name) ?? [name]).map(String));
            if (tokens[pos]?.kind === 'comma') pos++;
          }
          pos++;
          if (!(w in fields)) throw new Error(`field ${w} is not modelled`);
          return items.includes(fields[w]);
        }
        if (!(w in macros)) throw new Error(`macro ${w} is not modelled`);
        return macros[w];
      };
      const and = (): boolean => {
        let v = term();
        while (tokens[pos]?.kind === 'word' && (tokens[pos] as { value: string }).value === 'and') {
          pos++;
          v = term() && v;
        }
        return v;
      };
      const or = (): boolean => {
        let v = and();
        while (tokens[pos]?.kind === 'word' && (tokens[pos] as { value: string }).value === 'or') {
          pos++;
          v = and() || v;
        }
        return v;
      };
      const v = or();
      if (pos !== tokens.length) throw new Error(`trailing tokens at ${pos}`);
      return v;
    }
    const event = (open: FileEvent['open'], file: string, namespace = 'exam-system', container = true): FileEvent => ({ open, file, namespace, container });

    test('a DNS lookup (/etc/hosts) or a user lookup (/etc/passwd) does not fire', () => {
      for (const file of EXAM_ROUTINELY_READ_FILES) expect([file, matches(rule.condition as string, event('read', file))]).toEqual([file, false]);
    });

    test('writing /etc/hosts or /etc/passwd fires', () => {
      for (const file of EXAM_ROUTINELY_READ_FILES) expect([file, matches(rule.condition as string, event('write', file))]).toEqual([file, true]);
    });

    test('reading /etc/shadow or the SSH key fires, in every watched namespace, only in containers', () => {
      for (const file of ['/etc/shadow', '/root/.ssh/id_rsa']) {
        for (const ns of WATCHED) expect([file, ns, matches(rule.condition as string, event('read', file, ns))]).toEqual([file, ns, true]);
        expect(matches(rule.condition as string, event('read', file, 'kube-system'))).toBe(false);
        expect(matches(rule.condition as string, event('read', file, 'exam-system', false))).toBe(false);
      }
      expect(matches(rule.condition as string, event('read', '/etc/group'))).toBe(false);
    });

    test('the former condition (open_read of any of the four) would have fired on every lookup', () => {
      const former = 'open_read and k8s.ns.name in (exam_system_namespaces) and fd.name in (/etc/passwd, /etc/shadow, /etc/hosts, /root/.ssh/id_rsa)';
      expect(matches(former, event('read', '/etc/hosts'))).toBe(true);
    });
  });

  test('HIGH is not a Falco priority; the specified HIGH maps to ERROR, one level above the other rule WARNING', () => {
    expect(isFalcoPriority('HIGH')).toBe(false);
    expect(SEED_PRIORITY_MAPPING.HIGH).toBe('ERROR');
    expect(rules[1].priority).toBe('ERROR');
    const rank = (p: unknown) => VALID_PRIORITIES.indexOf(String(p));
    expect(rank(rules[1].priority)).toBe(rank(rules[0].priority) - 1);
  });
});

describe('the condition tokenizer', () => {
  test('keeps dotted and indexed field names whole and splits operators glued to them', () => {
    expect(tokenizeCondition('fd.num>=0 and proc.aname[2]=linux-bench and proc.name!="<NA>"')).toEqual([
      { kind: 'word', value: 'fd.num' },
      { kind: 'op', value: '>=' },
      { kind: 'word', value: '0' },
      { kind: 'word', value: 'and' },
      { kind: 'word', value: 'proc.aname[2]' },
      { kind: 'op', value: '=' },
      { kind: 'word', value: 'linux-bench' },
      { kind: 'word', value: 'and' },
      { kind: 'word', value: 'proc.name' },
      { kind: 'op', value: '!=' },
      { kind: 'string', value: '<NA>' },
    ]);
  });

  test('parenthesised value lists are values (or list names), never macros', () => {
    const refs = conditionReferences(
      '(evt.type in (open,openat,openat2) and evt.is_open_read=true and fd.typechar=\'f\' and fd.num>=0) and k8s.ns.name in (exam-system, "kube-system")',
    );
    expect(refs.macros).toEqual([]);
    expect(refs.lists).toEqual([]);
    expect(refs.fields).toEqual(['evt.type', 'evt.is_open_read', 'fd.typechar', 'fd.num', 'k8s.ns.name']);
    expect(refs.values).toEqual(['open', 'openat', 'openat2', 'true', 'f', '0', 'exam-system', 'kube-system']);
  });

  test('bare words in boolean position are macros; snake_case list items and known list names are lists', () => {
    const refs = conditionReferences('spawned_process and not (shell_procs or proc.pname in (shell_binaries, runc, docker)) and evt.dir=<', new Set(['docker']));
    expect(refs.macros).toEqual(['spawned_process', 'shell_procs']);
    expect(refs.lists).toEqual(['shell_binaries', 'docker']);
    expect(refs.values).toEqual(['runc', '<']);
  });

  test('unary and word operators, transformers', () => {
    const refs = conditionReferences('proc.pname exists and tolower(proc.name) startswith python and fd.name glob "/home/*/.ssh/*"');
    expect(refs.fields).toEqual(['proc.pname', 'proc.name', 'fd.name']);
    expect(refs.macros).toEqual([]);
    expect(refs.values).toEqual(['python', '/home/*/.ssh/*']);
  });

  test('syntax errors say where', () => {
    expect(() => conditionReferences('spawned_process and')).toThrow(/end of condition/);
    expect(() => conditionReferences('proc.name in (a, b')).toThrow(/"," or "\)"/);
    expect(() => conditionReferences('proc.name = "unterminated')).toThrow(/unterminated string/);
    expect(() => conditionReferences('container container')).toThrow(/"and", "or"/);
  });
});

describe('the reference check catches what Falco would reject or silently get wrong', () => {
  const rule = (condition: string, priority = 'WARNING') => ({ rule: 'R', desc: 'd', condition, output: 'o %proc.name', priority });

  test('an unknown macro is caught', () => {
    expect(checkRulesFile([rule('spawned_proces and container')])).toEqual([
      'rule "R": macro "spawned_proces" is defined neither by the default ruleset (falco-rules-5.1.0) nor by this file',
    ]);
  });

  test('an unknown list is caught (Falco would silently compare against the literal name)', () => {
    expect(checkRulesFile([rule('spawned_process and not proc.name in (exam_allowed_procs)')])).toEqual([
      'rule "R": list "exam_allowed_procs" is defined neither by the default ruleset (falco-rules-5.1.0) nor by this file',
    ]);
  });

  test('a list used as a macro, a missing field, HIGH, and a redefined default macro are caught', () => {
    const problems = checkRulesFile([
      rule('spawned_process and shell_binaries', 'HIGH'),
      { rule: 'No output', desc: 'd', condition: 'container', priority: 'NOTICE' },
      { macro: 'container', condition: 'container.id != host' },
    ]);
    expect(problems).toEqual([
      'rule "R": priority "HIGH" is not a Falco priority; expected one of EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL, DEBUG, INFO',
      'rule "No output": missing "output" (a non-empty string)',
      'item 3: macro "container" would replace the default ruleset\'s "container"; choose another name',
      'rule "R": "shell_binaries" is a list, not a macro; use it inside "in (...)"',
    ]);
  });

  test('macros and lists the file defines itself count as defined', () => {
    expect(
      checkRulesFile([
        { list: 'exam_tools', items: ['node'] },
        { macro: 'exam_container', condition: 'container and k8s.ns.name in (exam-system)' },
        rule('spawned_process and exam_container and not proc.name in (exam_tools)'),
      ]),
    ).toEqual([]);
  });
});

describe('the recorded default ruleset names', () => {
  test('have no duplicates, and hold what the custom rules rely on', () => {
    expect(new Set(DEFAULT_RULESET_MACROS).size).toBe(DEFAULT_RULESET_MACROS.length);
    expect(new Set(DEFAULT_RULESET_LISTS).size).toBe(DEFAULT_RULESET_LISTS.length);
    expect(DEFAULT_RULESET_MACROS.filter((m) => DEFAULT_RULESET_LISTS.includes(m))).toEqual([]);
    for (const m of ['spawned_process', 'container', 'open_read']) expect(DEFAULT_RULESET_MACROS).toContain(m);
    expect(DEFAULT_RULESET_MACROS.length).toBe(86);
    expect(DEFAULT_RULESET_LISTS.length).toBe(49);
  });
});
