// Sign-In with Ethereum (EIP-4361) with a QTM (ML-DSA) signature.
//
// The message text is EIP-4361's, byte for byte; only the signature differs: instead of an
// ECDSA signature that the server recovers an address from, the wallet signs the message as
// a personal message (personal_sign on the node, signMessage in the SDK: scheme_id ||
// ML-DSA signature of keccak256("\x19Ethereum Signed Message:\n" || len || message) under
// the context "qtm/msg/v1"), and the server checks it against the public key the chain has
// registered for the address (qtm_getPublicKey), or lets the node check it (qtm_verifyMessage).
// ML-DSA has no key recovery, so the address in the message says whose key to use, and an
// account that has never sent a transaction has no registered key and cannot sign in.
//
//   createSiweMessage(fields)  -> the EIP-4361 string
//   parseSiweMessage(text)     -> the fields (throws SiweError on anything off the ABNF)
//   new NonceStore()           -> issue() a nonce per login attempt; each is accepted once
//   verifySiweLogin({ message, signature, rpc, domain, nonces, ... })
//                              -> { ok: true, fields } or { ok: false, reason }
//
// It uses the QTM SDK (sdk/js, `npm run build` there); an application imports '@qtm/sdk'.
import { randomBytes } from 'node:crypto';
import { addressOf, getAddress, getPublicKey, verifyMessage } from '../../sdk/js/dist/src/index.js';

export class SiweError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SiweError';
  }
}

const HEADER_SUFFIX = ' wants you to sign in with your Ethereum account:';
// statement = *( reserved / unreserved / " " ) (RFC 3986 characters; no line break).
const STATEMENT = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;= ]*$/;
const NONCE = /^[A-Za-z0-9]{8,}$/;
const CHAIN_ID = /^[0-9]+$/;
// RFC 3339 date-time: full-date "T" full-time (seconds, optional fraction, Z or offset).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
// authority = [ userinfo "@" ] host [ ":" port ], without a scheme or path.
const AUTHORITY = /^([A-Za-z0-9\-._~!$&'()*+,;=:%]*@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(:[0-9]*)?$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
// request-id = *pchar
const REQUEST_ID = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%]*$/;

function checkUri(uri, what) {
  // An absolute URI (RFC 3986): a scheme, then anything without spaces or line breaks.
  if (typeof uri !== 'string' || !/^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]*$/.test(uri)) {
    throw new SiweError(`${what}: expected an absolute URI (RFC 3986), got ${JSON.stringify(uri)}`);
  }
}

function checkDateTime(value, what) {
  if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new SiweError(`${what}: expected an RFC 3339 date-time such as 2026-01-02T03:04:05Z, got ${JSON.stringify(value)}`);
  }
}

// The address as EIP-4361 wants it: 0x and 40 hex digits in their EIP-55 checksum case.
function checkAddress(address) {
  if (typeof address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new SiweError(`address: expected 0x and 40 hex digits, got ${JSON.stringify(address)}`);
  }
  const checksummed = getAddress(address.toLowerCase());
  if (checksummed !== address) {
    throw new SiweError(`address: ${address} is not in its EIP-55 checksum case (${checksummed})`);
  }
}

function checkFields(f) {
  if (f.scheme !== undefined && !SCHEME.test(f.scheme)) throw new SiweError(`scheme: not a URI scheme: ${JSON.stringify(f.scheme)}`);
  if (typeof f.domain !== 'string' || f.domain === '' || !AUTHORITY.test(f.domain)) {
    throw new SiweError(`domain: expected an RFC 3986 authority (host[:port]), got ${JSON.stringify(f.domain)}`);
  }
  checkAddress(f.address);
  if (f.statement !== undefined && (typeof f.statement !== 'string' || !STATEMENT.test(f.statement))) {
    throw new SiweError('statement: only RFC 3986 reserved and unreserved characters and spaces, on one line');
  }
  checkUri(f.uri, 'uri');
  if (f.version !== '1') throw new SiweError(`version: must be "1", got ${JSON.stringify(f.version)}`);
  if (!CHAIN_ID.test(String(f.chainId))) throw new SiweError(`chainId: expected decimal digits, got ${JSON.stringify(f.chainId)}`);
  if (typeof f.nonce !== 'string' || !NONCE.test(f.nonce)) {
    throw new SiweError(`nonce: expected at least 8 letters and digits, got ${JSON.stringify(f.nonce)}`);
  }
  checkDateTime(f.issuedAt, 'issuedAt');
  if (f.expirationTime !== undefined) checkDateTime(f.expirationTime, 'expirationTime');
  if (f.notBefore !== undefined) checkDateTime(f.notBefore, 'notBefore');
  if (f.requestId !== undefined && !REQUEST_ID.test(f.requestId)) throw new SiweError('requestId: only URI path characters (pchar)');
  for (const resource of f.resources ?? []) checkUri(resource, 'resources');
}

