/**
 * Stops a test run's embedded PostgreSQL and removes its folder when the jest
 * process that started it dies without its teardown (killed, or interrupted):
 * without it, each such run left a server running until the machine stopped.
 * It exits once the teardown has removed the folder itself.
 *
 *   node cluster-watchdog.js <jest pid> <cluster folder> <data folder>
 */
const { existsSync, readFileSync, rmSync } = require('node:fs');

const [owner, folder, dataDir] = [Number(process.argv[2]), process.argv[3], process.argv[4]];

/** Running: a zombie (a server that exited and nobody reaped yet) counts as stopped. */
function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function stopServer() {
  const pid = Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  if (!(Number.isInteger(pid) && pid > 0 && alive(pid))) return;
  // SIGINT: PostgreSQL's fast shutdown (ends the sessions, no checkpoint wait for clients).
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGQUIT');
}

/**
 * Asked to stop (whoever kills a run's processes, as a supervisor or a script's
 * clean-up does, signals this one with them): it still does its work if the run
 * dies within 10 s, and otherwise leaves the server to the run that owns it.
 */
let askedAt;
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => (askedAt ??= Date.now()));

async function main() {
  while (existsSync(folder)) {
    if (!alive(owner)) {
      await stopServer().catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
      if (!dataDir.startsWith(folder)) rmSync(dataDir, { recursive: true, force: true });
      return;
    }
    if (askedAt !== undefined && Date.now() - askedAt > 10_000) return;
    await sleep(askedAt === undefined ? 500 : 100);
  }
}

void main();
