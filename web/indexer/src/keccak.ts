// keccak256 for event topics, function selectors and EIP-55 checksums: @noble/hashes'
// keccak_256, the library the SDK uses (sdk/js/src/keys.ts), not a second Keccak here.
import { keccak_256 } from '@noble/hashes/sha3.js';

export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

export function keccakHex(text: string): string {
  return '0x' + Buffer.from(keccak256(new TextEncoder().encode(text))).toString('hex');
}

const checksums = new Map<string, string>();
// EIP-55 mixed-case checksum of a 20-byte address (hex with or without 0x, any case).
export function toChecksumAddress(address: string): string {
  const lower = address.toLowerCase().replace(/^0x/, '');
  const cached = checksums.get(lower);
  if (cached) return cached;
  const hash = Buffer.from(keccak256(new TextEncoder().encode(lower))).toString('hex');
  let out = '0x';
  for (let i = 0; i < lower.length; i++) {
    out += parseInt(hash[i], 16) >= 8 ? lower[i].toUpperCase() : lower[i];
  }
  if (checksums.size > 100_000) checksums.clear();
  checksums.set(lower, out);
  return out;
}
