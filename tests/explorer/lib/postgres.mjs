// A throw-away PostgreSQL 15 cluster for the explorer's tests: initdb into a temporary
// directory, pg_ctl start on a free loopback port (no Unix socket outside that directory),
// one database, and stop() removes it all. As root (CI), the server runs as the `postgres`
// user, since PostgreSQL refuses to run as root.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const candidates = [process.env.QTM_PG_BIN, '/usr/lib/postgresql/15/bin'].filter(Boolean);

export function pgBinDir() {
  for (const dir of candidates) if (existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))) return dir;
  throw new Error(
    `PostgreSQL 15 server binaries not found (looked in ${candidates.join(', ')}): ` +
    'install Debian\'s postgresql-15 (scripts/setup.sh does) or set QTM_PG_BIN');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function userIds(name) {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

// Runs a PostgreSQL program, as `postgres` when this process is root.
function runPg(bin, args, { asPostgres }) {
  const command = asPostgres ? 'runuser' : bin;
  const argv = asPostgres ? ['-u', 'postgres', '--', bin, ...args] : args;
  const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(`${path.basename(bin)} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

// Starts a cluster; resolves to { url, port, dir, stop() }.
export async function startPostgres({ database = 'qtm_explorer' } = {}) {
  const bin = pgBinDir();
  const asPostgres = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'qtm-pg-'));
  const dataDir = path.join(dir, 'data');
  if (asPostgres) {
    const { uid, gid } = userIds('postgres');
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const user = 'qtm';
  runPg(path.join(bin, 'initdb'), ['-D', dataDir, '-U', user, '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'], { asPostgres });
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  runPg(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start'], { asPostgres });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      runPg(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { asPostgres });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    runPg(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, database], { asPostgres });
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `postgres://${user}@127.0.0.1:${port}/${database}`, port, dir, stop };
}
