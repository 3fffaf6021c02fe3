import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeRlp, encodeRlp, getBytes, hexlify } from 'ethers';

import {
  bytesToHex,
  concatBytes,
  decodeTransaction,
  encodeTransaction,
  estimateGasCorrection,
  hexToBytes,
  intrinsicGas,
  keccak256,
  QtmKey,
  type QtmTransactionRequest,
  rlpDecode,
  rlpEncode,
  type RlpItem,
  signingDigest,
  signTransaction,
  transactionHash,
  verifySignature,
  verifyTransaction,
} from '../src/index.js';

const alice = QtmKey.devAccount(0);

const sample: QtmTransactionRequest = {
  chainId: 7357,
  nonce: 3,
  maxPriorityFeePerGas: 2_000_000_000n,
  maxFeePerGas: '30000000000',
  gasLimit: '0x15f90',
  to: '0xabababababababababababababababababababab',
  value: 1_000_000n,
  data: '0xdeadbeef',
  accessList: [{ address: '0xabababababababababababababababababababab', storageKeys: ['0x' + '00'.repeat(32)] }],
};

type Nested = string | Nested[];
function toEthers(item: RlpItem): Nested {
  return item instanceof Uint8Array ? hexlify(item) : item.map(toEthers);
}

describe('rlp', () => {
  it('matches ethers on assorted items and round-trips', () => {
    const items: RlpItem[] = [
      new Uint8Array(0),
      Uint8Array.of(0),
      Uint8Array.of(0x7f),
      Uint8Array.of(0x80),
      new Uint8Array(55).fill(1),
      new Uint8Array(56).fill(2),
      new Uint8Array(70000).fill(3),
      [],
      [[], [[]], Uint8Array.of(1, 2, 3)],
      Array.from({ length: 30 }, (_, i) => new Uint8Array(i)),
    ];
    for (const item of items) {
      const encoded = rlpEncode(item);
      assert.equal(bytesToHex(encoded), encodeRlp(toEthers(item) as never));
      assert.deepEqual(toEthers(rlpDecode(encoded)), decodeRlp(encoded));
    }
  });

  it('refuses non-canonical and truncated input', () => {
    for (const bad of ['0x8100', '0x817f', '0xb800', '0xb838' + '00'.repeat(56).slice(2), '0x83aabb', '0xc2', '0x0000', '0xb90000']) {
      assert.throws(() => rlpDecode(hexToBytes(bad)), /rlp: /, bad);
    }
  });
});

