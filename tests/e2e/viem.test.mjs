// viem against a real `qtmd --dev`: a public client over HTTP (chain id, blocks with and
// without transactions, balances, fees, contract reads and logs), a wallet client whose
// account the node holds (eth_sendTransaction) deploying a solcjs-compiled contract, event
// watching over a WebSocket transport, and the QTM SDK's viem account when it is built.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BaseError, ContractFunctionRevertedError, createPublicClient, createWalletClient, defineChain,
  getContractAddress, http, parseEther, parseGwei, webSocket,
} from 'viem';
import { NO_WS, compileContract, sdkEntry, startQtmd, waitForBlock, withTimeout } from './lib/qtmd.mjs';
import { sdkViemAccount } from './lib/sdk.mjs';

let node;
let chain;
let client;
let counter;

const randomAddress = () => `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(20))).toString('hex')}`;

before(async () => {
  node = await startQtmd();
  chain = defineChain({
    id: 7357,
    name: 'QTM dev',
    nativeCurrency: { name: 'QTM', symbol: 'QTM', decimals: 18 },
    rpcUrls: { default: { http: [node.http], webSocket: node.ws ? [node.ws] : [] } },
  });
  client = createPublicClient({ chain, transport: http(node.http), pollingInterval: 200 });
  counter = await compileContract('Counter');
});

after(async () => {
  await node?.stop();
});

// Deploys Counter(start) from the node-held `account` (an address) or an SDK account.
async function deployCounter(account, start) {
  const wallet = createWalletClient({ chain, transport: http(node.http), account });
  const hash = await wallet.deployContract({ abi: counter.abi, bytecode: counter.bytecode, args: [start] });
  const receipt = await client.waitForTransactionReceipt({ hash, timeout: 30_000 });
  assert.equal(receipt.status, 'success');
  assert.ok(receipt.contractAddress);
  return { wallet, address: receipt.contractAddress, receipt };
}

describe('public client (HTTP)', () => {
  test('getChainId and getBlockNumber', async () => {
    assert.equal(await client.getChainId(), 7357);
    const first = await client.getBlockNumber({ cacheTime: 0 });
    await waitForBlock(node.http, first + 2n);
    assert.ok((await client.getBlockNumber({ cacheTime: 0 })) >= first + 2n);
  });

  test('getBalance of the dev accounts', async () => {
    for (const { address } of node.accounts) {
      assert.equal(await client.getBalance({ address, blockNumber: 0n }), parseEther('99000000'));
    }
    assert.equal(await client.getBalance({ address: randomAddress() }), 0n);
  });

  test('getGasPrice and estimateFeesPerGas', async () => {
    const gasPrice = await client.getGasPrice();
    assert.ok(gasPrice > parseGwei('1'), `gas price ${gasPrice}`);
    const fees = await client.estimateFeesPerGas();
    assert.equal(fees.maxPriorityFeePerGas, parseGwei('1'));
    assert.ok(fees.maxFeePerGas > fees.maxPriorityFeePerGas);
    const legacy = await client.estimateFeesPerGas({ type: 'legacy' });
    assert.ok(legacy.gasPrice > 0n);
  });

  test('contract: deploy from a node-held account, readContract, logs, revert', async () => {
    const from = node.accounts[1].address;
    const nonce = await client.getTransactionCount({ address: from });
    const { wallet, address, receipt: deployed } = await deployCounter(from, 42n);
    assert.equal(address.toLowerCase(), getContractAddress({ from, nonce: BigInt(nonce) }).toLowerCase());
    assert.equal(await client.readContract({ address, abi: counter.abi, functionName: 'get' }), 42n);
    assert.equal((await client.readContract({ address, abi: counter.abi, functionName: 'owner' })).toLowerCase(),
      from.toLowerCase());

    const hash = await wallet.writeContract({ address, abi: counter.abi, functionName: 'increment', args: [8n] });
    const receipt = await client.waitForTransactionReceipt({ hash, timeout: 30_000 });
    assert.equal(receipt.status, 'success');
    assert.equal(await client.readContract({ address, abi: counter.abi, functionName: 'get' }), 50n);

    const logs = await client.getContractEvents({
      address, abi: counter.abi, eventName: 'Incremented', fromBlock: deployed.blockNumber,
    });
    assert.equal(logs.length, 1);
    assert.equal(logs[0].transactionHash, hash);
    assert.equal(logs[0].args.by.toLowerCase(), from.toLowerCase());
    assert.equal(logs[0].args.amount, 8n);
    assert.equal(logs[0].args.newCount, 50n);
    const event = counter.abi.find((item) => item.name === 'Incremented');
    const byTopic = await client.getLogs({ address, event, args: { by: from }, fromBlock: 0n, toBlock: 'latest' });
    assert.equal(byTopic.length, 1);
    const other = await client.getLogs({ address, event, args: { by: randomAddress() }, fromBlock: 0n });
    assert.equal(other.length, 0);

    await assert.rejects(
      client.simulateContract({ address, abi: counter.abi, functionName: 'increment', args: [5000n], account: from }),
      (error) => {
        assert.ok(error instanceof BaseError);
        const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
        assert.ok(reverted, `not a revert: ${error.shortMessage}`);
        assert.equal(reverted.data?.errorName, 'TooLarge');
        assert.deepEqual(reverted.data?.args, [5000n]);
        return true;
      });
  });

  test('getBlock with and without transactions; getTransaction', async () => {
    const from = node.accounts[2].address;
    const wallet = createWalletClient({ chain, transport: http(node.http), account: from });
    const to = randomAddress();
    const hash = await wallet.sendTransaction({ to, value: parseEther('0.25') });
    const receipt = await client.waitForTransactionReceipt({ hash, timeout: 30_000 });
    assert.equal(receipt.status, 'success');
    assert.equal(await client.getBalance({ address: to }), parseEther('0.25'));

    const block = await client.getBlock({ blockNumber: receipt.blockNumber });
    assert.equal(block.number, receipt.blockNumber);
    assert.ok(block.transactions.includes(hash));
    assert.ok(block.baseFeePerGas > 0n);
    const full = await client.getBlock({ blockNumber: receipt.blockNumber, includeTransactions: true });
    assert.equal(full.hash, block.hash);
    const tx = full.transactions.find((t) => t.hash === hash);
    assert.ok(tx, 'the transfer is in the block');
    assert.equal(tx.from.toLowerCase(), from.toLowerCase());
    assert.equal(tx.to.toLowerCase(), to.toLowerCase());
    assert.equal(tx.value, parseEther('0.25'));
    assert.equal(tx.blockNumber, receipt.blockNumber);
    assert.equal(tx.typeHex, '0x51');

    const single = await client.getTransaction({ hash });
    assert.equal(single.hash, hash);
    assert.equal(single.nonce, tx.nonce);
    assert.equal(single.chainId, 7357);
    const latest = await client.getBlock({ blockTag: 'latest' });
    assert.ok(latest.number >= receipt.blockNumber);
  });
});

