'use strict';
/**
 * Node runtimes for the bench's runtimes scenario: the running node, plus the
 * newest release of each other major from the npm registry's
 * node-<platform>-<arch> packages (official binaries repackaged, no install
 * script), fetched with npm itself, so the only network it needs is the
 * registry. Each binary is downloaded once into bench/.runtimes/ (git-ignored)
 * and used from there afterwards, also offline.
 */

const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, renameSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { log } = require('./lib');

const CACHE = join(__dirname, '.runtimes');

/** Compares two x.y.z versions numerically (npm view lists them in publication order, not by version). */
const byVersion = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

/** The version a binary reports (`<path> --version`, without the v), or undefined if it does not run here. */
function versionOf(path) {
  const run = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return run.status === 0 ? run.stdout.trim().replace(/^v/, '') : undefined;
}

/** Versions of `major` already extracted into the cache, newest first: what an offline machine can still run. */
function cachedVersions(major) {
  if (!existsSync(CACHE)) return [];
  return readdirSync(CACHE)
    .filter((name) => /^\d+\.\d+\.\d+$/.test(name) && name.split('.')[0] === String(major) && existsSync(join(CACHE, name, 'node')))
    .sort(byVersion)
    .reverse();
}

/** The newest version of `major` in the registry, or throws with npm's reason (offline, no such package). */
function newestInRegistry(pkg, major) {
  const view = spawnSync('npm', ['view', `${pkg}@${major}`, 'version', '--json'], { encoding: 'utf8', timeout: 120_000 });
  if (view.status !== 0) throw new Error(`npm view ${pkg}@${major} failed: ${reason(view)}`);
  // One matching version comes back as a string, several as an array, none as nothing.
  const found = view.stdout.trim() ? [JSON.parse(view.stdout)].flat() : [];
  const versions = found.filter((v) => /^\d+\.\d+\.\d+$/.test(v)).sort(byVersion);
  if (versions.length === 0) throw new Error(`the registry has no ${pkg}@${major}`);
  return versions[versions.length - 1];
}

/**
 * Downloads <pkg>@<version> with `npm pack` and keeps only its bin/node (the
 * rest, headers and npm, is not needed and would put package.json files under
 * the project's folders), as bench/.runtimes/<version>/node. Extracts into a
 * temporary folder first, so an interrupted download never looks cached.
 */
function download(pkg, version) {
  const dir = join(CACHE, version);
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    log(`downloading ${pkg}@${version} from the npm registry into ${CACHE}`);
    const pack = spawnSync('npm', ['pack', `${pkg}@${version}`, '--pack-destination', partial, '--json'], { encoding: 'utf8', timeout: 600_000 });
    if (pack.status !== 0) throw new Error(`npm pack ${pkg}@${version} failed: ${reason(pack)}`);
    const tarball = join(partial, JSON.parse(pack.stdout)[0].filename);
    const untar = spawnSync('tar', ['-xzf', tarball, '-C', partial, '--strip-components=2', 'package/bin/node'], { encoding: 'utf8' });
    if (untar.status !== 0) throw new Error(`tar could not extract bin/node from ${tarball}: ${reason(untar)}`);
    rmSync(tarball);
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return join(dir, 'node');
}

/** Why an npm (or tar) run failed: the summary npm prints with --json, else its first line of error output that says something. */
function reason(run) {
  if (run.error) return run.error.message;
  try {
    const summary = JSON.parse(run.stdout).error?.summary;
    if (summary) return summary;
  } catch {
    // not JSON: fall back to stderr
  }
  const said = `${run.stderr}`.split('\n').find((line) => line.trim() && !/^npm error (code|syscall|errno) |complete log of this run/.test(line));
  return said?.trim() ?? `exit ${run.status}`;
}

/**
 * The runtimes to measure, in the order of `majors`: [{ major, version, path }],
 * the running node as process.execPath. A major that cannot be had (registry
 * unreachable and nothing cached, no binary for this platform) or whose binary
 * does not run here is left out, with the reason logged.
 */
async function nodeRuntimes(majors) {
  const own = Number(process.versions.node.split('.')[0]);
  const pkg = `node-${process.platform}-${process.arch}`;
  const runtimes = [];
  for (const major of [...new Set(majors.map(Number))]) {
    if (major === own) {
      runtimes.push({ major, version: process.versions.node, path: process.execPath });
      continue;
    }
    // The packages for Linux and macOS carry bin/node; Windows' are laid out otherwise, and the bench reads /proc anyway.
    if (!['linux', 'darwin'].includes(process.platform)) {
      log(`node ${major} skipped: no ${pkg} binaries are fetched on ${process.platform}`);
      continue;
    }
    let path;
    try {
      let version;
      try {
        version = newestInRegistry(pkg, major);
      } catch (error) {
        version = cachedVersions(major)[0];
        if (!version) throw error;
        log(`${error.message}; using node ${version} from the cache`);
      }
      path = join(CACHE, version, 'node');
      if (!existsSync(path)) path = download(pkg, version);
    } catch (error) {
      log(`node ${major} skipped: ${error.message}`);
      continue;
    }
    const version = versionOf(path);
    if (!version) {
      log(`node ${major} skipped: ${path} --version does not run on this machine`);
      continue;
    }
    runtimes.push({ major, version, path });
  }
  return runtimes;
}

module.exports = { nodeRuntimes };
