// The faucet: sends a fixed amount of test QTM from one keystore account to whoever asks,
// at most once per interval per recipient address and per client IP. It refuses to start on
// mainnet (chain id 7359) and signs with the SDK (ML-DSA, type 0x51), one transaction at a
// time so that nonces never collide.
import { readFileSync } from 'node:fs';
import { isAddress, QtmKey, sendTransaction, getAddress } from '@qtm/sdk';
import { decryptKeystore } from '@qtm/sdk/keystore';
import { ApiError } from './api.js';
import { log } from './log.js';

export const MAINNET_CHAIN_ID = 7359n;

export interface FaucetOptions {
  rpcUrl: string;
  chainId: bigint;
  keystoreFile: string;
  passwordFile: string;
  amountWei: bigint;
  intervalSeconds: number;
}

export class Faucet {
  private readonly key: QtmKey;
  private readonly lastByAddress = new Map<string, number>();
  private readonly lastByIp = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly options: FaucetOptions, key: QtmKey) {
    this.key = key;
  }

  // Start-up failures (mainnet, unreadable keystore, wrong password) throw with the reason.
  static open(options: FaucetOptions): Faucet {
    if (options.chainId === MAINNET_CHAIN_ID) {
      throw new Error(`the faucet is refused on mainnet (chain id ${MAINNET_CHAIN_ID}): it gives away QTM`);
    }
    if (options.amountWei <= 0n) throw new Error('--faucet-amount must be more than 0');
    let json: string;
    let password: string;
    try {
      json = readFileSync(options.keystoreFile, 'utf8');
      // The password file's trailing newline is not part of the password (as qtm's --password-file).
      password = readFileSync(options.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new Error(`faucet: ${(error as Error).message}`);
    }
    const key = decryptKeystore(json, password);
    log(`faucet: sending ${options.amountWei} wei per request from ${key.address} (${key.schemeName}), ` +
      `once per ${options.intervalSeconds} s per address and per IP`);
    return new Faucet(options, key);
  }

  get address(): string {
    return this.key.address;
  }

  info() {
    return { enabled: true, address: this.key.address, amount: this.options.amountWei.toString(), intervalSeconds: this.options.intervalSeconds };
  }

  private retryAfter(map: Map<string, number>, key: string, now: number): number | null {
    const last = map.get(key);
    if (last === undefined) return null;
    const wait = last + this.options.intervalSeconds * 1000 - now;
    return wait > 0 ? Math.ceil(wait / 1000) : null;
  }

  async request(address: string, ip: string): Promise<{ txHash: string; amount: string }> {
    if (!isAddress(address)) throw new ApiError(400, 'invalid_address', `"${address.slice(0, 80)}" is not an address (0x and 40 hex digits; a mixed-case one must be a valid checksum)`);
    const to = getAddress(address);
    const who = to.toLowerCase();
    const now = Date.now();
    const wait = Math.max(this.retryAfter(this.lastByAddress, who, now) ?? 0, this.retryAfter(this.lastByIp, ip, now) ?? 0);
    if (wait > 0) {
      throw new ApiError(429, 'rate_limited', `the faucet sends to each address and each client once per ${this.options.intervalSeconds} s; try again in ${wait} s`, { retryAfter: wait });
    }
    // Taken before sending so that two requests at once cannot both pass.
    this.lastByAddress.set(who, now);
    this.lastByIp.set(ip, now);
    const send = async () => {
      const signed = await sendTransaction(this.options.rpcUrl, this.key, { to, value: this.options.amountWei });
      log(`faucet: sent ${this.options.amountWei} wei to ${to} in ${signed.hash}`);
      return { txHash: signed.hash, amount: this.options.amountWei.toString() };
    };
    const result = this.queue.then(send, send);
    this.queue = result.catch(() => undefined);
    try {
      return await result;
    } catch (error) {
      // A failed send does not count against the caller.
      this.lastByAddress.delete(who);
      this.lastByIp.delete(ip);
      log(`faucet: sending to ${to} failed: ${(error as Error).message}`);
      throw new ApiError(503, 'faucet_failed', `the faucet could not send: ${(error as Error).message}`);
    }
  }
}
