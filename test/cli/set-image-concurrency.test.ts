/**
 * set-image as separate processes at once (the release job bumps several services in parallel):
 * every update lands, no temporary or lock file is left. And a file using YAML anchors or aliases
 * is refused with file:line, because an edit through an alias changes every user of the value.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SERVICE_NAMES } from '../../lib/config/catalog';
import { loadEnvironments } from '../../lib/config/load';
import { environmentsCopy } from '../helpers';
import { cliBundle } from '../support/cli-bundle';
import { cli } from './run-cli';

// Child processes: slow on a loaded machine, never a timing assertion.
jest.setTimeout(60_000);

describe('parallel set-image runs', () => {
  const bundled = cliBundle();

  test('four processes edit one file at once: every update is there', async () => {
    const dir = environmentsCopy();
    const tags = SERVICE_NAMES.slice(0, 4).map((s, i) => [s, `parallel-${i}-${s}@sha256:${String(i).repeat(64)}`] as const);
    const results = await Promise.all(
      tags.map(
        ([service, tag]) =>
          new Promise<{ code: number | null; err: string }>((resolve) => {
            const child = spawn(process.execPath, [bundled, 'set-image', 'staging', service, tag, '--environments-dir', dir]);
            let err = '';
            child.stderr.on('data', (d: Buffer) => (err += d.toString()));
            child.on('exit', (code) => resolve({ code, err }));
          }),
      ),
    );
    expect(results).toEqual(tags.map(() => ({ code: 0, err: '' })));
    const staging = loadEnvironments(dir).find((e) => e.name === 'staging');
    const now = Object.fromEntries(staging?.services.map((s) => [s.name, s.tag]) ?? []);
    for (const [service, tag] of tags) expect(now[service]).toBe(tag);
    expect(fs.readdirSync(dir).sort()).toEqual(['calendar.yaml', 'development.yaml', 'hotfix.yaml', 'production.yaml', 'staging.yaml']);
  });
});

describe('YAML anchors and aliases', () => {
  test.each([
    ['an alias to another service', (t: string) => t.replace('auth-service: {', 'auth-service: &auth {').replace(/frontend: \{[^}]*\}/, 'frontend: *auth'), 'anchor &auth'],
    ['an anchored tag reused elsewhere', (t: string) => t.replace('exam-service: { tag: v1.13.0-rc.1', 'exam-service: { tag: &rc v1.13.0-rc.1').replace(/frontend: \{ tag: [^,]+,/, 'frontend: { tag: *rc,'), 'anchor &rc'],
  ])('%s: refused with file:line, the file is untouched', (_label, edit, what) => {
    const dir = environmentsCopy({ 'staging.yaml': edit });
    const file = path.join(dir, 'staging.yaml');
    const before = fs.readFileSync(file, 'utf8');
    // The anchor's own line (the edit put it there), counted from the file as written.
    const line = before.split('\n').findIndex((l) => l.includes(what.replace('anchor ', ''))) + 1;
    expect(line).toBeGreaterThan(0);
    const r = cli('set-image', 'staging', 'auth-service', `abc1234@sha256:${'e'.repeat(64)}`, '--environments-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`error: ${file}:${line}: ${what}: YAML anchors and aliases are not supported in environment files (an edit through an alias would change every other user of the value); write each value out\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });
});
