// Personal messages (what eth_sign / personal_sign sign on QTM; src/chain/message.hpp):
//
//   digest    = keccak256("\x19Ethereum Signed Message:\n" || decimal(len(message)) || message)
//   signature = scheme_id (1 byte) || ML-DSA.Sign(secret_key, digest, context "qtm/msg/v1")
//
// deterministic (rnd = 0^32). Verification needs the public key (ML-DSA has no recovery).
import { bytesToHex, type BytesLike, concatBytes, type Hex, toBytes, utf8ToBytes } from './bytes.js';
import { QtmError } from './errors.js';
import { keccak256, parseScheme, QtmKey, type SchemeId, schemeInfo, verifySignature } from './keys.js';

export const MESSAGE_CONTEXT = 'qtm/msg/v1';
const PREFIX = '\x19Ethereum Signed Message:\n';

/**
 * A message: a string is signed as its UTF-8 bytes (as ethers does); a Uint8Array or
 * { raw } (viem's form, bytes or 0x-hex) as those bytes.
 */
export type SignableMessage = string | Uint8Array | { raw: BytesLike };

export function messageBytes(message: SignableMessage): Uint8Array {
  if (typeof message === 'string') return utf8ToBytes(message);
  if (message instanceof Uint8Array) return Uint8Array.from(message);
  if (message != null && typeof message === 'object' && 'raw' in message) return toBytes(message.raw, 'message.raw');
  throw new QtmError('message: expected a string, a Uint8Array or { raw: bytes | hex }');
}

/** keccak256("\x19Ethereum Signed Message:\n" || len || message): ethers' hashMessage. */
export function personalMessageDigest(message: SignableMessage): Uint8Array {
  const bytes = messageBytes(message);
  return keccak256(concatBytes(utf8ToBytes(PREFIX + String(bytes.length)), bytes));
}

/** scheme_id || deterministic ML-DSA signature of the digest under "qtm/msg/v1", as hex. */
export function signMessage(key: QtmKey, message: SignableMessage): Hex {
  if (!(key instanceof QtmKey)) throw new QtmError('signMessage: expected a QtmKey');
  return signDigest(key, personalMessageDigest(message));
}

/**
 * scheme_id || deterministic ML-DSA signature of a 32-byte digest under "qtm/msg/v1": what
 * signMessage signs (the personal-message digest) and what EIP-712 typed data signs (its
 * digest, ethers' TypedDataEncoder.hash / viem's hashTypedData; eth_signTypedData_v4 on the
 * node gives the same bytes).
 */
export function signDigest(key: QtmKey, digest: BytesLike): Hex {
  if (!(key instanceof QtmKey)) throw new QtmError('signDigest: expected a QtmKey');
  const bytes = toBytes(digest, 'digest');
  if (bytes.length !== 32) throw new QtmError(`digest: expected 32 bytes, got ${bytes.length}`);
  const signature = key.sign(bytes, MESSAGE_CONTEXT);
  return bytesToHex(concatBytes(Uint8Array.of(key.scheme), signature));
}

/** The scheme a message signature claims (its first byte). Throws for an unknown one. */
export function messageSignatureScheme(signature: BytesLike): SchemeId {
  const bytes = toBytes(signature, 'signature');
  if (bytes.length === 0) throw new QtmError('signature: empty');
  return parseScheme(bytes[0]!);
}

/**
 * True when `signature` (scheme_id || ML-DSA signature) signs `message` under `publicKey`;
 * false for a wrong, truncated or other-scheme signature. The signer's address is
 * addressOf(scheme, publicKey).
 */
export function verifyMessage(publicKey: BytesLike, message: SignableMessage, signature: BytesLike): boolean {
  return verifyDigest(publicKey, personalMessageDigest(message), signature);
}

/** True when `signature` (from signDigest or eth_signTypedData_v4) signs the 32-byte `digest`. */
export function verifyDigest(publicKey: BytesLike, digest: BytesLike, signature: BytesLike): boolean {
  const hash = toBytes(digest, 'digest');
  if (hash.length !== 32) return false;
  const sig = toBytes(signature, 'signature');
  const key = toBytes(publicKey, 'publicKey');
  if (sig.length === 0 || sig[0]! < 1 || sig[0]! > 3) return false;
  const scheme = sig[0] as SchemeId;
  const info = schemeInfo(scheme);
  if (sig.length !== 1 + info.signature || key.length !== info.publicKey) return false;
  return verifySignature(scheme, key, hash, sig.subarray(1), MESSAGE_CONTEXT);
}
