// Runs a CommonJS bundle (bundle-cache.ts, format 'cjs') as `node BUNDLE ARGS` would, compiled with
// a V8 code cache kept next to it (BUNDLE.v8cache). Why: every emulated router is a new process
// that compiles the same ~600 KB bundle; Node 20 has no compile cache (module.enableCompileCache
// came in Node 22), and a router's start is most of its CPU. The cache is what V8 compiled by the
// time the first process without a usable cache exits (so the functions a router runs, not only
// the top level); V8 checks it against the source and its own version and flags, and a rejected
// one is rewritten the same way. Written to a temp file and renamed: concurrent routers see a
// whole cache or none. Usage: node code-cache-loader.cjs BUNDLE.cjs ARGS...
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const bundle = process.argv[2];
if (bundle === undefined || !bundle.endsWith('.cjs')) {
  process.stderr.write('code-cache-loader: usage: node code-cache-loader.cjs BUNDLE.cjs ARGS...\n');
  process.exit(2);
}
const file = path.resolve(bundle);
// the bundle sees the command line `node BUNDLE ARGS`, as without the loader
process.argv.splice(1, 2, file);
const cacheFile = `${file}.v8cache`;
const source = fs.readFileSync(file, 'utf8');
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined; // first start of this bundle: compiled without, the cache written at exit
}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
if (cachedData === undefined || script.cachedDataRejected === true) {
  process.once('exit', () => {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      fs.rmSync(tmp, { force: true }); // a read-only cache folder: the next start compiles again
    }
  });
}
const mod = new Module(file, module);
mod.filename = file;
mod.paths = Module._nodeModulePaths(path.dirname(file));
script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
