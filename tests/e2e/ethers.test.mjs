// ethers v6 against a real `qtmd --dev`: reads through JsonRpcProvider, node-side signing
// through JsonRpcSigner (eth_sendTransaction), client-side ML-DSA signing through the QTM
// SDK's ethers Signer (eth_sendRawTransaction), a Solidity contract compiled with solcjs,
// its events through eth_getLogs and through a WebSocket subscription.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import {
  NO_WS, compileContract, rpc, sdkEntry, startQtmd, waitForBlock, withTimeout,
} from './lib/qtmd.mjs';
import { sdkEthersSigner } from './lib/sdk.mjs';

const DEV_BALANCE = ethers.parseEther('99000000');

let node;
let provider;
let counter; // { abi, bytecode }

before(async () => {
  node = await startQtmd();
  // cacheTimeout -1: ethers otherwise answers an identical request made within 250 ms from a
  // cache, so on a 0.5 s chain a signer's getNonce('pending') right after a mined
  // transaction can return the nonce from before it (then "nonce too low", or for a QTM
  // signer an unneeded public key and "intrinsic gas too low").
  provider = new ethers.JsonRpcProvider(node.http, undefined, { pollingInterval: 200, cacheTimeout: -1 });
  counter = await compileContract('Counter');
});

after(async () => {
  provider?.destroy();
  await node?.stop();
});

// Deploys Counter(start) with `signer`, increments it, checks the view function, the
// receipt's logs, eth_getLogs, a revert with a custom error; returns the contract.
async function exerciseCounter(signer, start) {
  const from = await signer.getAddress();
  const factory = new ethers.ContractFactory(counter.abi, counter.bytecode, signer);
  const contract = await factory.deploy(start);
  const deployTx = contract.deploymentTransaction();
  const deployReceipt = await deployTx.wait(1, 30_000);
  assert.equal(deployReceipt.status, 1);
  const address = await contract.getAddress();
  assert.equal(deployReceipt.contractAddress, address);
  assert.equal(address, ethers.getCreateAddress({ from, nonce: deployTx.nonce }));
  assert.notEqual(await provider.getCode(address), '0x');

  const reader = new ethers.Contract(address, counter.abi, provider);
  assert.equal(await reader.get(), BigInt(start));
  assert.equal(await reader.count(), BigInt(start));
  assert.equal(await reader.owner(), from);

  const tx = await contract.increment(7n);
  const receipt = await tx.wait(1, 30_000);
  assert.equal(receipt.status, 1);
  assert.equal(await reader.get(), BigInt(start) + 7n);
  assert.equal(receipt.logs.length, 1);
  const parsed = reader.interface.parseLog(receipt.logs[0]);
  assert.equal(parsed.name, 'Incremented');
  assert.equal(parsed.args.by, from);
  assert.equal(parsed.args.amount, 7n);
  assert.equal(parsed.args.newCount, BigInt(start) + 7n);

  // eth_getLogs through provider.getLogs, filtered by address and the indexed sender.
  const topic = reader.interface.getEvent('Incremented').topicHash;
  const logs = await provider.getLogs({
    address,
    topics: [topic, ethers.zeroPadValue(from, 32)],
    fromBlock: 0,
    toBlock: 'latest',
  });
  assert.equal(logs.length, 1);
  assert.equal(logs[0].transactionHash, receipt.hash);
  assert.equal(logs[0].blockNumber, receipt.blockNumber);
  const none = await provider.getLogs({
    address,
    topics: [topic, ethers.zeroPadValue(ethers.Wallet.createRandom().address, 32)],
    fromBlock: 0,
  });
  assert.equal(none.length, 0);
  const queried = await reader.queryFilter(reader.filters.Incremented(from), 0);
  assert.equal(queried.length, 1);
  assert.equal(queried[0].args.newCount, BigInt(start) + 7n);

  // A revert with a custom error: eth_call returns code 3 with the revert data, which ethers
  // decodes against the ABI.
  await assert.rejects(reader.increment.staticCall(5000n, { from }), (error) => {
    assert.equal(error.code, 'CALL_EXCEPTION');
    assert.equal(error.revert?.name, 'TooLarge');
    assert.equal(error.revert?.args[0], 5000n);
    return true;
  });
  return { contract, address, receipt };
}

