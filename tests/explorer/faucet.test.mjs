// The faucet: a keystore made by `qtm account new` (decrypted by the SDK), funded from a dev
// account, sends its amount through POST /api/faucet; the same address or client again is
// refused with 429 and a retryAfter, a bad address with 400; mainnet's chain id is refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { binDir, waitForReceipt } from '../e2e/lib/qtmd.mjs';
import { repoDir, startIndexer, startStack } from './lib/stack.mjs';

const post = async (url, body) => {
  const response = await fetch(`${url}/api/faucet`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json(), retryAfter: response.headers.get('retry-after') };
};

describe('faucet', () => {
  let stack;
  let dir;
  let keystore;
  let passwordFile;
  let faucetAddress;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'qtm-faucet-'));
    keystore = path.join(dir, 'faucet.json');
    passwordFile = path.join(dir, 'password');
    writeFileSync(passwordFile, 'faucet password\n');
    const out = execFileSync(path.join(binDir, 'qtm'), ['account', 'new', '--keystore', keystore, '--password-file', passwordFile], { encoding: 'utf8' });
    faucetAddress = out.match(/address\s+(0x[0-9a-fA-F]{40})/)[1];
    stack = await startStack({
      indexerArgs: ['--faucet-keystore', keystore, '--faucet-password-file', passwordFile, '--faucet-amount', '2.5', '--faucet-interval', '3600'],
    });
    const fund = await stack.rpc('eth_sendTransaction', [{ from: stack.qtmd.accounts[0].address, to: faucetAddress, value: '0x' + (100n * 10n ** 18n).toString(16) }]);
    await waitForReceipt(stack.qtmd.http, fund);
  });

  after(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends its amount to an address that asks, signed with the keystore account', async () => {
    const info = await (await fetch(`${stack.url}/api/faucet`)).json();
    assert.equal(info.enabled, true);
    assert.equal(info.address.toLowerCase(), faucetAddress.toLowerCase());
    assert.equal(info.amount, '2500000000000000000');
    const to = '0x' + '77'.repeat(20);
    const answer = await post(stack.url, { address: to });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.amount, '2500000000000000000');
    const receipt = await waitForReceipt(stack.qtmd.http, answer.body.txHash);
    assert.equal(receipt.status, '0x1');
    assert.equal(receipt.from.toLowerCase(), faucetAddress.toLowerCase());
    assert.equal(BigInt(await stack.rpc('eth_getBalance', [to, 'latest'])), 2500000000000000000n);
    const tx = await stack.rpc('eth_getTransactionByHash', [answer.body.txHash]);
    assert.equal(tx.signatureSize, '0x974'); // ML-DSA-44, the scheme qtm account new made
  });

  it('refuses a second request from the same address or client, and bad input', async () => {
    const again = await post(stack.url, { address: '0x' + '77'.repeat(20) });
    assert.equal(again.status, 429);
    assert.equal(again.body.error.code, 'rate_limited');
    assert.ok(again.body.error.retryAfter > 3000 && again.body.error.retryAfter <= 3600, JSON.stringify(again.body));
    assert.equal(again.retryAfter, String(again.body.error.retryAfter));
    // Another address from the same client (loopback) is refused too: the limit is per IP as well.
    const other = await post(stack.url, { address: '0x' + '78'.repeat(20) });
    assert.equal(other.status, 429);
    const bad = await post(stack.url, { address: '0x1234' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_address');
    const missing = await post(stack.url, {});
    assert.equal(missing.status, 400);
  });

  it('refuses to start with a wrong password, naming the reason', async () => {
    const wrong = path.join(dir, 'wrong');
    writeFileSync(wrong, 'not the password\n');
    const indexer = await startIndexer({
      rpcUrl: stack.qtmd.http, databaseUrl: stack.pg.url, expectServer: false,
      extraArgs: ['--no-index', '--faucet-keystore', keystore, '--faucet-password-file', wrong],
    });
    const { code } = await indexer.exited;
    assert.notEqual(code, 0);
    assert.match(indexer.log(), /wrong password/);
    assert.doesNotMatch(indexer.log(), /faucet password/);
  });

  it('refuses mainnet (chain id 7359)', async () => {
    const { Faucet } = await import(path.join(repoDir, 'web/indexer/dist/faucet.js'));
    assert.throws(() => Faucet.open({ rpcUrl: stack.qtmd.http, chainId: 7359n, keystoreFile: keystore, passwordFile, amountWei: 1n, intervalSeconds: 1 }),
      /refused on mainnet/);
  });
});
