import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { hashMessage } from 'ethers';

import {
  bytesToHex,
  hexToBytes,
  messageSignatureScheme,
  personalMessageDigest,
  QtmKey,
  signMessage,
  verifyMessage,
  verifySignature,
} from '../src/index.js';

const key = QtmKey.devAccount(0);

describe('personal messages', () => {
  it('the digest is ethers hashMessage', () => {
    for (const message of ['hello', '', 'ünïcödé ✓', 'x'.repeat(1000)]) {
      assert.equal(bytesToHex(personalMessageDigest(message)), hashMessage(message));
    }
    const bytes = Uint8Array.of(0, 1, 2, 255);
    assert.equal(bytesToHex(personalMessageDigest(bytes)), hashMessage(bytes));
    assert.equal(bytesToHex(personalMessageDigest({ raw: '0x000102ff' })), hashMessage(bytes));
  });

  it('signature = scheme id || deterministic ML-DSA under qtm/msg/v1', () => {
    for (const scheme of [1, 2, 3] as const) {
      const k = QtmKey.fromSeed(new Uint8Array(32).fill(scheme), scheme);
      const sig = signMessage(k, 'sign me');
      const bytes = hexToBytes(sig);
      assert.equal(bytes[0], scheme);
      assert.equal(messageSignatureScheme(sig), scheme);
      assert.equal(sig, signMessage(k, 'sign me'));
      assert.ok(verifyMessage(k.publicKey, 'sign me', sig));
      assert.ok(verifySignature(scheme, k.publicKey, personalMessageDigest('sign me'), bytes.subarray(1), 'qtm/msg/v1'));
    }
  });

  it('verification fails for another message, key, tampering or malformed signatures', () => {
    const sig = signMessage(key, 'pay 1 QTM');
    const bytes = hexToBytes(sig);
    assert.ok(!verifyMessage(key.publicKey, 'pay 2 QTM', sig));
    assert.ok(!verifyMessage(QtmKey.devAccount(1).publicKey, 'pay 1 QTM', sig));
    const flipped = Uint8Array.from(bytes);
    flipped[100]! ^= 1;
    assert.ok(!verifyMessage(key.publicKey, 'pay 1 QTM', flipped));
    assert.ok(!verifyMessage(key.publicKey, 'pay 1 QTM', bytes.subarray(0, bytes.length - 1)));
    assert.ok(!verifyMessage(key.publicKey, 'pay 1 QTM', new Uint8Array(0)));
    const wrongScheme = Uint8Array.from(bytes);
    wrongScheme[0] = 2;
    assert.ok(!verifyMessage(key.publicKey, 'pay 1 QTM', wrongScheme));
    wrongScheme[0] = 9;
    assert.ok(!verifyMessage(key.publicKey, 'pay 1 QTM', wrongScheme));
    assert.throws(() => messageSignatureScheme(wrongScheme), /unsupported signature scheme 9/);
    assert.ok(!verifyMessage(key.publicKey.subarray(1), 'pay 1 QTM', sig));
    assert.throws(() => verifyMessage(key.publicKey, 'pay 1 QTM', 'nothex'), /signature: expected 0x-prefixed hex/);
  });
});