/**
 * The EIP-4361 message for `fields`: { scheme?, domain, address, statement?, uri, version
 * ("1" by default), chainId, nonce, issuedAt (string; now by default), expirationTime?,
 * notBefore?, requestId?, resources? (URIs) }. Dates are RFC 3339 strings or Date objects.
 */
export function createSiweMessage(fields) {
  const iso = (value) => (value instanceof Date ? value.toISOString() : value);
  const f = {
    ...fields,
    version: fields.version ?? '1',
    chainId: fields.chainId === undefined ? undefined : String(fields.chainId),
    issuedAt: iso(fields.issuedAt ?? new Date()),
    expirationTime: iso(fields.expirationTime),
    notBefore: iso(fields.notBefore),
  };
  checkFields(f);
  const lines = [
    `${f.scheme !== undefined ? `${f.scheme}://` : ''}${f.domain}${HEADER_SUFFIX}`,
    f.address,
    '',
    // [ statement LF ] LF: with a statement, a blank line on each side of it; without, two
    // blank lines.
    ...(f.statement !== undefined ? [f.statement, ''] : ['']),
    `URI: ${f.uri}`,
    `Version: ${f.version}`,
    `Chain ID: ${f.chainId}`,
    `Nonce: ${f.nonce}`,
    `Issued At: ${f.issuedAt}`,
  ];
  if (f.expirationTime !== undefined) lines.push(`Expiration Time: ${f.expirationTime}`);
  if (f.notBefore !== undefined) lines.push(`Not Before: ${f.notBefore}`);
  if (f.requestId !== undefined) lines.push(`Request ID: ${f.requestId}`);
  if (f.resources !== undefined) {
    lines.push('Resources:');
    for (const resource of f.resources) lines.push(`- ${resource}`);
  }
  return lines.join('\n');
}

/**
 * The fields of an EIP-4361 message (the inverse of createSiweMessage: the text must be
 * exactly what createSiweMessage writes for them). Throws SiweError naming what is wrong.
 */
export function parseSiweMessage(text) {
  if (typeof text !== 'string') throw new SiweError('message: expected a string');
  const lines = text.split('\n');
  let i = 0;
  const next = (what) => {
    if (i >= lines.length) throw new SiweError(`message ends before ${what}`);
    return lines[i++];
  };
  const tagged = (tag, what) => {
    const line = next(what);
    if (!line.startsWith(tag)) throw new SiweError(`line ${i}: expected "${tag}…" (${what}), got ${JSON.stringify(line)}`);
    return line.slice(tag.length);
  };
  const optional = (tag) => (i < lines.length && lines[i].startsWith(tag) ? lines[i++].slice(tag.length) : undefined);

  const header = next('the header');
  if (!header.endsWith(HEADER_SUFFIX)) throw new SiweError(`line 1: expected "<domain>${HEADER_SUFFIX}"`);
  let domain = header.slice(0, -HEADER_SUFFIX.length);
  let scheme;
  const schemeEnd = domain.indexOf('://');
  if (schemeEnd >= 0) {
    scheme = domain.slice(0, schemeEnd);
    domain = domain.slice(schemeEnd + 3);
  }
  const address = next('the address');
  if (next('the blank line after the address') !== '') throw new SiweError('line 3: expected a blank line after the address');
  let statement;
  const afterBlank = next('the statement or a blank line');
  if (afterBlank !== '') {
    statement = afterBlank;
    if (next('the blank line after the statement') !== '') throw new SiweError(`line ${i}: expected a blank line after the statement`);
  }
  const fields = {
    scheme,
    domain,
    address,
    statement,
    uri: tagged('URI: ', 'the URI'),
    version: tagged('Version: ', 'the version'),
    chainId: tagged('Chain ID: ', 'the chain id'),
    nonce: tagged('Nonce: ', 'the nonce'),
    issuedAt: tagged('Issued At: ', 'the issue time'),
    expirationTime: optional('Expiration Time: '),
    notBefore: optional('Not Before: '),
    requestId: optional('Request ID: '),
  };
  if (i < lines.length && lines[i] === 'Resources:') {
    i++;
    fields.resources = [];
    while (i < lines.length && lines[i].startsWith('- ')) fields.resources.push(lines[i++].slice(2));
  }
  if (i < lines.length) throw new SiweError(`line ${i + 1}: unexpected ${JSON.stringify(lines[i])}`);
  for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
  checkFields(fields);
  if (createSiweMessage(fields) !== text) throw new SiweError('message: not in the canonical EIP-4361 form');
  return fields;
}

/**
 * The server's nonces: issue() one per login attempt (it goes into the message), and
 * verifySiweLogin accepts each at most once, within `ttlMs` of its issue.
 */
export class NonceStore {
  #issued = new Map(); // nonce -> issue time (ms)
  #used = new Set();

  constructor({ ttlMs = 10 * 60_000 } = {}) {
    this.ttlMs = ttlMs;
  }

