// Account keys (docs/protocol.md, "Signature schemes" and "Addresses"): ML-DSA key pairs
// from a 32-byte seed (FIPS 204 ML-DSA.KeyGen_internal), the scheme id byte, and
// address = keccak256(scheme_id || public_key)[12:] with an EIP-55 checksum.
import { keccak_256 } from '@noble/hashes/sha3.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';

import { be32, bytesToHex, concatBytes, type BytesLike, type Hex, toBytes, utf8ToBytes } from './bytes.js';
import { QtmError } from './errors.js';

/** Signature scheme ids (src/crypto/signature_scheme.hpp). 0 is reserved. */
export const SignatureScheme = { MlDsa44: 1, MlDsa65: 2, MlDsa87: 3 } as const;
export type SchemeId = (typeof SignatureScheme)[keyof typeof SignatureScheme];
export type SchemeName = 'ML-DSA-44' | 'ML-DSA-65' | 'ML-DSA-87';

interface SchemeInfo {
  id: SchemeId;
  name: SchemeName;
  publicKey: number;
  secretKey: number;
  signature: number;
  /** Intrinsic gas the node charges to verify a transaction signature of this scheme. */
  verificationGas: bigint;
  dsa: typeof ml_dsa44;
}

const SCHEMES: Record<SchemeId, SchemeInfo> = {
  1: { id: 1, name: 'ML-DSA-44', publicKey: 1312, secretKey: 2560, signature: 2420, verificationGas: 4500n, dsa: ml_dsa44 },
  2: { id: 2, name: 'ML-DSA-65', publicKey: 1952, secretKey: 4032, signature: 3309, verificationGas: 7000n, dsa: ml_dsa65 },
  3: { id: 3, name: 'ML-DSA-87', publicKey: 2592, secretKey: 4896, signature: 4627, verificationGas: 11000n, dsa: ml_dsa87 },
};

/** The scheme id for an id (1, 2, 3) or a name ("ML-DSA-44", ...); throws for anything else. */
export function parseScheme(scheme: SchemeId | SchemeName | number | string): SchemeId {
  if (typeof scheme === 'number' && (scheme === 1 || scheme === 2 || scheme === 3)) return scheme;
  if (typeof scheme === 'string') {
    for (const info of Object.values(SCHEMES)) {
      if (info.name === scheme.toUpperCase()) return info.id;
    }
  }
  throw new QtmError(
    `unsupported signature scheme ${JSON.stringify(scheme)}: use 1 (ML-DSA-44), 2 (ML-DSA-65) or 3 (ML-DSA-87)`,
  );
}

/** Sizes, name and verification gas of a scheme. */
export function schemeInfo(scheme: SchemeId | SchemeName | number | string): Omit<SchemeInfo, 'dsa'> {
  const { dsa: _dsa, ...info } = SCHEMES[parseScheme(scheme)];
  return info;
}

function dsaOf(scheme: SchemeId) {
  return SCHEMES[scheme].dsa;
}

export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

/** EIP-55 mixed-case checksum text of a 20-byte address. */
export function toChecksumAddress(address: BytesLike): Hex {
  const bytes = toBytes(address, 'address');
  if (bytes.length !== 20) throw new QtmError(`address: expected 20 bytes, got ${bytes.length}`);
  const lower = bytesToHex(bytes).slice(2);
  const hash = keccak_256(utf8ToBytes(lower));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const nibble = i % 2 === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 0x0f;
    out += nibble >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  }
  return out as Hex;
}

/**
 * Validates a text address and returns it checksummed. All-lowercase and all-uppercase
 * digits are accepted as they are; mixed case must be a correct EIP-55 checksum.
 */
export function getAddress(address: string): Hex {
  if (typeof address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new QtmError(`invalid address ${JSON.stringify(address)}: expected 0x and 40 hex digits`);
  }
  const checksummed = toChecksumAddress(address);
  const digits = address.slice(2);
  const mixed = digits !== digits.toLowerCase() && digits !== digits.toUpperCase();
  if (mixed && checksummed !== address) {
    throw new QtmError(`invalid address ${address}: bad EIP-55 checksum (expected ${checksummed})`);
  }
  return checksummed;
}

