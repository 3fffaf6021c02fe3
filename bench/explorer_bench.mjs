#!/usr/bin/env node
// The explorer's speed (issue 20): backfill rate, database size per transaction, and API
// latency under load, on a real chain made here.
//
//   node bench/explorer_bench.mjs [--txs 1000000] [--block-time 0.25] [--connections 32]
//                                 [--duration 10] [--batch 100]
//
// 1. Starts `qtmd --dev` (build/bin, or QTM_BIN_DIR) and a throw-away PostgreSQL 15 cluster.
// 2. Makes the chain: the 10 dev accounts send --txs value transfers (eth_sendTransaction,
//    signed by the node; one request in flight per account) to 10,000 recipients, so dev
//    account 0 has --txs / 10 transactions in its history. Waits until all are finalized.
// 3. Backfill: `qtm-indexer --once` from an empty database, timed (blocks/s and tx/s, as
//    the indexer reports them), then the database's size per transaction.
// 4. API: qtm-indexer --no-index --rate-limit 0 under --connections concurrent clients
//    (autocannon) for --duration seconds each: dev account 0's history (first page and a
//    page from the middle, by cursor), and the home page's requests (status, latest blocks,
//    latest transactions). p50/p99 latency.
// Prints a markdown table and one JSON line ("json: ").
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from '../web/indexer/node_modules/pg/lib/index.js';
import { startQtmd } from '../tests/e2e/lib/qtmd.mjs';
import { startPostgres } from '../tests/explorer/lib/postgres.mjs';
import { startIndexer } from '../tests/explorer/lib/stack.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../tests/e2e/package.json'));
const autocannon = require('autocannon');

