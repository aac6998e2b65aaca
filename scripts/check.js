#!/usr/bin/env node
/**
 * The static checks of `npm test`: package.json's "typecheck" and "lint" scripts, run at once
 * (two cores, no nested npm start-up), each one's output printed whole when it ends. Exits
 * non-zero when either fails; `npm test` then stops before jest.
 */
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { scripts } = require(path.join(root, 'package.json'));

function run(name) {
  return new Promise((resolve) => {
    // npm puts node_modules/.bin on PATH for `npm test`; add it for a direct run too.
    const env = { ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}` };
    const child = spawn(scripts[name], { cwd: root, env, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (d) => (output += d));
    }
    child.on('close', (code, signal) => resolve({ name, code: code ?? 1, signal, output }));
  });
}

Promise.all(['typecheck', 'lint'].map(run)).then((results) => {
  for (const r of results) {
    if (r.output !== '') process.stdout.write(r.output);
    if (r.code !== 0) process.stderr.write(`npm run ${r.name} failed (${r.signal ?? `exit ${r.code}`}): ${scripts[r.name]}\n`);
  }
  process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
});
