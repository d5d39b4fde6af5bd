/**
 * The service's entry point (`npm start`, the image): runs dist/service.js,
 * the bundle of dist/src/main.js (scripts/bundle-service.mjs), with V8's code
 * cache. Loading the ~2,200 modules one by one was about 60 % of a restart:
 * finding and reading each file, then compiling it. The bundle is one file to
 * read; the cache spares compiling it from the second start on (README,
 * Performance: start-up).
 *
 * The cache sits next to the bundle (dist/.code-cache) and is written only by
 * the owner of dist/, so only whoever may change the service's code may change
 * it, and a start as root leaves nothing a user's next build cannot remove. It
 * is written once a process has started serving, with what that start
 * compiled (a cluster's primary, which only forks, writes none), and is read
 * by the next start of the same bundle on the same V8 and flags: its name
 * carries the bundle's size, time and inode and V8's own version-and-flags tag,
 * because V8 itself checks only the source's length, not its text. A rejected
 * cache is written anew. Where dist/ cannot be written (the image), the service
 * starts without one. Where the bundle is missing or older than
 * dist/src/main.js (a `nest build` alone), this runs dist/src/main.js.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { cachedDataVersionTag } from 'node:v8';
import { constants, Script } from 'node:vm';

const DIST = join(__dirname, '..');
const BUNDLE = join(DIST, 'service.js');
const CACHE_DIR = join(DIST, '.code-cache');

interface CacheName {
  /** The bundle's part of the name: caches of other bundles are removed when this one's is written. */
  bundle: string;
  file: string;
}

function cacheName(bundle: { size: number; mtimeMs: number; ino: number }): CacheName {
  const key = createHash('sha256').update([bundle.size, bundle.mtimeMs, bundle.ino].join('\0')).digest('hex').slice(0, 16);
  return { bundle: key, file: join(CACHE_DIR, `${key}-${cachedDataVersionTag().toString(16)}.bin`) };
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (a temporary file renamed); any failure only means the next start compiles again. */
function writeCache(script: Script, name: CacheName): void {
  if (process.getuid && statSync(DIST).uid !== process.getuid()) return;
  const temporary = `${name.file}.${process.pid}.tmp`;
  try {
    mkdirSync(CACHE_DIR, { recursive: true, mode: 0o700 });
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, name.file);
    for (const entry of readdirSync(CACHE_DIR)) {
      if (!entry.startsWith(`${name.bundle}-`) && !entry.endsWith('.tmp')) rmSync(join(CACHE_DIR, entry), { force: true });
    }
  } catch {
    // A read-only dist/ (the image), a full disk, something else where the folder would be.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // nothing was written
    }
  }
}

function runBundle(bundleStat: { size: number; mtimeMs: number; ino: number }): void {
  const name = cacheName(bundleStat);
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
  // Once serving: the first requests wait for the write (a few hundred ms, once per build, runtime and flags).
  void Promise.resolve((bundle.exports as { started?: Promise<boolean> }).started).then((serving) => {
    if (serving) writeCache(script, name);
  });
}

const bundleStat = statSync(BUNDLE, { throwIfNoEntry: false });
const treeStat = statSync(join(__dirname, 'main.js'), { throwIfNoEntry: false });
if (bundleStat && (!treeStat || bundleStat.mtimeMs >= treeStat.mtimeMs)) runBundle(bundleStat);
else void import('./main');
