// The explorer's pages in a real browser (Debian's chromium driven by playwright-core, no
// browser download) over the real stack: a temporary PostgreSQL cluster, `qtmd --dev`, and
// qtm-indexer serving its API and web/explorer/dist. A transfer to a fresh address is sent
// through qtmd's JSON-RPC; once its block is indexed the pages must show what the node says:
// the block on the home page (which refreshes), the transaction found by search (status,
// scheme, signature and key sizes, fees), the recipient's exact balance, the block, and the
// faucet's "disabled" answer; then an ERC-20 (tests/explorer/contracts) deployed through the
// SDK (signed in the test, sent raw) and sent to
// the same address: its decoded call and Transfer log, the holding, the token page. Any page
// error or unexpected console error fails the test. A second stack has a faucet (an
// ML-DSA-65 keystore from `qtm account new`): the page sends, links the transaction, which
// then shows the other scheme's sizes, and a second request shows the rate limit's wait.
// Screenshots of the main pages go to $QTM_EXPLORER_SCREENSHOTS (default: a temporary folder).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { binDir, compileFile, waitForReceipt } from '../e2e/lib/qtmd.mjs';
import { repoDir, startStack } from './lib/stack.mjs';

const CHROMIUM = '/usr/bin/chromium';
const distIndex = path.join(repoDir, 'web/explorer/dist/index.html');
const screenshotDir = process.env.QTM_EXPLORER_SCREENSHOTS ?? path.join(tmpdir(), 'qtm-explorer-screenshots');

async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch {
    // Not installed next to the tests: web/explorer's own devDependency.
    const require = createRequire(path.join(repoDir, 'web/explorer/package.json'));
    return require('playwright-core');
  }
}

