// The answers a post-merge, Cancun geth gives, field by field, where QTM has nothing
// different to say: transaction signature fields as quantities, blocks with the Cancun
// fields and no totalDifficulty, receipts and fee history with the blob fields, the blob
// base fee, storage-key errors, uncles, and revert messages for Solidity's panics
// (geth's wording), checked over raw JSON-RPC and through ethers against `qtmd --dev`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { compileContract, rpc, rpcRaw, startQtmd, waitForReceipt } from './lib/qtmd.mjs';

const EMPTY_TRIE_ROOT = '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421';
const ZERO_HASH = `0x${'0'.repeat(64)}`;

let node;
let provider;
let sent; // { hash, receipt }
let panics; // an ethers Contract

before(async () => {
  node = await startQtmd();
  provider = new ethers.JsonRpcProvider(node.http, undefined, { pollingInterval: 200, cacheTimeout: -1 });
  const from = node.accounts[0].address;
  const hash = await rpc(node.http, 'eth_sendTransaction', [{ from, to: node.accounts[1].address, value: '0x1' }]);
  sent = { hash, receipt: await waitForReceipt(node.http, hash) };
  const compiled = await compileContract('Panics');
  const signer = await provider.getSigner(from);
  const factory = new ethers.ContractFactory(compiled.abi, compiled.bytecode, signer);
  panics = await factory.deploy();
  await panics.waitForDeployment();
});

after(async () => {
  provider?.destroy();
  await node?.stop();
});

describe('object shapes', () => {
  test('transactions carry v, yParity, r and s as the quantity zero', async () => {
    const tx = await rpc(node.http, 'eth_getTransactionByHash', [sent.hash]);
    for (const field of ['v', 'yParity', 'r', 's']) assert.equal(tx[field], '0x0', field);
  });

  test('transactions carry their ML-DSA-44 signature size and, once, the key size', async () => {
    // FIPS 204 Table 2: an ML-DSA-44 signature is 2,420 bytes, a public key 1,312.
    const from = node.accounts[0].address;
    const first = await rpc(node.http, 'eth_getTransactionByHash', [sent.hash]);
    const keyAtGenesis = await rpc(node.http, 'qtm_getPublicKey', [from, '0x0']);
    assert.equal(first.scheme, '0x1');
    assert.equal(first.signatureSize, '0x974');
    // The first transaction of a sender without a registered key carries (registers) it.
    assert.equal(first.publicKeySize, keyAtGenesis === null ? '0x520' : '0x0');
    const deploy = await rpc(node.http, 'eth_getTransactionByHash', [panics.deploymentTransaction().hash]);
    assert.equal(deploy.signatureSize, '0x974');
    assert.equal(deploy.publicKeySize, '0x0');
    // The sizes add up to the raw transaction, which holds both byte strings.
    const raw = await rpc(node.http, 'debug_getRawTransaction', [sent.hash]);
    const rawBytes = (raw.length - 2) / 2;
    assert.ok(rawBytes > Number(first.signatureSize) + Number(first.publicKeySize), `${rawBytes} raw bytes`);
  });

  test('blocks carry the Cancun fields and no totalDifficulty', async () => {
    for (const full of [false, true]) {
      const block = await rpc(node.http, 'eth_getBlockByNumber', [sent.receipt.blockNumber, full]);
      assert.deepEqual(block.withdrawals, []);
      assert.equal(block.withdrawalsRoot, EMPTY_TRIE_ROOT);
      assert.equal(block.blobGasUsed, '0x0');
      assert.equal(block.excessBlobGas, '0x0');
      assert.equal(block.parentBeaconBlockRoot, ZERO_HASH);
      assert.equal('totalDifficulty' in block, false);
    }
    const viaEthers = await provider.getBlock(sent.receipt.blockNumber);
    assert.equal(viaEthers.blobGasUsed, 0n);
    assert.equal(viaEthers.excessBlobGas, 0n);
    assert.equal(viaEthers.parentBeaconBlockRoot, ZERO_HASH);
  });

  test('receipts carry the blob fields with zero values', async () => {
    assert.equal(sent.receipt.blobGasUsed, '0x0');
    assert.equal(sent.receipt.blobGasPrice, '0x0');
    const [first] = await rpc(node.http, 'eth_getBlockReceipts', [sent.receipt.blockNumber]);
    assert.equal(first.blobGasUsed, '0x0');
  });

  test('fee history carries baseFeePerBlobGas and blobGasUsedRatio', async () => {
    const history = await rpc(node.http, 'eth_feeHistory', ['0x3', 'latest', [50]]);
    assert.equal(history.baseFeePerBlobGas.length, history.baseFeePerGas.length);
    assert.equal(history.blobGasUsedRatio.length, history.gasUsedRatio.length);
    assert.ok(history.baseFeePerBlobGas.every((fee) => fee === '0x1'));
    assert.ok(history.blobGasUsedRatio.every((ratio) => ratio === 0));
  });

  test('the blob base fee is the EIP-4844 minimum, and BLOBBASEFEE agrees', async () => {
    assert.equal(await rpc(node.http, 'eth_blobBaseFee'), '0x1');
    assert.equal(await panics.blobBaseFee(), 1n);
  });

  test('eth_getAccountInfo (reth, anvil; forge asks it) agrees with the three reads it replaces', async () => {
    const address = await panics.getAddress();
    for (const who of [address, node.accounts[0].address]) {
      const info = await rpc(node.http, 'eth_getAccountInfo', [who, 'latest']);
      assert.deepEqual(Object.keys(info).sort(), ['balance', 'code', 'nonce']);
      assert.equal(info.balance, await rpc(node.http, 'eth_getBalance', [who, 'latest']));
      assert.equal(info.nonce, await rpc(node.http, 'eth_getTransactionCount', [who, 'latest']));
      assert.equal(info.code, await rpc(node.http, 'eth_getCode', [who, 'latest']));
    }
    assert.ok((await rpc(node.http, 'eth_getAccountInfo', [address, 'latest'])).code.length > 2);
    assert.equal((await rpcRaw(node.http, 'eth_getAccountInfo', ['0x12'])).error?.code, -32602);
  });

  test('uncle counts are zero', async () => {
    assert.equal(await rpc(node.http, 'eth_getUncleCountByBlockNumber', ['latest']), '0x0');
    const head = await rpc(node.http, 'eth_getBlockByNumber', ['latest', false]);
    assert.equal(await rpc(node.http, 'eth_getUncleCountByBlockHash', [head.hash]), '0x0');
  });
});