describe('transactions', () => {
  it('round-trips with and without the key', () => {
    for (const includeKey of [true, false]) {
      const signed = signTransaction(sample, alice, { includeKey });
      const decoded = decodeTransaction(signed.raw);
      assert.equal(bytesToHex(encodeTransaction(decoded)), signed.raw);
      assert.deepEqual(decoded, signed.transaction);
      assert.equal(transactionHash(signed.raw), signed.hash);
      assert.equal(signed.raw.slice(0, 4), '0x51');
      assert.equal(decoded.publicKey.length, includeKey ? 1312 : 0);
      assert.ok(verifyTransaction(decoded, includeKey ? null : alice.publicKey));
    }
  });

  it('signs the digest of every field but key and signature, with context qtm/tx/v1', () => {
    const signed = signTransaction(sample, alice, { includeKey: true });
    const withoutKey = signTransaction(sample, alice, { includeKey: false });
    // The key is not covered: same digest and signature with and without it.
    assert.equal(signed.signingDigest, withoutKey.signingDigest);
    assert.deepEqual(signed.transaction.signature, withoutKey.transaction.signature);
    const digest = signingDigest(signed.transaction);
    assert.ok(verifySignature(1, alice.publicKey, digest, signed.transaction.signature, 'qtm/tx/v1'));
    assert.ok(!verifySignature(1, alice.publicKey, digest, signed.transaction.signature, 'qtm/msg/v1'));
    // Each covered field changes the digest.
    for (const change of [{ chainId: 7358 }, { nonce: 4 }, { value: 1n }, { data: '0x' }, { to: null }, { accessList: [] }, { gasLimit: 1 }]) {
      const other = signTransaction({ ...sample, ...change }, alice, { includeKey: false });
      assert.notEqual(other.signingDigest, signed.signingDigest, Object.keys(change)[0]);
    }
  });

  it('a tampered transaction does not verify', () => {
    const signed = signTransaction(sample, alice, { includeKey: true });
    const tx = decodeTransaction(signed.raw);
    assert.ok(!verifyTransaction({ ...tx, nonce: tx.nonce + 1n }));
    assert.ok(!verifyTransaction({ ...tx, from: QtmKey.devAccount(1).address }));
    assert.ok(!verifyTransaction({ ...tx, publicKey: new Uint8Array(0) }));
  });

  it('creation encodes an empty to', () => {
    const signed = signTransaction({ ...sample, to: null, accessList: [] }, alice, { includeKey: false });
    assert.equal(decodeTransaction(signed.raw).to, null);
  });

  it('decoding refuses bad input with clear errors', () => {
    const good = hexToBytes(signTransaction(sample, alice, { includeKey: false }).raw);
    assert.throws(() => decodeTransaction('0x'), /invalid QTM transaction: empty/);
    assert.throws(() => decodeTransaction('0x02c0'), /type 0x02 is not supported/);
    assert.throws(() => decodeTransaction('0x51c0'), /expected 13 fields, got 0/);
    assert.throws(() => decodeTransaction(concatBytes(good, Uint8Array.of(0))), /rlp: bytes after the item/);
    assert.throws(() => decodeTransaction(good.slice(0, good.length - 1)), /rlp: /);
    assert.throws(() => decodeTransaction('0x51zz'), /raw transaction: expected 0x-prefixed hex/);
    const fields = rlpDecode(good.subarray(1)) as RlpItem[];
    const reencode = (f: RlpItem[]) => concatBytes(Uint8Array.of(0x51), rlpEncode(f));
    const swap = (i: number, v: RlpItem) => reencode(fields.map((x, j) => (j === i ? v : x)));
    assert.throws(() => decodeTransaction(swap(10, Uint8Array.of(4))), /unknown signature scheme id 4/);
    assert.throws(() => decodeTransaction(swap(10, new Uint8Array(0))), /unknown signature scheme id 0/);
    assert.throws(() => decodeTransaction(swap(12, new Uint8Array(100))), /signature length 100 does not match ML-DSA-44 \(2420\)/);
    assert.throws(() => decodeTransaction(swap(11, new Uint8Array(5))), /public key length 5 does not match ML-DSA-44/);
    assert.throws(() => decodeTransaction(swap(1, Uint8Array.of(0, 3))), /nonce has leading zero bytes/);
    assert.throws(() => decodeTransaction(swap(0, new Uint8Array(9).fill(1))), /chainId does not fit in 64 bits/);
    assert.throws(() => decodeTransaction(swap(5, new Uint8Array(19))), /from must be 20 bytes/);
    assert.throws(() => decodeTransaction(swap(6, new Uint8Array(3))), /to must be empty or 20 bytes/);
    assert.throws(() => decodeTransaction(swap(9, Uint8Array.of(1))), /accessList must be a list/);
    assert.throws(() => decodeTransaction(concatBytes(Uint8Array.of(0x51), new Uint8Array(128 * 1024))), /larger than 131072 bytes/);
  });

  it('building refuses bad fields with clear errors', () => {
    assert.throws(() => signTransaction({ ...sample, to: '0x12' }, alice, { includeKey: true }), /invalid address "0x12"/);
    assert.throws(() => signTransaction({ ...sample, value: -1n }, alice, { includeKey: true }), /value: must not be negative/);
    assert.throws(() => signTransaction({ ...sample, value: 2n ** 256n }, alice, { includeKey: true }), /value: does not fit in 256 bits/);
    assert.throws(() => signTransaction({ ...sample, nonce: 2n ** 64n }, alice, { includeKey: true }), /nonce: does not fit in 64 bits/);
    assert.throws(() => signTransaction({ ...sample, nonce: 1.5 }, alice, { includeKey: true }), /nonce: 1.5 is not a safe integer/);
    assert.throws(() => signTransaction({ ...sample, maxPriorityFeePerGas: 10n ** 12n }, alice, { includeKey: true }), /must not exceed maxFeePerGas/);
    assert.throws(() => signTransaction({ ...sample, data: '0xabc' }, alice, { includeKey: true }), /data: expected 0x-prefixed hex/);
    assert.throws(() => signTransaction(sample, alice, {} as never), /includeKey/);
    assert.throws(
      () => signTransaction({ ...sample, accessList: [{ address: sample.to!, storageKeys: ['0x01'] }] }, alice, { includeKey: true }),
      /accessList\[0\].storageKeys\[0\]: expected 32 bytes/,
    );
    assert.throws(() => signTransaction({ ...sample, data: new Uint8Array(140_000) }, alice, { includeKey: true }), /the node accepts at most 131072/);
  });

  it('intrinsic gas follows docs/protocol.md', () => {
    // 21,000 + 4,500 verification + 20,000 + 16 * 1,312 for carrying an ML-DSA-44 key.
    assert.equal(intrinsicGas({ to: sample.to, scheme: 1, includeKey: true }), 66_492n);
    assert.equal(intrinsicGas({ to: sample.to, scheme: 1, includeKey: false }), 25_500n);
    // data 0x00ff: 4 + 16; access list 2,400 + 1,900; ML-DSA-87 11,000.
    assert.equal(
      intrinsicGas({ to: sample.to, data: '0x00ff', accessList: [{ storageKeys: [1] }], scheme: 3, includeKey: false }),
      21_000n + 20n + 4_300n + 11_000n,
    );
    // Creation with 33 bytes of init code: 53,000 + 2 words * 2 + 33 * 16.
    assert.equal(intrinsicGas({ to: null, data: new Uint8Array(33).fill(1), scheme: 1, includeKey: false }), 53_000n + 4n + 528n + 4_500n);
    assert.equal(estimateGasCorrection(1, false), 0n);
    assert.equal(estimateGasCorrection(2, false), 2_500n + 16n * 640n);
    assert.equal(estimateGasCorrection(3, true), 0n);
  });

  it('the hash is keccak256 of the raw bytes', () => {
    const signed = signTransaction(sample, alice, { includeKey: false });
    assert.equal(signed.hash, bytesToHex(keccak256(getBytes(signed.raw))));
  });
});
