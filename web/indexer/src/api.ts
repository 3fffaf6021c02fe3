// The explorer's read-only API over the indexer's database (docs/explorer-api.md): each
// handler parses its parameters strictly (a bad one is a 400 naming it), reads with keyset
// pagination (never OFFSET), and shapes rows as the contract says. Balances and nonces come
// from the node at the indexed head; everything else from PostgreSQL.
import pg from 'pg';
import { decodeInput, decodeLog } from './decode.js';
import { hexQ, schemeName, toAddress, toHex } from './hex.js';
import { RpcClient } from './rpc.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}

export interface ChainInfo {
  chainId: bigint;
  genesisHash: Buffer;
  devChain: boolean;
}

export interface ApiContext {
  pool: pg.Pool;
  rpc: RpcClient;
  chain: ChainInfo;
  shared?: Map<string, { at: number; value: Promise<unknown> }>;
}

// What every visitor of the home page asks for (status, the first page of blocks and of
// transactions) is computed once and shared for SHARED_MS: the chain moves once per block,
// and a crowd of clients should not each ask the node and the database the same question.
export const SHARED_MS = 1000;

function sharedAnswer<T>(ctx: ApiContext, key: string, make: () => Promise<T>): Promise<T> {
  ctx.shared ??= new Map();
  const now = Date.now();
  const hit = ctx.shared.get(key);
  if (hit && now - hit.at < SHARED_MS) return hit.value as Promise<T>;
  const value = make();
  ctx.shared.set(key, { at: now, value });
  value.catch(() => ctx.shared?.delete(key));
  return value;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

// ------------------------------------------------------------------ parameters

const badRequest = (what: string, message: string) => new ApiError(400, `invalid_${what.replace(/\s+/g, '_')}`, message);
const notFound = (message: string) => new ApiError(404, 'not_found', message);

export function parseAddress(value: string, what = 'address'): Buffer {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw badRequest(what, `${what}: expected 0x and 40 hex digits, got "${value.slice(0, 80)}"`);
  return Buffer.from(value.slice(2), 'hex');
}

export function parseHash(value: string, what = 'hash'): Buffer {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw badRequest(what, `${what}: expected 0x and 64 hex digits, got "${value.slice(0, 80)}"`);
  return Buffer.from(value.slice(2), 'hex');
}

function parseBlockNumber(value: string): number | null {
  if (!/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

export function parseLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return 25;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > 100) {
    throw badRequest('limit', `limit: expected a whole number from 1 to 100, got "${raw.slice(0, 20)}"`);
  }
  return Number(raw);
}

// Cursors are the sort key of the last item shown: "block" or "block.index".
function parseCursor(query: URLSearchParams, parts: 1 | 2): number[] | null {
  const raw = query.get('cursor');
  if (raw === null || raw === '') return null;
  const pattern = parts === 1 ? /^\d{1,15}$/ : /^\d{1,15}\.\d{1,9}$/;
  if (!pattern.test(raw)) throw badRequest('cursor', `cursor: "${raw.slice(0, 40)}" is not a cursor this API returned`);
  return raw.split('.').map(Number);
}

function page<T>(rows: Row[], limit: number, shape: (row: Row) => T, cursorOf: (row: Row) => string): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  return { items: shown.map(shape), next: more ? cursorOf(shown[shown.length - 1]) : null };
}

// The keyset condition "after the cursor" on `columns`, its parameters numbered from
// `first`. Without a cursor there is no condition at all (not "$n IS NULL OR ..."), so that
// each form has a plan that walks the index from the right place.
function after(cursor: number[] | null, columns: string, first: number): { sql: string; values: number[] } {
  if (!cursor) return { sql: 'TRUE', values: [] };
  const marks = cursor.map((_, i) => `$${first + i}`).join(', ');
  return { sql: cursor.length === 1 ? `${columns} < ${marks}` : `(${columns}) < (${marks})`, values: cursor };
}

