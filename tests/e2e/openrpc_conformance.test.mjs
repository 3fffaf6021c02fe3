// Every eth_/net_/web3_ method qtmd serves, answered on a chain with a transfer and a
// contract that logs, checked against the execution-apis OpenRPC result schemas
// (lib/openrpc_shapes.mjs, written by hand from the spec). What differs is listed below as
// QTM's deviations, each with its reason (docs/rpc.md); the test fails on any other
// difference, and also when a listed one is gone (so the list stays true).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AccessListResult, AccountProof, Block, FeeHistory, FilterResults, ReceiptInfo, SignTransactionResult, SimulatedBlock,
  SyncingStatus, TransactionInfo, mismatches,
} from './lib/openrpc_shapes.mjs';
import { compileContract, rpc, rpcRaw, startQtmd, waitForReceipt } from './lib/qtmd.mjs';

// method -> the mismatch lines QTM answers with (array indices written [*]), and why.
const DEVIATIONS = {
  eth_getTransactionByHash: {
    lines: ['$.type: expected /^0x2$/, got "0x51"'],
    why: 'QTM transactions are type 0x51 (ML-DSA signatures); their fee fields are EIP-1559\'s',
  },
  eth_getBlockByNumber_full: {
    lines: ['$.transactions[*].type: expected /^0x2$/, got "0x51"'],
    why: 'as eth_getTransactionByHash',
  },
  eth_sign: {
    lines: ['$: expected bytes65, got <ML-DSA signature>'],
    why: 'scheme id || ML-DSA-44 signature (2,421 bytes), not a 65-byte ECDSA signature',
  },
  eth_getProof: {
    lines: ['$.keyHash: not in the schema (additionalProperties: false)'],
    why: 'QTM adds keyHash, the hash of a registered ML-DSA key, which the account leaf commits to',
  },
  eth_coinbase: {
    lines: ['error -32601'],
    why: 'not served, as geth since 1.14 (no etherbase after the merge; a block\'s proposer is its miner field)',
  },
};

