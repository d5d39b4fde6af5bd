#!/usr/bin/env node
/**
 * `npm run build` compiles the service into dist/. `npm start` runs this with
 * --if-stale first, which builds only when a source is newer than the last
 * build, so a restart takes the service's own start-up time, not a compile.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.build-stamp');
const SOURCES = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package.json', 'package-lock.json'];

function newestMtime(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isStale() {
  const stamp = statSync(STAMP, { throwIfNoEntry: false });
  if (!stamp || !existsSync(join(ROOT, 'dist', 'src', 'main.js'))) return true;
  return SOURCES.some((source) => newestMtime(join(ROOT, source)) > stamp.mtimeMs);
}

function build() {
  const cli = join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');
  if (!existsSync(cli)) {
    console.error('cannot build: the build tools are not installed (run `npm install`, with dev dependencies)');
    process.exit(1);
  }
  // The stamp carries the time the build started: a source saved during the build still counts as newer.
  const started = new Date();
  const result = spawnSync(process.execPath, [cli, 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  utimesSync(STAMP, started, started);
}

if (process.argv.includes('--if-stale')) {
  if (isStale()) {
    console.error('building the service (its sources changed since the last build)...');
    build();
  }
} else {
  build();
}