// ------------------------------------------------------------------ shapes

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const TX_SUMMARY_COLUMNS = `t.hash, t.block_number, t.tx_index, b.timestamp, t.from_address, t.to_address,
  t.contract_address, t.value, t.status, t.scheme, t.signature_size, t.public_key_size`;

function txSummary(r: Row) {
  return {
    hash: toHex(r.hash),
    blockNumber: Number(r.block_number),
    index: r.tx_index,
    timestamp: Number(r.timestamp),
    from: toAddress(r.from_address),
    to: toAddress(r.to_address),
    contractAddress: toAddress(r.contract_address),
    value: str(r.value),
    status: r.status,
    scheme: r.scheme,
    schemeName: schemeName(r.scheme),
    signatureSize: r.signature_size,
    registersKey: r.public_key_size > 0,
  };
}

function blockSummary(r: Row) {
  return {
    number: Number(r.number),
    hash: toHex(r.hash),
    timestamp: Number(r.timestamp),
    proposer: toAddress(r.proposer),
    txCount: r.tx_count,
    gasUsed: Number(r.gas_used),
    size: r.size,
  };
}

const TRANSFER_COLUMNS = `x.tx_hash, x.block_number, x.log_index, x.token, x.from_address, x.to_address, x.value, x.token_id,
  k.standard, k.name, k.symbol, k.decimals, k.total_supply`;

function tokenInfo(r: Row, addressColumn = 'token') {
  return {
    address: toAddress(r[addressColumn]),
    standard: r.standard ?? null,
    name: r.name ?? null,
    symbol: r.symbol ?? null,
    decimals: num(r.decimals),
    totalSupply: str(r.total_supply),
  };
}

function tokenTransfer(r: Row) {
  return {
    txHash: toHex(r.tx_hash),
    blockNumber: Number(r.block_number),
    logIndex: r.log_index,
    token: tokenInfo(r),
    from: toAddress(r.from_address),
    to: toAddress(r.to_address),
    value: str(r.value),
    tokenId: str(r.token_id),
  };
}

const txCursor = (r: Row) => `${r.block_number}.${r.tx_index}`;
const logCursor = (r: Row) => `${r.block_number}.${r.log_index}`;

// ------------------------------------------------------------------ handlers

async function indexedHeight(ctx: ApiContext): Promise<number | null> {
  const r = await ctx.pool.query('SELECT last_height FROM indexer_state');
  return r.rows.length === 0 || r.rows[0].last_height === null ? null : Number(r.rows[0].last_height);
}

// The node's numbers; null when it does not answer within 2 s (the page still shows the rest).
async function nodeHeights(ctx: ApiContext): Promise<{ head: number | null; finalized: number | null }> {
  const rpc = new RpcClient(ctx.rpc.url, { timeoutMs: 2000 });
  try {
    const [head, finalized] = await rpc.batch([
      { method: 'eth_blockNumber', params: [] },
      { method: 'eth_getBlockByNumber', params: ['finalized', false] },
    ]);
    const n = (v: unknown) => (typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v) ? Number(BigInt(v)) : null);
    return { head: n(head), finalized: n((finalized as Row)?.number) };
  } catch {
    return { head: null, finalized: null };
  }
}

export function status(ctx: ApiContext) {
  return sharedAnswer(ctx, 'status', () => computeStatus(ctx));
}

async function computeStatus(ctx: ApiContext) {
  const [state, recent, node] = await Promise.all([
    ctx.pool.query('SELECT last_height, total_transactions FROM indexer_state'),
    // Genesis has a fixed timestamp of its own: it is not in the window.
    ctx.pool.query('SELECT number, timestamp, tx_count FROM blocks WHERE number > 0 ORDER BY number DESC LIMIT 100'),
    nodeHeights(ctx),
  ]);
  const rows = recent.rows;
  let tps: number | null = null;
  let blockTime: number | null = null;
  if (rows.length >= 2) {
    const span = Number(rows[0].timestamp) - Number(rows[rows.length - 1].timestamp);
    // Transactions of every block after the oldest one, over the time they took.
    const txs = rows.slice(0, -1).reduce((sum: number, r: Row) => sum + r.tx_count, 0);
    blockTime = span / (rows.length - 1);
    tps = span > 0 ? txs / span : null;
  }
  const s = state.rows[0];
  return {
    chainId: ctx.chain.chainId.toString(),
    genesisHash: toHex(ctx.chain.genesisHash),
    nodeHead: node.head,
    finalized: node.finalized,
    indexed: s?.last_height === null || s?.last_height === undefined ? null : Number(s.last_height),
    tps,
    blockTime,
    totalTransactions: s ? Number(s.total_transactions) : 0,
    devChain: ctx.chain.devChain,
  };
}

