// The shapes of qtm-indexer's API answers (docs/explorer-api.md). Amounts in wei and other
// integers that can pass 2^53 are decimal strings; everything else is a JSON number.

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface Status {
  chainId: string;
  genesisHash: string;
  nodeHead: number | null;
  finalized: number | null;
  indexed: number | null;
  tps: number | null;
  blockTime: number | null;
  totalTransactions: number;
  devChain: boolean;
}

export interface BlockSummary {
  number: number;
  hash: string;
  timestamp: number;
  proposer: string | null;
  txCount: number;
  gasUsed: number;
  size: number;
}

export interface CommitSigner {
  index: number;
  address: string;
}

export interface Block extends BlockSummary {
  parentHash: string;
  stateRoot: string;
  gasLimit: number;
  baseFeePerGas: string | null;
  final: boolean;
  commit: { round: number; certificateSize: number; signers: CommitSigner[] } | null;
  transactions: TxSummary[];
}

export interface TxSummary {
  hash: string;
  blockNumber: number;
  index: number;
  timestamp: number;
  from: string;
  to: string | null;
  contractAddress: string | null;
  value: string;
  status: number | null;
  scheme: number | null;
  schemeName: string | null;
  signatureSize: number | null;
  registersKey: boolean;
}

export interface DecodedArg {
  name: string;
  type: string;
  value: unknown;
}

export interface Log {
  logIndex: number;
  address: string;
  topics: string[];
  data: string;
  decoded: { event: string; args: Record<string, unknown> | unknown[] } | null;
}

export interface TokenInfo {
  address: string;
  standard: 'ERC-20' | 'ERC-721' | string;
  name: string | null;
  symbol: string | null;
  decimals: number | null;
  totalSupply: string | null;
}

export interface TokenTransfer {
  txHash: string;
  blockNumber: number;
  logIndex: number;
  token: TokenInfo;
  from: string;
  to: string;
  value: string | null;
  tokenId: string | null;
}

export interface Tx extends TxSummary {
  blockHash: string;
  nonce: number;
  gasLimit: number;
  gasUsed: number | null;
  effectiveGasPrice: string | null;
  maxFeePerGas: string | null;
  maxPriorityFeePerGas: string | null;
  feeBurned: string | null;
  feeTipped: string | null;
  publicKeySize: number | null;
  input: string;
  decodedInput: { signature: string; name: string; args: DecodedArg[] } | null;
  logs: Log[];
  tokenTransfers: TokenTransfer[];
}

export interface AddressInfo {
  address: string;
  balance: string;
  nonce: number;
  isContract: boolean;
  codeSize: number;
  code: string | null;
  scheme: number | null;
  schemeName: string | null;
  publicKey: string | null;
  keyRegistration: { txHash: string; blockNumber: number } | null;
  txCount: number;
  contract: { creator: string; txHash: string; blockNumber: number; codeSize: number } | null;
  token: TokenInfo | null;
  tokens: { token: TokenInfo; balance: string }[];
}

export interface Token extends TokenInfo {
  holders: number;
  transfers: number;
}

export interface SlashingEvent {
  blockNumber: number;
  txHash: string;
  kind: string;
  amount: string;
}

export interface Validator {
  address: string;
  operator: string | null;
  rewardAddress: string | null;
  scheme: number | null;
  schemeName: string | null;
  stake: string;
  votingPower: string;
  commissionBps: number;
  jailed: boolean;
  tombstoned: boolean;
  signedBlocks: number;
  missedBlocks: number;
  uptime: number | null;
  slashingEvents: SlashingEvent[];
}

export interface Validators {
  blockNumber: number | null;
  epoch: number | null;
  validators: Validator[];
}

export interface SearchResult {
  kind: 'block' | 'transaction' | 'address';
  id: string | number;
}

export interface FaucetInfo {
  enabled: boolean;
  reason?: string;
  address?: string;
  amount?: string;
  intervalSeconds?: number;
}

export interface FaucetResult {
  txHash: string;
  amount: string;
}
