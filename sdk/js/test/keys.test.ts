import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';

import {
  addressOf,
  bytesToHex,
  concatBytes,
  devAccountSeed,
  getAddress,
  isAddress,
  keccak256,
  parseScheme,
  QtmError,
  QtmKey,
  schemeInfo,
  SignatureScheme,
  toChecksumAddress,
  utf8ToBytes,
} from '../src/index.js';

describe('keys and addresses', () => {
  it('dev account 0 is the documented address', () => {
    assert.equal(QtmKey.devAccount(0).address, '0x46E135d91C93B0E6e45dFA5cd8C0Ac4667A60DdF');
    assert.equal(bytesToHex(devAccountSeed(0)), bytesToHex(keccak256(concatBytes(utf8ToBytes('qtm dev account'), new Uint8Array(4)))));
  });

  it('address = keccak256(scheme_id || public_key)[12:]', () => {
    const key = QtmKey.fromSeed(new Uint8Array(32).fill(9), 'ML-DSA-65');
    assert.equal(key.scheme, SignatureScheme.MlDsa65);
    assert.equal(key.publicKey.length, 1952);
    const expected = toChecksumAddress(keccak256(concatBytes(Uint8Array.of(2), key.publicKey)).slice(12));
    assert.equal(key.address, expected);
    assert.equal(addressOf(2, key.publicKey), expected);
    // The same seed under another scheme is another key and address.
    assert.notEqual(QtmKey.fromSeed(new Uint8Array(32).fill(9), 1).address, expected);
    // The key is FIPS 204 KeyGen_internal(seed), as noble computes it.
    assert.deepEqual(key.publicKey, ml_dsa65.keygen(new Uint8Array(32).fill(9)).publicKey);
  });

  it('sizes per scheme', () => {
    for (const [id, pk, sig] of [[1, 1312, 2420], [2, 1952, 3309], [3, 2592, 4627]] as const) {
      const key = QtmKey.fromSeed(new Uint8Array(32), id);
      assert.equal(key.publicKey.length, pk);
      assert.equal(key.sign(new Uint8Array(32), 'x').length, sig);
      assert.equal(schemeInfo(id).signature, sig);
    }
  });

  it('EIP-55 examples', () => {
    for (const a of [
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
      '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
      '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
    ]) {
      assert.equal(getAddress(a.toLowerCase()), a);
      assert.equal(getAddress(a), a);
    }
  });

  it('rejects a wrong seed length', () => {
    assert.throws(() => QtmKey.fromSeed(new Uint8Array(31)), { name: 'QtmError', message: /seed: expected 32 bytes, got 31/ });
    assert.throws(() => QtmKey.fromSeed('0x1234'), /seed: expected 32 bytes, got 2/);
    assert.throws(() => QtmKey.fromSeed('not hex'), /seed: expected 0x-prefixed hex/);
  });

  it('rejects bad addresses', () => {
    assert.throws(() => getAddress('0x1234'), /invalid address .*40 hex digits/);
    assert.throws(() => getAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'), /bad EIP-55 checksum \(expected 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\)/);
    assert.throws(() => getAddress('5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'), QtmError);
    assert.equal(isAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'), true);
    assert.equal(isAddress('0xzz'), false);
    assert.throws(() => addressOf(1, new Uint8Array(1311)), /ML-DSA-44 keys are 1312 bytes, got 1311/);
  });

  it('rejects unsupported schemes', () => {
    for (const bad of [0, 4, 255, 'ECDSA', 'ML-DSA-99']) {
      assert.throws(() => parseScheme(bad), { name: 'QtmError', message: /unsupported signature scheme .*1 \(ML-DSA-44\)/ });
      assert.throws(() => QtmKey.fromSeed(new Uint8Array(32), bad as never), /unsupported signature scheme/);
    }
    assert.equal(parseScheme('ml-dsa-87'), 3);
  });

  it('keeps the secret key out of JSON and inspection', async () => {
    const key = QtmKey.devAccount(3);
    const json = JSON.stringify(key);
    assert.deepEqual(Object.keys(JSON.parse(json)).sort(), ['address', 'publicKey', 'scheme']);
    const { inspect } = await import('node:util');
    // The public key is 2,624 hex digits; a 2,560-byte secret key would be far longer.
    assert.ok(!inspect(key, { depth: 5, maxArrayLength: 10_000 }).includes('secretKey'));
    assert.ok(!Object.keys(key).some((k) => /secret|seed/i.test(k)));
  });

  it('random keys differ and sign deterministically', () => {
    const a = QtmKey.random();
    const b = QtmKey.random();
    assert.notEqual(a.address, b.address);
    const m = new Uint8Array(32).fill(1);
    assert.deepEqual(a.sign(m, 'qtm/tx/v1'), a.sign(m, 'qtm/tx/v1'));
  });
});
