// What goes wrong around the indexer: a node that is not there, a node that answers garbage,
// a database of another chain, a database that goes away under the API. The indexer retries
// with backoff and says why, refuses what it must, and never crashes on input.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startQtmd } from '../e2e/lib/qtmd.mjs';
import { freePort, startPostgres } from './lib/postgres.mjs';
import { getJson, startIndexer } from './lib/stack.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForLog(indexer, pattern, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!pattern.test(indexer.log())) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} in the indexer's log within ${ms} ms:\n${indexer.log()}`);
    await sleep(100);
  }
}

describe('indexer resilience', () => {
  let pg;
  before(async () => {
    pg = await startPostgres();
  });
  after(() => pg?.stop());

  it('an unreachable node: retried with growing delays, and a signal still stops it cleanly', async () => {
    const port = await freePort();
    const indexer = await startIndexer({ rpcUrl: `http://127.0.0.1:${port}`, databaseUrl: pg.url, expectServer: false });
    await waitForLog(indexer, /retry 3 in 2\.0 s/);
    assert.match(indexer.log(), /node unreachable at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED; retry 1 in 0\.5 s/);
    assert.equal((await indexer.stop()).code, 0, indexer.log());
  });

  it('a node that answers garbage: logged and retried, never a crash', async () => {
    const answers = ['not json at all', '{"jsonrpc":"2.0","id":1,"result":"0xzz"}', '[1,2,3]', '{"unexpected":true}'];
    let served = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(answers[served++ % answers.length]);
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const indexer = await startIndexer({ rpcUrl: `http://127.0.0.1:${server.address().port}`, databaseUrl: pg.url, expectServer: false });
      await waitForLog(indexer, /retry 4 in/);
      assert.ok(served >= 4);
      assert.equal(indexer.stdout(), '');
      assert.equal((await indexer.stop()).code, 0, indexer.log());
    } finally {
      server.close();
    }
  });

  it('a database of another chain is refused, naming both genesis hashes', async () => {
    const first = await startQtmd({ blockTime: 0.5 });
    try {
      const indexer = await startIndexer({ rpcUrl: first.http, databaseUrl: pg.url, extraArgs: ['--once'], expectServer: false });
      assert.equal((await indexer.exited).code, 0, indexer.log());
    } finally {
      await first.stop();
    }
    // Another chain parameter, so another genesis.
    const other = await startQtmd({ blockTime: 0.5, extraArgs: ['--dev-epoch-length', '7'] });
    try {
      const indexer = await startIndexer({ rpcUrl: other.http, databaseUrl: pg.url, expectServer: false });
      const { code } = await indexer.exited;
      assert.equal(code, 3, indexer.log());
      assert.match(indexer.log(), /the database holds another chain: its genesis hash is 0x[0-9a-f]{64} \(chain id 7357\), the node's is 0x[0-9a-f]{64}/);
    } finally {
      await other.stop();
    }
  });

  it('the database going away: the API answers 503 and stays up', async () => {
    const ownPg = await startPostgres();
    const node = await startQtmd({ blockTime: 0.5 });
    let indexer;
    try {
      indexer = await startIndexer({ rpcUrl: node.http, databaseUrl: ownPg.url, extraArgs: ['--no-index'] });
      const status = await getJson(indexer.url, '/api/status');
      assert.equal(status.chainId, '7357');
      ownPg.stop();
      const answer = await getJson(indexer.url, '/api/blocks/0', { allowStatus: [503] });
      assert.equal(answer.status, 503, JSON.stringify(answer));
      assert.equal(answer.error.code, 'database_unavailable');
      // The home page's answers are shared for a second (SHARED_MS); after that they fail too.
      await sleep(1100);
      const again = await getJson(indexer.url, '/api/status', { allowStatus: [503] });
      assert.equal(again.status, 503, JSON.stringify(again));
      assert.equal(again.error.code, 'database_unavailable');
      assert.equal((await indexer.stop()).code, 0, indexer.log());
    } finally {
      await indexer?.stop();
      await node.stop();
      ownPg.stop();
    }
  });
});
