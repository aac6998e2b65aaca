/**
 * scripts/check.js, the static checks of `npm test`: package.json's "typecheck" and "lint" run at
 * once, each one's output printed whole, and a failure of either fails the whole (so that `npm
 * test` stops before jest). Run here on a scratch package whose scripts pass or fail on purpose.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function check(scripts: { typecheck: string; lint: string }): { status: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-check-'));
  try {
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.copyFileSync(path.join(__dirname, '..', '..', 'scripts', 'check.js'), path.join(dir, 'scripts', 'check.js'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scratch', scripts }));
    const r = spawnSync(process.execPath, [path.join(dir, 'scripts', 'check.js')], { encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('scripts/check.js', () => {
  test('both pass: exit 0, and each output is printed', () => {
    expect(check({ typecheck: 'echo types fine', lint: 'echo lint fine' })).toEqual({ status: 0, out: 'types fine\nlint fine\n' });
  });

  test('either fails: exit 1, naming the script that failed, after its whole output', () => {
    const lint = check({ typecheck: 'echo types fine', lint: 'echo "a.ts: 1 problem"; exit 3' });
    expect(lint.status).toBe(1);
    expect(lint.out).toContain('a.ts: 1 problem\n');
    expect(lint.out).toContain('npm run lint failed (exit 3): echo "a.ts: 1 problem"; exit 3\n');
    expect(lint.out).not.toContain('npm run typecheck failed');
    const types = check({ typecheck: 'echo "x.ts(1,7): error" >&2; exit 2', lint: 'true' });
    expect(types.status).toBe(1);
    expect(types.out).toContain('x.ts(1,7): error\n');
    expect(types.out).toContain('npm run typecheck failed (exit 2)');
  });
});