  issue(now = Date.now()) {
    // 17 letters and digits (~101 bits), unbiased: bytes from 248 up are dropped (248 = 4 × 62).
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let nonce = '';
    while (nonce.length < 17) {
      for (const b of randomBytes(32)) if (b < 248 && nonce.length < 17) nonce += alphabet[b % 62];
    }
    this.#issued.set(nonce, now);
    return nonce;
  }

  /** Why `nonce` cannot be used now, or null when it can. */
  problem(nonce, now = Date.now()) {
    if (this.#used.has(nonce)) return `nonce ${nonce} was already used: a replayed login`;
    const issued = this.#issued.get(nonce);
    if (issued === undefined) return `nonce ${nonce} was not issued by this server`;
    if (now - issued > this.ttlMs) return `nonce ${nonce} is older than ${this.ttlMs} ms`;
    return null;
  }

  consume(nonce) {
    this.#issued.delete(nonce);
    this.#used.add(nonce);
  }
}

function utf8Hex(text) {
  return `0x${Buffer.from(text, 'utf8').toString('hex')}`;
}

// One JSON-RPC call to `rpc` (a URL); throws with the node's error message.
async function rpcCall(rpc, method, params) {
  const response = await fetch(rpc, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const answer = await response.json();
  if (answer.error) throw new SiweError(`${method}: ${answer.error.message}`);
  return answer.result;
}

/**
 * Whether `signature` signs `message` for `address`, and why not: checked here by the SDK
 * against the key the chain has registered (verifier "sdk"), or by the node (verifier "node",
 * qtm_verifyMessage). Returns null when it does, else the reason.
 */
export async function signatureProblem({ rpc, address, message, signature, verifier = 'sdk' }) {
  if (typeof signature !== 'string' || !/^0x([0-9a-fA-F]{2})+$/.test(signature)) return 'signature: expected 0x-hex bytes';
  if (verifier === 'node') {
    let valid;
    try {
      valid = await rpcCall(rpc, 'qtm_verifyMessage', [address, utf8Hex(message), signature]);
    } catch (error) {
      return `the node cannot verify for ${address}: ${error.message}`;
    }
    return valid === true ? null : `the signature does not sign this message with ${address}'s registered key (qtm_verifyMessage)`;
  }
  if (verifier !== 'sdk') throw new SiweError(`verifier: "sdk" or "node", got ${JSON.stringify(verifier)}`);
  const registered = await getPublicKey(rpc, address);
  if (registered === null) {
    return `account ${address} has no registered public key: it registers one with its first transaction`;
  }
  // The key the node reports must be the address's own (address = keccak256(scheme || key)[12:]).
  if (addressOf(registered.scheme, registered.publicKey) !== address) {
    return `the key the node reports for ${address} is not that address's`;
  }
  return verifyMessage(registered.publicKey, message, signature)
    ? null
    : `the signature does not sign this message with ${address}'s registered key`;
}

/**
 * A login: `message` (the EIP-4361 text the wallet signed) and `signature`; the server's
 * `domain`, its `nonces` (a NonceStore), optionally its `uri` and `chainId`; `rpc` (the
 * node's URL) for the registered key; `verifier` "sdk" (default) or "node"; `now` (a Date).
 * Returns { ok: true, address, fields } and consumes the nonce, or { ok: false, reason }.
 */
export async function verifySiweLogin({ message, signature, rpc, domain, nonces, uri, chainId, verifier = 'sdk', now = new Date() }) {
  let fields;
  try {
    fields = parseSiweMessage(message);
  } catch (error) {
    return { ok: false, reason: `malformed message: ${error.message}` };
  }
  if (fields.domain !== domain) return { ok: false, reason: `domain mismatch: the message is for ${fields.domain}, this server is ${domain}` };
  if (uri !== undefined && fields.uri !== uri) return { ok: false, reason: `URI mismatch: the message is for ${fields.uri}, this server expects ${uri}` };
  if (chainId !== undefined && fields.chainId !== String(chainId)) {
    return { ok: false, reason: `chain id mismatch: the message is for chain ${fields.chainId}, this server is on ${chainId}` };
  }
  const nonceProblem = nonces.problem(fields.nonce, now.getTime());
  if (nonceProblem) return { ok: false, reason: nonceProblem };
  if (fields.expirationTime !== undefined && now.getTime() >= Date.parse(fields.expirationTime)) {
    return { ok: false, reason: `expired: the message expired at ${fields.expirationTime}` };
  }
  if (fields.notBefore !== undefined && now.getTime() < Date.parse(fields.notBefore)) {
    return { ok: false, reason: `not yet valid: the message is valid from ${fields.notBefore}` };
  }
  const problem = await signatureProblem({ rpc, address: fields.address, message, signature, verifier });
  if (problem) return { ok: false, reason: `bad signature: ${problem}` };
  nonces.consume(fields.nonce);
  return { ok: true, address: fields.address, fields };
}
