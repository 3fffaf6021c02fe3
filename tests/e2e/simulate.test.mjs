// eth_simulateV1 against a real `qtmd --dev`, through viem's simulateBlocks (the client that
// speaks it) and as raw JSON-RPC: a solc-compiled Counter deployed by the node's account is
// incremented in one simulated block and read in the next (state carried), a revert comes
// back as a failed call with its decoded error, traceTransfers adds the ERC-7528 transfer
// log of a value transfer, state and block overrides apply, nothing is written to the chain,
// and invalid requests get execution-apis' error codes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createPublicClient, createWalletClient, decodeErrorResult, decodeEventLog, defineChain, encodeFunctionData, http, parseEther,
} from 'viem';
import { compileContract, rpc, rpcRaw, startQtmd } from './lib/qtmd.mjs';

let node;
let chain;
let client;
let counter;
let address;
let from;

const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const NATIVE = '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
const word = (a) => `0x${a.slice(2).toLowerCase().padStart(64, '0')}`;

before(async () => {
  node = await startQtmd();
  chain = defineChain({
    id: 7357,
    name: 'QTM dev',
    nativeCurrency: { name: 'QTM', symbol: 'QTM', decimals: 18 },
    rpcUrls: { default: { http: [node.http] } },
  });
  client = createPublicClient({ chain, transport: http(node.http), pollingInterval: 200 });
  counter = await compileContract('Counter');
  from = node.accounts[3].address;
  const wallet = createWalletClient({ chain, transport: http(node.http), account: from });
  const hash = await wallet.deployContract({ abi: counter.abi, bytecode: counter.bytecode, args: [7n] });
  const receipt = await client.waitForTransactionReceipt({ hash, timeout: 30_000 });
  assert.equal(receipt.status, 'success');
  address = receipt.contractAddress;
});

after(async () => {
  await node?.stop();
});

test('viem simulateBlocks: state carried across blocks, events decoded, nothing written', async () => {
  const head = await client.getBlock();
  const blocks = await client.simulateBlocks({
    blockNumber: head.number,
    blocks: [
      { calls: [{ account: from, to: address, abi: counter.abi, functionName: 'increment', args: [5n] }] },
      { calls: [{ account: from, to: address, abi: counter.abi, functionName: 'get' }] },
    ],
  });
  assert.equal(blocks.length, 2);
  assert.equal(blocks[0].number, head.number + 1n);
  assert.equal(blocks[0].parentHash, head.hash);
  assert.equal(blocks[1].parentHash, blocks[0].hash);
  const [increment] = blocks[0].calls;
  assert.equal(increment.status, 'success');
  assert.equal(increment.logs.length, 1);
  const event = decodeEventLog({ abi: counter.abi, data: increment.logs[0].data, topics: increment.logs[0].topics });
  assert.equal(event.eventName, 'Incremented');
  assert.equal(event.args.newCount, 12n);
  assert.equal(increment.logs[0].blockHash, blocks[0].hash);
  assert.ok(increment.gasUsed > 21_000n);
  assert.equal(blocks[0].gasUsed, increment.gasUsed);
  assert.equal(blocks[1].calls[0].result, 12n);
  // The chain itself still counts 7.
  assert.equal(await client.readContract({ address, abi: counter.abi, functionName: 'get' }), 7n);
});

test('a revert is a failed call with its decoded error; later calls still run', async () => {
  const [block] = await client.simulateBlocks({
    blocks: [{
      calls: [
        { account: from, to: address, abi: counter.abi, functionName: 'increment', args: [5000n] },
        { account: from, to: address, abi: counter.abi, functionName: 'increment', args: [1n] },
      ],
    }],
  });
  const [failed, ok] = block.calls;
  assert.equal(failed.status, 'failure');
  assert.match(failed.error.message, /TooLarge/);
  assert.equal(ok.status, 'success');
  // Raw: code -32000 with the revert data (TooLarge(5000)), as execution-apis specifies.
  const input = encodeFunctionData({ abi: counter.abi, functionName: 'increment', args: [5000n] });
  const raw = await rpc(node.http, 'eth_simulateV1', [{ blockStateCalls: [{ calls: [{ from, to: address, input }] }] }, 'latest']);
  const { error } = raw[0].calls[0];
  assert.equal(raw[0].calls[0].status, '0x0');
  assert.equal(error.code, -32000);
  assert.equal(error.message, 'execution reverted');
  const decoded = decodeErrorResult({ abi: counter.abi, data: error.data });
  assert.equal(decoded.errorName, 'TooLarge');
  assert.deepEqual(decoded.args, [5000n]);
});

test('traceTransfers, state overrides and block overrides', async () => {
  const rich = '0x00000000000000000000000000000000000a11ce';
  const to = '0x0000000000000000000000000000000000000b0b';
  // (viem pairs result blocks with the requested ones, so no gap here; the raw call below has one.)
  const head = await client.getBlock();
  const [block] = await client.simulateBlocks({
    blockNumber: head.number,
    traceTransfers: true,
    blocks: [{
      blockOverrides: { number: head.number + 1n, time: 4_000_000_000n },
      stateOverrides: [{ address: rich, balance: parseEther('5') }],
      calls: [{ account: rich, to, value: parseEther('2') }],
    }],
  });
  assert.equal(block.timestamp, 4_000_000_000n);
  assert.equal(block.number, head.number + 1n);
  const [transfer] = block.calls;
  assert.equal(transfer.status, 'success');
  assert.equal(transfer.logs.length, 1);
  assert.equal(transfer.logs[0].address, NATIVE);
  assert.deepEqual(transfer.logs[0].topics, [TRANSFER_TOPIC, word(rich), word(to)]);
  assert.equal(BigInt(transfer.logs[0].data), parseEther('2'));
  // The gap to the overridden number was filled with empty blocks.
  const raw = await rpc(node.http, 'eth_simulateV1', [{
    blockStateCalls: [{ blockOverrides: { number: `0x${((await client.getBlockNumber()) + 3n).toString(16)}` } }],
  }, 'latest']);
  assert.equal(raw.length, 3);
  assert.equal(await client.getBalance({ address: to }), 0n);
});

test('invalid requests get the execution-apis error codes', async () => {
  const pauper = '0x000000000000000000000000000000000000dEaD';
  const insufficient = await rpcRaw(node.http, 'eth_simulateV1', [{
    blockStateCalls: [{ calls: [{ from: pauper, to: from, value: '0x1' }] }],
  }, 'latest']);
  assert.equal(insufficient.error?.code, -38014, JSON.stringify(insufficient));
  const nonce = await rpcRaw(node.http, 'eth_simulateV1', [{
    validation: true,
    blockStateCalls: [{ calls: [{ from, to: from, nonce: '0x0', maxFeePerGas: '0xe8d4a51000' }] }],
  }, 'latest']);
  assert.equal(nonce.error?.code, -38010, JSON.stringify(nonce));
  const order = await rpcRaw(node.http, 'eth_simulateV1', [{
    blockStateCalls: [{ blockOverrides: { number: '0x1' } }],
  }, 'latest']);
  assert.equal(order.error?.code, -38020, JSON.stringify(order));
  const tooMany = await rpcRaw(node.http, 'eth_simulateV1', [{
    blockStateCalls: [{ blockOverrides: { number: `0x${((await client.getBlockNumber()) + 300n).toString(16)}` } }],
  }, 'latest']);
  assert.equal(tooMany.error?.code, -38026, JSON.stringify(tooMany));
});