const normalize = (lines) => [...new Set(lines.map((l) => l
  .replace(/\[\d+\]/g, '[*]')
  .replace(/expected bytes65, got "0x[0-9a-f]+.*$/, 'expected bytes65, got <ML-DSA signature>')))].sort();

describe('execution-apis OpenRPC result shapes', () => {
  let node;
  const answers = {};

  before(async () => {
    node = await startQtmd({ blockTime: 0.5 });
    const from = node.accounts[0].address;
    const to = node.accounts[1].address;
    const { bytecode, abi } = await compileContract('Counter');
    assert.ok(abi.length > 0);
    const deploy = await waitForReceipt(node.http, await rpc(node.http, 'eth_sendTransaction', [{ from, data: bytecode + '0'.repeat(64) }]));
    const counter = deploy.contractAddress;
    // increment(5): emits Incremented, so receipts and eth_getLogs carry a log.
    const call = '0x7cf5dab0' + (5).toString(16).padStart(64, '0');
    const filter = await rpc(node.http, 'eth_newFilter', [{ address: counter }]);
    const blockFilter = await rpc(node.http, 'eth_newBlockFilter');
    const pendingFilter = await rpc(node.http, 'eth_newPendingTransactionFilter');
    const hash = await rpc(node.http, 'eth_sendTransaction', [{ from, to: counter, data: call }]);
    const receipt = await waitForReceipt(node.http, hash);
    assert.equal(receipt.logs.length, 1);
    const ask = async (name, method, params = []) => {
      const answer = await rpcRaw(node.http, method, params);
      answers[name] = answer;
    };
    await ask('web3_clientVersion', 'web3_clientVersion');
    await ask('web3_sha3', 'web3_sha3', ['0x68656c6c6f']);
    await ask('net_version', 'net_version');
    await ask('net_listening', 'net_listening');
    await ask('net_peerCount', 'net_peerCount');
    await ask('eth_chainId', 'eth_chainId');
    await ask('eth_syncing', 'eth_syncing');
    await ask('eth_coinbase', 'eth_coinbase');
    await ask('eth_protocolVersion', 'eth_protocolVersion');
    await ask('eth_accounts', 'eth_accounts');
    await ask('eth_blockNumber', 'eth_blockNumber');
    await ask('eth_gasPrice', 'eth_gasPrice');
    await ask('eth_blobBaseFee', 'eth_blobBaseFee');
    await ask('eth_maxPriorityFeePerGas', 'eth_maxPriorityFeePerGas');
    await ask('eth_feeHistory', 'eth_feeHistory', ['0x4', 'latest', [25, 75]]);
    await ask('eth_getBlockByNumber', 'eth_getBlockByNumber', [receipt.blockNumber, false]);
    await ask('eth_getBlockByNumber_full', 'eth_getBlockByNumber', [receipt.blockNumber, true]);
    await ask('eth_getBlockByHash', 'eth_getBlockByHash', [receipt.blockHash, false]);
    await ask('eth_getBlockTransactionCountByNumber', 'eth_getBlockTransactionCountByNumber', [receipt.blockNumber]);
    await ask('eth_getBlockTransactionCountByHash', 'eth_getBlockTransactionCountByHash', [receipt.blockHash]);
    await ask('eth_getUncleCountByBlockNumber', 'eth_getUncleCountByBlockNumber', [receipt.blockNumber]);
    await ask('eth_getUncleCountByBlockHash', 'eth_getUncleCountByBlockHash', [receipt.blockHash]);
    await ask('eth_getBlockReceipts', 'eth_getBlockReceipts', [receipt.blockNumber]);
    await ask('eth_getUncleByBlockNumberAndIndex', 'eth_getUncleByBlockNumberAndIndex', [receipt.blockNumber, '0x0']);
    await ask('eth_getUncleByBlockHashAndIndex', 'eth_getUncleByBlockHashAndIndex', [receipt.blockHash, '0x0']);
    await ask('eth_getTransactionByHash', 'eth_getTransactionByHash', [hash]);
    await ask('eth_getTransactionByBlockNumberAndIndex', 'eth_getTransactionByBlockNumberAndIndex', [receipt.blockNumber, receipt.transactionIndex]);
    await ask('eth_getTransactionByBlockHashAndIndex', 'eth_getTransactionByBlockHashAndIndex', [receipt.blockHash, receipt.transactionIndex]);
    await ask('eth_getTransactionReceipt', 'eth_getTransactionReceipt', [hash]);
    await ask('eth_getBalance', 'eth_getBalance', [from, 'latest']);
    await ask('eth_getTransactionCount', 'eth_getTransactionCount', [from, 'latest']);
    await ask('eth_getCode', 'eth_getCode', [counter, 'latest']);
    await ask('eth_getStorageAt', 'eth_getStorageAt', [counter, '0x0', 'latest']);
    await ask('eth_getProof', 'eth_getProof', [from, ['0x0'], 'latest']);
    await ask('eth_call', 'eth_call', [{ to: counter, data: '0x6d4ce63c' }, 'latest']);
    await ask('eth_estimateGas', 'eth_estimateGas', [{ from, to: counter, data: call }]);
    await ask('eth_createAccessList', 'eth_createAccessList', [{ from, to: counter, data: call }, 'latest']);
    // A call that logs, one that reverts (increment(5000): TooLarge) and a traced transfer.
    const tooLarge = '0x7cf5dab0' + (5000).toString(16).padStart(64, '0');
    await ask('eth_simulateV1', 'eth_simulateV1', [{
      traceTransfers: true,
      blockStateCalls: [
        { calls: [{ from, to: counter, input: call }, { from, to: counter, input: tooLarge }] },
        { calls: [{ from, to, value: '0x1' }] },
      ],
    }, 'latest']);
    await ask('eth_getLogs', 'eth_getLogs', [{ fromBlock: '0x0', toBlock: 'latest', address: counter }]);
    await ask('eth_getFilterChanges_logs', 'eth_getFilterChanges', [filter]);
    await ask('eth_getFilterChanges_blocks', 'eth_getFilterChanges', [blockFilter]);
    await ask('eth_getFilterChanges_pending', 'eth_getFilterChanges', [pendingFilter]);
    await ask('eth_getFilterLogs', 'eth_getFilterLogs', [filter]);
    await ask('eth_newFilter', 'eth_newFilter', [{ address: counter }]);
    await ask('eth_uninstallFilter', 'eth_uninstallFilter', [filter]);
    await ask('eth_sign', 'eth_sign', [from, '0x68656c6c6f']);
    await ask('eth_signTransaction', 'eth_signTransaction', [{ from, to, value: '0x1', gas: '0x100000' }]);
    // The signed transaction first (it holds the next nonce), then one the node signs and sends.
    await ask('eth_sendRawTransaction', 'eth_sendRawTransaction', [answers.eth_signTransaction.result.raw]);
    await ask('eth_sendTransaction', 'eth_sendTransaction', [{ from, to, value: '0x1' }]);
  });

  after(async () => {
    await node?.stop();
  });

  const SHAPES = {
    web3_clientVersion: 'string', web3_sha3: 'hash32', net_version: 'uintDecimal', net_listening: 'boolean',
    net_peerCount: 'uint', eth_chainId: 'uint', eth_syncing: SyncingStatus, eth_coinbase: 'address',
    eth_accounts: { array: 'address' }, eth_blockNumber: 'uint', eth_gasPrice: 'uint', eth_blobBaseFee: 'uint',
    eth_maxPriorityFeePerGas: 'uint', eth_feeHistory: FeeHistory, eth_getBlockByNumber: Block,
    eth_getBlockByNumber_full: Block, eth_getBlockByHash: Block, eth_getBlockTransactionCountByNumber: 'uint',
    eth_getBlockTransactionCountByHash: 'uint', eth_getUncleCountByBlockNumber: 'uint', eth_getUncleCountByBlockHash: 'uint',
    eth_getBlockReceipts: { array: ReceiptInfo }, eth_getUncleByBlockNumberAndIndex: 'null', eth_getUncleByBlockHashAndIndex: 'null', eth_getTransactionByHash: TransactionInfo,
    eth_getTransactionByBlockNumberAndIndex: TransactionInfo, eth_getTransactionByBlockHashAndIndex: TransactionInfo,
    eth_getTransactionReceipt: ReceiptInfo, eth_getBalance: 'uint', eth_getTransactionCount: 'uint', eth_getCode: 'bytes',
    eth_getStorageAt: 'bytes', eth_getProof: AccountProof, eth_call: 'bytes', eth_estimateGas: 'uint',
    eth_createAccessList: AccessListResult, eth_getLogs: FilterResults, eth_getFilterChanges_logs: FilterResults,
    eth_getFilterChanges_blocks: FilterResults, eth_getFilterChanges_pending: FilterResults, eth_getFilterLogs: FilterResults,
    eth_newFilter: 'uint', eth_uninstallFilter: 'boolean', eth_sign: 'bytes65', eth_signTransaction: SignTransactionResult,
    eth_sendTransaction: 'hash32', eth_sendRawTransaction: 'hash32', eth_simulateV1: { array: SimulatedBlock },
  };
  // The by-index lookups answer what eth_getTransactionByHash does.
  DEVIATIONS.eth_getTransactionByBlockNumberAndIndex = DEVIATIONS.eth_getTransactionByHash;
  DEVIATIONS.eth_getTransactionByBlockHashAndIndex = DEVIATIONS.eth_getTransactionByHash;

  for (const [name, shape] of Object.entries(SHAPES)) {
    test(name, () => {
      const answer = answers[name];
      assert.ok(answer, `${name} was not asked`);
      const found = answer.error ? [`error ${answer.error.code}`] : normalize(mismatches(answer.result, shape));
      const expected = normalize(DEVIATIONS[name]?.lines ?? []);
      assert.deepEqual(found, expected, `${name}: ${JSON.stringify(answer).slice(0, 400)}`);
    });
  }

  test('eth_protocolVersion (no longer in the spec) is not served, as geth since 1.10', () => {
    assert.equal(answers.eth_protocolVersion.error?.code, -32601, JSON.stringify(answers.eth_protocolVersion));
  });

  test('the answers are about the chain (not just well-formed)', () => {
    const receipt = answers.eth_getTransactionReceipt.result;
    assert.equal(answers.eth_getBlockReceipts.result.find((r) => r.transactionHash === receipt.transactionHash).gasUsed, receipt.gasUsed);
    assert.equal(answers.eth_getLogs.result.length, 1);
    assert.equal(answers.eth_getFilterChanges_logs.result.length, 1);
    assert.equal(BigInt(answers.eth_call.result), 5n);
    const simulated = answers.eth_simulateV1.result;
    assert.deepEqual(simulated[0].calls.map((c) => c.status), ['0x1', '0x0']);
    assert.equal(simulated[0].calls[0].logs.length, 1);
    assert.equal(simulated[1].calls[0].logs[0].address, '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee');
    assert.equal(answers.eth_uninstallFilter.result, true);
    assert.equal(answers.eth_sendRawTransaction.result, answers.eth_signTransaction.result.hash);
    assert.equal(answers.net_version.result, String(BigInt(answers.eth_chainId.result)));
    const block = answers.eth_getBlockByNumber.result;
    assert.equal(answers.eth_getTransactionByHash.result.blockTimestamp, block.timestamp);
    assert.equal(answers.eth_getLogs.result[0].blockTimestamp, block.timestamp);
    assert.equal(answers.eth_getTransactionReceipt.result.logs[0].blockTimestamp, block.timestamp);
    const signedTx = answers.eth_signTransaction.result.tx;
    assert.equal(signedTx.hash, answers.eth_signTransaction.result.hash);
    assert.equal(signedTx.blockHash, null);
  });
});