describe('WebSocket transport', () => {
  test('watchContractEvent and watchBlockNumber over eth_subscribe', async (t) => {
    assert.ok(node.ws, NO_WS);
    const wsClient = createPublicClient({ chain, transport: webSocket(node.ws) });
    const unwatch = [];
    try {
      assert.equal(await wsClient.getChainId(), 7357);
      const from = node.accounts[3].address;
      const { wallet, address } = await deployCounter(from, 0n);
      const seen = new Promise((resolve, reject) => {
        unwatch.push(wsClient.watchContractEvent({
          address, abi: counter.abi, eventName: 'Incremented', onLogs: resolve, onError: reject,
        }));
      });
      const block = new Promise((resolve, reject) => {
        unwatch.push(wsClient.watchBlockNumber({ onBlockNumber: resolve, onError: reject }));
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const hash = await wallet.writeContract({ address, abi: counter.abi, functionName: 'increment', args: [3n] });
      const logs = await withTimeout(seen, 20_000, 'event');
      assert.equal(logs[0].transactionHash, hash);
      assert.equal(logs[0].args.newCount, 3n);
      assert.ok((await withTimeout(block, 20_000, 'block number')) > 0n);
    } finally {
      unwatch.forEach((stop) => stop());
      const transport = await wsClient.transport.getRpcClient?.();
      transport?.close?.();
    }
  });
});

describe('QTM SDK viem account (eth_sendRawTransaction)', () => {
  test('transfer and contract deployment signed client-side', async (t) => {
    const sdk = sdkEntry();
    assert.ok(sdk.entry, sdk.reason);
    const account = await sdkViemAccount(node.accounts[7].seed, node.http);
    assert.equal(account.address.toLowerCase(), node.accounts[7].address.toLowerCase());
    const wallet = createWalletClient({ chain, transport: http(node.http), account });
    const to = randomAddress();
    const hash = await wallet.sendTransaction({ to, value: 777n });
    const receipt = await client.waitForTransactionReceipt({ hash, timeout: 30_000 });
    assert.equal(receipt.status, 'success');
    assert.equal(await client.getBalance({ address: to }), 777n);
    assert.equal((await client.getTransaction({ hash })).typeHex, '0x51');

    const { address } = await deployCounter(account, 9n);
    assert.equal(await client.readContract({ address, abi: counter.abi, functionName: 'get' }), 9n);
  });
});
