// The indexer: follows a qtmd node's finalized blocks into PostgreSQL.
//
// - Only finalized blocks (eth_getBlockByNumber("finalized")) are indexed, so nothing indexed
//   is ever undone; a batch of blocks [a, b] is fetched with one JSON-RPC batch (blocks with
//   full transactions, eth_getBlockReceipts, qtm_getCommit in network mode) plus eth_getLogs of
//   the staking contract (its block-level logs are in no receipt), then a second batch for
//   what the first one names (qtm_getPublicKey of key registrations, eth_getCode of created
//   contracts, token metadata through eth_call, qtm_getValidators).
// - One database transaction per batch: the block rows are inserted first with
//   ON CONFLICT DO NOTHING, and only the blocks that were new get their transactions, logs,
//   transfers and balance changes (bulk-written with COPY), so re-indexing a range never
//   duplicates or double-counts.
// - Resumable: indexer_state.last_height is advanced in the same transaction.
// - Wakes on the WebSocket's newHeads, and polls in any case (the WebSocket is optional).
import pg from 'pg';
import WebSocket from 'ws';
import { copyRows, insertMany } from './db.js';
import {
  STAKING_ADDRESS, SELECTORS, decodeStakingEvent, decodeString, decodeTransfer, decodeUint,
} from './decode.js';
import {
  address, bytes, hash32, hexQ, optionalAddress, optionalQuantity, quantity, smallQuantity, toHex,
} from './hex.js';
import { log } from './log.js';
import { GarbageError, RpcClient, RpcError, Stopped, TransportError, withRetry, type Call } from './rpc.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

export class GenesisMismatch extends Error {}

export interface IndexerOptions {
  rpc: RpcClient;
  pool: pg.Pool;
  wsUrl?: string | null;
  from?: number | null;
  once?: boolean;
  pollMs?: number;
  maxBatch?: number;
  progress?: boolean;
}

interface FetchedBlock {
  number: number;
  block: J;
  receipts: J[];
  commit: J | null;
}

