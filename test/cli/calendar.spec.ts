import { cli } from './run-cli';
import { environmentsCopy } from '../helpers';

describe('calendar', () => {
  test('prints the sessions of a week: local and UTC times, the freeze read from the AppProjects, the pre-scaling window and the replicas', () => {
    const r = cli('calendar', '--from', '2026-09-05', '--days', '3');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('Exam sessions in production from 2026-09-05 for 3 days (UTC)');
    expect(lines[1]).toMatch(/^SESSION\s+LOCAL TIME\s+UTC\s+NO AUTOMATIC SYNC \(UTC\)\s+PRE-SCALED \(UTC\)\s+REPLICAS$/);
    // Saturday the 5th (two sessions), no Sunday session, Monday the 7th (two).
    const rows = lines.slice(2, 6).map((l) => l.split(/\s{2,}/));
    expect(rows).toEqual([
      ['morning', 'Sat 2026-09-05 08:00–12:00 Asia/Shanghai', 'Sat 2026-09-05 00:00–04:00', '2026-09-04 23:30–04:30', '2026-09-04 23:30–04:30', 'auth-service 5, exam-service 15, question-service 8'],
      ['afternoon', 'Sat 2026-09-05 14:00–18:00 Asia/Shanghai', 'Sat 2026-09-05 06:00–10:00', '2026-09-05 05:30–10:30', '2026-09-05 05:30–10:30', 'auth-service 4, exam-service 10, question-service 5'],
      ['morning', 'Mon 2026-09-07 08:00–12:00 Asia/Shanghai', 'Mon 2026-09-07 00:00–04:00', '2026-09-06 23:30–04:30', '2026-09-06 23:30–04:30', 'auth-service 5, exam-service 15, question-service 8'],
      ['afternoon', 'Mon 2026-09-07 14:00–18:00 Asia/Shanghai', 'Mon 2026-09-07 06:00–10:00', '2026-09-07 05:30–10:30', '2026-09-07 05:30–10:30', 'auth-service 4, exam-service 10, question-service 5'],
    ]);
    expect(r.out).toContain('a person with the delivery role may still sync');
  });

  test('a dated sitting across a daylight-saving change: 10:00 in London is 09:00 UTC in June', () => {
    const r = cli('calendar', '--from', '2027-06-13', '--days', '1');
    expect(r.out).toMatch(/overseas-sitting\s+Sun 2027-06-13 10:00–13:00 Europe\/London\s+Sun 2027-06-13 09:00–12:00\s+2027-06-13 08:30–12:30/);
  });

  test('staging has no sessions; --days defaults to 7', () => {
    expect(cli('calendar', '--env', 'staging', '--from', '2026-09-07').out).toBe('Exam sessions in staging from 2026-09-07 for 7 days (UTC)\nNo exam sessions.\n');
    expect(cli('calendar', '--from', '2026-09-07').out).toBe(cli('calendar', '--from', '2026-09-07', '--days', '7').out);
  });

  test('a staging rehearsal shows the freeze but no pre-scaling', () => {
    const envs = environmentsCopy({ 'calendar.yaml': (t) => t.replace('environments: [production]', 'environments: [production, staging]') });
    const r = cli('calendar', '--env', 'staging', '--from', '2026-09-07', '--days', '1', '--environments-dir', envs);
    expect(r.out).toMatch(/morning\s+Mon 2026-09-07 08:00–12:00 Asia\/Shanghai\s+Mon 2026-09-07 00:00–04:00\s+2026-09-06 23:30–04:30\s+no \(CPU scaling only\)\s+-/);
  });

  test('beyond the horizon it says so', () => {
    expect(cli('calendar', '--from', '2027-08-30', '--days', '5').out).toContain('Note: the calendar is checked from 2026-09-01 to 2027-08-31');
  });

  test.each([
    [['--from', '2026-02-30'], /--from 2026-02-30: expected a date YYYY-MM-DD/],
    [['--days', '0'], /--days 0: expected a whole number of days from 1 to 366/],
    [['--env', 'prod'], /argument 'prod' is invalid|Allowed choices/],
  ])('bad input %j exits 2', (args, message) => {
    const r = cli('calendar', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
