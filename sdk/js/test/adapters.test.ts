// The ethers signer and the viem account offline: with every field given they produce the
// SDK's bytes, and what they refuse they refuse clearly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonRpcProvider, type JsonRpcPayload, type JsonRpcResult, TypedDataEncoder } from 'ethers';
import { hashTypedData } from 'viem';

import { QtmKey, signDigest, signMessage, signTransaction, verifyDigest } from '../src/index.js';
import { QtmSigner } from '../src/ethers.js';
import { qtmViemAccount } from '../src/viem.js';

const key = QtmKey.devAccount(4);

// EIP-712's own example (the Mail struct of the EIP text).
const mail = {
  domain: { name: 'Ether Mail', version: '1', chainId: 1, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' as `0x${string}` },
  types: {
    Person: [{ name: 'name', type: 'string' }, { name: 'wallet', type: 'address' }],
    Mail: [{ name: 'from', type: 'Person' }, { name: 'to', type: 'Person' }, { name: 'contents', type: 'string' }],
  },
  primaryType: 'Mail' as const,
  message: {
    from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' as `0x${string}` },
    to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' as `0x${string}` },
    contents: 'Hello, Bob!',
  },
};
// The digest the EIP gives for it.
const MAIL_DIGEST = '0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2';
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
  it('typed data is the ML-DSA signature of the EIP-712 digest', async () => {
    const digest = TypedDataEncoder.hash(mail.domain, mail.types, mail.message);
    assert.equal(digest, MAIL_DIGEST);
    const signature = await signer.signTypedData(mail.domain, mail.types, mail.message);
    assert.equal(signature, signDigest(key, digest));
    assert.ok(verifyDigest(key.publicKey, digest, signature));
    const other = TypedDataEncoder.hash(mail.domain, mail.types, { ...mail.message, contents: 'Hello, Eve!' });
    assert.equal(verifyDigest(key.publicKey, other, signature), false);
    assert.equal(verifyDigest(QtmKey.devAccount(5).publicKey, digest, signature), false);
  });
  it('refuses what QTM does not have, clearly', async () => {
    await assert.rejects(signer.signTransaction({ ...fields, gasLimit: undefined }), /needs a provider/);
    await assert.rejects(signer.signTransaction({ ...fields, from: QtmKey.devAccount(5).address }), /does not match the signer/);
    await assert.rejects(signer.sendTransaction(fields), /sending needs a provider/);
  });
});

// A JsonRpcProvider whose node is a counter in memory: the account's pending nonce.
class CountingNode extends JsonRpcProvider {
  nonce = 0;
  constructor() {
    super('http://127.0.0.1:1', 7357, { staticNetwork: true });
  }
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const requests = Array.isArray(payload) ? payload : [payload];
    return requests.map((request) => {
      if (request.method !== 'eth_getTransactionCount') throw new Error(`unexpected ${request.method}`);
      return { id: request.id, result: `0x${this.nonce.toString(16)}` };
    });
  }
}

describe('ethers signer nonce', () => {
  it('reads the pending nonce past ethers\' 250 ms request cache', async () => {
    // Right after a transaction is mined the next one must use the new nonce; ethers answers
    // a repeated getTransactionCount from its cache for 250 ms.
    const node = new CountingNode();
    const signer = new QtmSigner(key, node);
    assert.equal(await signer.getNonce('pending'), 0);
    node.nonce = 1;
    assert.equal(await signer.getNonce('pending'), 1);
    node.nonce = 2;
    assert.equal(await signer.getNonce('pending'), 2);
    node.destroy();
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
  it('typed data signs viem\'s hashTypedData digest, the same as the ethers signer', async () => {
    assert.equal(hashTypedData(mail), MAIL_DIGEST);
    assert.equal(await account.signTypedData(mail), signDigest(key, MAIL_DIGEST));
    assert.equal(await account.signTypedData(mail), await new QtmSigner(key).signTypedData(mail.domain, mail.types, mail.message));
  });
  it('refuses incomplete or unsupported transactions', async () => {
    await assert.rejects(account.signTransaction({ ...viemTx, gas: undefined }), /missing gas/);
    await assert.rejects(account.signTransaction({ ...viemTx, authorizationList: [] } as never), /EIP-7702/);
  });
});
