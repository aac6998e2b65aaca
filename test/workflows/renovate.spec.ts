/**
 * renovate.json: its regex managers, run with JavaScript's engine (Renovate's custom regex
 * managers use the same named-group syntax), find every pin they are meant to keep current: the
 * images of lib/config/versions.ts, every chart of CHARTS, and the digest-pinned images actions
 * pull. Action SHAs are Renovate's github-actions manager with digest pinning.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHARTS } from '../../lib/config/versions';
import { REPO_ROOT } from '../../lib/paths';

interface Manager {
  customType: string;
  managerFilePatterns: string[];
  matchStrings: string[];
}
const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'renovate.json'), 'utf8')) as { extends: string[]; enabledManagers: string[]; customManagers: Manager[] };

function matches(file: string): Record<string, string>[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
  const out: Record<string, string>[] = [];
  for (const m of config.customManagers) {
    if (!m.managerFilePatterns.some((p) => new RegExp(p.slice(1, -1)).test(file))) continue;
    for (const s of m.matchStrings) for (const hit of text.matchAll(new RegExp(s, 'g'))) out.push({ ...hit.groups });
  }
  return out;
}

test('action SHAs are pinned and moved by Renovate', () => {
  expect(config.extends).toContain('helpers:pinGitHubActionDigests');
  expect(config.enabledManagers).toEqual(expect.arrayContaining(['github-actions', 'custom.regex']));
});

test('every image version of lib/config/versions.ts has a manager', () => {
  const found = matches('lib/config/versions.ts').filter((h) => h.datasource === 'docker').map((h) => h.depName).sort();
  expect(found).toEqual(['docker.io/falcosecurity/falco', 'docker.io/flagsmith/flagsmith', 'ghcr.io/open-feature/flagd']);
});

test('every chart of CHARTS has a manager, at its pinned version', () => {
  const found = matches('lib/config/versions.ts').filter((h) => h.datasource === undefined);
  for (const pin of Object.values(CHARTS)) {
    expect({ chart: pin.chart, found: found.some((h) => h.depName === pin.chart && h.currentValue === pin.version) }).toEqual({ chart: pin.chart, found: true });
  }
});

test('the images actions pull, pinned by digest in workflow env, have a manager', () => {
  const found = matches('.github/workflows/build-image.yml');
  expect(found.map((h) => [h.depName, /^sha256:[0-9a-f]{64}$/.test(h.currentDigest)])).toEqual([
    ['docker.io/tonistiigi/binfmt', true],
    ['docker.io/moby/buildkit', true],
  ]);
});
