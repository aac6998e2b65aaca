/** lib/output/up-to-date.ts: a synth is skipped only when neither its inputs nor its output changed. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inputsKey, isUpToDate, outputState, stampFile, writeStamp } from '../../lib/output/up-to-date';
import { writeSynthOutput } from '../../lib/output/write-output';
import { environmentsCopy } from '../helpers';
import { docsFiles, outputFiles } from './fixtures/write-fixture';

const written: string[] = [];
afterAll(() => written.forEach((out) => fs.rmSync(stampFile(out), { force: true })));

async function synthesized(): Promise<string> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exam-utd-')), 'out');
  written.push(out);
  await writeSynthOutput(out, outputFiles('a'), docsFiles('a'), { afterWrite: () => writeStamp(out, 'key-1') });
  expect(isUpToDate(out, 'key-1')).toBe(true);
  return out;
}

describe('up to date', () => {
  test('the stamp taken from the contents synth just wrote is the state read back from disk', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exam-utd-')), 'out');
    written.push(out);
    let known: ReadonlyMap<string, string> = new Map();
    await writeSynthOutput(out, outputFiles('a'), docsFiles('a'), {
      afterWrite: (contents) => {
        known = contents;
        writeStamp(out, 'key-1', contents);
      },
    });
    expect(known.size).toBe(outputFiles('a').length + docsFiles('a').length);
    expect(outputState(out, true, known)).toEqual(outputState(out, true));
    expect(isUpToDate(out, 'key-1')).toBe(true);
  });

  test('other inputs: not up to date', async () => {
    expect(isUpToDate(await synthesized(), 'key-2')).toBe(false);
  });

  test.each([
    ['an output file edited', (out: string) => fs.appendFileSync(path.join(out, 'staging', 'configmap-1.yaml'), '#\n')],
    ['an output file removed', (out: string) => fs.rmSync(path.join(out, 'staging', 'configmap-1.yaml'))],
    ['a file added to the output folder', (out: string) => fs.writeFileSync(path.join(out, 'staging', 'extra.yaml'), 'x\n')],
    ['the docs page edited', (out: string) => fs.appendFileSync(path.join(path.dirname(out), 'docs', 'environments.md'), 'x\n')],
    ['the record edited', (out: string) => fs.appendFileSync(path.join(out, '.synth-manifest'), 'x\n')],
    ['a staging folder left by a killed run', (out: string) => fs.mkdirSync(path.join(path.dirname(out), `.out.${process.pid}.0123456789ab.tmp`))],
    ['another run holding the lock', (out: string) => fs.writeFileSync(path.join(path.dirname(out), '.out.lock'), `${process.pid} host x\n`)],
  ])('%s: not up to date', async (_label, change) => {
    const out = await synthesized();
    change(out);
    expect(isUpToDate(out, 'key-1')).toBe(false);
  });

  test('a hand-written page next to the docs page does not matter', async () => {
    const out = await synthesized();
    fs.writeFileSync(path.join(path.dirname(out), 'docs', 'decisions.md'), '# Decisions\n');
    expect(isUpToDate(out, 'key-1')).toBe(true);
  });

  test('the inputs key follows the environment files by content, ignoring the writers\' hidden files', () => {
    const dir = environmentsCopy();
    const key = inputsKey('code', dir, '/out');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(inputsKey('other code', dir, '/out')).not.toBe(key);
    expect(inputsKey('code', dir, '/elsewhere')).not.toBe(key);
    fs.writeFileSync(path.join(dir, '.staging.yaml.lock'), '1 host x\n');
    fs.utimesSync(path.join(dir, 'staging.yaml'), 1_700_000_000, 1_700_000_000);
    expect(inputsKey('code', dir, '/out')).toBe(key);
    fs.appendFileSync(path.join(dir, 'staging.yaml'), '\n');
    expect(inputsKey('code', dir, '/out')).not.toBe(key);
  });
});
