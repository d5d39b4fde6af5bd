#!/usr/bin/env node
/**
 * `npm run build` compiles the service into dist/src, bundles it into
 * dist/service.js and builds the web app into dist/web. `npm start` runs this
 * with --if-stale first, which builds each
 * only when one of its sources is newer than its last build, so a restart takes
 * the service's own start-up time, not a compile. `--if-stale web` (the test
 * suite's set-up) looks at the web app only.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const SHARED = ['package.json', 'package-lock.json'];

const TARGETS = {
  server: {
    stamp: join('dist', '.build-stamp'),
    output: join('dist', 'service.js'),
    sources: ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', join('scripts', 'bundle-service.mjs'), ...SHARED],
    tool: join('@nestjs', 'cli', 'bin', 'nest.js'),
    // Nest's own clean would empty all of dist/, the web app included: only the server's own output goes.
    before: () => {
      ['src', 'migrations', 'service.js'].forEach((name) => rmSync(join(ROOT, 'dist', name), { recursive: true, force: true }));
      // The code cache of the old bundle: the new bundle's first start replaces it anyway, so one left
      // behind (owned by another user) is no reason to fail the build.
      try {
        rmSync(join(ROOT, 'dist', '.code-cache'), { recursive: true, force: true });
      } catch {
        // kept
      }
    },
    args: ['build'],
    // Then the compiled service and its packages into one file, dist/service.js (scripts/bundle-service.mjs).
    after: join('scripts', 'bundle-service.mjs'),
  },
  web: {
    stamp: join('dist', 'web', '.build-stamp'),
    output: join('dist', 'web', 'index.html'),
    sources: ['web', join('openapi', 'schema.ts'), ...SHARED],
    tool: join('vite', 'bin', 'vite.js'),
    before: () => undefined,
    args: ['build', '--config', join('web', 'vite.config.mts'), '--logLevel', 'warn'],
    // What the service serves is the production build, also when jest (NODE_ENV=test) asks for it:
    // under NODE_ENV=test, Vite would bundle React's development build, twice the size.
    env: { NODE_ENV: 'production' },
  },
};

function newestMtime(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isStale(target) {
  const stamp = statSync(join(ROOT, target.stamp), { throwIfNoEntry: false });
  if (!stamp || !existsSync(join(ROOT, target.output))) return true;
  return target.sources.some((source) => newestMtime(join(ROOT, source)) > stamp.mtimeMs);
}

function build(name) {
  const target = TARGETS[name];
  const tool = join(ROOT, 'node_modules', target.tool);
  if (!existsSync(tool)) {
    console.error(`cannot build the ${name}: the build tools are not installed (run \`npm install\`, with dev dependencies)`);
    process.exit(1);
  }
  // The stamp carries the time the build started: a source saved during the build still counts as newer.
  const started = new Date();
  target.before();
  const steps = [[tool, ...target.args]];
  if (target.after) steps.push([join(ROOT, target.after)]);
  for (const args of steps) {
    const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...target.env } });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
  const stamp = join(ROOT, target.stamp);
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
}

/** Builds each of `names` (every target when none) whose sources are newer than its last build. */
function buildStale(names = Object.keys(TARGETS)) {
  for (const name of names) {
    if (isStale(TARGETS[name])) {
      console.error(`building the ${name === 'web' ? 'web app' : 'service'} (its sources changed since the last build)...`);
      build(name);
    }
  }
}

module.exports = { buildStale };

if (require.main === module) {
  const args = process.argv.slice(2);
  const only = args.filter((arg) => arg in TARGETS);
  const names = only.length > 0 ? only : Object.keys(TARGETS);
  if (args.includes('--if-stale')) buildStale(names);
  else names.forEach(build);
}
