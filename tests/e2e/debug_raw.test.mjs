// debug_getRawHeader/Block/Receipts/Transaction and debug_getBadBlocks against `qtmd --dev`,
// checked by what each encoding commits to rather than by stored bytes: the raw header
// hashes to the block hash, the raw block is [header, transactions, evidence] whose
// transactions hash to the block's transaction hashes, the raw receipts rebuild the
// header's receipts root through a trie, and the raw transaction hashes to its hash and is
// what eth_sendRawTransaction accepts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { rpc, rpcRaw, startQtmd, waitForReceipt } from './lib/qtmd.mjs';

let node;
let sent; // { hash, receipt }

before(async () => {
  node = await startQtmd();
  const from = node.accounts[0].address;
  const hash = await rpc(node.http, 'eth_sendTransaction', [{ from, to: node.accounts[1].address, value: '0x1' }]);
  sent = { hash, receipt: await waitForReceipt(node.http, hash) };
});

after(async () => {
  await node?.stop();
});

describe('debug_getRaw*', () => {
  test('the raw header hashes to the block hash, by number, tag and hash', async () => {
    const block = await rpc(node.http, 'eth_getBlockByNumber', [sent.receipt.blockNumber, false]);
    for (const ref of [sent.receipt.blockNumber, block.hash]) {
      const raw = await rpc(node.http, 'debug_getRawHeader', [ref]);
      assert.equal(ethers.keccak256(raw), block.hash);
    }
    // 'latest' names the head, which may move on between calls: the raw header must be of
    // a canonical block at or after the head seen before.
    const before = await rpc(node.http, 'eth_blockNumber', []);
    const rawLatest = await rpc(node.http, 'debug_getRawHeader', ['latest']);
    const latest = await rpc(node.http, 'eth_getBlockByHash', [ethers.keccak256(rawLatest), false]);
    assert.ok(latest, 'the raw latest header is a stored block');
    assert.ok(BigInt(latest.number) >= BigInt(before));
  });

  test('the raw block is [header, transactions, evidence] of that block', async () => {
    const block = await rpc(node.http, 'eth_getBlockByNumber', [sent.receipt.blockNumber, false]);
    const raw = await rpc(node.http, 'debug_getRawBlock', [sent.receipt.blockNumber]);
    const fields = ethers.decodeRlp(raw);
    assert.equal(fields.length, 3);
    assert.equal(ethers.keccak256(ethers.encodeRlp(fields[0])), block.hash);
    assert.equal(fields[1].length, block.transactions.length);
    // A typed transaction is a byte string (type || payload) inside the list.
    const hashes = fields[1].map((tx) => ethers.keccak256(tx));
    assert.deepEqual(hashes, block.transactions);
    assert.ok(hashes.includes(sent.hash));
    assert.deepEqual(fields[2], []);
  });

  test('the raw receipts rebuild the receipts root', async () => {
    const block = await rpc(node.http, 'eth_getBlockByNumber', [sent.receipt.blockNumber, false]);
    const receipts = await rpc(node.http, 'debug_getRawReceipts', [block.hash]);
    // This node saw one transaction, so its block holds exactly that one.
    assert.deepEqual(block.transactions, [sent.hash]);
    assert.equal(receipts.length, 1);
    // Typed receipt: type byte, then rlp([status, cumulativeGas, bloom, logs]).
    const [ours] = receipts;
    const decoded = ethers.decodeRlp(`0x${ours.slice(4)}`);
    assert.equal(decoded[0], '0x01', 'status');
    assert.equal(BigInt(decoded[1]), BigInt(sent.receipt.cumulativeGasUsed));
    assert.equal(decoded[2], sent.receipt.logsBloom);
    // A one-leaf trie: key rlp(0) = 0x80, even-length leaf path 0x20 || 80, and the root is
    // keccak(rlp([path, value])).
    const root = ethers.keccak256(ethers.encodeRlp(['0x2080', ours]));
    assert.equal(root, block.receiptsRoot);
  });

  test('the raw transaction hashes to its hash, for a mined and an unknown hash', async () => {
    const raw = await rpc(node.http, 'debug_getRawTransaction', [sent.hash]);
    assert.equal(ethers.keccak256(raw), sent.hash);
    assert.equal(await rpc(node.http, 'debug_getRawTransaction', [`0x${'ab'.repeat(32)}`]), null);
    // Sending it again is a known transaction (same hash), not a decode error.
    const again = await rpcRaw(node.http, 'eth_sendRawTransaction', [raw]);
    assert.ok(again.error, 'a mined transaction is refused');
    assert.doesNotMatch(again.error.message, /decode|malformed|invalid rlp/i);
  });

  test('null past the head, -32602 for a bad argument, no bad blocks on a dev chain', async () => {
    assert.equal(await rpc(node.http, 'debug_getRawBlock', ['0xffffff']), null);
    assert.equal(await rpc(node.http, 'debug_getRawHeader', [`0x${'cd'.repeat(32)}`]), null);
    const bad = await rpcRaw(node.http, 'debug_getRawReceipts', ['not a block']);
    assert.equal(bad.error.code, -32602);
    assert.deepEqual(await rpc(node.http, 'debug_getBadBlocks', []), []);
  });
});
