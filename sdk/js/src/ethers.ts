// An ethers v6 Signer for QTM: signs type-0x51 transactions, personal messages and EIP-712 typed data with an
// ML-DSA key. ethers' own broadcast path parses the signed bytes with Transaction.from,
// which does not know type 0x51, so sendTransaction here fills the transaction itself,
// sends it with eth_sendRawTransaction and returns an ethers TransactionResponse.
import {
  AbstractSigner,
  accessListify,
  type AbstractProvider,
  type BlockTag,
  type Provider,
  resolveAddress,
  Signature,
  type TransactionRequest,
  TransactionResponse,
  TypedDataEncoder,
  type TypedDataDomain,
  type TypedDataField,
} from 'ethers';

import { bytesToHex, type Hex, toBigInt } from './bytes.js';
import { QtmError } from './errors.js';
import { QtmKey } from './keys.js';
import { signDigest, signMessage } from './message.js';
import { getPublicKey } from './rpc.js';
import {
  estimateGasCorrection,
  type QtmTransactionRequest,
  signTransaction,
  type SignedTransaction,
  TRANSACTION_TYPE,
} from './transaction.js';

const ZERO_WORD = '0x' + '0'.repeat(64);

type SendCapable = { send(method: string, params: unknown[]): Promise<unknown> };
type PerformCapable = { _perform(req: { method: string; signedTransaction: string }): Promise<unknown> };

function hasSend(provider: unknown): provider is SendCapable {
  return provider != null && typeof (provider as SendCapable).send === 'function';
}

/** A QTM signer for ethers v6 (`new QtmSigner(QtmKey.devAccount(1), provider)`). */
export class QtmSigner extends AbstractSigner {
  readonly key: QtmKey;
  readonly address: Hex;
  // Once the node reports the key registered it stays registered (keys never change).
  #keyRegistered = false;

  constructor(key: QtmKey, provider?: null | Provider) {
    if (!(key instanceof QtmKey)) throw new QtmError('QtmSigner: expected a QtmKey');
    super(provider ?? null);
    this.key = key;
    this.address = key.address;
  }

  override connect(provider: null | Provider): QtmSigner {
    return new QtmSigner(this.key, provider);
  }

  override async getAddress(): Promise<string> {
    return this.address;
  }

