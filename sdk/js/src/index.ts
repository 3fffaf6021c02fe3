// @qtm/sdk: ML-DSA keys and addresses, QTM (type 0x51) transactions, personal messages and
// qtm_* RPC helpers. The ethers v6 signer is in "@qtm/sdk/ethers", the viem account in
// "@qtm/sdk/viem" (each needs its library installed).
export * from './bytes.js';
export * from './errors.js';
export * from './keys.js';
export * from './message.js';
export * from './rlp.js';
export * from './rpc.js';
export * from './transaction.js';
