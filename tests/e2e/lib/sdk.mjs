// Adapters from the tests to the QTM SDK (sdk/js, package @qtm/sdk, built to sdk/js/dist by
// `npm run build`; ctest fixture sdk_dist). Callers check sdkEntry() first and fail with its
// reason while the SDK is not built. The SDK is imported from its dist folder (it resolves
// its own ethers/viem from sdk/js/node_modules).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sdkDir } from './qtmd.mjs';

export async function loadSdk(subpath = 'index.js') {
  return import(pathToFileURL(path.join(sdkDir, 'dist/src', subpath)).href);
}

// An ethers v6 Signer (the SDK's QtmSigner) for the ML-DSA-44 account of `seed` (0x-hex,
// 32 bytes), connected to `provider`.
export async function sdkEthersSigner(seed, provider) {
  const { QtmKey } = await loadSdk('index.js');
  const { QtmSigner } = await loadSdk('ethers.js');
  return new QtmSigner(QtmKey.fromSeed(seed), provider);
}

// A viem LocalAccount (the SDK's qtmViemAccount) for the ML-DSA-44 account of `seed`; it asks
// `rpc` (a URL or a viem client) whether the key is registered.
export async function sdkViemAccount(seed, rpc) {
  const { QtmKey } = await loadSdk('index.js');
  const { qtmViemAccount } = await loadSdk('viem.js');
  return qtmViemAccount(QtmKey.fromSeed(seed), { rpc });
}