export async function blocks(ctx: ApiContext, query: URLSearchParams): Promise<Page<unknown>> {
  const limit = parseLimit(query);
  const cursor = parseCursor(query, 1);
  const read = async () => {
    const k = after(cursor, 'number', 1);
    const r = await ctx.pool.query({
      name: `blocks-page-${cursor ? 'after' : 'top'}`,
      text: `SELECT number, hash, timestamp, proposer, tx_count, gas_used, size FROM blocks
             WHERE ${k.sql} ORDER BY number DESC LIMIT $${k.values.length + 1}`,
      values: [...k.values, limit + 1],
    });
    return page(r.rows, limit, blockSummary, (row) => String(row.number));
  };
  return cursor ? read() : sharedAnswer(ctx, `blocks:${limit}`, read);
}

export async function block(ctx: ApiContext, id: string) {
  const number = parseBlockNumber(id);
  const where = number !== null ? 'number = $1' : 'hash = $1';
  const key = number !== null ? number : parseHash(id, 'block');
  const r = await ctx.pool.query(`SELECT * FROM blocks WHERE ${where}`, [key]);
  if (r.rows.length === 0) throw notFound(`block ${id} is not indexed (the indexer holds finalized blocks only; it may not be there yet)`);
  const b = r.rows[0];
  const txs = await ctx.pool.query(
    `SELECT ${TX_SUMMARY_COLUMNS} FROM transactions t JOIN blocks b ON b.number = t.block_number
     WHERE t.block_number = $1 ORDER BY t.tx_index`, [b.number]);
  const signers = (b.signer_indices ?? []).map((index: number, i: number) => ({
    index, address: toAddress(b.signer_addresses?.[i] ?? null),
  }));
  return {
    ...blockSummary(b),
    parentHash: toHex(b.parent_hash),
    stateRoot: toHex(b.state_root),
    gasLimit: Number(b.gas_limit),
    baseFeePerGas: str(b.base_fee),
    // Only finalized blocks are indexed.
    final: true,
    commit: b.commit_round === null ? null : { round: b.commit_round, certificateSize: b.certificate_size, signers },
    transactions: txs.rows.map(txSummary),
  };
}

export async function transactions(ctx: ApiContext, query: URLSearchParams): Promise<Page<unknown>> {
  const limit = parseLimit(query);
  const cursor = parseCursor(query, 2);
  const read = async () => {
    const k = after(cursor, 't.block_number, t.tx_index', 1);
    const r = await ctx.pool.query({
      name: `txs-page-${cursor ? 'after' : 'top'}`,
      text: `SELECT ${TX_SUMMARY_COLUMNS} FROM transactions t JOIN blocks b ON b.number = t.block_number
             WHERE ${k.sql} ORDER BY t.block_number DESC, t.tx_index DESC LIMIT $${k.values.length + 1}`,
      values: [...k.values, limit + 1],
    });
    return page(r.rows, limit, txSummary, txCursor);
  };
  return cursor ? read() : sharedAnswer(ctx, `txs:${limit}`, read);
}

