// The indexer and its API against a real qtmd --dev and a real PostgreSQL: transfers, an
// ERC-20 and an ERC-721 contract, then every endpoint's answer checked against what the node
// itself says (receipts, balances, eth_call), keyset pages walked to the end, bad input
// answered 400/404, and a restart that re-indexes from genesis without doubling anything.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getAddress } from '../e2e/node_modules/ethers/lib.esm/index.js';
import { compileFile, waitForReceipt } from '../e2e/lib/qtmd.mjs';
import { getJson, startIndexer, startStack } from './lib/stack.mjs';

const word = (hex) => hex.replace(/^0x/, '').padStart(64, '0');
const addressWord = (address) => word(address.toLowerCase());
const recipient = '0x' + '5a'.repeat(20);

describe('qtm-indexer API', () => {
  let stack;
  let sender;
  const sent = [];
  let coin;
  let art;
  let coinTransferHash;

  async function send(tx) {
    const hash = await stack.rpc('eth_sendTransaction', [{ from: sender, ...tx }]);
    const receipt = await waitForReceipt(stack.qtmd.http, hash);
    assert.equal(receipt.status, '0x1', `transaction ${hash} failed`);
    sent.push({ hash, receipt });
    return receipt;
  }

  before(async () => {
    stack = await startStack();
    sender = stack.qtmd.accounts[0].address;
    for (let i = 1; i <= 5; i++) await send({ to: recipient, value: '0x' + (1000 * i).toString(16) });
    const file = new URL('./contracts/ExplorerTokens.sol', import.meta.url).pathname;
    const coinCode = await compileFile(file, 'ExplorerCoin');
    const artCode = await compileFile(file, 'ExplorerArt');
    coin = (await send({ data: coinCode.bytecode + word('0xf4240') })).contractAddress; // 1,000,000 units
    art = (await send({ data: artCode.bytecode })).contractAddress;
    coinTransferHash = (await send({ to: coin, data: '0xa9059cbb' + addressWord(recipient) + word('0x3e8') })).transactionHash;
    await send({ to: art, data: '0x40c10f19' + addressWord(recipient) + word('0x7') });
    const last = sent[sent.length - 1].receipt.blockNumber;
    await stack.waitIndexed(BigInt(last));
  });

  after(async () => {
    await stack?.stop();
  });

  it('status: the chain, the node and the indexer agree', async () => {
    const status = await stack.api('/api/status');
    assert.equal(status.chainId, '7357');
    const genesis = await stack.rpc('eth_getBlockByNumber', ['0x0', false]);
    assert.equal(status.genesisHash, genesis.hash);
    assert.equal(status.devChain, true);
    assert.ok(status.indexed >= Number(BigInt(sent[sent.length - 1].receipt.blockNumber)));
    assert.ok(status.nodeHead >= status.indexed);
    assert.equal(status.totalTransactions, sent.length);
    assert.equal(typeof status.blockTime, 'number');
    assert.ok(status.blockTime > 0 && status.blockTime < 60, `blockTime ${status.blockTime}`);
  });

  it('a transfer: every field as the node reports it, fees split into burned and tipped', async () => {
    const { hash, receipt } = sent[0];
    const tx = await stack.api(`/api/txs/${hash}`);
    const nodeTx = await stack.rpc('eth_getTransactionByHash', [hash]);
    const block = await stack.rpc('eth_getBlockByNumber', [receipt.blockNumber, false]);
    assert.equal(tx.hash, hash);
    assert.equal(tx.blockNumber, Number(BigInt(receipt.blockNumber)));
    assert.equal(tx.blockHash, receipt.blockHash);
    assert.equal(tx.from.toLowerCase(), sender.toLowerCase());
    assert.equal(tx.to.toLowerCase(), recipient);
    assert.equal(tx.value, '1000');
    assert.equal(tx.status, 1);
    assert.equal(tx.schemeName, 'ML-DSA-44');
    assert.equal(tx.signatureSize, 2420);
    // The sender's first transaction carries (and registers) its 1,312-byte key.
    assert.equal(tx.publicKeySize, 1312);
    assert.equal(tx.registersKey, true);
    assert.equal(tx.nonce, Number(BigInt(nodeTx.nonce)));
    const gasUsed = BigInt(receipt.gasUsed);
    const price = BigInt(receipt.effectiveGasPrice);
    const baseFee = BigInt(block.baseFeePerGas);
    assert.equal(tx.gasUsed, Number(gasUsed));
    assert.equal(tx.effectiveGasPrice, price.toString());
    assert.equal(tx.feeBurned, (gasUsed * baseFee).toString());
    assert.equal(tx.feeTipped, (gasUsed * (price - baseFee)).toString());
    assert.deepEqual(tx.logs, []);
    const second = await stack.api(`/api/txs/${sent[1].hash}`);
    assert.equal(second.publicKeySize, 0);
    assert.equal(second.registersKey, false);
  });

  it('a block: fields, its transactions, no commit certificate on the dev chain', async () => {
    const { receipt } = sent[0];
    const number = Number(BigInt(receipt.blockNumber));
    const block = await stack.api(`/api/blocks/${number}`);
    const nodeBlock = await stack.rpc('eth_getBlockByNumber', [receipt.blockNumber, false]);
    assert.equal(block.hash, nodeBlock.hash);
    assert.equal(block.parentHash, nodeBlock.parentHash);
    assert.equal(block.stateRoot, nodeBlock.stateRoot);
    assert.equal(block.txCount, nodeBlock.transactions.length);
    assert.equal(block.gasUsed, Number(BigInt(nodeBlock.gasUsed)));
    assert.equal(block.size, Number(BigInt(nodeBlock.size)));
    assert.equal(block.baseFeePerGas, BigInt(nodeBlock.baseFeePerGas).toString());
    assert.equal(block.final, true);
    assert.equal(block.commit, null);
    assert.deepEqual(block.transactions.map((t) => t.hash), nodeBlock.transactions);
    const byHash = await stack.api(`/api/blocks/${nodeBlock.hash}`);
    assert.equal(byHash.number, number);
  });

  it('an address: balance and nonce from the node, registered key, history in keyset pages', async () => {
    const info = await stack.api(`/api/address/${recipient}`);
    assert.equal(info.balance, BigInt(await stack.rpc('eth_getBalance', [recipient, 'latest'])).toString());
    assert.equal(info.balance, String(1000 + 2000 + 3000 + 4000 + 5000));
    assert.equal(info.isContract, false);
    assert.equal(info.txCount, 5); // the token calls name it only in their logs
    const senderInfo = await stack.api(`/api/address/${sender}`);
    assert.equal(senderInfo.schemeName, 'ML-DSA-44');
    assert.equal(senderInfo.keyRegistration.txHash, sent[0].hash);
    const key = await stack.rpc('qtm_getPublicKey', [sender, 'latest']);
    assert.equal(senderInfo.publicKey, key.publicKey.toLowerCase());
    assert.equal(senderInfo.nonce, sent.length);
    assert.equal(senderInfo.txCount, sent.length);

    // Pages of 3, newest first, each continuing exactly where the last stopped.
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const page = await stack.api(`/api/address/${sender}/txs?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.items.length <= 3);
      seen.push(...page.items.map((t) => t.hash));
      cursor = page.next;
      pages++;
    } while (cursor);
    assert.equal(pages, Math.ceil(sent.length / 3));
    assert.deepEqual(seen, sent.map((s) => s.hash).reverse());
  });

  it('tokens: ERC-20 and ERC-721 metadata, transfers, balances that match the contracts', async () => {
    const token = await stack.api(`/api/tokens/${coin}`);
    assert.equal(token.standard, 'ERC-20');
    assert.equal(token.name, 'Explorer Coin');
    assert.equal(token.symbol, 'EXC');
    assert.equal(token.decimals, 6);
    assert.equal(token.totalSupply, '1000000');
    assert.equal(token.holders, 2);
    assert.equal(token.transfers, 2);
    const nft = await stack.api(`/api/tokens/${art}`);
    assert.equal(nft.standard, 'ERC-721');
    assert.equal(nft.symbol, 'EXA');
    assert.equal(nft.totalSupply, '1');

    const holdings = await stack.api(`/api/address/${recipient}`);
    const bySymbol = Object.fromEntries(holdings.tokens.map((h) => [h.token.symbol, h.balance]));
    const onChain = BigInt(await stack.rpc('eth_call', [{ to: coin, data: '0x70a08231' + addressWord(recipient) }, 'latest']));
    assert.equal(bySymbol.EXC, onChain.toString());
    assert.equal(bySymbol.EXC, '1000');
    assert.equal(bySymbol.EXA, '1');
    const mine = await stack.api(`/api/address/${sender}`);
    assert.equal(mine.tokens.find((h) => h.token.symbol === 'EXC').balance, '999000');

    const transfers = await stack.api(`/api/address/${recipient}/transfers`);
    assert.equal(transfers.items.length, 2);
    const [nftTransfer, coinTransfer] = transfers.items; // newest first
    assert.equal(nftTransfer.tokenId, '7');
    assert.equal(nftTransfer.value, null);
    assert.equal(nftTransfer.from, '0x0000000000000000000000000000000000000000');
    assert.equal(coinTransfer.value, '1000');
    assert.equal(coinTransfer.txHash, coinTransferHash);
    const coinPage = await stack.api(`/api/tokens/${coin}/transfers?limit=1`);
    assert.equal(coinPage.items.length, 1);
    assert.equal(coinPage.items[0].txHash, coinTransferHash);
    const rest = await stack.api(`/api/tokens/${coin}/transfers?limit=1&cursor=${coinPage.next}`);
    assert.equal(rest.items[0].value, '1000000');
    assert.equal(rest.next, null);
  });

  it('a contract call: decoded input and logs, the creator of the contract', async () => {
    const tx = await stack.api(`/api/txs/${coinTransferHash}`);
    assert.equal(tx.decodedInput.signature, 'transfer(address,uint256)');
    assert.deepEqual(tx.decodedInput.args.map((a) => [a.name, String(a.value).toLowerCase()]), [['to', recipient], ['value', '1000']]);
    assert.equal(tx.logs.length, 1);
    assert.equal(tx.logs[0].decoded.event, 'Transfer');
    assert.equal(tx.logs[0].decoded.args.value, '1000');
    assert.equal(tx.tokenTransfers.length, 1);
    const contract = await stack.api(`/api/address/${coin}`);
    assert.equal(contract.isContract, true);
    assert.ok(contract.codeSize > 0);
    assert.equal(contract.contract.creator.toLowerCase(), sender.toLowerCase());
    assert.equal(contract.contract.codeSize, contract.codeSize);
    assert.equal(contract.code, (await stack.rpc('eth_getCode', [coin, 'latest'])).toLowerCase());
    assert.equal(contract.codeSize, (contract.code.length - 2) / 2);
    assert.equal((await stack.api(`/api/address/${recipient}`)).code, null);
    assert.equal(contract.token.symbol, 'EXC');
  });

  it('latest blocks and transactions, and search', async () => {
    const txs = await stack.api('/api/txs?limit=4');
    assert.deepEqual(txs.items.map((t) => t.hash), sent.slice(-4).map((s) => s.hash).reverse());
    const more = await stack.api(`/api/txs?limit=100&cursor=${txs.next}`);
    assert.deepEqual(more.items.map((t) => t.hash), sent.slice(0, -4).map((s) => s.hash).reverse());
    const blocks = await stack.api('/api/blocks?limit=2');
    assert.equal(blocks.items.length, 2);
    assert.equal(blocks.items[0].number, blocks.items[1].number + 1);
    const older = await stack.api(`/api/blocks?limit=2&cursor=${blocks.next}`);
    assert.equal(older.items[0].number, blocks.items[1].number - 1);

    assert.deepEqual(await stack.api(`/api/search?q=${sent[2].hash}`), { kind: 'transaction', id: sent[2].hash });
    assert.deepEqual(await stack.api(`/api/search?q=${sent[2].receipt.blockHash}`),
      { kind: 'block', id: Number(BigInt(sent[2].receipt.blockNumber)) });
    assert.deepEqual(await stack.api('/api/search?q=1'), { kind: 'block', id: 1 });
    assert.deepEqual(await stack.api(`/api/search?q=${recipient}`), { kind: 'address', id: getAddress(recipient) });
  });

  it('bad input is a 400 naming the parameter, the unknown a 404', async () => {
    const cases = [
      ['/api/search?q=hello', 400, 'invalid_query'],
      [`/api/search?q=0x${'ab'.repeat(32)}`, 404, 'not_found'],
      ['/api/search?q=99999999', 404, 'not_found'],
      ['/api/txs/0x1234', 400, 'invalid_transaction_hash'],
      [`/api/txs/0x${'cd'.repeat(32)}`, 404, 'not_found'],
      ['/api/blocks/99999999', 404, 'not_found'],
      ['/api/blocks?limit=0', 400, 'invalid_limit'],
      ['/api/blocks?limit=101', 400, 'invalid_limit'],
      ['/api/txs?cursor=abc', 400, 'invalid_cursor'],
      ['/api/address/0xnothex', 400, 'invalid_address'],
      [`/api/tokens/${recipient}`, 404, 'not_found'],
      ['/api/nothing', 404, 'no_such_endpoint'],
    ];
    for (const [pathAndQuery, status, code] of cases) {
      const answer = await getJson(stack.url, pathAndQuery, { allowStatus: [status] });
      assert.equal(answer.status, status, pathAndQuery);
      assert.equal(answer.error.code, code, pathAndQuery);
      assert.ok(answer.error.message.length > 10, pathAndQuery);
    }
    const faucet = await fetch(`${stack.url}/api/faucet`, { method: 'POST', body: JSON.stringify({ address: recipient }) });
    assert.equal(faucet.status, 403);
    assert.equal((await faucet.json()).error.code, 'faucet_disabled');
  });

  it('re-indexing from genesis after a kill adds nothing twice', async () => {
    const before = {
      status: await stack.api('/api/status'),
      sender: await stack.api(`/api/address/${sender}`),
      recipient: await stack.api(`/api/address/${recipient}`),
      coin: await stack.api(`/api/tokens/${coin}`),
    };
    stack.indexer.kill('SIGKILL');
    await stack.indexer.exited;
    const again = await startIndexer({ rpcUrl: stack.qtmd.http, databaseUrl: stack.pg.url, extraArgs: ['--from', '0', '--once'], expectServer: false });
    const { code } = await again.exited;
    assert.equal(code, 0, again.log());
    assert.match(again.log(), /indexed \d+ blocks and 0 transactions/);
    const server = await startIndexer({ rpcUrl: stack.qtmd.http, databaseUrl: stack.pg.url, extraArgs: ['--no-index'] });
    try {
      const api = (p) => getJson(server.url, p);
      const status = await api('/api/status');
      assert.equal(status.totalTransactions, before.status.totalTransactions);
      assert.equal((await api(`/api/address/${sender}`)).txCount, before.sender.txCount);
      assert.deepEqual((await api(`/api/address/${recipient}`)).tokens, before.recipient.tokens);
      assert.deepEqual(await api(`/api/tokens/${coin}`), before.coin);
    } finally {
      await server.stop();
    }
  });
});
