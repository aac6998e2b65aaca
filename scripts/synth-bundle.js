/**
 * The bundle `npm run synth` runs: esbuild bundles an entry point (our TypeScript, tree-shaking
 * the large generated bindings in imports/, and the npm packages it uses) into a cache folder, and
 * the bundle is reused until the content of one of its source files changes. The cache key is a
 * hash of every input's bytes (plus esbuild's version and the build options), never sizes or
 * times: a same-size edit that keeps an old mtime rebuilds too.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** Replaces `file` atomically (temporary file in the same folder, then rename): concurrent runs never see half a bundle. */
function writeAtomic(file, data) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, data, { flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** sha256 over the build settings and each input's path and bytes; undefined when an input is gone. */
function contentKey(root, settings, inputs) {
  const h = crypto.createHash('sha256').update(settings);
  for (const rel of inputs) {
    let bytes;
    try {
      bytes = fs.readFileSync(path.join(root, rel));
    } catch {
      return undefined;
    }
    h.update(`\0${rel}\0${bytes.length}\0`).update(bytes);
  }
  return h.digest('hex');
}

function buildOptions(root, entry) {
  return {
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    // npm packages go into the bundle too: one file to load instead of some 600 modules to
    // resolve, read and compile (the V8 compile cache then covers all of it).
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'error',
  };
}

/**
 * An up-to-date bundle of `entry` (absolute), built into `cacheDir` if needed: its path, and the
 * content key of its sources. The bundle sits in `cacheDir`, so its external `require`s resolve
 * from there.
 */
function bundleWithKey(root, entry, cacheDir) {
  const manifestFile = path.join(cacheDir, 'manifest.json');
  const bundleFile = path.join(cacheDir, 'bundle.js');
  const esbuildVersion = require('esbuild/package.json').version;
  const settings = JSON.stringify({ esbuildVersion, options: buildOptions(root, path.relative(root, entry)) });
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    if (manifest.key === contentKey(root, settings, manifest.inputs) && fs.existsSync(bundleFile)) return { file: bundleFile, key: manifest.key };
  } catch {
    // no cache yet, or unreadable: build
  }
  const result = require('esbuild').buildSync(buildOptions(root, entry));
  // Our sources by their bytes; the bundled npm packages by npm's record of what is installed
  // (node_modules/.package-lock.json changes with every install), which is cheaper to hash.
  const inputs = [...new Set(Object.keys(result.metafile.inputs).map((i) => (i.startsWith('node_modules/') ? 'node_modules/.package-lock.json' : i)))].sort();
  fs.mkdirSync(cacheDir, { recursive: true });
  writeAtomic(bundleFile, result.outputFiles[0].text);
  // Keyed on what was read for this build: a source edited during the build makes the key stale, never the bundle.
  const key = contentKey(root, settings, inputs);
  writeAtomic(manifestFile, JSON.stringify({ key, inputs }));
  return { file: bundleFile, key };
}

/** The path of an up-to-date bundle of `entry`. */
function bundle(root, entry, cacheDir) {
  return bundleWithKey(root, entry, cacheDir).file;
}

module.exports = { bundle, bundleWithKey, writeAtomic };
