// The explorer's whole stack for a test: a temporary PostgreSQL cluster, `qtmd --dev`, and
// qtm-indexer (web/indexer/dist, built by the explorer.build fixture) indexing the node and
// serving the API and the pages (web/explorer/dist) on a free port.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureOutput, rpc as rpcCall, startQtmd, waitForOutput } from '../../e2e/lib/qtmd.mjs';
import { startPostgres } from './postgres.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoDir = path.resolve(here, '../../..');
export const indexerMain = path.join(repoDir, 'web/indexer/dist/main.js');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Starts qtm-indexer; resolves once it prints its "Explorer URL" line:
// { url, log(), stop(), kill(signal), exited }.
export async function startIndexer({ rpcUrl, wsUrl, databaseUrl, extraArgs = [], expectServer = true }) {
  if (!existsSync(indexerMain)) {
    throw new Error(`${indexerMain} not found: build it (cd web/indexer && npm ci && npm run build)`);
  }
  const args = [indexerMain, '--rpc', rpcUrl, '--database', databaseUrl, '--port', '0', '--poll-ms', '200', ...extraArgs];
  if (wsUrl) args.push('--ws', wsUrl);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child);
  const { exited } = output;
  const url = expectServer
    ? await waitForOutput(output, 'qtm-indexer', 'an Explorer line', (stdout) => stdout.match(/^Explorer (http:\/\/\S+?)\/?$/m)?.[1] ?? null)
    : null;
  let stopped = false;
  return {
    url,
    exited,
    log: () => output.stderr,
    stdout: () => output.stdout,
    kill: (signal = 'SIGKILL') => child.kill(signal),
    async stop() {
      if (stopped) return exited;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

// GET /api/... → parsed JSON (throws with the body on a non-2xx status unless allowed).
export async function getJson(baseUrl, pathAndQuery, { allowStatus = [] } = {}) {
  const response = await fetch(`${baseUrl}${pathAndQuery}`);
  const body = await response.json();
  if (!response.ok && !allowStatus.includes(response.status)) {
    throw new Error(`GET ${pathAndQuery}: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return response.ok ? body : { status: response.status, ...body };
}

export async function startStack({ blockTime = 0.5, qtmdArgs = [], indexerArgs = [] } = {}) {
  const cleanups = [];
  const stopAll = async () => {
    const errors = [];
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    cleanups.length = 0;
    if (errors.length > 0) throw errors[0];
  };
  try {
    const pg = await startPostgres();
    cleanups.push(() => pg.stop());
    const qtmd = await startQtmd({ blockTime, extraArgs: qtmdArgs });
    cleanups.push(() => qtmd.stop());
    const indexer = await startIndexer({ rpcUrl: qtmd.http, wsUrl: qtmd.ws, databaseUrl: pg.url, extraArgs: indexerArgs });
    cleanups.push(() => indexer.stop());
    const api = (pathAndQuery, options) => getJson(indexer.url, pathAndQuery, options);
    return {
      url: indexer.url,
      pg,
      qtmd,
      indexer,
      api,
      rpc: (method, params = []) => rpcCall(qtmd.http, method, params),
      // Resolves once the indexer holds block `number` (the node finalizes it first).
      async waitIndexed(number, timeoutMs = 60_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const status = await api('/api/status');
          if (status.indexed !== null && status.indexed >= Number(number)) return status;
          if (Date.now() > deadline) throw new Error(`block ${number} not indexed in ${timeoutMs} ms (status ${JSON.stringify(status)}):\n${indexer.log()}`);
          await sleep(100);
        }
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}
