#!/usr/bin/env node
// qtm-indexer: indexes a QTM node's finalized blocks into PostgreSQL and serves the
// explorer's API and pages. Run with --help for the options.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Server } from 'node:http';
import { createPool, migrate } from './db.js';
import { Faucet } from './faucet.js';
import { GenesisMismatch, Indexer } from './indexer.js';
import { log } from './log.js';
import { RpcClient, Stopped } from './rpc.js';
import { startServer } from './server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const defaultStatic = path.resolve(here, '../../explorer/dist');

const HELP = `qtm-indexer: the QTM block explorer's indexer and API server

Follows a node's finalized blocks into PostgreSQL (backfilling from genesis, resuming where
it stopped), and serves the read-only JSON API (docs/explorer-api.md) and the explorer's
pages on one HTTP port.

Usage: qtm-indexer --database URL [options]

Node and database:
  --rpc URL                 the node's JSON-RPC over HTTP (default http://127.0.0.1:8545)
  --ws URL                  its WebSocket, to wake on newHeads (default: none, polling only)
  --database URL            PostgreSQL connection URL (default: $DATABASE_URL), e.g.
                            postgres://user@127.0.0.1:5432/qtm_explorer
  --from N                  re-index from block N (rows already there are kept, not doubled)
  --once                    index up to the node's finalized block, then exit (no server)
  --batch N                 at most N blocks per fetch and database transaction (default 100)
  --poll-ms MS              how often to ask the node for new blocks (default 1000)
  --no-index                serve the API only (another process indexes)

HTTP server:
  --host ADDRESS            listen address (default 127.0.0.1)
  --port N                  listen port (default 8080; 0 picks a free one)
  --static DIR              explorer pages to serve (default ${defaultStatic})
  --rate-limit N            API requests per second per client address, 0 for none (default 50)

Faucet (off unless a keystore is given; refused on mainnet, chain id 7359):
  --faucet-keystore FILE    keystore of the account that pays (qtm account new)
  --faucet-password-file F  its password
  --faucet-amount QTM       QTM sent per request (default 10)
  --faucet-interval S       seconds between two requests of one address or one IP (default 86400)

  -h, --help                this text
`;

function fail(message: string): never {
  process.stderr.write(`qtm-indexer: ${message}\n(run qtm-indexer --help for the options)\n`);
  process.exit(2);
}

function wholeNumber(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,15}$/.test(value) || Number(value) < min) fail(`--${name}: expected a whole number of at least ${min}, got "${value}"`);
  return Number(value);
}

// "10", "0.5", "1e-3" is not accepted: up to 18 decimals, exact.
export function parseQtm(value: string): bigint {
  const m = /^(\d{1,12})(?:\.(\d{1,18}))?$/.exec(value);
  if (!m) throw new Error(`"${value}" is not an amount of QTM (e.g. 10 or 0.25)`);
  return BigInt(m[1]) * 10n ** 18n + BigInt((m[2] ?? '').padEnd(18, '0') || '0');
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        rpc: { type: 'string' }, ws: { type: 'string' }, database: { type: 'string' }, from: { type: 'string' },
        once: { type: 'boolean' }, batch: { type: 'string' }, 'poll-ms': { type: 'string' }, 'no-index': { type: 'boolean' },
        host: { type: 'string' }, port: { type: 'string' }, static: { type: 'string' }, 'rate-limit': { type: 'string' },
        'faucet-keystore': { type: 'string' }, 'faucet-password-file': { type: 'string' },
        'faucet-amount': { type: 'string' }, 'faucet-interval': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (args.help) {
    process.stdout.write(HELP);
    return;
  }
  const database = args.database ?? process.env.DATABASE_URL;
  if (!database) fail('--database URL (or DATABASE_URL) is required');
  const rpcUrl = args.rpc ?? 'http://127.0.0.1:8545';
  const port = wholeNumber(args.port, 'port', 8080);
  if (port > 65535) fail(`--port: ${port} is not a port`);
  const rateLimit = wholeNumber(args['rate-limit'], 'rate-limit', 50);
  const maxBatch = wholeNumber(args.batch, 'batch', 100, 1);
  const pollMs = wholeNumber(args['poll-ms'], 'poll-ms', 1000, 10);
  const from = args.from === undefined ? null : wholeNumber(args.from, 'from', 0);
  if (args.once && args['no-index']) fail('--once and --no-index together would do nothing');
  if (Boolean(args['faucet-keystore']) !== Boolean(args['faucet-password-file'])) {
    fail('--faucet-keystore and --faucet-password-file go together');
  }
  let faucetAmount = 10n * 10n ** 18n;
  try {
    if (args['faucet-amount'] !== undefined) faucetAmount = parseQtm(args['faucet-amount']);
  } catch (error) {
    fail(`--faucet-amount: ${(error as Error).message}`);
  }
  const faucetInterval = wholeNumber(args['faucet-interval'], 'faucet-interval', 86_400);

  // Registered before anything waits on the node or the database, so that a signal during
  // start-up (a node still unreachable) stops the process cleanly too.
  let stopping = false;
  let server: Server | null = null;
  let indexer: Indexer | null = null;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    indexer?.stop();
    server?.close();
    server?.closeAllConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const pool = createPool(database);
  await migrate(pool);
  const rpc = new RpcClient(rpcUrl);
  indexer = new Indexer({ rpc, pool, wsUrl: args.ws ?? null, from, once: args.once, pollMs, maxBatch });
  await indexer.init();

  let faucet: Faucet | null = null;
  if (args['faucet-keystore']) {
    faucet = Faucet.open({
      rpcUrl, chainId: indexer.chainId, keystoreFile: args['faucet-keystore'], passwordFile: args['faucet-password-file']!,
      amountWei: faucetAmount, intervalSeconds: faucetInterval,
    });
  }

  if (!args.once && !stopping) {
    server = await startServer(
      { pool, rpc, chain: { chainId: indexer.chainId, genesisHash: indexer.genesisHash, devChain: !indexer.hasCommits } },
      { host: args.host ?? '127.0.0.1', port, staticDir: args.static ?? defaultStatic, rateLimit, faucet });
    const address = server.address();
    const shown = typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : String(address);
    // The test harness and scripts read this line.
    process.stdout.write(`Explorer ${shown}/\n`);
  }

  if (!args['no-index'] && !stopping) await indexer.run();
  if (server && !stopping) {
    await new Promise<void>((resolve) => server!.once('close', () => resolve()));
  }
  await pool.end();
}

main().catch((error) => {
  // A signal while waiting for the node: stopped as asked.
  if (error instanceof Stopped) process.exit(0);
  if (error instanceof GenesisMismatch) {
    process.stderr.write(`qtm-indexer: ${error.message}\n`);
    process.exit(3);
  }
  // Start-up failures carry their reason in the message; the stack only when asked for.
  const e = error as Error;
  process.stderr.write(`qtm-indexer: ${process.env.QTM_INDEXER_DEBUG ? (e.stack ?? e) : (e.message ?? e)}\n`);
  process.exit(1);
});
