/**
 * Every alert in the output links its runbook, and every runbook exists, names its alert and
 * says what to check and what to do. No runbook is left for an alert that no longer exists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNBOOK_DIR, runbookUrl } from '../../lib/config/slos';
import { synthesized } from '../support/synthesized';

interface Rule {
  alert?: string;
  annotations?: Record<string, string>;
}

const ROOT = path.join(__dirname, '..', '..');
const rules = synthesized()
  .objects.map((o) => o.object)
  .filter((o) => o.kind === 'PrometheusRule')
  .flatMap((o) => (o.spec as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules))
  .filter((r) => r.alert !== undefined);
const alertNames = [...new Set(rules.map((r) => r.alert!))].sort();

describe('runbooks', () => {
  test('the output has the threshold and the burn-rate alerts', () => {
    expect(alertNames).toEqual([
      'ExamAvailabilityBudgetFastBurn',
      'ExamAvailabilityBudgetSlowBurn',
      'ExamHighErrorRate',
      'ExamHighLatencyP95',
      'ExamLatencyBudgetFastBurn',
      'ExamLatencyBudgetSlowBurn',
      'ExamLowAvailability',
      'ExamLowSuccessRate',
    ]);
  });

  test('every alert carries runbook_url, a link into this repository on main', () => {
    for (const r of rules) {
      expect([r.alert, r.annotations?.runbook_url]).toEqual([r.alert, `https://github.com/exam-platform/exam-delivery/blob/main/${RUNBOOK_DIR}/${r.alert}.md`]);
      expect(r.annotations?.runbook_url).toBe(runbookUrl(r.alert!));
    }
  });

  test.each(alertNames)('%s: the runbook exists, names the alert, says what to check and what to do', (alert) => {
    const file = path.join(ROOT, RUNBOOK_DIR, `${alert}.md`);
    expect(fs.existsSync(file)).toBe(true);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toMatch(new RegExp(`^# ${alert}\\b`));
    expect(text).toMatch(/\*\*What it means\.\*\*/);
    const check = text.indexOf('\n## Check\n');
    const act = text.indexOf('\n## Act\n');
    expect(check).toBeGreaterThan(0);
    expect(act).toBeGreaterThan(check);
    // Each section has at least two items.
    expect((text.slice(check, act).match(/^(\d+\.|-) /gm) ?? []).length).toBeGreaterThanOrEqual(2);
    expect((text.slice(act).match(/^(\d+\.|-) /gm) ?? []).length).toBeGreaterThanOrEqual(2);
  });

  test('no runbook without an alert', () => {
    const files = fs.readdirSync(path.join(ROOT, RUNBOOK_DIR)).filter((f) => !f.startsWith('.'));
    expect(files.sort()).toEqual(alertNames.map((a) => `${a}.md`));
  });

  test('runbookUrl refuses what is not an alert name', () => {
    expect(() => runbookUrl('../secrets')).toThrow(/not an alert name/);
  });
});
