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

/**
 * The bundle as pure ASCII. esbuild escapes every non-ASCII character of code (its default
 * charset), but copies comments as they are, and a few comments of the bundled packages hold
 * typographic quotes and dashes. One such character makes the whole 4 MB file a two-byte string
 * to decode (about 15 ms of every synth). Escaped as `\uXXXX` (UTF-16 units), a comment only
 * reads differently, and a string, regular expression or identifier means the same.
 */
function asciiOnly(text) {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
 * How long an input must have been left alone before its file status alone vouches for the
 * bytes last hashed (longer than any file system's time granularity, FAT's 2 s included).
 */
const SETTLE_MS = 3000;

/** Each input's identity and times, `dev:ino:size:mtimeNs:ctimeNs`; undefined when one is gone. */
function statsOf(root, inputs) {
  const stats = [];
  for (const rel of inputs) {
    let s;
    try {
      s = fs.statSync(path.join(root, rel), { bigint: true });
    } catch {
      return undefined;
    }
    stats.push(`${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`);
  }
  return stats;
}

/**
 * Whether `stats` vouch for the content hashed when `verified` was recorded, so the inputs need
 * not be read again (as Bazel's and git's file digest caches do). A write to a file sets its
 * change time (ctime) to the present, and no tool sets it back (`touch` and utimes set the
 * modification time only), so a file that kept its inode, size and both times kept its bytes.
 * The one exception is a write in the same clock tick as the recorded ctime; it is ruled out by
 * trusting only files that had been left alone for SETTLE_MS when the hashing began. A file
 * written shortly before is hashed again, every time, until it has settled.
 */
function trustedStats(verified, stats) {
  if (verified === undefined || stats === undefined || verified.stats.length !== stats.length) return false;
  const settled = BigInt(verified.at - SETTLE_MS) * 1_000_000n;
  return verified.stats.every((s, i) => s === stats[i] && BigInt(s.slice(s.lastIndexOf(':') + 1)) < settled);
}

/**
 * An up-to-date bundle of `entry` (absolute), built into `cacheDir` if needed: its path, the
 * content key of its sources, and how they were checked (`stats`: unchanged since they were last
 * hashed; `content`: hashed; `built`). The bundle sits in `cacheDir`, so its external `require`s
 * resolve from there. `now` is the clock (tests move it on).
 */
function bundleWithKey(root, entry, cacheDir, now = Date.now) {
  const manifestFile = path.join(cacheDir, 'manifest.json');
  const bundleFile = path.join(cacheDir, 'bundle.js');
  const esbuildVersion = require('esbuild/package.json').version;
  const settings = JSON.stringify({ esbuildVersion, options: buildOptions(root, path.relative(root, entry)), ascii: true });
  /** The key of the inputs' bytes, and the record that vouches for it while their stats hold (taken before the reads). */
  const hashed = (inputs) => {
    const at = now();
    const stats = statsOf(root, inputs);
    const key = contentKey(root, settings, inputs);
    return { key, verified: stats === undefined ? undefined : { at, stats } };
  };
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    if (manifest.settings === settings && fs.existsSync(bundleFile)) {
      if (trustedStats(manifest.verified, statsOf(root, manifest.inputs))) return { file: bundleFile, key: manifest.key, checked: 'stats' };
      const { key, verified } = hashed(manifest.inputs);
      if (key === manifest.key) {
        writeAtomic(manifestFile, JSON.stringify({ ...manifest, verified }));
        return { file: bundleFile, key, checked: 'content' };
      }
    }
  } catch {
    // no cache yet, or unreadable: build
  }
  const result = require('esbuild').buildSync(buildOptions(root, entry));
  // Our sources by their bytes; the bundled npm packages by npm's record of what is installed
  // (node_modules/.package-lock.json changes with every install), which is cheaper to hash.
  const inputs = [...new Set(Object.keys(result.metafile.inputs).map((i) => (i.startsWith('node_modules/') ? 'node_modules/.package-lock.json' : i)))].sort();
  fs.mkdirSync(cacheDir, { recursive: true });
  writeAtomic(bundleFile, asciiOnly(result.outputFiles[0].text));
  // Keyed on what was read for this build: a source edited during the build makes the key stale, never the bundle.
  const { key, verified } = hashed(inputs);
  writeAtomic(manifestFile, JSON.stringify({ settings, key, inputs, verified }));
  return { file: bundleFile, key, checked: 'built' };
}

/** The path of an up-to-date bundle of `entry`. */
function bundle(root, entry, cacheDir) {
  return bundleWithKey(root, entry, cacheDir).file;
}

module.exports = { SETTLE_MS, asciiOnly, bundle, bundleWithKey, trustedStats, writeAtomic };