  #requireProvider(what: string): Provider {
    if (this.provider == null) throw new QtmError(`QtmSigner: ${what} needs a provider (signer.connect(provider))`);
    return this.provider;
  }

  async #keyIsRegistered(): Promise<boolean | undefined> {
    if (this.#keyRegistered) return true;
    if (!hasSend(this.provider)) return undefined;
    const registered = (await getPublicKey(this.provider, this.address)) != null;
    if (registered) this.#keyRegistered = true;
    return registered;
  }

  /**
   * The full QTM transaction an ethers request describes: missing nonce ("pending"), chain
   * id, EIP-1559 fees (getFeeData) and gas limit (estimateGas, plus what the node's estimate
   * misses for an ML-DSA-65/87 account's first transaction) come from the provider; the key
   * is carried when the nonce is 0 or the node has no key registered for the account.
   */
  async populateQtmTransaction(tx: TransactionRequest): Promise<{ request: QtmTransactionRequest; includeKey: boolean }> {
    if (tx.blobs != null || tx.blobVersionedHashes != null) throw new QtmError('QTM has no blob transactions');
    if (tx.authorizationList != null) throw new QtmError('QTM has no EIP-7702 authorizations');
    if (tx.from != null) {
      const from = await resolveAddress(tx.from, this.provider);
      if (from.toLowerCase() !== this.address.toLowerCase()) {
        throw new QtmError(`transaction from ${from} does not match the signer ${this.address}`);
      }
    }
    const to = tx.to == null ? null : await resolveAddress(tx.to, this.provider);

    const nonce = tx.nonce != null ? toBigInt(tx.nonce, 'nonce', 64) : BigInt(await this.getNonce('pending'));

    let chainId: bigint;
    if (tx.chainId != null) {
      chainId = toBigInt(tx.chainId, 'chainId', 64);
      if (this.provider != null) {
        const network = await this.provider.getNetwork();
        if (network.chainId !== chainId) throw new QtmError(`chainId ${chainId} does not match the provider's ${network.chainId}`);
      }
    } else {
      chainId = (await this.#requireProvider('filling chainId').getNetwork()).chainId;
    }

    // Without a provider that answers qtm_getPublicKey, a nonce above 0 means an earlier
    // transaction of this account carried (and registered) the key.
    const includeKey = nonce === 0n ? true : !((await this.#keyIsRegistered()) ?? true);

    let maxFeePerGas = tx.maxFeePerGas != null ? toBigInt(tx.maxFeePerGas, 'maxFeePerGas') : undefined;
    let tip = tx.maxPriorityFeePerGas != null ? toBigInt(tx.maxPriorityFeePerGas, 'maxPriorityFeePerGas') : undefined;
    if (maxFeePerGas == null && tip == null && tx.gasPrice != null) {
      // A legacy-style price: pay at most that much per gas, all of it available as tip.
      maxFeePerGas = tip = toBigInt(tx.gasPrice, 'gasPrice');
    }
    if (maxFeePerGas == null || tip == null) {
      const fees = await this.#requireProvider('filling fees').getFeeData();
      if (tip == null) tip = fees.maxPriorityFeePerGas ?? 0n;
      if (maxFeePerGas == null) maxFeePerGas = fees.maxFeePerGas ?? fees.gasPrice ?? 0n;
      if (tip > maxFeePerGas) maxFeePerGas = tip;
    }

    let gasLimit = tx.gasLimit != null ? toBigInt(tx.gasLimit, 'gasLimit', 64) : undefined;
    if (gasLimit == null) {
      const estimate = await this.#requireProvider('estimating gas').estimateGas({
        from: this.address,
        to,
        data: tx.data ?? undefined,
        value: tx.value ?? undefined,
        accessList: tx.accessList ?? undefined,
      });
      gasLimit = estimate + estimateGasCorrection(this.key.scheme, !includeKey);
    }

    const accessList = tx.accessList == null ? [] : accessListify(tx.accessList);
    return {
      request: {
        chainId,
        nonce,
        maxPriorityFeePerGas: tip,
        maxFeePerGas,
        gasLimit,
        to,
        value: tx.value == null ? 0n : toBigInt(tx.value, 'value'),
        data: tx.data ?? '0x',
        accessList,
      },
      includeKey,
    };
  }

  /** Signs a QTM transaction and returns it with its raw bytes and hash. */
  async signQtmTransaction(tx: TransactionRequest): Promise<SignedTransaction> {
    const { request, includeKey } = await this.populateQtmTransaction(tx);
    return signTransaction(request, this.key, { includeKey });
  }

  /** The raw 0x51 transaction (fields the request lacks are filled from the provider). */
  override async signTransaction(tx: TransactionRequest): Promise<string> {
    return (await this.signQtmTransaction(tx)).raw;
  }

  override async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    const provider = this.#requireProvider('sending');
    const signed = await this.signQtmTransaction(tx);
    let hash: unknown;
    if (hasSend(provider)) {
      hash = await provider.send('eth_sendRawTransaction', [signed.raw]);
    } else if (typeof (provider as unknown as PerformCapable)._perform === 'function') {
      hash = await (provider as unknown as PerformCapable)._perform({ method: 'broadcastTransaction', signedTransaction: signed.raw });
    } else {
      throw new QtmError('QtmSigner: the provider can neither send(method, params) nor broadcast raw transactions');
    }
    if (typeof hash !== 'string' || hash.toLowerCase() !== signed.hash.toLowerCase()) {
      throw new QtmError(`node reported hash ${String(hash)} for a transaction whose hash is ${signed.hash}`);
    }
    const fromNode = await provider.getTransaction(signed.hash);
    if (fromNode != null) return fromNode;
    // Not visible yet (a load-balanced endpoint): describe it from what was signed, as
    // ethers' own broadcastTransaction does for Ethereum transactions.
    const t = signed.transaction;
    return new TransactionResponse(
      {
        blockNumber: null,
        blockHash: null,
        hash: signed.hash,
        index: 0,
        type: TRANSACTION_TYPE,
        to: t.to,
        from: t.from,
        nonce: Number(t.nonce),
        gasLimit: t.gasLimit,
        gasPrice: t.maxFeePerGas,
        maxPriorityFeePerGas: t.maxPriorityFeePerGas,
        maxFeePerGas: t.maxFeePerGas,
        data: bytesToHex(t.data),
        value: t.value,
        chainId: t.chainId,
        signature: Signature.from({ r: ZERO_WORD, s: ZERO_WORD, v: 27 }),
        accessList: t.accessList,
        authorizationList: null,
      },
      provider as AbstractProvider,
    );
  }

  /** scheme_id || ML-DSA signature of the personal-message digest (see signMessage). */
  override async signMessage(message: string | Uint8Array): Promise<string> {
    return signMessage(this.key, message);
  }

  /**
   * EIP-712: scheme_id || ML-DSA signature of TypedDataEncoder.hash(domain, types, value)
   * (signDigest); the node's eth_signTypedData_v4 and qtm_verifyTypedData use the same
   * digest. ENS names in address fields are resolved first when there is a provider.
   */
  override async signTypedData(
    domain: TypedDataDomain,
    types: Record<string, Array<TypedDataField>>,
    value: Record<string, unknown>,
  ): Promise<string> {
    const provider = this.provider;
    const resolved = await TypedDataEncoder.resolveNames(domain, types, value, async (name: string) => {
      if (provider == null) throw new QtmError(`signTypedData: cannot resolve the name ${name} without a provider`);
      const address = await provider.resolveName(name);
      if (address == null) throw new QtmError(`signTypedData: the name ${name} does not resolve`);
      return address;
    });
    return signDigest(this.key, TypedDataEncoder.hash(resolved.domain, types, resolved.value));
  }

  override async getNonce(blockTag?: BlockTag): Promise<number> {
    const provider = this.#requireProvider('reading the nonce');
    // ethers answers a repeated request from its cache for 250 ms (JsonRpcProvider's
    // cacheTimeout), so a pending nonce read right after a transaction was mined could be the
    // old one: ask a JSON-RPC provider directly (duck-typed: the caller's ethers may be
    // another copy than the SDK's).
    const rpc = provider as unknown as { send?: (method: string, params: unknown[]) => Promise<unknown> };
    if (blockTag === 'pending' && typeof rpc.send === 'function') {
      const count: unknown = await rpc.send('eth_getTransactionCount', [this.address, 'pending']);
      if (typeof count !== 'string') throw new QtmError('eth_getTransactionCount answered no quantity');
      return Number(toBigInt(count, 'nonce', 64));
    }
    return provider.getTransactionCount(this.address, blockTag);
  }
}
