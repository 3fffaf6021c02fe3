import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled to dist/test/; the vectors stay in test/vectors/ (written by the node's
// tests/chain/sdk_vectors_test.cpp).
const here = dirname(fileURLToPath(import.meta.url));
export const vectorsDir = process.env.QTM_SDK_VECTORS_DIR ?? join(here, '..', '..', 'test', 'vectors');

export function readVectors<T>(file: string): { description: string; vectors: T[] } {
  return JSON.parse(readFileSync(join(vectorsDir, file), 'utf8'));
}

export interface TransactionVector {
  name: string;
  seed: string;
  scheme: number;
  chainId: string;
  nonce: string;
  maxPriorityFeePerGas: string;
  maxFeePerGas: string;
  gasLimit: string;
  to: string | null;
  value: string;
  data: string;
  accessList: Array<{ address: string; storageKeys: string[] }>;
  includeKey: boolean;
  address: string;
  publicKeyHash: string;
  signingDigest: string;
  hash: string;
  raw: string;
}

export interface MessageVector {
  name: string;
  seed: string;
  scheme: number;
  message: string;
  address: string;
  digest: string;
  signature: string;
}