export function isAddress(address: string): boolean {
  try {
    getAddress(address);
    return true;
  } catch {
    return false;
  }
}

/** address = keccak256(scheme_id || public_key)[12:], checksummed. */
export function addressOf(scheme: SchemeId | SchemeName, publicKey: BytesLike): Hex {
  const id = parseScheme(scheme);
  const key = toBytes(publicKey, 'publicKey');
  if (key.length !== SCHEMES[id].publicKey) {
    throw new QtmError(
      `publicKey: ${SCHEMES[id].name} keys are ${SCHEMES[id].publicKey} bytes, got ${key.length}`,
    );
  }
  return toChecksumAddress(keccak_256(concatBytes(Uint8Array.of(id), key)).slice(12));
}

/** The seed of dev account i: keccak256("qtm dev account" || be32(i)). These keys are public. */
export function devAccountSeed(index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) {
    throw new QtmError('dev account index: expected an integer in 0..2^32-1');
  }
  return keccak_256(concatBytes(utf8ToBytes('qtm dev account'), be32(index)));
}

/**
 * An account key pair. The secret key lives in a private field: it is not enumerable, not
 * in JSON.stringify or util.inspect output, and no method returns it.
 */
export class QtmKey {
  readonly scheme: SchemeId;
  readonly publicKey: Uint8Array;
  readonly address: Hex;
  readonly #secretKey: Uint8Array;

  private constructor(scheme: SchemeId, publicKey: Uint8Array, secretKey: Uint8Array) {
    this.scheme = scheme;
    this.publicKey = publicKey;
    this.#secretKey = secretKey;
    this.address = addressOf(scheme, publicKey);
  }

  /** FIPS 204 ML-DSA.KeyGen_internal(seed): the same key the node and keystores derive. */
  static fromSeed(seed: BytesLike, scheme: SchemeId | SchemeName = SignatureScheme.MlDsa44): QtmKey {
    const id = parseScheme(scheme);
    const bytes = toBytes(seed, 'seed');
    if (bytes.length !== 32) throw new QtmError(`seed: expected 32 bytes, got ${bytes.length}`);
    const { publicKey, secretKey } = dsaOf(id).keygen(bytes);
    bytes.fill(0);
    return new QtmKey(id, publicKey, secretKey);
  }

  /** A fresh key from the platform's CSPRNG. */
  static random(scheme: SchemeId | SchemeName = SignatureScheme.MlDsa44): QtmKey {
    return QtmKey.fromSeed(randomBytes(32), scheme);
  }

  /** Dev account i (ML-DSA-44 from devAccountSeed(i)); prefunded on `qtmd --dev`. */
  static devAccount(index: number): QtmKey {
    return QtmKey.fromSeed(devAccountSeed(index), SignatureScheme.MlDsa44);
  }

  get schemeName(): SchemeName {
    return SCHEMES[this.scheme].name;
  }

  get publicKeyHex(): Hex {
    return bytesToHex(this.publicKey);
  }

  /** Deterministic (rnd = 0^32) pure ML-DSA signature of `message` under a domain context. */
  sign(message: Uint8Array, context: string): Uint8Array {
    return dsaOf(this.scheme).sign(message, this.#secretKey, {
      context: utf8ToBytes(context),
      extraEntropy: false,
    });
  }

  toJSON(): { scheme: SchemeId; address: Hex; publicKey: Hex } {
    return { scheme: this.scheme, address: this.address, publicKey: this.publicKeyHex };
  }
}

/** Pure ML-DSA verification of `signature` over `message` under a domain context. */
export function verifySignature(
  scheme: SchemeId | SchemeName,
  publicKey: BytesLike,
  message: Uint8Array,
  signature: Uint8Array,
  context: string,
): boolean {
  const id = parseScheme(scheme);
  const key = toBytes(publicKey, 'publicKey');
  if (key.length !== SCHEMES[id].publicKey || signature.length !== SCHEMES[id].signature) return false;
  try {
    return dsaOf(id).verify(signature, message, key, { context: utf8ToBytes(context) });
  } catch {
    return false;
  }
}