export async function transaction(ctx: ApiContext, id: string) {
  const hash = parseHash(id, 'transaction hash');
  const r = await ctx.pool.query(
    `SELECT ${TX_SUMMARY_COLUMNS}, b.hash AS block_hash, t.nonce, t.gas_limit, t.gas_used, t.effective_gas_price,
       t.max_fee_per_gas, t.max_priority_fee_per_gas, t.fee_burned, t.fee_tipped, t.input
     FROM transactions t JOIN blocks b ON b.number = t.block_number WHERE t.hash = $1`, [hash]);
  if (r.rows.length === 0) throw notFound(`transaction ${id} is not indexed (not finalized yet, or unknown)`);
  const t = r.rows[0];
  const [logs, transfers] = await Promise.all([
    ctx.pool.query('SELECT * FROM logs WHERE tx_hash = $1 ORDER BY block_number, log_index', [hash]),
    ctx.pool.query(`SELECT ${TRANSFER_COLUMNS} FROM token_transfers x LEFT JOIN tokens k ON k.address = x.token
                    WHERE x.tx_hash = $1 ORDER BY x.block_number, x.log_index`, [hash]),
  ]);
  return {
    ...txSummary(t),
    blockHash: toHex(t.block_hash),
    nonce: Number(t.nonce),
    gasLimit: Number(t.gas_limit),
    gasUsed: Number(t.gas_used),
    effectiveGasPrice: str(t.effective_gas_price),
    maxFeePerGas: str(t.max_fee_per_gas),
    maxPriorityFeePerGas: str(t.max_priority_fee_per_gas),
    feeBurned: str(t.fee_burned),
    feeTipped: str(t.fee_tipped),
    publicKeySize: t.public_key_size,
    input: toHex(t.input),
    decodedInput: decodeInput(t.input),
    logs: logs.rows.map((l: Row) => {
      const topics = [l.topic0, l.topic1, l.topic2, l.topic3].filter((x) => x !== null) as Buffer[];
      return {
        logIndex: l.log_index,
        address: toAddress(l.address),
        topics: topics.map(toHex),
        data: toHex(l.data),
        decoded: decodeLog(toHex(l.address)!, topics, l.data),
      };
    }),
    tokenTransfers: transfers.rows.map(tokenTransfer),
  };
}

export async function addressInfo(ctx: ApiContext, id: string) {
  const who = parseAddress(id);
  const height = await indexedHeight(ctx);
  const at = height === null ? 'latest' : hexQ(height);
  const hex = toHex(who)!;
  const [node, key, activity, contract, token, holdings] = await Promise.all([
    ctx.rpc.batch([
      { method: 'eth_getBalance', params: [hex, at] },
      { method: 'eth_getTransactionCount', params: [hex, at] },
      { method: 'eth_getCode', params: [hex, at] },
    ]).catch((error: Error) => { throw new ApiError(503, 'node_unavailable', `the node did not answer: ${error.message}`); }),
    ctx.pool.query('SELECT * FROM key_registrations WHERE address = $1', [who]),
    ctx.pool.query('SELECT count(*)::bigint AS n FROM address_activity WHERE address = $1', [who]),
    ctx.pool.query('SELECT * FROM contracts WHERE address = $1', [who]),
    ctx.pool.query('SELECT * FROM tokens WHERE address = $1', [who]),
    ctx.pool.query(
      `SELECT k.*, h.balance FROM token_balances h JOIN tokens k ON k.address = h.token
       WHERE h.holder = $1 AND h.balance <> 0 ORDER BY k.symbol NULLS LAST, k.address LIMIT 100`, [who]),
  ]);
  const [balance, nonce, code] = node;
  const answer = (v: unknown, what: string) => {
    if (typeof v !== 'string' || !/^0x[0-9a-fA-F]*$/.test(v)) {
      throw new ApiError(503, 'node_unavailable', `the node answered no ${what}: ${(v as Error)?.message ?? JSON.stringify(v)}`);
    }
    return v;
  };
  const codeHex = answer(code, 'code');
  const k = key.rows[0];
  const c = contract.rows[0];
  const tk = token.rows[0];
  return {
    address: toAddress(who),
    balance: BigInt(answer(balance, 'balance')).toString(),
    nonce: Number(BigInt(answer(nonce, 'nonce'))),
    isContract: codeHex.length > 2,
    codeSize: (codeHex.length - 2) / 2,
    code: codeHex.length > 2 ? codeHex.toLowerCase() : null,
    scheme: k ? k.scheme : null,
    schemeName: k ? schemeName(k.scheme) : null,
    publicKey: k ? toHex(k.public_key) : null,
    keyRegistration: k ? { txHash: toHex(k.tx_hash), blockNumber: Number(k.block_number) } : null,
    txCount: Number(activity.rows[0].n),
    contract: c ? { creator: toAddress(c.creator), txHash: toHex(c.tx_hash), blockNumber: Number(c.block_number), codeSize: c.code_size } : null,
    token: tk ? tokenInfo(tk, 'address') : null,
    tokens: holdings.rows.map((h: Row) => ({ token: tokenInfo(h, 'address'), balance: str(h.balance) })),
  };
}