describe('reads', () => {
  test('getNetwork reports the dev chain id', async () => {
    const network = await provider.getNetwork();
    assert.equal(network.chainId, node.chainId);
    assert.equal(network.chainId, 7357n);
  });

  test('getBlockNumber advances with the 0.5 s block time', async () => {
    const first = await provider.getBlockNumber();
    await waitForBlock(node.http, first + 2);
    assert.ok((await provider.getBlockNumber()) >= first + 2);
  });

  test('getBalance of every dev account at genesis', async () => {
    assert.equal(node.accounts.length, 10);
    for (const { address } of node.accounts) {
      assert.equal(await provider.getBalance(address, 0), DEV_BALANCE, address);
    }
    assert.equal(await provider.getBalance(ethers.Wallet.createRandom().address), 0n);
  });

  test('getBlock(0) and getBlock("latest")', async () => {
    const genesis = await provider.getBlock(0);
    assert.equal(genesis.number, 0);
    assert.equal(genesis.parentHash, ethers.ZeroHash);
    assert.match(genesis.hash, /^0x[0-9a-f]{64}$/);
    const latest = await provider.getBlock('latest');
    assert.ok(latest.number > 0);
    assert.equal((await provider.getBlock(latest.number - 1)).hash, latest.parentHash);
    assert.equal((await provider.getBlock(latest.hash)).number, latest.number);
    assert.ok(latest.baseFeePerGas > 0n);
    assert.ok(latest.gasLimit > 0n);
    assert.ok(latest.timestamp >= genesis.timestamp);
  });

  test('getFeeData', async () => {
    const fees = await provider.getFeeData();
    assert.ok(fees.gasPrice > 0n);
    assert.equal(fees.maxPriorityFeePerGas, ethers.parseUnits('1', 'gwei'));
    // ethers: maxFeePerGas = 2 * the latest block's base fee + the priority fee.
    const doubledBase = fees.maxFeePerGas - fees.maxPriorityFeePerGas;
    assert.ok(doubledBase > 0n && doubledBase % 2n === 0n, `maxFeePerGas ${fees.maxFeePerGas}`);
  });

  test('estimateGas of a transfer prices the ML-DSA signature', async () => {
    const gas = await provider.estimateGas({
      from: node.accounts[9].address,
      to: ethers.Wallet.createRandom().address,
      value: 1n,
    });
    // Account 9 has not sent anything, so its transaction would carry its key: 21,000 +
    // ML-DSA-44 verification (4,500) + key registration (20,000 + 16 per key byte, 1,312
    // bytes). A plain transfer needs exactly its intrinsic gas.
    assert.equal(gas, 21_000n + 4_500n + 20_000n + 16n * 1312n);
  });
});

describe('node-side signing (JsonRpcSigner, eth_sendTransaction)', () => {
  test('value transfer, getTransaction, getTransactionReceipt, getBlock(n, true)', async () => {
    const signer = await provider.getSigner(node.accounts[1].address);
    assert.equal(await signer.getAddress(), node.accounts[1].address);
    const to = ethers.Wallet.createRandom().address;
    const value = ethers.parseEther('1.5');
    const sent = await signer.sendTransaction({ to, value });
    const receipt = await sent.wait(1, 30_000);
    assert.equal(receipt.status, 1);
    assert.equal(receipt.from, node.accounts[1].address);
    assert.equal(receipt.to, to);
    assert.ok(receipt.gasUsed >= 21_000n);
    assert.ok(receipt.gasPrice > 0n);
    assert.equal(await provider.getBalance(to), value);
    assert.equal(receipt.gasUsed, 21_000n + 4_500n + 20_000n + 16n * 1312n, 'first tx registers the key');
    // Its key is registered now: a transfer costs 21,000 + 4,500.
    assert.equal(await provider.estimateGas({ from: node.accounts[1].address, to, value: 1n }), 25_500n);

    const tx = await provider.getTransaction(sent.hash);
    assert.equal(tx.hash, sent.hash);
    assert.equal(tx.from, node.accounts[1].address);
    assert.equal(tx.to, to);
    assert.equal(tx.value, value);
    assert.equal(tx.type, 0x51);
    assert.equal(tx.chainId, 7357n);
    assert.equal(tx.blockNumber, receipt.blockNumber);
    assert.equal(tx.blockHash, receipt.blockHash);

    const again = await provider.getTransactionReceipt(sent.hash);
    assert.equal(again.hash, sent.hash);
    assert.equal(again.blockHash, receipt.blockHash);
    assert.equal(again.index, receipt.index);
    assert.equal(again.cumulativeGasUsed >= again.gasUsed, true);
    // The receipt reports type 2 (Ethereum-typed clients such as cast refuse 0x51 there).
    assert.equal(again.type, 2);

    const block = await provider.getBlock(receipt.blockNumber);
    assert.ok(block.transactions.includes(sent.hash));
    const full = await provider.getBlock(receipt.blockNumber, true);
    assert.equal(full.prefetchedTransactions.length, block.transactions.length);
    const prefetched = full.prefetchedTransactions.find((t) => t.hash === sent.hash);
    assert.ok(prefetched, 'the transfer is among the prefetched transactions');
    assert.equal(prefetched.from, node.accounts[1].address);
    assert.equal(prefetched.value, value);
    assert.equal(prefetched.blockNumber, receipt.blockNumber);

    // The sender paid value + gas.
    const before = await provider.getBalance(node.accounts[1].address, receipt.blockNumber - 1);
    const afterBalance = await provider.getBalance(node.accounts[1].address, receipt.blockNumber);
    assert.equal(before - afterBalance, value + receipt.gasUsed * receipt.gasPrice);
  });

  test('Solidity contract: deploy, view call, state change, events, custom-error revert', async () => {
    const signer = await provider.getSigner(node.accounts[2].address);
    await exerciseCounter(signer, 10);
  });
});

