/**
 * The service's entry point (`npm start`, the image): runs dist/service.js,
 * the bundle of dist/src/main.js (scripts/bundle-service.mjs), with V8's code
 * cache. Loading the ~2,200 modules one by one was about 60 % of a restart:
 * finding and reading each file, then compiling it. The bundle is one file to
 * read; the cache spares compiling it from the second start on (README,
 * Performance: start-up).
 *
 * The cache sits next to the bundle (dist/.code-cache), so only whoever may
 * change the service's code may change it. It is written once the service
 * has started, with what that compiled, and read by the next start of the
 * same bundle on the same Node and flags: its name carries the bundle's size,
 * time and inode, the Node version and the flags, because V8 itself only
 * checks the source's length and rejects a cache only when its own version
 * or flags differ (a rejected cache is written anew). Where dist/ cannot be
 * written (the image), the service starts without one. Without a bundle (a
 * build by `nest build` alone), this runs dist/src/main.js.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { constants, Script } from 'node:vm';

const DIST = join(__dirname, '..');
const BUNDLE = join(DIST, 'service.js');
const CACHE_DIR = join(DIST, '.code-cache');

/** `<bundle>-<runtime>.bin`: a new bundle's first cache removes the older bundles' ones; other runtimes' and flags' stay. */
function cacheName(): { bundle: string; file: string } {
  const { size, mtimeMs, ino } = statSync(BUNDLE);
  const hash = (...parts: unknown[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
  const bundle = hash(size, mtimeMs, ino);
  return { bundle, file: join(CACHE_DIR, `${bundle}-${hash(process.version, process.arch, process.execArgv.join(' '))}.bin`) };
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (a temporary file renamed); any failure only means the next start compiles again. */
function writeCache(script: Script, name: { bundle: string; file: string }): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true, mode: 0o700 });
    const temporary = `${name.file}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, name.file);
    for (const entry of readdirSync(CACHE_DIR)) {
      if (!entry.startsWith(`${name.bundle}-`) && !entry.endsWith('.tmp')) rmSync(join(CACHE_DIR, entry), { force: true });
    }
  } catch {
    // A read-only dist/ (the image) or a full disk.
  }
}

function runBundle(): void {
  const name = cacheName();
  const bytes = readFileSync(BUNDLE);
  // The bundle is ASCII (scripts/bundle-service.mjs): read as Latin-1, it is a copy, not a UTF-8 decoding.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const cachedData = readCache(name.file);
  const script = new Script(Module.wrap(source), {
    filename: BUNDLE,
    cachedData,
    // The bundle's own `import()` calls (packages that load ES modules) go to Node's loader, as in a module.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const bundle = new Module(BUNDLE, module);
  bundle.filename = BUNDLE;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(bundle.exports, bundle.exports, createRequire(BUNDLE), bundle, BUNDLE, DIST);
  bundle.loaded = true;
  if (cachedData && !script.cachedDataRejected) return;
  // Once started, the cache holds what the start compiled; the first requests are answered right after.
  void Promise.resolve((bundle.exports as { started?: Promise<void> }).started).then(() => writeCache(script, name));
}

if (existsSync(BUNDLE)) runBundle();
else void import('./main');