const { values: args } = parseArgs({
  options: {
    txs: { type: 'string', default: '1000000' },
    'block-time': { type: 'string', default: '0.25' },
    connections: { type: 'string', default: '32' },
    duration: { type: 'string', default: '10' },
    batch: { type: 'string', default: '100' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help) {
  process.stdout.write(fileURLToPath(import.meta.url) + '\n' +
    'Options: --txs N (1000000) --block-time S (0.25) --connections N (32) --duration S (10) --batch N (100)\n');
  process.exit(0);
}
const totalTxs = Number(args.txs);
const connections = Number(args.connections);
const duration = Number(args.duration);
if (!Number.isInteger(totalTxs) || totalTxs < 10) throw new Error('--txs: at least 10');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const progress = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

async function rpc(url, method, params = []) {
  const response = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const answer = await response.json();
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}

async function makeChain(node) {
  const accounts = node.accounts.map((a) => a.address);
  const perAccount = accounts.map((_, i) => Math.floor(totalTxs / accounts.length) + (i < totalTxs % accounts.length ? 1 : 0));
  let sent = 0;
  const started = Date.now();
  let lastReport = started;
  const recipient = (n) => '0x' + (0xe0000000 + (n % 10_000)).toString(16).padStart(40, '0');
  await Promise.all(accounts.map(async (from, a) => {
    for (let k = 0; k < perAccount[a]; k++) {
      for (let attempt = 0; ; attempt++) {
        try {
          await rpc(node.http, 'eth_sendTransaction', [{ from, to: recipient(sent), value: '0x1' }]);
          break;
        } catch (error) {
          // A full pool (or one whose cheapest entry outbids ours while the base fee climbs
          // under full blocks): wait for blocks to drain it and send again, for up to 5 min.
          if (attempt > 1200 || !/full|underpriced|limit/i.test(error.message)) throw error;
          await sleep(250);
        }
      }
      sent++;
      const now = Date.now();
      if (now - lastReport > 5000) {
        lastReport = now;
        progress(`chain: ${sent}/${totalTxs} transactions sent (${(sent / ((now - started) / 1000)).toFixed(0)}/s)`);
      }
    }
  }));
  // Every account's nonce reaches what it sent, and the node finalizes the head.
  for (;;) {
    const nonces = await Promise.all(accounts.map((a) => rpc(node.http, 'eth_getTransactionCount', [a, 'latest'])));
    if (nonces.every((n, i) => Number(BigInt(n)) >= perAccount[i])) break;
    await sleep(250);
  }
  const head = Number(BigInt(await rpc(node.http, 'eth_blockNumber')));
  for (;;) {
    const finalized = await rpc(node.http, 'eth_getBlockByNumber', ['finalized', false]);
    if (Number(BigInt(finalized.number)) >= head) break;
    await sleep(250);
  }
  const seconds = (Date.now() - started) / 1000;
  progress(`chain: ${totalTxs} transactions in ${head} blocks, made in ${seconds.toFixed(0)} s`);
  return { head, seconds, busiest: accounts[0], busiestTxs: perAccount[0] };
}

async function load(url, requests) {
  const result = await autocannon({ url, connections, duration, requests });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) throw new Error(`${requests.map((r) => r.path).join(', ')}: ${failed} failed requests`);
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average };
}

const db = await startPostgres();
const node = await startQtmd({ blockTime: Number(args['block-time']) });
let indexer = null;
try {
  const chain = await makeChain(node);

  progress('backfill: qtm-indexer --once from an empty database');
  const backfillStart = Date.now();
  const backfill = await startIndexer({ rpcUrl: node.http, databaseUrl: db.url, extraArgs: ['--once', '--batch', args.batch], expectServer: false });
  const reporter = setInterval(() => {
    const lines = backfill.log().trim().split('\n');
    progress(lines[lines.length - 1].replace(/^\S+ /, ''));
  }, 10_000);
  const { code } = await backfill.exited;
  clearInterval(reporter);
  if (code !== 0) throw new Error(`qtm-indexer --once failed:\n${backfill.log()}`);
  const backfillSeconds = (Date.now() - backfillStart) / 1000;
  const summary = backfill.log().match(/indexed (\d+) blocks and (\d+) transactions in ([\d.]+) s/);
  const blocks = Number(summary[1]);
  const txs = Number(summary[2]);
  if (txs !== totalTxs) throw new Error(`indexed ${txs} transactions, expected ${totalTxs}`);

  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const size = Number((await client.query('SELECT pg_database_size(current_database()) AS n')).rows[0].n);
  const tables = (await client.query(
    `SELECT relname, pg_total_relation_size(oid) AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace
     ORDER BY 2 DESC LIMIT 4`)).rows.map((r) => `${r.relname} ${(Number(r.n) / 2 ** 20).toFixed(0)} MiB`);
  // A cursor in the middle of the busiest address's history.
  const middle = (await client.query(
    `SELECT block_number, tx_index FROM address_activity WHERE address = $1
     ORDER BY block_number DESC, tx_index DESC OFFSET $2 LIMIT 1`,
    [Buffer.from(chain.busiest.slice(2), 'hex'), Math.floor(chain.busiestTxs / 2)])).rows[0];
  await client.end();

  indexer = await startIndexer({ rpcUrl: node.http, databaseUrl: db.url, extraArgs: ['--no-index', '--rate-limit', '0'] });
  progress(`API: ${connections} clients, ${duration} s per endpoint set`);
  const history = await load(indexer.url, [{ path: `/api/address/${chain.busiest}/txs?limit=25` }]);
  const deep = await load(indexer.url, [{ path: `/api/address/${chain.busiest}/txs?limit=25&cursor=${middle.block_number}.${middle.tx_index}` }]);
  const home = await load(indexer.url, [{ path: '/api/status' }, { path: '/api/blocks?limit=10' }, { path: '/api/txs?limit=10' }]);

  const rows = [
    ['chain', `${totalTxs} transfers in ${chain.head} blocks (made in ${chain.seconds.toFixed(0)} s)`],
    ['backfill', `${backfillSeconds.toFixed(1)} s: ${(blocks / backfillSeconds).toFixed(0)} blocks/s, ${(txs / backfillSeconds).toFixed(0)} tx/s`],
    ['database', `${(size / 2 ** 20).toFixed(0)} MiB, ${(size / txs).toFixed(0)} bytes per transaction (${tables.join(', ')})`],
    [`address history (${chain.busiestTxs} txs), first page`, `p50 ${history.p50} ms, p99 ${history.p99} ms, ${history.rps.toFixed(0)} req/s`],
    ['address history, page from the middle', `p50 ${deep.p50} ms, p99 ${deep.p99} ms, ${deep.rps.toFixed(0)} req/s`],
    ['home page requests (status, blocks, txs)', `p50 ${home.p50} ms, p99 ${home.p99} ms, ${home.rps.toFixed(0)} req/s`],
  ];
  console.log(`\n| explorer, ${connections} clients | result |\n|---|---|`);
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  console.log('json: ' + JSON.stringify({
    txs, blocks, chainSeconds: chain.seconds, backfillSeconds, backfillTxPerSecond: txs / backfillSeconds,
    backfillBlocksPerSecond: blocks / backfillSeconds, databaseBytes: size, bytesPerTx: size / txs,
    history, deep, home, connections, duration,
  }));
} finally {
  await indexer?.stop();
  await node.stop().catch((error) => progress(error.message));
  db.stop();
}
