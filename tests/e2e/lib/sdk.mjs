// Adapters from the tests to the QTM SDK (sdk/js, package @qtm/sdk, built to sdk/js/dist).
// Callers check sdkEntry() first and skip with its reason while the SDK is not built.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sdkDir } from './qtmd.mjs';

async function load(subpath) {
  return import(pathToFileURL(path.join(sdkDir, 'dist/src', subpath)).href);
}

// An ethers v6 Signer for the ML-DSA-44 account of `seed` (0x-hex, 32 bytes), connected to
// `provider`.
export async function sdkEthersSigner(seed, provider) {
  const sdk = await load('ethers.js');
  throw new Error(`SDK ethers adapter not wired yet: exports ${Object.keys(sdk).join(', ')}`);
}

// A viem Account (type "local") for the ML-DSA-44 account of `seed`, signing QTM transactions.
export async function sdkViemAccount(seed, client) {
  const sdk = await load('viem.js');
  throw new Error(`SDK viem adapter not wired yet: exports ${Object.keys(sdk).join(', ')}`);
}
