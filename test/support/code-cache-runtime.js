/**
 * jest's module runtime with V8's code cache: jest compiles every module again in every test
 * file (each file has its own module registry), and for cdk8s-plus, the generated bindings in
 * imports/ and the app that is a large share of the suite's time. This runtime passes V8 the
 * code cache of a module's exact source (kept under .build/jest-code-cache/, one file per module
 * path holding the hash of the source it was made from) and writes one when there is none or the
 * source changed. V8 also checks the cache against its own version and flags, and compiles
 * normally when it does not fit.
 * Plain JavaScript: jest loads its runtime with Node's require, before any transform.
 */
'use strict';
const { Buffer } = require('node:buffer');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Runtime = require('jest-runtime').default;

const CACHE_DIR = path.resolve(__dirname, '..', '..', '.build', 'jest-code-cache');

/** A module's cache file: one per module path, so the folder stays as large as the module set. */
function cacheFileOf(filename) {
  return path.join(CACHE_DIR, `${crypto.createHash('sha1').update(filename).digest('hex')}.bin`);
}

/** The module executor's compile, with V8's code cache (jest-runtime `ModuleExecutor.compile`). */
function compileWithCache(executor, compile, scriptSource, filename) {
  if (executor.resolution.isCoreModule(filename)) return compile(scriptSource, filename);
  const vmContext = executor.environment.getVmContext();
  if (vmContext == null) return null;
  const file = cacheFileOf(filename);
  // The file holds the SHA-1 of the source it was made from, then V8's data.
  const sourceHash = crypto.createHash('sha1').update(scriptSource).digest();
  let cachedData;
  try {
    const bytes = fs.readFileSync(file);
    if (bytes.length > sourceHash.length && bytes.subarray(0, sourceHash.length).equals(sourceHash)) cachedData = bytes.subarray(sourceHash.length);
  } catch {
    // no cache for this module yet
  }
  const compileFn = (data) =>
    vm.compileFunction(scriptSource, executor.injectedModuleParameters, {
      filename,
      cachedData: data,
      produceCachedData: data === undefined,
      importModuleDynamically: (specifier, _function, importAttributes, ...rest) => executor.dynamicImport(specifier, filename, vmContext, importAttributes, rest[0]),
      parsingContext: vmContext,
    });
  let fn;
  try {
    fn = compileFn(cachedData);
    // Made by another Node or V8 flags: compile afresh, and replace it.
    if (cachedData !== undefined && fn.cachedDataRejected) fn = compileFn(undefined);
  } catch {
    // Let jest compile it again and report the error its own way.
    return compile(scriptSource, filename);
  }
  if (fn.cachedDataProduced && fn.cachedData) {
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, Buffer.concat([sourceHash, fn.cachedData]));
      fs.renameSync(tmp, file);
    } catch {
      // Only a cache.
    }
  }
  return fn;
}

class CodeCacheRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const executor = this.executor;
    // A jest whose runtime is shaped otherwise runs as plain jest (slower, never wrong).
    if (typeof executor?.compile !== 'function') return;
    const compile = executor.compile.bind(executor);
    executor.compile = (scriptSource, filename) => compileWithCache(executor, compile, scriptSource, filename);
  }
}

module.exports = CodeCacheRuntime;
module.exports.default = CodeCacheRuntime;
module.exports.cacheFileOf = cacheFileOf;
