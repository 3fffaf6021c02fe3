// A viem account for QTM: a LocalAccount whose signTransaction returns the type-0x51
// serialization, so walletClient.sendTransaction / writeContract / deployContract send QTM
// transactions through eth_sendRawTransaction like any local account's.
import { hashTypedData, type Hex, type LocalAccount, type SignableMessage as ViemSignableMessage } from 'viem';
import { toAccount } from 'viem/accounts';

import { toBigInt } from './bytes.js';
import { QtmError } from './errors.js';
import { QtmKey, type SchemeId } from './keys.js';
import { signDigest, signMessage } from './message.js';
import { getPublicKey, type RpcTarget, toRequest } from './rpc.js';
import { estimateGasCorrection, signTransaction, type QtmTransactionRequest } from './transaction.js';

export interface QtmViemAccountOptions {
  /**
   * Where to ask whether the account's key is registered (qtm_getPublicKey): a URL, an
   * EIP-1193 provider or a viem client. Without it the key is carried only when the nonce
   * is 0, which is right for accounts whose every transaction is signed by this SDK.
   */
  rpc?: RpcTarget;
}

export type QtmViemAccount = LocalAccount<'custom'> & { qtmKey: QtmKey; scheme: SchemeId };

/** The fields viem hands an account's signTransaction (any transaction type). */
interface ViemTransaction {
  chainId?: number;
  nonce?: number;
  gas?: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  to?: Hex | null;
  value?: bigint;
  data?: Hex;
  accessList?: ReadonlyArray<{ address: Hex; storageKeys: readonly Hex[] }>;
  blobs?: unknown;
  blobVersionedHashes?: unknown;
  authorizationList?: unknown;
}

/** A viem LocalAccount that signs with `key` (`qtmViemAccount(QtmKey.devAccount(1), { rpc: url })`). */
export function qtmViemAccount(key: QtmKey, options: QtmViemAccountOptions = {}): QtmViemAccount {
  if (!(key instanceof QtmKey)) throw new QtmError('qtmViemAccount: expected a QtmKey');
  let keyRegistered = false;

  async function includeKey(nonce: bigint): Promise<boolean> {
    if (nonce === 0n) return true;
    if (keyRegistered) return false;
    if (options.rpc == null) return false;
    keyRegistered = (await getPublicKey(options.rpc, key.address)) != null;
    return !keyRegistered;
  }

  const account = toAccount({
    address: key.address,
    async signMessage({ message }: { message: ViemSignableMessage }): Promise<Hex> {
      return signMessage(key, message);
    },
    async signTransaction(transaction: unknown): Promise<Hex> {
      const tx = transaction as ViemTransaction;
      if (tx.blobs != null || tx.blobVersionedHashes != null) throw new QtmError('QTM has no blob transactions');
      if (tx.authorizationList != null) throw new QtmError('QTM has no EIP-7702 authorizations');
      const missing = (['chainId', 'nonce', 'gas'] as const).filter((f) => tx[f] == null);
      if (tx.maxFeePerGas == null && tx.gasPrice == null) missing.push('maxFeePerGas' as never);
      if (missing.length > 0) throw new QtmError(`signTransaction: missing ${missing.join(', ')} (viem's prepareTransactionRequest fills them)`);
      const feeCap = tx.maxFeePerGas ?? tx.gasPrice!;
      const tip = tx.maxPriorityFeePerGas ?? (tx.maxFeePerGas == null ? tx.gasPrice! : 0n);
      const nonce = toBigInt(tx.nonce!, 'nonce', 64);
      const request: QtmTransactionRequest = {
        chainId: toBigInt(tx.chainId!, 'chainId', 64),
        nonce,
        maxPriorityFeePerGas: tip,
        maxFeePerGas: feeCap,
        gasLimit: toBigInt(tx.gas!, 'gas', 64),
        to: tx.to ?? null,
        value: tx.value ?? 0n,
        data: tx.data ?? '0x',
        accessList: tx.accessList ?? [],
      };
      return signTransaction(request, key, { includeKey: await includeKey(nonce) }).raw;
    },
    // EIP-712: the ML-DSA signature of viem's hashTypedData digest (signDigest).
    async signTypedData(typedData): Promise<Hex> {
      return signDigest(key, hashTypedData(typedData as Parameters<typeof hashTypedData>[0]));
    },
  });
  return { ...account, publicKey: key.publicKeyHex, qtmKey: key, scheme: key.scheme } as QtmViemAccount;
}

/**
 * eth_estimateGas for this account plus what the node's estimate misses: a node prices a
 * sender without a registered key as ML-DSA-44, so an ML-DSA-65/87 account's first
 * transaction needs more. viem estimates gas itself before the account signs, so pass
 * `gas: await estimateQtmGas(url, account, request)` for such a transaction.
 */
export async function estimateQtmGas(
  rpc: RpcTarget,
  account: { address: string; scheme: SchemeId },
  call: { to?: Hex | null; value?: bigint; data?: Hex; accessList?: ReadonlyArray<{ address: Hex; storageKeys: readonly Hex[] }> },
): Promise<bigint> {
  const params: Record<string, unknown> = { from: account.address };
  if (call.to != null) params.to = call.to;
  if (call.value != null) params.value = '0x' + call.value.toString(16);
  if (call.data != null) params.input = call.data;
  if (call.accessList != null) params.accessList = call.accessList;
  const estimate = toBigInt((await toRequest(rpc)({ method: 'eth_estimateGas', params: [params] })) as string, 'gas', 64);
  const registered = (await getPublicKey(rpc, account.address)) != null;
  return estimate + estimateGasCorrection(account.scheme, registered);
}