export async function addressTransactions(ctx: ApiContext, id: string, query: URLSearchParams): Promise<Page<unknown>> {
  const who = parseAddress(id);
  const limit = parseLimit(query);
  const cursor = parseCursor(query, 2);
  const k = after(cursor, 'a.block_number, a.tx_index', 2);
  const r = await ctx.pool.query({
    name: `address-txs-page-${cursor ? 'after' : 'top'}`,
    text: `SELECT ${TX_SUMMARY_COLUMNS} FROM address_activity a
             JOIN transactions t ON t.block_number = a.block_number AND t.tx_index = a.tx_index
             JOIN blocks b ON b.number = a.block_number
           WHERE a.address = $1 AND ${k.sql}
           ORDER BY a.block_number DESC, a.tx_index DESC LIMIT $${k.values.length + 2}`,
    values: [who, ...k.values, limit + 1],
  });
  return page(r.rows, limit, txSummary, txCursor);
}

// Transfers from or to an address: two index scans merged, newest first.
export async function addressTransfers(ctx: ApiContext, id: string, query: URLSearchParams): Promise<Page<unknown>> {
  const who = parseAddress(id);
  const limit = parseLimit(query);
  const cursor = parseCursor(query, 2);
  const k = after(cursor, 'block_number, log_index', 2);
  const n = `$${k.values.length + 2}`;
  const side = (column: string) => `(SELECT * FROM token_transfers WHERE ${column} = $1 AND ${k.sql}
      ORDER BY block_number DESC, log_index DESC LIMIT ${n})`;
  const r = await ctx.pool.query(
    `SELECT ${TRANSFER_COLUMNS} FROM (${side('from_address')} UNION ${side('to_address')}) x
       LEFT JOIN tokens k ON k.address = x.token
     ORDER BY x.block_number DESC, x.log_index DESC LIMIT ${n}`,
    [who, ...k.values, limit + 1]);
  return page(r.rows, limit, tokenTransfer, logCursor);
}

export async function token(ctx: ApiContext, id: string) {
  const who = parseAddress(id, 'token address');
  const r = await ctx.pool.query('SELECT * FROM tokens WHERE address = $1', [who]);
  if (r.rows.length === 0) throw notFound(`${id} is not a token the indexer has seen (no ERC-20/721 Transfer event from it)`);
  const holders = await ctx.pool.query('SELECT count(*)::bigint AS n FROM token_balances WHERE token = $1 AND balance > 0', [who]);
  return { ...tokenInfo(r.rows[0], 'address'), holders: Number(holders.rows[0].n), transfers: Number(r.rows[0].transfers) };
}

export async function tokenTransfers(ctx: ApiContext, id: string, query: URLSearchParams): Promise<Page<unknown>> {
  const who = parseAddress(id, 'token address');
  const limit = parseLimit(query);
  const cursor = parseCursor(query, 2);
  const k = after(cursor, 'x.block_number, x.log_index', 2);
  const r = await ctx.pool.query(
    `SELECT ${TRANSFER_COLUMNS} FROM token_transfers x LEFT JOIN tokens k ON k.address = x.token
     WHERE x.token = $1 AND ${k.sql}
     ORDER BY x.block_number DESC, x.log_index DESC LIMIT $${k.values.length + 2}`,
    [who, ...k.values, limit + 1]);
  return page(r.rows, limit, tokenTransfer, logCursor);
}

