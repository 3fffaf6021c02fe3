// The explorer's local stack (scripts/explorer.sh builds first, then runs this): the same
// parts the explorer's tests start (tests/explorer/lib), kept running until Ctrl-C.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { binDir, rpc, startQtmd, waitForReceipt } from '../tests/e2e/lib/qtmd.mjs';
import { startPostgres } from '../tests/explorer/lib/postgres.mjs';
import { startIndexer } from '../tests/explorer/lib/stack.mjs';

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: '8080' }, 'block-time': { type: 'string', default: '2' }, help: { type: 'boolean', short: 'h' } },
});
if (args.help) {
  console.log('scripts/explorer.sh [--port 8080] [--block-time 2]: qtmd --dev + PostgreSQL + qtm-indexer + the explorer, until Ctrl-C');
  process.exit(0);
}

const stops = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (error) {
      console.error(`explorer: ${error.message}`);
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

try {
  const work = mkdtempSync(path.join(tmpdir(), 'qtm-explorer-'));
  stops.push(() => rmSync(work, { recursive: true, force: true }));
  const db = await startPostgres();
  stops.push(() => db.stop());
  const node = await startQtmd({ blockTime: Number(args['block-time']) });
  stops.push(() => node.stop());

  // The faucet's account: a fresh keystore, funded with 1,000 QTM from dev account 0.
  const keystore = path.join(work, 'faucet.json');
  const passwordFile = path.join(work, 'faucet.password');
  writeFileSync(passwordFile, randomBytes(16).toString('hex') + '\n', { mode: 0o600 });
  const made = execFileSync(path.join(binDir, 'qtm'), ['account', 'new', '--keystore', keystore, '--password-file', passwordFile], { encoding: 'utf8' });
  const faucet = made.match(/address\s+(0x[0-9a-fA-F]{40})/)[1];
  const funding = await rpc(node.http, 'eth_sendTransaction', [{ from: node.accounts[0].address, to: faucet, value: '0x' + (1000n * 10n ** 18n).toString(16) }]);
  await waitForReceipt(node.http, funding);

  const indexer = await startIndexer({
    rpcUrl: node.http, wsUrl: node.ws, databaseUrl: db.url,
    extraArgs: ['--port', args.port, '--poll-ms', '1000', '--faucet-keystore', keystore, '--faucet-password-file', passwordFile],
  });
  stops.push(() => indexer.stop());
  indexer.exited.then(({ code }) => {
    if (!stopping) {
      console.error(`explorer: qtm-indexer stopped (code ${code}):\n${indexer.log().slice(-4000)}`);
      stopAll(1);
    }
  });
  console.log(`
Explorer   ${indexer.url}/
JSON-RPC   ${node.http}
WebSocket  ${node.ws}
Database   ${db.url} (temporary)
Faucet     ${faucet} (10 QTM per request, once a day per address and per IP)
Dev account 0 ${node.accounts[0].address} (prefunded; node-held on --dev)

Ctrl-C stops the node, the indexer and the database, and removes them.`);
} catch (error) {
  console.error(`explorer: ${error.message}`);
  await stopAll(1);
}
