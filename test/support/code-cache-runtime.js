/**
 * jest's module runtime with V8's code cache: jest compiles every module again in every test
 * file (each file has its own module registry), and for cdk8s-plus, the generated bindings in
 * imports/ and the app that is a large share of the suite's time. This runtime passes V8 the
 * code cache of a module's exact source (kept under .build/jest-code-cache/, keyed by a hash of
 * the source and the file name) and writes one when there is none. V8 checks the cache against
 * the source and its own version and flags, and compiles normally when it does not fit.
 * Plain JavaScript: jest loads its runtime with Node's require, before any transform.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Runtime = require('jest-runtime').default;

const CACHE_DIR = path.resolve(__dirname, '..', '..', '.build', 'jest-code-cache');

/** The module executor's compile, with V8's code cache (jest-runtime `ModuleExecutor.compile`). */
function compileWithCache(executor, compile, scriptSource, filename) {
  if (executor.resolution.isCoreModule(filename)) return compile(scriptSource, filename);
  const vmContext = executor.environment.getVmContext();
  if (vmContext == null) return null;
  const key = crypto.createHash('sha1').update(filename).update('\0').update(scriptSource).digest('hex');
  const file = path.join(CACHE_DIR, `${key}.bin`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    // no cache for this source yet
  }
  let fn;
  try {
    fn = vm.compileFunction(scriptSource, executor.injectedModuleParameters, {
      filename,
      cachedData,
      produceCachedData: cachedData === undefined,
      importModuleDynamically: (specifier, _function, importAttributes, ...rest) => executor.dynamicImport(specifier, filename, vmContext, importAttributes, rest[0]),
      parsingContext: vmContext,
    });
  } catch {
    // Let jest compile it again and report the error its own way.
    return compile(scriptSource, filename);
  }
  if (fn.cachedDataProduced && fn.cachedData) {
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      const tmp = path.join(CACHE_DIR, `.${key}.${process.pid}.tmp`);
      fs.writeFileSync(tmp, fn.cachedData);
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
    const compile = executor.compile.bind(executor);
    executor.compile = (scriptSource, filename) => compileWithCache(executor, compile, scriptSource, filename);
  }
}

module.exports = CodeCacheRuntime;
module.exports.default = CodeCacheRuntime;