// Uptime is counted over the last UPTIME_WINDOW indexed commits (a bounded scan).
export const UPTIME_WINDOW = 10_000;

export async function validators(ctx: ApiContext) {
  const [state, set, window] = await Promise.all([
    ctx.pool.query('SELECT validators_block, validators_epoch, last_height FROM indexer_state'),
    ctx.pool.query('SELECT * FROM validators ORDER BY position'),
    ctx.pool.query(
      `SELECT count(*)::bigint AS commits FROM blocks
       WHERE number > (SELECT COALESCE(last_height, 0) FROM indexer_state) - $1 AND signer_addresses IS NOT NULL`, [UPTIME_WINDOW]),
  ]);
  const signed = await ctx.pool.query(
    `SELECT signer, count(*)::bigint AS n FROM (
       SELECT unnest(signer_addresses) AS signer FROM blocks
       WHERE number > (SELECT COALESCE(last_height, 0) FROM indexer_state) - $1 AND signer_addresses IS NOT NULL) s
     GROUP BY signer`, [UPTIME_WINDOW]);
  const signedBy = new Map<string, number>(signed.rows.map((r: Row) => [toHex(r.signer)!, Number(r.n)]));
  const commits = Number(window.rows[0].commits);
  const events = await ctx.pool.query(
    `SELECT block_number, tx_hash, kind, validator, amount FROM staking_events
     WHERE kind IN ('Slashed', 'Jailed', 'Tombstoned') ORDER BY block_number DESC, log_index DESC LIMIT 1000`);
  const s = state.rows[0];
  return {
    blockNumber: num(s?.validators_block),
    epoch: num(s?.validators_epoch),
    validators: set.rows.map((v: Row) => {
      const mine = signedBy.get(toHex(v.address)!) ?? 0;
      const ids = new Set([toHex(v.address), toHex(v.operator)].filter(Boolean));
      return {
        address: toAddress(v.address),
        operator: toAddress(v.operator),
        rewardAddress: toAddress(v.reward_address),
        scheme: v.scheme,
        schemeName: schemeName(v.scheme),
        stake: str(v.stake),
        votingPower: str(v.voting_power),
        commissionBps: v.commission_bps,
        jailed: v.jailed,
        tombstoned: v.tombstoned,
        signedBlocks: mine,
        missedBlocks: commits > 0 ? commits - mine : 0,
        uptime: commits > 0 ? mine / commits : null,
        slashingEvents: events.rows.filter((e: Row) => ids.has(toHex(e.validator))).map((e: Row) => ({
          blockNumber: Number(e.block_number), txHash: toHex(e.tx_hash), kind: e.kind, amount: str(e.amount),
        })),
      };
    }),
  };
}

export async function search(ctx: ApiContext, query: URLSearchParams) {
  const q = (query.get('q') ?? '').trim();
  const number = parseBlockNumber(q);
  if (number !== null) {
    const r = await ctx.pool.query('SELECT 1 FROM blocks WHERE number = $1', [number]);
    if (r.rows.length === 0) throw notFound(`block ${number} is not indexed`);
    return { kind: 'block', id: number };
  }
  if (/^0x[0-9a-fA-F]{64}$/.test(q)) {
    const hash = Buffer.from(q.slice(2), 'hex');
    const tx = await ctx.pool.query('SELECT 1 FROM transactions WHERE hash = $1', [hash]);
    if (tx.rows.length > 0) return { kind: 'transaction', id: q.toLowerCase() };
    const b = await ctx.pool.query('SELECT number FROM blocks WHERE hash = $1', [hash]);
    if (b.rows.length > 0) return { kind: 'block', id: Number(b.rows[0].number) };
    throw notFound(`no indexed transaction or block has the hash ${q}`);
  }
  if (/^0x[0-9a-fA-F]{40}$/.test(q)) return { kind: 'address', id: toAddress(Buffer.from(q.slice(2), 'hex')) };
  throw new ApiError(400, 'invalid_query', 'search: enter a block number, a transaction or block hash (0x + 64 hex digits) or an address (0x + 40 hex digits)');
}