describe('errors as geth words them', () => {
  test('eth_getStorageAt with a key that is not hex, or too long', async () => {
    const address = await panics.getAddress();
    const bad = await rpcRaw(node.http, 'eth_getStorageAt', [address, '0xzz', 'latest']);
    assert.equal(bad.error.code, -32000);
    assert.equal(bad.error.message, 'unable to decode storage key: hex string invalid');
    const long = await rpcRaw(node.http, 'eth_getStorageAt', [address, `0x${'11'.repeat(33)}`, 'latest']);
    assert.equal(long.error.code, -32000);
    assert.equal(long.error.message, 'unable to decode storage key: hex string too long, want at most 32 bytes');
    // An odd number of digits and no prefix are fine, as in geth.
    assert.equal(await rpc(node.http, 'eth_getStorageAt', [address, '0x0', 'latest']), ZERO_HASH);
    assert.equal(await rpc(node.http, 'eth_getStorageAt', [address, '00', 'latest']), ZERO_HASH);
  });

  test('panics revert with their meaning, Error(string) with its text', async () => {
    const cases = [
      ['assertFalse', [], 'execution reverted: assert(false)'],
      ['underflow', [0], 'execution reverted: arithmetic underflow or overflow'],
      ['divide', [1, 0], 'execution reverted: division or modulo by zero'],
      ['popEmpty', [], 'execution reverted: out-of-bounds array access; popping on an empty array'],
      ['outOfBounds', [3], 'execution reverted: out-of-bounds access of an array or bytesN'],
      ['requireWithReason', [], 'execution reverted: no way'],
    ];
    const to = await panics.getAddress();
    for (const [method, args, message] of cases) {
      const data = panics.interface.encodeFunctionData(method, args);
      const answer = await rpcRaw(node.http, 'eth_call', [{ to, data }, 'latest']);
      assert.equal(answer.error?.code, 3, method);
      assert.equal(answer.error.message, message, method);
      const estimated = await rpcRaw(node.http, 'eth_estimateGas', [{ to, data }]);
      assert.equal(estimated.error?.message, message, `${method} (estimateGas)`);
    }
    // ethers decodes the same revert data itself.
    await assert.rejects(panics.assertFalse.staticCall(),
      (error) => error.revert?.name === 'Panic' && BigInt(error.revert.args[0]) === 1n && /ASSERT_FALSE/.test(error.reason));
  });
});

describe('off-chain messages', () => {
  test('personal_sign (geth order) and eth_sign sign one format that qtm_verifyMessage checks', async () => {
    const [signer, other] = node.accounts.map((account) => account.address);
    const message = ethers.hexlify(ethers.toUtf8Bytes('localhost wants you to sign in'));
    const personal = await rpc(node.http, 'personal_sign', [message, signer, '']);
    const eth = await rpc(node.http, 'eth_sign', [signer, message]);
    for (const signature of [personal, eth]) {
      assert.equal(await rpc(node.http, 'qtm_verifyMessage', [signer, message, signature]), true);
      const tampered = ethers.hexlify(ethers.toUtf8Bytes('localhost wants you to sign out'));
      assert.equal(await rpc(node.http, 'qtm_verifyMessage', [signer, tampered, signature]), false);
    }
    // The signer's signature is not the other account's, once that one has a key too.
    const otherSent = await rpc(node.http, 'eth_sendTransaction', [{ from: other, to: signer, value: '0x1' }]);
    await waitForReceipt(node.http, otherSent);
    assert.equal(await rpc(node.http, 'qtm_verifyMessage', [other, message, personal]), false);
    // An account that never sent a transaction has no key to verify against.
    const stranger = ethers.Wallet.createRandom().address;
    const answer = await rpcRaw(node.http, 'qtm_verifyMessage', [stranger, message, personal]);
    assert.equal(answer.error?.code, -32000);
    assert.match(answer.error.message, /has no registered public key/);
    // An account the node does not hold cannot sign.
    const refused = await rpcRaw(node.http, 'personal_sign', [message, stranger, '']);
    assert.match(refused.error?.message ?? '', /the node holds no key for it/);
  });
});