// The explorer's formatting, independently: wei → QTM with every decimal, digits grouped.
function qtm(wei) {
  const digits = BigInt(wei).toString().padStart(19, '0');
  const whole = digits.slice(0, -18).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits.slice(-18).replace(/0+$/, '');
  return `${fraction ? `${whole}.${fraction}` : whole} QTM`;
}
async function shot(page, name) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
const word = (hex) => hex.replace(/^0x/, '').padStart(64, '0');
const grouped = (n) => BigInt(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');

describe('explorer pages in chromium', () => {
  let stack;
  let browser;
  let page;
  const problems = [];
  // Chromium logs every non-2xx fetch as a console error; these are the ones a step expects.
  const expectedFailures = [];
  // 1.234567890123456789 QTM: a float would lose the last digits.
  const amount = 1_234_567_890_123_456_789n;
  const recipient = `0x${[...crypto.getRandomValues(new Uint8Array(20))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  let txHash;
  let receipt;
  let blockNumber;
  let coin;
  let coinTransfer;

  const testid = (id) => page.locator(`[data-testid="${id}"]`);
  async function search(q) {
    await testid('search-input').fill(q);
    await testid('search-submit').click();
  }

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found: install Debian's chromium (scripts/setup.sh)`);
    assert.ok(existsSync(distIndex), `${distIndex} not found: cd web/explorer && npm ci && npm run build`);
    mkdirSync(screenshotDir, { recursive: true });
    const { chromium } = await loadPlaywright();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    // Compiled before the chain starts, so that the transfer's block is still among the home
    // page's latest ten when the browser looks.
    const code = await compileFile(new URL('./contracts/ExplorerTokens.sol', import.meta.url).pathname, 'ExplorerCoin');
    stack = await startStack({ blockTime: 1 });
    const sender = stack.qtmd.accounts[0].address;
    txHash = await stack.rpc('eth_sendTransaction', [{ from: sender, to: recipient, value: `0x${amount.toString(16)}` }]);
    receipt = await waitForReceipt(stack.qtmd.http, txHash);
    assert.equal(receipt.status, '0x1', `transfer ${txHash} failed`);
    blockNumber = Number(BigInt(receipt.blockNumber));
    // An ERC-20 with 1,000,000 units (6 decimals: 1 EXC), 1,000 units (0.001 EXC) of it sent on.
    // Deployed and called through the SDK (signed here, ML-DSA-44, sent raw), as a dApp does.
    const sdk = await import(path.join(repoDir, 'sdk/js/dist/src/index.js'));
    const key = sdk.QtmKey.devAccount(0);
    assert.equal(key.address, sender);
    const send = async (tx) => {
      const { hash } = await sdk.sendTransaction(stack.qtmd.http, key, tx);
      const r = await waitForReceipt(stack.qtmd.http, hash);
      assert.equal(r.status, '0x1', `transaction ${hash} failed`);
      return r;
    };
    coin = (await send({ data: code.bytecode + word('0xf4240') })).contractAddress;
    coinTransfer = await send({ to: coin, data: `0xa9059cbb${word(recipient)}${word('0x3e8')}` });
    await stack.waitIndexed(Number(BigInt(coinTransfer.blockNumber)));
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location()?.url ?? '';
      const text = message.text();
      const i = expectedFailures.findIndex((e) => where.endsWith(e.path) && text.includes(`status of ${e.status}`));
      if (i >= 0) expectedFailures.splice(i, 1);
      else problems.push(`console error: ${text} (${where})`);
    });
    page.on('requestfailed', (request) => {
      if (!request.failure()?.errorText.includes('ERR_ABORTED')) problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
    });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await stack?.stop();
  });

  it('home: head, finalized and indexed numbers, the block in latest blocks, the transfer in latest transactions; it refreshes', async () => {
    await page.goto(`${stack.url}/`);
    const row = testid('home-latest-blocks').locator('[data-testid="block-link"]', { hasText: new RegExp(`^${grouped(blockNumber)}$`) });
    await row.waitFor();
    assert.equal(await row.getAttribute('href'), `/block/${blockNumber}`);
    const txRow = testid('home-latest-txs').locator(`a[href="/tx/${txHash}"]`);
    await txRow.waitFor();
    const status = await stack.api('/api/status');
    const indexed = Number((await testid('home-indexed').textContent()).replaceAll(',', ''));
    assert.ok(indexed >= blockNumber && indexed <= status.indexed, `home shows indexed ${indexed}, block ${blockNumber}, API ${status.indexed}`);
    const finalized = Number((await testid('home-finalized').textContent()).replaceAll(',', ''));
    assert.ok(finalized >= indexed, `finalized ${finalized} < indexed ${indexed}`);
    assert.equal(await testid('home-chain-id').textContent(), status.chainId);
    assert.match(await testid('home-total-txs').textContent(), /^[1-9]/);
    await shot(page, 'home');
    // The chain keeps making blocks; the page must follow without a reload.
    await page.waitForFunction((before) => {
      const el = document.querySelector('[data-testid="home-indexed"]');
      return el && Number(el.textContent.replaceAll(',', '')) > before;
    }, indexed, { timeout: 20_000 });
    assert.deepEqual(problems, []);
  });

  it('search by transaction hash lands on the transaction: success, ML-DSA-44, 2,420-byte signature, fees as the node charged', async () => {
    await search(txHash);
    await page.waitForURL(`${stack.url}/tx/${txHash}`);
    await testid('tx-status').waitFor();
    assert.equal(await testid('tx-hash').textContent(), txHash);
    assert.equal(await testid('tx-status').textContent(), 'success');
    assert.equal(await testid('tx-scheme').textContent(), 'ML-DSA-44');
    assert.equal(await testid('tx-signature-size').textContent(), '2,420 bytes');
    const nodeTx = await stack.rpc('eth_getTransactionByHash', [txHash]);
    assert.equal(Number(nodeTx.signatureSize), 2420);
    // The sender's first transaction on this fresh chain carries its key, unless genesis has it.
    const keySize = Number(nodeTx.publicKeySize);
    assert.match(await testid('tx-public-key-size').textContent(), new RegExp(`^${grouped(keySize)} bytes`));
    assert.match(await testid('tx-registers-key').textContent(), keySize > 0 ? /^yes/ : /^no/);
    assert.equal(await testid('tx-value').textContent(), qtm(amount));
    assert.equal(await testid('tx-block').textContent(), grouped(blockNumber));
    assert.equal((await testid('tx-to').textContent()).toLowerCase(), recipient);
    const block = await stack.rpc('eth_getBlockByNumber', [receipt.blockNumber, false]);
    const gasUsed = BigInt(receipt.gasUsed);
    const baseFee = BigInt(block.baseFeePerGas);
    const price = BigInt(receipt.effectiveGasPrice);
    assert.ok((await testid('tx-gas-used').textContent()).startsWith(`${grouped(gasUsed)} of ${grouped(nodeTx.gas)} (`));
    assert.equal(await testid('tx-fee-burned').textContent(), qtm(gasUsed * baseFee));
    assert.equal(await testid('tx-fee-tipped').textContent(), qtm(gasUsed * (price - baseFee)));
    await shot(page, 'transaction');
    assert.deepEqual(problems, []);
  });

  it('search for a hash nothing has says "not found" inline and stays on the page', async () => {
    const url = page.url();
    const missing = `0x${'ab'.repeat(32)}`;
    expectedFailures.push({ path: `/api/search?q=${missing}`, status: 404 });
    await search(missing);
    await testid('search-error').waitFor();
    assert.match(await testid('search-error').textContent(), /not found/);
    assert.equal(page.url(), url);
    assert.deepEqual(problems, []);
  });

  it('the recipient\'s address page shows its exact balance, with every decimal', async () => {
    await search(recipient);
    await page.waitForURL(new RegExp(`/address/${recipient}$`, 'i'));
    await testid('address-balance').waitFor();
    const balance = BigInt(await stack.rpc('eth_getBalance', [recipient, 'latest']));
    assert.equal(balance, amount);
    assert.equal(await testid('address-balance').textContent(), '1.234567890123456789 QTM');
    assert.equal(await testid('address-balance').textContent(), qtm(balance));
    assert.equal(await testid('address-balance-wei').textContent(), `${grouped(balance)} wei`);
    assert.equal(await testid('address-nonce').textContent(), '0');
    assert.equal((await testid('address-address').textContent()).toLowerCase(), recipient);
    // Its history: the one incoming transfer.
    const rows = testid('address-txs').locator('[data-testid="address-tx-row"]');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().locator('[data-testid="tx-link"]').getAttribute('href'), `/tx/${txHash}`);
    await testid('address-txs-end').waitFor();
    await shot(page, 'address');
    assert.deepEqual(problems, []);
  });

  it('the block page: number, hash, no commit certificate on the dev chain, the transfer among its transactions', async () => {
    await page.goto(`${stack.url}/tx/${txHash}`);
    await testid('tx-block').click();
    await page.waitForURL(`${stack.url}/block/${blockNumber}`);
    await testid('block-number').waitFor();
    const block = await stack.rpc('eth_getBlockByNumber', [receipt.blockNumber, false]);
    assert.equal(await testid('block-number').textContent(), grouped(blockNumber));
    assert.equal(await testid('block-hash').textContent(), block.hash);
    assert.equal(await testid('block-commit').textContent(), 'no commit certificate (dev chain)');
    assert.equal(await testid('block-tx-count').textContent(), grouped(block.transactions.length));
    const link = testid('block-txs').locator(`a[href="/tx/${txHash}"]`);
    assert.equal(await link.count(), 1);
    await shot(page, 'block');
    // Back goes to the transaction (the History API routes).
    await page.goBack();
    await page.waitForURL(`${stack.url}/tx/${txHash}`);
    await testid('tx-status').waitFor();
    assert.deepEqual(problems, []);
  });

  it('validators: the dev chain\'s validator, the proposer of the block', async () => {
    await page.goto(`${stack.url}/validators`);
    await testid('validators-table').waitFor();
    const block = await stack.api(`/api/blocks/${blockNumber}`);
    const rows = testid('validators-table').locator('[data-testid="validator-row"]');
    assert.ok(await rows.count() >= 1);
    assert.equal(await testid('validators-table').locator(`a[href="/address/${block.proposer}"]`).count() >= 1, true);
    await shot(page, 'validators');
    assert.deepEqual(problems, []);
  });

  it('faucet: no faucet configured, so the page says it is disabled and a request gets 403 faucet_disabled', async () => {
    await page.goto(`${stack.url}/faucet`);
    await testid('faucet-disabled').waitFor();
    assert.match(await testid('faucet-disabled').textContent(), /faucet is disabled.*no faucet configured/i);
    expectedFailures.push({ path: '/api/faucet', status: 403 });
    await testid('faucet-address').fill(recipient);
    await testid('faucet-submit').click();
    await testid('faucet-error').waitFor();
    assert.match(await testid('faucet-error').textContent(), /faucet is disabled/i);
    assert.match(await testid('faucet-error').textContent(), /no faucet configured/);
    await shot(page, 'faucet');
    assert.deepEqual(problems, []);
  });

  it('a token transfer: its decoded call and Transfer log, the holding on the address page, the token page', async () => {
    const hash = coinTransfer.transactionHash;
    await page.goto(`${stack.url}/tx/${hash}`);
    await testid('tx-status').waitFor();
    assert.equal(await testid('tx-status').textContent(), 'success');
    assert.equal(await testid('tx-decoded-function').textContent(), 'transfer(address,uint256)');
    const args = testid('tx-decoded-input');
    assert.match(await args.textContent(), /value\s*uint256\s*1000/);
    assert.equal((await args.locator('a[href^="/address/"]').textContent()).toLowerCase(), recipient);
    assert.equal(await testid('tx-log').count(), 1);
    assert.equal(await testid('log-event').textContent(), 'Transfer');
    const transfer = testid('tx-token-transfers').locator('[data-testid="tx-transfer-row"]');
    assert.equal(await transfer.count(), 1);
    assert.match(await transfer.textContent(), /EXC.*0\.001 EXC/);
    await shot(page, 'token-transfer');

    await page.goto(`${stack.url}/address/${recipient}`);
    const holding = testid('address-tokens').locator('[data-testid="address-token-row"]');
    await holding.first().waitFor();
    assert.equal(await holding.count(), 1);
    assert.match(await holding.textContent(), /EXC\s*Explorer Coin\s*ERC-20\s*0\.001 EXC/);
    const transfers = testid('address-transfers').locator('[data-testid="address-transfer-row"]');
    await transfers.first().waitFor();
    assert.equal(await transfers.count(), 1);
    // The balance is still the transfer's, to the last wei.
    assert.equal(await testid('address-balance').textContent(), qtm(amount));

    await holding.locator(`a[href="/token/${(await stack.api(`/api/tokens/${coin}`)).address}"]`).click();
    await testid('token-name').waitFor();
    assert.equal(await testid('token-name').textContent(), 'Explorer Coin');
    assert.equal(await testid('token-standard').textContent(), 'ERC-20');
    assert.equal(await testid('token-decimals').textContent(), '6');
    assert.equal(await testid('token-total-supply').textContent(), '1 EXC');
    assert.equal(await testid('token-holders').textContent(), '2');
    const rows = testid('token-transfers').locator('[data-testid="token-transfer-row"]');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2); // the mint to the deployer, then the transfer
    assert.match(await rows.first().textContent(), /0\.001 EXC/);
    assert.match(await rows.nth(1).textContent(), /0x000000…000000.*1 EXC/);
    await shot(page, 'token');
    // The contract view: its deployed code as the node has it.
    await page.goto(`${stack.url}/address/${coin}`);
    await testid('address-code').waitFor();
    const code = (await stack.rpc('eth_getCode', [coin, 'latest'])).toLowerCase();
    assert.ok((await testid('address-code').textContent()).includes(code), 'the contract page shows the deployed code');
    assert.equal(await testid('address-kind').textContent(), 'ERC-20 token contract');
    await shot(page, 'contract');
    assert.deepEqual(problems, []);
  });

  it('an unknown block shows the API\'s error as text, not a blank page', async () => {
    expectedFailures.push({ path: `/api/blocks/${blockNumber + 1_000_000}`, status: 404 });
    await page.goto(`${stack.url}/block/${blockNumber + 1_000_000}`);
    await testid('error').waitFor();
    assert.match(await testid('error').textContent(), /Not found/);
    assert.match(await testid('error-message').textContent(), /not indexed/);
    await page.waitForTimeout(200);
    assert.deepEqual(problems, []);
  });

  it('no page error and no unexpected console error over the whole run', async () => {
    // Console messages arrive asynchronously: give the last ones time to land.
    await page.waitForTimeout(500);
    assert.deepEqual(problems, []);
  });
});