interface Batch {
  from: number;
  to: number;
  blocks: FetchedBlock[];
  stakingLogs: J[];
  publicKeys: Map<string, { scheme: number; publicKey: Buffer | null }>;
  codeSizes: Map<string, number>;
  tokenMeta: Map<string, { name: string | null; symbol: string | null; decimals: number | null }>;
  totalSupply: Map<string, bigint | null>;
  validators: J | null;
  tokenStandards: Map<string, 'ERC-20' | 'ERC-721'>;
  signerSets: Map<string, string[]>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Indexer {
  readonly rpc: RpcClient;
  readonly pool: pg.Pool;
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private ws: WebSocket | null = null;
  private batchSize: number;
  private readonly maxBatch: number;
  chainId = 0n;
  genesisHash: Buffer = Buffer.alloc(0);
  stakingAddress = STAKING_ADDRESS;
  hasCommits = false;
  private hasBlockReceipts = true;
  private knownTokens = new Map<string, 'ERC-20' | 'ERC-721'>();
  private signerSetCache = new Map<string, string[]>();
  private running: Promise<void> | null = null;
  indexedBlocks = 0;
  indexedTxs = 0;

  constructor(readonly options: IndexerOptions) {
    this.rpc = options.rpc;
    this.pool = options.pool;
    this.maxBatch = options.maxBatch ?? 100;
    this.batchSize = Math.min(20, this.maxBatch);
  }

  private stopped = () => this.stopping;

  private retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, { what, stopped: this.stopped });
  }

  // Reads the node's chain and checks it against the database's (or records it).
  async init(): Promise<void> {
    const { chainId, genesis } = await this.retry('reading the chain id and genesis', async () => {
      const [chainIdAnswer, genesisAnswer] = await this.rpc.batch([
        { method: 'eth_chainId', params: [] },
        { method: 'eth_getBlockByNumber', params: ['0x0', false] },
      ]);
      if (chainIdAnswer instanceof RpcError) throw chainIdAnswer;
      if (genesisAnswer instanceof RpcError) throw genesisAnswer;
      if (!genesisAnswer || typeof genesisAnswer !== 'object') throw new GarbageError('eth_getBlockByNumber(0): no genesis block');
      return { chainId: quantity(chainIdAnswer, 'eth_chainId'), genesis: hash32((genesisAnswer as J).hash, 'genesis hash') };
    });
    this.chainId = chainId;
    this.genesisHash = genesis;
    try {
      const params = await this.retry('qtm_getStakingParams', () => this.rpc.call<J>('qtm_getStakingParams'));
      if (params?.stakingAddress) this.stakingAddress = String(params.stakingAddress).toLowerCase();
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
    }
    try {
      await this.retry('qtm_getCommit', () => this.rpc.call('qtm_getCommit', ['latest']));
      this.hasCommits = true;
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      this.hasCommits = false;
    }
    const state = await this.pool.query('SELECT chain_id, genesis_hash FROM indexer_state');
    if (state.rows.length === 0) {
      await this.pool.query(
        'INSERT INTO indexer_state (chain_id, genesis_hash) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING',
        [chainId.toString(), genesis],
      );
    } else {
      const stored = state.rows[0];
      if (!Buffer.from(stored.genesis_hash).equals(genesis)) {
        throw new GenesisMismatch(
          `the database holds another chain: its genesis hash is ${toHex(stored.genesis_hash)} (chain id ${stored.chain_id}), ` +
          `the node's is ${toHex(genesis)} (chain id ${chainId}). Use an empty database for this node, or the node of that chain.`);
      }
    }
    const tokens = await this.pool.query('SELECT address, standard FROM tokens');
    for (const row of tokens.rows) this.knownTokens.set(toHex(row.address)!, row.standard);
    log(`chain id ${chainId}, genesis ${toHex(genesis)}${this.hasCommits ? '' : ' (no commit certificates: a dev chain)'}`);
  }

  async lastIndexed(): Promise<number | null> {
    const r = await this.pool.query('SELECT last_height FROM indexer_state');
    return r.rows.length === 0 || r.rows[0].last_height === null ? null : Number(r.rows[0].last_height);
  }

  async finalizedNumber(): Promise<number> {
    return this.retry('reading the finalized block', async () => {
      const block = await this.rpc.call<J>('eth_getBlockByNumber', ['finalized', false]);
      if (!block || typeof block !== 'object') throw new GarbageError('eth_getBlockByNumber("finalized"): not a block');
      return smallQuantity(block.number, 'finalized block number');
    });
  }

  stop(): void {
    this.stopping = true;
    this.wakeUp?.();
    this.ws?.close();
  }

  // Runs until stop() (or, with `once`, until the finalized head at start is indexed).
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  private async loop(): Promise<void> {
    if (!this.options.once && this.options.wsUrl) this.connectWs(this.options.wsUrl);
    const last = await this.lastIndexed();
    let next = this.options.from ?? (last === null ? 0 : last + 1);
    const started = Date.now();
    let lastProgress = 0;
    let windowStart = Date.now();
    let windowBlocks = 0;
    let windowTxs = 0;
    let target = -1;
    let onceTarget: number | null = null;
    let prefetched: { from: number; batch: Promise<Batch> } | null = null;
    try {
      while (!this.stopping) {
        target = await this.finalizedNumber();
        if (this.options.once && onceTarget === null) onceTarget = target;
        if (onceTarget !== null) target = Math.min(target, onceTarget);
        if (next > target) {
          if (this.options.once) break;
          await this.waitForWake(this.options.pollMs ?? 1000);
          continue;
        }
        const to = Math.min(target, next + this.batchSize - 1);
        const batch: Batch = prefetched && prefetched.from === next ? await prefetched.batch : await this.fetchBatch(next, to);
        prefetched = null;
        // The node serves the next range while the database writes this one.
        if (batch.to < target) {
          const from: number = batch.to + 1;
          const ahead = this.fetchBatch(from, Math.min(target, from + this.batchSize - 1));
          ahead.catch(() => undefined); // awaited (and its error raised) on the next turn
          prefetched = { from, batch: ahead };
        }
        const txs = await this.writeBatch(batch);
        this.indexedBlocks += batch.to - batch.from + 1;
        this.indexedTxs += txs;
        windowBlocks += batch.to - batch.from + 1;
        windowTxs += txs;
        next = batch.to + 1;
        if (batch.to - batch.from + 1 === this.batchSize) this.batchSize = Math.min(this.maxBatch, this.batchSize * 2);
        const now = Date.now();
        if ((this.options.progress ?? true) && (now - lastProgress >= 2000 || next > target) && target - batch.from > 1) {
          const seconds = Math.max(0.001, (now - windowStart) / 1000);
          log(`backfill: height ${batch.to}/${target} (${((100 * (batch.to + 1)) / (target + 1)).toFixed(1)}%), ` +
            `${(windowBlocks / seconds).toFixed(1)} blocks/s, ${(windowTxs / seconds).toFixed(1)} tx/s`);
          lastProgress = now;
          windowStart = now;
          windowBlocks = 0;
          windowTxs = 0;
        }
      }
    } catch (error) {
      if (!(error instanceof Stopped)) throw error;
    } finally {
      this.ws?.close();
    }
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    log(`indexed ${this.indexedBlocks} blocks and ${this.indexedTxs} transactions in ${seconds.toFixed(1)} s ` +
      `(${(this.indexedBlocks / seconds).toFixed(1)} blocks/s, ${(this.indexedTxs / seconds).toFixed(1)} tx/s); ` +
      `indexed up to ${next - 1}`);
  }

  private waitForWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = null;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private connectWs(url: string): void {
    if (this.stopping) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, { handshakeTimeout: 10_000 });
    } catch (error) {
      log(`WebSocket ${url}: ${(error as Error).message}; polling only`);
      return;
    }
    this.ws = ws;
    ws.on('open', () => {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }));
    });
    ws.on('message', (data) => {
      try {
        const message = JSON.parse(String(data));
        if (message.method === 'eth_subscription') this.wakeUp?.();
        else if (message.id === 1 && message.error) log(`WebSocket ${url}: eth_subscribe: ${message.error.message}; polling only`);
      } catch {
        log(`WebSocket ${url}: a message that is not JSON; ignored`);
      }
    });
    ws.on('error', (error) => log(`WebSocket ${url}: ${error.message}; polling meanwhile`));
    ws.on('close', () => {
      if (this.ws === ws) this.ws = null;
      if (!this.stopping) setTimeout(() => this.connectWs(url), 5000).unref();
    });
  }

  // ------------------------------------------------------------------ fetching

  private async fetchBatch(from: number, to: number): Promise<Batch> {
    for (;;) {
      try {
        return await this.retry(`fetching blocks ${from}-${to}`, () => this.fetchOnce(from, to));
      } catch (error) {
        // The node's limits (-32005: response size, batch size): fetch fewer blocks at once.
        if (error instanceof RpcError && error.code === -32005 && to > from) {
          to = from + Math.floor((to - from) / 2);
          this.batchSize = to - from + 1;
          continue;
        }
        if (error instanceof RpcError && error.method === 'eth_getBlockReceipts' && error.code === -32601 && this.hasBlockReceipts) {
          this.hasBlockReceipts = false;
          continue;
        }
        if (error instanceof RpcError) {
          // An answer, not a transport failure, but not one we can index: report and retry.
          log(`fetching blocks ${from}-${to}: ${error.message}; retry in 5 s`);
          await sleep(5000);
          if (this.stopping) throw new Stopped();
          continue;
        }
        throw error;
      }
    }
  }

  private async fetchOnce(from: number, to: number): Promise<Batch> {
    const calls: Call[] = [];
    const perBlock = 1 + (this.hasBlockReceipts ? 1 : 0) + (this.hasCommits ? 1 : 0);
    for (let n = from; n <= to; n++) {
      calls.push({ method: 'eth_getBlockByNumber', params: [hexQ(n), true] });
      if (this.hasBlockReceipts) calls.push({ method: 'eth_getBlockReceipts', params: [hexQ(n)] });
      if (this.hasCommits) calls.push({ method: 'qtm_getCommit', params: [hexQ(n)] });
    }
    calls.push({ method: 'eth_getLogs', params: [{ fromBlock: hexQ(from), toBlock: hexQ(to), address: this.stakingAddress }] });
    const answers = await this.rpc.batch(calls);
    const fail = (a: unknown) => { if (a instanceof RpcError) throw a; return a; };
    const blocks: FetchedBlock[] = [];
    for (let i = 0; i <= to - from; i++) {
      const n = from + i;
      const block = fail(answers[i * perBlock]) as J;
      if (!block || typeof block !== 'object') throw new GarbageError(`block ${n}: the node has no such block`);
      if (smallQuantity(block.number, `block ${n} number`) !== n) throw new GarbageError(`block ${n}: the node answered block ${block.number}`);
      hash32(block.hash, `block ${n} hash`);
      if (!Array.isArray(block.transactions)) throw new GarbageError(`block ${n}: no transaction list`);
      let receipts: J[] | null = null;
      if (this.hasBlockReceipts) receipts = fail(answers[i * perBlock + 1]) as J[];
      const commit = this.hasCommits ? (answers[i * perBlock + perBlock - 1] instanceof RpcError ? null : answers[i * perBlock + perBlock - 1]) : null;
      blocks.push({ number: n, block, receipts: receipts ?? [], commit: commit as J });
    }
    if (!this.hasBlockReceipts) {
      const receiptCalls = blocks.flatMap((b) => b.block.transactions.map((t: J) => ({ method: 'eth_getTransactionReceipt', params: [t.hash] })));
      const receipts = (await this.rpc.batch(receiptCalls)).map(fail);
      let k = 0;
      for (const b of blocks) b.receipts = b.block.transactions.map(() => receipts[k++]);
    }
    for (const b of blocks) {
      if (!Array.isArray(b.receipts) || b.receipts.length !== b.block.transactions.length) {
        throw new GarbageError(`block ${b.number}: ${b.block.transactions.length} transactions but ${b.receipts?.length} receipts`);
      }
      b.block.transactions.forEach((t: J, i: number) => {
        if (!t || typeof t !== 'object' || !b.receipts[i] || b.receipts[i].transactionHash !== t.hash) {
          throw new GarbageError(`block ${b.number}: receipt ${i} is not that of transaction ${t?.hash}`);
        }
      });
    }
    const stakingLogs = fail(answers[answers.length - 1]) as J[];
    if (!Array.isArray(stakingLogs)) throw new GarbageError('eth_getLogs: not a list');

    // Second round: what the blocks name.
    const extra: Call[] = [];
    const onAnswer: Array<(a: unknown) => void> = [];
    const publicKeys = new Map<string, { scheme: number; publicKey: Buffer | null }>();
    const codeSizes = new Map<string, number>();
    const tokenMeta = new Map<string, { name: string | null; symbol: string | null; decimals: number | null }>();
    const totalSupply = new Map<string, bigint | null>();
    const signerSets = new Map<string, string[]>();
    const ask = (call: Call, then: (a: unknown) => void) => { extra.push(call); onAnswer.push(then); };
    const ok = (a: unknown) => !(a instanceof RpcError);
    const touchedTokens = new Map<string, 'ERC-20' | 'ERC-721'>();
    for (const b of blocks) {
      b.block.transactions.forEach((t: J, i: number) => {
        const receipt = b.receipts[i];
        if (t.publicKeySize && t.publicKeySize !== '0x0') {
          const who = String(t.from).toLowerCase();
          ask({ method: 'qtm_getPublicKey', params: [who, hexQ(b.number)] }, (a) => {
            const answer = ok(a) ? (a as J) : null;
            publicKeys.set(who, {
              scheme: answer?.scheme ? Number(BigInt(answer.scheme)) : smallQuantity(t.scheme ?? '0x1', 'scheme'),
              publicKey: answer?.publicKey ? bytes(answer.publicKey, 'publicKey') : null,
            });
          });
        }
        if (receipt.contractAddress) {
          const created = String(receipt.contractAddress).toLowerCase();
          ask({ method: 'eth_getCode', params: [created, hexQ(b.number)] }, (a) => {
            codeSizes.set(created, ok(a) && typeof a === 'string' ? bytes(a, 'code').length : 0);
          });
        }
        for (const l of receipt.logs ?? []) {
          const transfer = decodeTransfer((l.topics ?? []).map((x: unknown) => bytes(x, 'topic')), bytes(l.data, 'log data'));
          if (transfer) {
            const token = String(l.address).toLowerCase();
            if (!touchedTokens.has(token)) touchedTokens.set(token, this.knownTokens.get(token) ?? transfer.standard);
          }
        }
      });
      const vh = b.block.validatorsHash as string | undefined;
      if (this.hasCommits && b.commit && vh && !this.signerSetCache.has(vh) && !signerSets.has(vh)) {
        signerSets.set(vh, []);
        ask({ method: 'qtm_getValidators', params: [hexQ(b.number)] }, (a) => {
          if (ok(a) && Array.isArray((a as J)?.validators)) {
            signerSets.set(vh, (a as J).validators.map((v: J) => String(v.address).toLowerCase()));
          }
        });
      }
    }
    const at = hexQ(to);
    for (const [token, standard] of touchedTokens) {
      const call = (data: string, then: (r: Buffer | null) => void) =>
        ask({ method: 'eth_call', params: [{ to: token, data }, at] }, (a) => {
          then(ok(a) && typeof a === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(a) ? Buffer.from(a.slice(2), 'hex') : null);
        });
      if (!this.knownTokens.has(token)) {
        const meta = { name: null as string | null, symbol: null as string | null, decimals: null as number | null };
        tokenMeta.set(token, meta);
        call(SELECTORS.name, (r) => { meta.name = r ? decodeString(r) : null; });
        call(SELECTORS.symbol, (r) => { meta.symbol = r ? decodeString(r) : null; });
        if (standard === 'ERC-20') {
          call(SELECTORS.decimals, (r) => {
            const v = r ? decodeUint(r) : null;
            meta.decimals = v !== null && v <= 255n ? Number(v) : null;
          });
        }
      }
      call(SELECTORS.totalSupply, (r) => { totalSupply.set(token, r ? decodeUint(r) : null); });
    }
    let validators: J | null = null;
    ask({ method: 'qtm_getValidators', params: [at] }, (a) => { validators = ok(a) ? a : null; });
    const extraAnswers = await this.rpc.batch(extra);
    extraAnswers.forEach((a, i) => onAnswer[i](a));
    for (const [vh, set] of signerSets) if (set.length > 0) this.signerSetCache.set(vh, set);
    return { from, to, blocks, stakingLogs, publicKeys, codeSizes, tokenMeta, totalSupply, validators, tokenStandards: touchedTokens, signerSets: this.signerSetCache };
  }

  // ------------------------------------------------------------------ writing

  private async writeBatch(batch: Batch): Promise<number> {
    let attempt = 0;
    for (;;) {
      try {
        return await this.writeOnce(batch);
      } catch (error) {
        if (error instanceof GarbageError || ++attempt > 5) throw error;
        const delay = 500 * 2 ** attempt;
        log(`writing blocks ${batch.from}-${batch.to}: database: ${(error as Error).message}; retry ${attempt} in ${delay / 1000} s`);
        await sleep(delay);
      }
    }
  }

  private async writeOnce(batch: Batch): Promise<number> {
    // Rows are built before the transaction (a garbage field fails here, nothing written).
    const blockRows = batch.blocks.map(({ number, block, commit }) => {
      const signerIndices: number[] | null = commit && Array.isArray(commit.signers)
        ? commit.signers.map((s: unknown) => (typeof s === 'number' ? s : Number(BigInt(String(s))))) : null;
      const set = block.validatorsHash ? batch.signerSets.get(block.validatorsHash) : undefined;
      const signerAddresses = signerIndices && set
        ? signerIndices.map((i) => (set[i] ? Buffer.from(set[i].slice(2), 'hex') : null)).filter((x): x is NonNullable<typeof x> => x !== null)
        : null;
      return [
        number, hash32(block.hash, 'hash'), hash32(block.parentHash, 'parentHash'), smallQuantity(block.timestamp, 'timestamp'),
        address(block.miner, 'miner'), hash32(block.stateRoot, 'stateRoot'), smallQuantity(block.gasUsed, 'gasUsed'),
        smallQuantity(block.gasLimit, 'gasLimit'), optionalQuantity(block.baseFeePerGas, 'baseFeePerGas'),
        block.transactions.length, block.size ? smallQuantity(block.size, 'size') : 0,
        commit ? (commit.round !== undefined ? Number(BigInt(commit.round)) : null) : null,
        signerIndices, signerAddresses,
        commit?.certificate ? bytes(commit.certificate, 'certificate').length : null,
      ];
    });
    const client = await this.pool.connect();
    let txCount = 0;
    try {
      await client.query('BEGIN');
      const inserted = await insertMany(client, 'blocks',
        ['number', 'hash', 'parent_hash', 'timestamp', 'proposer', 'state_root', 'gas_used', 'gas_limit', 'base_fee',
          'tx_count', 'size', 'commit_round', 'signer_indices', 'signer_addresses', 'certificate_size'],
        blockRows, 'ON CONFLICT (number) DO NOTHING RETURNING number');
      const fresh = new Set(inserted.map((r) => Number(r.number)));
      const txRows: unknown[][] = [];
      const logRows: unknown[][] = [];
      const activityRows: unknown[][] = [];
      const keyRows: unknown[][] = [];
      const contractRows: unknown[][] = [];
      const transferRows: unknown[][] = [];
      const stakingRows: unknown[][] = [];
      const balanceDelta = new Map<string, bigint>();
      const transferCounts = new Map<string, number>();
      const firstBlock = new Map<string, number>();
      const addDelta = (token: string, holder: Buffer, delta: bigint) => {
        if (holder.equals(Buffer.alloc(20))) return;
        const key = `${token}:${holder.toString('hex')}`;
        balanceDelta.set(key, (balanceDelta.get(key) ?? 0n) + delta);
      };
      for (const { number, block, receipts } of batch.blocks) {
        if (!fresh.has(number)) continue;
        const baseFee = optionalQuantity(block.baseFeePerGas, 'baseFeePerGas') ?? 0n;
        block.transactions.forEach((t: J, i: number) => {
          const r = receipts[i];
          const hash = hash32(t.hash, 'tx hash');
          const from = address(t.from, 'from');
          const to = optionalAddress(t.to, 'to');
          const created = optionalAddress(r.contractAddress, 'contractAddress');
          const gasUsed = quantity(r.gasUsed, 'gasUsed');
          const price = quantity(r.effectiveGasPrice ?? t.gasPrice, 'effectiveGasPrice');
          const publicKeySize = t.publicKeySize ? smallQuantity(t.publicKeySize, 'publicKeySize') : 0;
          const scheme = t.scheme ? smallQuantity(t.scheme, 'scheme') : 0;
          txRows.push([
            hash, number, i, smallQuantity(t.type ?? '0x0', 'type'), from, to, created, quantity(t.value, 'value'),
            smallQuantity(t.nonce, 'nonce'), smallQuantity(t.gas, 'gas'), gasUsed, price,
            optionalQuantity(t.maxFeePerGas, 'maxFeePerGas'), optionalQuantity(t.maxPriorityFeePerGas, 'maxPriorityFeePerGas'),
            gasUsed * baseFee, gasUsed * (price > baseFee ? price - baseFee : 0n),
            smallQuantity(r.status ?? '0x1', 'status'), scheme,
            t.signatureSize ? smallQuantity(t.signatureSize, 'signatureSize') : 0, publicKeySize, bytes(t.input, 'input'),
          ]);
          const involved = new Map<string, Buffer>();
          for (const a of [from, to, created]) if (a) involved.set(a.toString('hex'), a);
          for (const a of involved.values()) activityRows.push([a, number, i, hash]);
          if (publicKeySize > 0) {
            const pk = batch.publicKeys.get('0x' + from.toString('hex'));
            keyRows.push([from, pk?.scheme ?? scheme, pk?.publicKey ?? null, hash, number]);
          }
          if (created) {
            contractRows.push([created, from, hash, number, batch.codeSizes.get('0x' + created.toString('hex')) ?? 0]);
          }
          for (const l of r.logs ?? []) {
            const topics: Buffer[] = (l.topics ?? []).map((x: unknown) => bytes(x, 'topic'));
            const data = bytes(l.data, 'log data');
            const logIndex = smallQuantity(l.logIndex, 'logIndex');
            const emitter = address(l.address, 'log address');
            logRows.push([number, logIndex, hash, i, emitter, topics[0] ?? null, topics[1] ?? null, topics[2] ?? null, topics[3] ?? null, data]);
            const transfer = decodeTransfer(topics, data);
            if (transfer) {
              const token = '0x' + emitter.toString('hex');
              const standard = this.knownTokens.get(token) ?? transfer.standard;
              if (standard !== transfer.standard) continue;
              transferRows.push([number, logIndex, hash, emitter, transfer.from, transfer.to, transfer.value, transfer.tokenId]);
              transferCounts.set(token, (transferCounts.get(token) ?? 0) + 1);
              if (!firstBlock.has(token)) firstBlock.set(token, number);
              const amount = transfer.value ?? 1n;
              addDelta(token, transfer.from, -amount);
              addDelta(token, transfer.to, amount);
            }
          }
        });
        txCount += block.transactions.length;
      }
      const txHashes = new Set(txRows.map((r) => (r[0] as Buffer).toString('hex')));
      for (const l of batch.stakingLogs) {
        const number = smallQuantity(l.blockNumber, 'log blockNumber');
        if (!fresh.has(number)) continue;
        const topics: Buffer[] = (l.topics ?? []).map((x: unknown) => bytes(x, 'topic'));
        const data = bytes(l.data, 'log data');
        const logIndex = smallQuantity(l.logIndex, 'logIndex');
        const txHash = hash32(l.transactionHash, 'log transactionHash');
        if (!txHashes.has(txHash.toString('hex'))) {
          // A block-level log (no receipt carries it): keep it with the others.
          logRows.push([number, logIndex, txHash, smallQuantity(l.transactionIndex, 'transactionIndex'), address(l.address, 'address'),
            topics[0] ?? null, topics[1] ?? null, topics[2] ?? null, topics[3] ?? null, data]);
        }
        const e = decodeStakingEvent(topics, data);
        if (e) stakingRows.push([number, logIndex, txHash, e.kind, e.validator, e.delegator, e.amount, JSON.stringify(e.args)]);
      }
      // The rows of blocks new in this transaction cannot exist yet: COPY, the bulk path.
      await copyRows(client, 'transactions',
        ['hash', 'block_number', 'tx_index', 'tx_type', 'from_address', 'to_address', 'contract_address', 'value', 'nonce',
          'gas_limit', 'gas_used', 'effective_gas_price', 'max_fee_per_gas', 'max_priority_fee_per_gas', 'fee_burned',
          'fee_tipped', 'status', 'scheme', 'signature_size', 'public_key_size', 'input'],
        txRows);
      await copyRows(client, 'logs',
        ['block_number', 'log_index', 'tx_hash', 'tx_index', 'address', 'topic0', 'topic1', 'topic2', 'topic3', 'data'],
        logRows);
      await copyRows(client, 'address_activity', ['address', 'block_number', 'tx_index', 'tx_hash'], activityRows);
      await insertMany(client, 'key_registrations', ['address', 'scheme', 'public_key', 'tx_hash', 'block_number'], keyRows, 'ON CONFLICT DO NOTHING');
      await insertMany(client, 'contracts', ['address', 'creator', 'tx_hash', 'block_number', 'code_size'], contractRows, 'ON CONFLICT DO NOTHING');
      const tokenRows: unknown[][] = [];
      for (const [token, supply] of batch.totalSupply) {
        const meta = batch.tokenMeta.get(token);
        const standard = this.knownTokens.get(token) ?? batch.tokenStandards.get(token) ?? 'ERC-20';
        tokenRows.push([Buffer.from(token.slice(2), 'hex'), standard, meta?.name ?? null, meta?.symbol ?? null, meta?.decimals ?? null,
          supply, firstBlock.get(token) ?? batch.from, batch.to, transferCounts.get(token) ?? 0]);
      }
      await insertMany(client, 'tokens',
        ['address', 'standard', 'name', 'symbol', 'decimals', 'total_supply', 'first_block', 'supply_block', 'transfers'],
        tokenRows,
        `ON CONFLICT (address) DO UPDATE SET
           total_supply = CASE WHEN tokens.supply_block IS NULL OR excluded.supply_block >= tokens.supply_block
                               THEN excluded.total_supply ELSE tokens.total_supply END,
           supply_block = GREATEST(tokens.supply_block, excluded.supply_block),
           transfers = tokens.transfers + excluded.transfers`);
      await copyRows(client, 'token_transfers',
        ['block_number', 'log_index', 'tx_hash', 'token', 'from_address', 'to_address', 'value', 'token_id'],
        transferRows);
      const balanceRows = [...balanceDelta].filter(([, d]) => d !== 0n).map(([key, delta]) => {
        const [token, holder] = key.split(':');
        return [Buffer.from(token.slice(2), 'hex'), Buffer.from(holder, 'hex'), delta];
      });
      await insertMany(client, 'token_balances', ['token', 'holder', 'balance'], balanceRows,
        'ON CONFLICT (token, holder) DO UPDATE SET balance = token_balances.balance + excluded.balance');
      await insertMany(client, 'staking_events',
        ['block_number', 'log_index', 'tx_hash', 'kind', 'validator', 'delegator', 'amount', 'args'],
        stakingRows, 'ON CONFLICT DO NOTHING');
      const v = batch.validators as J;
      if (v && Array.isArray(v.validators)) {
        const state = await client.query('SELECT validators_block FROM indexer_state FOR UPDATE');
        const current = state.rows[0]?.validators_block;
        if (current === null || current === undefined || Number(current) <= batch.to) {
          await client.query('DELETE FROM validators');
          await insertMany(client, 'validators',
            ['address', 'operator', 'reward_address', 'scheme', 'stake', 'voting_power', 'commission_bps', 'jailed', 'tombstoned', 'position'],
            v.validators.map((x: J, i: number) => [
              address(x.address, 'validator address'), optionalAddress(x.operator, 'operator'), optionalAddress(x.rewardAddress, 'rewardAddress'),
              x.scheme ? smallQuantity(x.scheme, 'scheme') : null, optionalQuantity(x.stake, 'stake'), optionalQuantity(x.votingPower, 'votingPower'),
              x.commissionBps ? smallQuantity(x.commissionBps, 'commissionBps') : null, Boolean(x.jailed), Boolean(x.tombstoned), i,
            ]), 'ON CONFLICT DO NOTHING');
          await client.query('UPDATE indexer_state SET validators_block = $1, validators_epoch = $2',
            [batch.to, v.epoch ? Number(BigInt(v.epoch)) : null]);
        }
      }
      await client.query(
        `UPDATE indexer_state SET last_height = GREATEST(COALESCE(last_height, -1), $1),
           total_transactions = total_transactions + $2, updated_at = now()`, [batch.to, txCount]);
      await client.query('COMMIT');
      for (const row of tokenRows) {
        const token = toHex(row[0] as Buffer)!;
        if (!this.knownTokens.has(token)) this.knownTokens.set(token, row[1] as 'ERC-20' | 'ERC-721');
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return txCount;
  }
}

export { TransportError };
