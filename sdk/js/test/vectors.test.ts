// The node's vectors (tests/chain/sdk_vectors_test.cpp writes them; both sides compare):
// the SDK must produce the same address, digest, hash, raw bytes and signatures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  bytesToHex,
  decodeTransaction,
  encodeTransaction,
  hexToBytes,
  keccak256,
  parseScheme,
  personalMessageDigest,
  QtmKey,
  signMessage,
  signTransaction,
  transactionHash,
  verifyMessage,
  verifyTransaction,
} from '../src/index.js';
import { type MessageVector, readVectors, type TransactionVector } from './helpers.js';

describe('transaction vectors from the node', () => {
  const { vectors } = readVectors<TransactionVector>('transactions.json');

  it('has the expected cases (ML-DSA-44/65/87, with and without key, creation, access list)', () => {
    assert.ok(vectors.length >= 7);
    assert.deepEqual(new Set(vectors.map((v) => v.scheme)), new Set([1, 2, 3]));
    assert.ok(vectors.some((v) => v.includeKey) && vectors.some((v) => !v.includeKey));
    assert.ok(vectors.some((v) => v.to === null) && vectors.some((v) => v.accessList.length > 0));
    assert.ok(vectors.some((v) => v.data === '0x') && vectors.some((v) => v.data.length > 2));
  });

  for (const v of vectors) {
    it(v.name, () => {
      const key = QtmKey.fromSeed(v.seed, parseScheme(v.scheme));
      assert.equal(key.address, v.address);
      assert.equal(bytesToHex(keccak256(key.publicKey)), v.publicKeyHash);
      const signed = signTransaction(
        {
          chainId: v.chainId,
          nonce: v.nonce,
          maxPriorityFeePerGas: v.maxPriorityFeePerGas,
          maxFeePerGas: v.maxFeePerGas,
          gasLimit: v.gasLimit,
          to: v.to,
          value: v.value,
          data: v.data,
          accessList: v.accessList,
        },
        key,
        { includeKey: v.includeKey },
      );
      assert.equal(signed.signingDigest, v.signingDigest);
      assert.equal(signed.raw, v.raw);
      assert.equal(signed.hash, v.hash);

      // The node's bytes decode to the same fields and re-encode to the same bytes.
      const decoded = decodeTransaction(v.raw);
      assert.equal(bytesToHex(encodeTransaction(decoded)), v.raw);
      assert.equal(transactionHash(decoded), v.hash);
      assert.equal(decoded.from, v.address);
      assert.equal(decoded.to, v.to === null ? null : signed.transaction.to);
      assert.equal(decoded.value, BigInt(v.value));
      assert.equal(decoded.nonce, BigInt(v.nonce));
      assert.equal(decoded.chainId, BigInt(v.chainId));
      assert.equal(bytesToHex(decoded.data), v.data.toLowerCase());
      assert.equal(decoded.publicKey.length > 0, v.includeKey);
      assert.ok(verifyTransaction(decoded, v.includeKey ? null : key.publicKey));
    });
  }
});

describe('personal-message vectors from the node', () => {
  const { vectors } = readVectors<MessageVector>('messages.json');
  it('has cases for every scheme', () => {
    assert.deepEqual(new Set(vectors.map((v) => v.scheme)), new Set([1, 2, 3]));
  });
  for (const v of vectors) {
    it(v.name, () => {
      const key = QtmKey.fromSeed(v.seed, parseScheme(v.scheme));
      assert.equal(key.address, v.address);
      const message = hexToBytes(v.message);
      assert.equal(bytesToHex(personalMessageDigest(message)), v.digest);
      assert.equal(signMessage(key, message), v.signature);
      assert.equal(signMessage(key, { raw: v.message }), v.signature);
      assert.ok(verifyMessage(key.publicKey, message, v.signature));
    });
  }
});