describe('WebSocket', () => {
  test('contract events through WebSocketProvider subscriptions', async (t) => {
    assert.ok(node.ws, NO_WS);
    const ws = new ethers.WebSocketProvider(node.ws);
    try {
      assert.equal((await ws.getNetwork()).chainId, 7357n);
      const signer = await provider.getSigner(node.accounts[3].address);
      const factory = new ethers.ContractFactory(counter.abi, counter.bytecode, signer);
      const deployed = await factory.deploy(0);
      await deployed.waitForDeployment();
      const address = await deployed.getAddress();
      const watched = new ethers.Contract(address, counter.abi, ws);

      const viaContract = new Promise((resolve) => {
        watched.on('Incremented', (by, amount, newCount, event) => resolve({ by, amount, newCount, event }));
      });
      const viaFilter = new Promise((resolve) => {
        ws.on({ address, topics: [watched.interface.getEvent('Incremented').topicHash] }, (log) => resolve(log));
      });
      const newBlock = new Promise((resolve) => ws.once('block', resolve));
      // eth_subscribe is set up asynchronously; give it a moment before the event happens.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const tx = await deployed.increment(4n);
      const receipt = await tx.wait(1, 30_000);

      const seen = await withTimeout(viaContract, 20_000, 'contract event');
      assert.equal(seen.by, node.accounts[3].address);
      assert.equal(seen.amount, 4n);
      assert.equal(seen.newCount, 4n);
      assert.equal(seen.event.log.transactionHash, receipt.hash);
      const log = await withTimeout(viaFilter, 20_000, 'filter log');
      assert.equal(log.transactionHash, receipt.hash);
      assert.equal(log.address, address);
      assert.ok((await withTimeout(newBlock, 20_000, 'block')) > 0);
    } finally {
      await ws.destroy();
    }
  });
});

describe('client-side signing (QTM SDK ethers Signer, eth_sendRawTransaction)', () => {
  const sdk = sdkEntry();

  test('value transfer signed by the SDK and its receipt', async (t) => {
    assert.ok(sdk.entry, sdk.reason);
    const signer = await sdkEthersSigner(node.accounts[4].seed, provider);
    assert.equal(await signer.getAddress(), node.accounts[4].address);
    const to = ethers.Wallet.createRandom().address;
    const nonce = await provider.getTransactionCount(node.accounts[4].address);
    const sent = await signer.sendTransaction({ to, value: 12345n });
    const receipt = await sent.wait(1, 30_000);
    assert.equal(receipt.status, 1);
    assert.equal(receipt.from, node.accounts[4].address);
    assert.equal(await provider.getBalance(to), 12345n);
    const tx = await provider.getTransaction(sent.hash);
    assert.equal(tx.type, 0x51);
    assert.equal(tx.nonce, nonce);
    assert.equal(tx.from, node.accounts[4].address);
    // The node registered the account's ML-DSA-44 key from this (its first) transaction.
    const key = await rpc(node.http, 'qtm_getPublicKey', [node.accounts[4].address]);
    assert.equal(key?.scheme, '0x1');
    assert.equal(key?.publicKey.length, 2 + 2 * 1312);
  });

  test('Solidity contract deployed and driven through the SDK signer', async (t) => {
    assert.ok(sdk.entry, sdk.reason);
    const signer = await sdkEthersSigner(node.accounts[5].seed, provider);
    await exerciseCounter(signer, 100);
  });

  test('a fresh ML-DSA-44 account funded by a dev account sends with the SDK', async (t) => {
    assert.ok(sdk.entry, sdk.reason);
    const seed = ethers.hexlify(ethers.randomBytes(32));
    const fresh = await sdkEthersSigner(seed, provider);
    const freshAddress = await fresh.getAddress();
    const funder = await provider.getSigner(node.accounts[6].address);
    await (await funder.sendTransaction({ to: freshAddress, value: ethers.parseEther('2') })).wait(1, 30_000);
    const to = ethers.Wallet.createRandom().address;
    const receipt = await (await fresh.sendTransaction({ to, value: ethers.parseEther('1') })).wait(1, 30_000);
    assert.equal(receipt.status, 1);
    assert.equal(await provider.getBalance(to), ethers.parseEther('1'));
    assert.equal(await provider.getTransactionCount(freshAddress), 1);
  });
});
