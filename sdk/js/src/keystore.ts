// Keystore files as `qtm account new` writes them (src/chain/keystore.cpp, docs/keystore.md):
// scrypt, then AES-256-GCM over the 32-byte seed with associated data
// "qtm-1" || address (20 bytes) || scheme id, so that a file whose address or scheme was
// edited does not decrypt. Node.js only (node:crypto): the "@qtm/sdk/keystore" entry point,
// kept out of the main one so that it stays usable in browsers.
import { createDecipheriv, scryptSync } from 'node:crypto';

import { bytesToHex, utf8ToBytes } from './bytes.js';
import { QtmError } from './errors.js';
import { parseScheme, QtmKey } from './keys.js';

const VERSION = 'qtm-1';
// As the node: weaker parameters are refused (a tampered file), stronger ones bounded.
const MIN_SCRYPT_N = 1 << 10;
const MAX_SCRYPT_MEMORY = 2 * 1024 ** 3;

function hexField(value: unknown, what: string, size?: number): Buffer {
  if (typeof value !== 'string' || !/^(0x)?([0-9a-fA-F]{2})*$/.test(value)) {
    throw new QtmError(`keystore field '${what}': expected hex`);
  }
  const bytes = Buffer.from(value.replace(/^0x/, ''), 'hex');
  if (size !== undefined && bytes.length !== size) throw new QtmError(`keystore field '${what}': expected ${size} bytes, got ${bytes.length}`);
  return bytes;
}

const positive = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Decrypts a keystore file's JSON text with its password; the key it holds. */
export function decryptKeystore(json: string, password: string): QtmKey {
  let file: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    file = JSON.parse(json);
  } catch {
    throw new QtmError('not a keystore file (not JSON)');
  }
  if (!file || typeof file !== 'object') throw new QtmError('not a keystore file (not a JSON object)');
  if (file.version !== VERSION) throw new QtmError(`keystore version ${JSON.stringify(file.version)}: only ${VERSION} is supported`);
  const scheme = parseScheme(String(file.scheme));
  const address = hexField(file.address, 'address', 20);
  const crypto = file.crypto;
  if (!crypto || typeof crypto !== 'object') throw new QtmError("keystore field 'crypto' is missing");
  if (crypto.kdf !== 'scrypt') throw new QtmError("keystore field 'crypto.kdf': only scrypt is supported");
  if (crypto.cipher !== 'aes-256-gcm') throw new QtmError("keystore field 'crypto.cipher': only aes-256-gcm is supported");
  const { n, r, p, salt } = crypto.kdfparams ?? {};
  if (!positive(n) || !positive(r) || !positive(p) || r > 64 || p > 16 || (n & (n - 1)) !== 0) {
    throw new QtmError("keystore field 'crypto.kdfparams': n (a power of two), r and p must be positive integers");
  }
  if (n < MIN_SCRYPT_N) throw new QtmError(`keystore scrypt parameter n is below ${MIN_SCRYPT_N}; refusing a weakened file`);
  const memory = 128 * n * r + 128 * r * p + 1024;
  if (memory > MAX_SCRYPT_MEMORY) throw new QtmError(`keystore scrypt parameters need ${memory >> 20} MiB; the limit is ${MAX_SCRYPT_MEMORY >> 20} MiB`);
  const derived = scryptSync(password, hexField(salt, 'crypto.kdfparams.salt', 32), 32, { N: n, r, p, maxmem: MAX_SCRYPT_MEMORY + 1024 * 1024 });
  const iv = hexField(crypto.cipherparams?.iv, 'crypto.cipherparams.iv', 12);
  const ciphertext = hexField(crypto.ciphertext, 'crypto.ciphertext', 32);
  const tag = hexField(crypto.tag, 'crypto.tag', 16);
  const aad = Buffer.concat([Buffer.from(utf8ToBytes(VERSION)), address, Buffer.from([scheme])]);
  let seed: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', derived, iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    seed = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new QtmError('could not decrypt the keystore: wrong password, or the file was modified');
  } finally {
    derived.fill(0);
  }
  const key = QtmKey.fromSeed(seed, scheme);
  seed.fill(0);
  if (key.address.toLowerCase() !== bytesToHex(address).toLowerCase()) {
    throw new QtmError("keystore field 'address' does not match the decrypted key");
  }
  return key;
}
