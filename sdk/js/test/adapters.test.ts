// The ethers signer and the viem account offline: with every field given they produce the
// SDK's bytes, and what they refuse they refuse clearly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { QtmKey, signMessage, signTransaction } from '../src/index.js';
import { QtmSigner } from '../src/ethers.js';
import { qtmViemAccount } from '../src/viem.js';

const key = QtmKey.devAccount(4);
const fields = {
  chainId: 7357n,
  nonce: 0,
  maxPriorityFeePerGas: 1_000_000_000n,
  maxFeePerGas: 3_000_000_000n,
  gasLimit: 70_000n,
  to: '0x1111111111111111111111111111111111111111',
  value: 5n,
  data: '0x',
};

describe('ethers signer (offline)', () => {
  const signer = new QtmSigner(key);
  it('address and transaction bytes are the SDK', async () => {
    assert.equal(await signer.getAddress(), key.address);
    const raw = await signer.signTransaction(fields);
    assert.equal(raw, signTransaction(fields, key, { includeKey: true }).raw);
    // nonce > 0 without a provider to ask: the key is left out.
    const later = await signer.signTransaction({ ...fields, nonce: 1 });
    assert.equal(later, signTransaction({ ...fields, nonce: 1 }, key, { includeKey: false }).raw);
  });
  it('messages are the SDK', async () => {
    assert.equal(await signer.signMessage('hi'), signMessage(key, 'hi'));
  });
  it('refuses what QTM does not have, clearly', async () => {
    await assert.rejects(signer.signTypedData({}, {}, {}), /signTypedData \(EIP-712\) is not supported/);
    await assert.rejects(signer.signTransaction({ ...fields, gasLimit: undefined }), /needs a provider/);
    await assert.rejects(signer.signTransaction({ ...fields, from: QtmKey.devAccount(5).address }), /does not match the signer/);
    await assert.rejects(signer.sendTransaction(fields), /sending needs a provider/);
  });
});

describe('viem account (offline)', () => {
  const account = qtmViemAccount(key);
  const viemTx = { ...fields, chainId: 7357, nonce: 0, gas: 70_000n, to: fields.to as `0x${string}`, data: '0x' as const, type: 'eip1559' as const };
  it('is a local account with the QTM address', () => {
    assert.equal(account.address, key.address);
    assert.equal(account.type, 'local');
    assert.equal(account.publicKey, key.publicKeyHex);
  });
  it('transaction and message bytes are the SDK', async () => {
    assert.equal(await account.signTransaction(viemTx), signTransaction(fields, key, { includeKey: true }).raw);
    assert.equal(await account.signMessage({ message: 'hi' }), signMessage(key, 'hi'));
    assert.equal(await account.signMessage({ message: { raw: '0x6869' } }), signMessage(key, 'hi'));
  });
  it('refuses incomplete or unsupported transactions', async () => {
    await assert.rejects(account.signTransaction({ ...viemTx, gas: undefined }), /missing gas/);
    await assert.rejects(account.signTypedData({ types: {}, primaryType: 'x', message: {} } as never), /not supported/);
    await assert.rejects(account.signTransaction({ ...viemTx, authorizationList: [] } as never), /EIP-7702/);
  });
});