describe('the faucet page with a faucet configured (an ML-DSA-65 keystore)', () => {
  let stack;
  let browser;
  let page;
  let dir;
  const problems = [];
  const expectedFailures = [];
  const testid = (id) => page.locator(`[data-testid="${id}"]`);

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found: install Debian's chromium (scripts/setup.sh)`);
    assert.ok(existsSync(distIndex), `${distIndex} not found: cd web/explorer && npm ci && npm run build`);
    mkdirSync(screenshotDir, { recursive: true });
    dir = mkdtempSync(path.join(tmpdir(), 'qtm-explorer-faucet-'));
    const keystore = path.join(dir, 'faucet.json');
    const passwordFile = path.join(dir, 'password');
    writeFileSync(passwordFile, 'faucet password\n');
    const out = execFileSync(path.join(binDir, 'qtm'),
      ['account', 'new', '--scheme', 'ML-DSA-65', '--keystore', keystore, '--password-file', passwordFile], { encoding: 'utf8' });
    const faucetAddress = out.match(/address\s+(0x[0-9a-fA-F]{40})/)[1];
    const { chromium } = await loadPlaywright();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    stack = await startStack({
      blockTime: 1,
      indexerArgs: ['--faucet-keystore', keystore, '--faucet-password-file', passwordFile, '--faucet-amount', '2.5', '--faucet-interval', '3600'],
    });
    const fund = await stack.rpc('eth_sendTransaction', [{ from: stack.qtmd.accounts[0].address, to: faucetAddress, value: `0x${(100n * 10n ** 18n).toString(16)}` }]);
    await waitForReceipt(stack.qtmd.http, fund);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location()?.url ?? '';
      const i = expectedFailures.findIndex((e) => where.endsWith(e.path) && message.text().includes(`status of ${e.status}`));
      if (i >= 0) expectedFailures.splice(i, 1);
      else problems.push(`console error: ${message.text()} (${where})`);
    });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends 2.5 QTM and links the transaction (ML-DSA-65: 3,309-byte signature, 1,952-byte key); the same address again shows how long to wait', async () => {
    const to = `0x${'7e'.repeat(20)}`;
    await page.goto(`${stack.url}/faucet`);
    await testid('faucet-status').waitFor();
    assert.match(await testid('faucet-status').textContent(), /^Sends 2\.5 QTM of test funds per address and per IP every 3,600 s from 0x[0-9a-fA-F]{40}\.$/);
    await testid('faucet-address').fill(to);
    await testid('faucet-submit').click();
    await testid('faucet-success').waitFor({ timeout: 30_000 });
    assert.match(await testid('faucet-success').textContent(), /Sent 2\.5 QTM/);
    const txHash = await testid('faucet-tx').textContent();
    assert.match(txHash, /^0x[0-9a-f]{64}$/);
    const receipt = await waitForReceipt(stack.qtmd.http, txHash);
    assert.equal(receipt.status, '0x1');
    await stack.waitIndexed(Number(BigInt(receipt.blockNumber)));
    await shot(page, 'faucet-sent');

    // The faucet's transaction: the keystore's scheme and its sizes, as the node reports them.
    await testid('faucet-tx').click();
    await page.waitForURL(`${stack.url}/tx/${txHash}`);
    await testid('tx-status').waitFor();
    const nodeTx = await stack.rpc('eth_getTransactionByHash', [txHash]);
    assert.equal(await testid('tx-status').textContent(), 'success');
    assert.equal(await testid('tx-scheme').textContent(), 'ML-DSA-65');
    assert.equal(Number(nodeTx.signatureSize), 3309);
    assert.equal(await testid('tx-signature-size').textContent(), '3,309 bytes');
    assert.equal(Number(nodeTx.publicKeySize), 1952);
    assert.match(await testid('tx-public-key-size').textContent(), /^1,952 bytes/);
    assert.match(await testid('tx-registers-key').textContent(), /^yes/);
    assert.equal(await testid('tx-value').textContent(), '2.5 QTM');
    await shot(page, 'transaction-ml-dsa-65');

    // The same address again: 429 with the wait.
    await page.goBack();
    await page.waitForURL(`${stack.url}/faucet`);
    await testid('faucet-status').waitFor();
    expectedFailures.push({ path: '/api/faucet', status: 429 });
    await testid('faucet-address').fill(to);
    await testid('faucet-submit').click();
    await testid('faucet-retry-after').waitFor();
    assert.match(await testid('faucet-error').textContent(), /Rate limited/);
    assert.match(await testid('faucet-retry-after').textContent(), /^Try again in [1-9][0-9,]* s\.$/);
    const wait = Number((await testid('faucet-retry-after').textContent()).match(/in ([0-9,]+) s/)[1].replaceAll(',', ''));
    assert.ok(wait > 3000 && wait <= 3600, `wait ${wait} s`);

    // The faucet's own address: ML-DSA-65, its key registered by that transaction.
    await page.goto(`${stack.url}/address/${receipt.from}`);
    await testid('address-scheme').waitFor();
    assert.equal(await testid('address-scheme').textContent(), 'ML-DSA-65');
    assert.equal(await testid('address-key-tx').getAttribute('href'), `/tx/${txHash}`);
    await page.waitForTimeout(300);
    assert.deepEqual(problems, []);
  });
});
