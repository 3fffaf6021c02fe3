// Sign-In with Ethereum (EIP-4361) with ML-DSA signatures (examples/siwe) against a real
// `qtmd --dev`: the message text round-trips through the example's builder and parser
// exactly as EIP-4361 writes it; a dev account signs with personal_sign (the node holds its
// key) and a fresh SDK key (QtmKey, funded by a dev account, its key registered by a first
// transaction) signs with the SDK's signMessage; each login is verified by the SDK (the
// key from qtm_getPublicKey) and by the node (qtm_verifyMessage); a tampered message, a
// wrong address, an account without a registered key, another domain, a replayed nonce,
// an expired and a not-yet-valid message are refused, each with its reason; and the example's
// demo.mjs runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ethers } from 'ethers';
import { repoDir, rpc, sdkEntry, startQtmd, waitForReceipt } from './lib/qtmd.mjs';
import { loadSdk } from './lib/sdk.mjs';

const DOMAIN = 'login.example.org';
const URI = 'https://login.example.org/siwe';

let node;
let sdk;
let siwe;
let devAddress; // dev account 0: signs with personal_sign
let sdkKey; // a fresh ML-DSA-44 key: signs with the SDK
let unregistered; // dev account 3: the node holds its key, the chain has none registered yet

const utf8Hex = (text) => ethers.hexlify(ethers.toUtf8Bytes(text));

before(async () => {
  const built = sdkEntry();
  assert.ok(built.entry, built.reason);
  node = await startQtmd();
  sdk = await loadSdk('index.js');
  siwe = await import('../../examples/siwe/siwe.mjs');
  devAddress = node.accounts[0].address;
  unregistered = node.accounts[3].address;
  // Dev account 0 registers its key with a first transaction; it funds the SDK key, which
  // registers its own with a first transaction of its own.
  sdkKey = sdk.QtmKey.random();
  const funding = await rpc(node.http, 'eth_sendTransaction', [{ from: devAddress, to: sdkKey.address, value: '0xde0b6b3a7640000' }]);
  assert.equal((await waitForReceipt(node.http, funding)).status, '0x1');
  const first = await sdk.sendTransaction(node.http, sdkKey, { to: devAddress, value: 1n });
  assert.equal((await waitForReceipt(node.http, first.hash)).status, '0x1');
  assert.equal((await rpc(node.http, 'qtm_getPublicKey', [sdkKey.address])).publicKey, sdk.bytesToHex(sdkKey.publicKey));
  assert.equal(await rpc(node.http, 'qtm_getPublicKey', [unregistered]), null);
});

after(async () => {
  await node?.stop();
});

// A fresh login request of the server: its nonce, in a message for `address`.
function loginMessage(nonces, address, overrides = {}) {
  return siwe.createSiweMessage({
    domain: DOMAIN,
    address,
    statement: 'Sign in to the example app with your QTM account.',
    uri: URI,
    chainId: node.chainId,
    nonce: nonces.issue(),
    issuedAt: new Date(),
    expirationTime: new Date(Date.now() + 5 * 60_000),
    ...overrides,
  });
}

const personalSign = (message, address) => rpc(node.http, 'personal_sign', [utf8Hex(message), address]);
const sdkSign = (message) => sdk.signMessage(sdkKey, message);

function login(message, signature, nonces, extra = {}) {
  return siwe.verifySiweLogin({ message, signature, nonces, rpc: node.http, domain: DOMAIN, uri: URI, chainId: node.chainId, ...extra });
}

describe('the EIP-4361 message', () => {
  test('EIP-4361\'s example parses and is rebuilt byte for byte', () => {
    const example = [
      'example.com wants you to sign in with your Ethereum account:',
      '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
      '',
      'I accept the ExampleOrg Terms of Service: https://example.com/tos',
      '',
      'URI: https://example.com/login',
      'Version: 1',
      'Chain ID: 1',
      'Nonce: 32891756',
      'Issued At: 2021-09-30T16:25:24Z',
      'Resources:',
      '- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/',
      '- https://example.com/my-web2-claim.json',
    ].join('\n');
    const fields = siwe.parseSiweMessage(example);
    assert.deepEqual({ ...fields }, {
      domain: 'example.com',
      address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
      statement: 'I accept the ExampleOrg Terms of Service: https://example.com/tos',
      uri: 'https://example.com/login',
      version: '1',
      chainId: '1',
      nonce: '32891756',
      issuedAt: '2021-09-30T16:25:24Z',
      resources: ['ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/', 'https://example.com/my-web2-claim.json'],
    });
    assert.equal(siwe.createSiweMessage(fields), example);
  });

  test('built with every field; without a statement two blank lines; refusals name the field', () => {
    const address = sdk.toChecksumAddress(devAddress);
    const full = siwe.createSiweMessage({
      scheme: 'https', domain: 'localhost:8080', address, statement: 'Hello.', uri: 'https://localhost:8080/',
      chainId: 7357, nonce: 'abcdEFGH1234', issuedAt: '2026-01-02T03:04:05Z', expirationTime: '2026-01-02T04:04:05Z',
      notBefore: '2026-01-02T03:00:00Z', requestId: 'req-1', resources: ['https://localhost:8080/a'],
    });
    assert.equal(full, `https://localhost:8080 wants you to sign in with your Ethereum account:\n${address}\n\nHello.\n\n`
      + 'URI: https://localhost:8080/\nVersion: 1\nChain ID: 7357\nNonce: abcdEFGH1234\nIssued At: 2026-01-02T03:04:05Z\n'
      + 'Expiration Time: 2026-01-02T04:04:05Z\nNot Before: 2026-01-02T03:00:00Z\nRequest ID: req-1\nResources:\n- https://localhost:8080/a');
    assert.equal(siwe.createSiweMessage(siwe.parseSiweMessage(full)), full);
    const bare = siwe.createSiweMessage({ domain: 'a.example', address, uri: 'https://a.example', chainId: 1, nonce: '12345678', issuedAt: '2026-01-02T03:04:05Z' });
    assert.match(bare, new RegExp(`^a\\.example wants you to sign in with your Ethereum account:\\n${address}\\n\\n\\nURI: `));
    assert.equal(siwe.parseSiweMessage(bare).statement, undefined);

    const base = { domain: 'a.example', address, uri: 'https://a.example', chainId: 1, nonce: '12345678', issuedAt: '2026-01-02T03:04:05Z' };
    const refused = [
      [{ address: address.toLowerCase() }, /address: .* is not in its EIP-55 checksum case/],
      [{ address: '0x1234' }, /address: expected 0x and 40 hex digits/],
      [{ statement: 'two\nlines' }, /statement: only RFC 3986/],
      [{ nonce: 'short' }, /nonce: expected at least 8 letters and digits/],
      [{ issuedAt: 'yesterday' }, /issuedAt: expected an RFC 3339 date-time/],
      [{ uri: 'not a uri' }, /uri: expected an absolute URI/],
      [{ version: '2' }, /version: must be "1"/],
      [{ domain: 'https://a.example/path' }, /domain: expected an RFC 3986 authority/],
    ];
    for (const [change, reason] of refused) assert.throws(() => siwe.createSiweMessage({ ...base, ...change }), reason);
    assert.throws(() => siwe.parseSiweMessage(bare.replace('\n\n\nURI', '\n\nURI')), /expected a blank line after the statement/);
    assert.throws(() => siwe.parseSiweMessage(`${bare}\nExtra: 1`), /unexpected "Extra: 1"/);
    assert.throws(() => siwe.parseSiweMessage(bare.replace('Version: 1', 'Version:  1')), /version: must be "1"/);
  });
});

// Each signer (personal_sign for the node-held dev key, signMessage for the SDK key), each
// verifier (the SDK with the registered key, the node with qtm_verifyMessage).
const signers = [
  ['dev account with personal_sign', () => devAddress, (message) => personalSign(message, devAddress)],
  ['SDK key with signMessage', () => sdkKey.address, sdkSign],
];

for (const verifier of ['sdk', 'node']) {
  describe(`verified by the ${verifier === 'sdk' ? 'SDK (qtm_getPublicKey + verifyMessage)' : 'node (qtm_verifyMessage)'}`, () => {
    for (const [name, addressOf, sign] of signers) {
      test(`${name}: a login is accepted once`, async () => {
        const nonces = new siwe.NonceStore();
        const address = addressOf();
        const message = loginMessage(nonces, address);
        const signature = await sign(message);
        // The signature is scheme_id (ML-DSA-44) || 2420 bytes.
        assert.equal(ethers.getBytes(signature).length, 1 + 2420);
        assert.equal(signature.slice(0, 4), '0x01');
        const accepted = await login(message, signature, nonces, { verifier });
        assert.deepEqual({ ok: accepted.ok, reason: accepted.reason, address: accepted.address }, { ok: true, reason: undefined, address });
        assert.equal(accepted.fields.domain, DOMAIN);
        const replayed = await login(message, signature, nonces, { verifier });
        assert.equal(replayed.ok, false);
        assert.match(replayed.reason, /^nonce \w+ was already used: a replayed login$/);
      });
    }

    test('refusals: tampered message, wrong address, no registered key, other domain, unknown nonce, expired, not yet valid', async () => {
      const nonces = new siwe.NonceStore();
      const expect = async (message, signature, reason, extra = {}) => {
        const result = await login(message, signature, nonces, { verifier, ...extra });
        assert.equal(result.ok, false, `accepted: ${message}`);
        assert.match(result.reason, reason);
      };
      const badSignature = verifier === 'sdk'
        ? /^bad signature: the signature does not sign this message with 0x[0-9a-fA-F]{40}'s registered key$/
        : /^bad signature: the signature does not sign this message with 0x[0-9a-fA-F]{40}'s registered key \(qtm_verifyMessage\)$/;

      // Tampered: the statement changed after signing (the text still parses).
      const message = loginMessage(nonces, devAddress);
      const signature = await personalSign(message, devAddress);
      await expect(message.replace('Sign in to', 'Sign in again to'), signature, badSignature);
      // A tampered signature (one byte of the ML-DSA part flipped), and a cut one.
      const bytes = ethers.getBytes(signature);
      bytes[100] ^= 1;
      await expect(message, ethers.hexlify(bytes), badSignature);
      await expect(message, signature.slice(0, 200), badSignature);
      // Wrong address: the SDK key signs a message naming the dev account, and the dev
      // account's signature is presented for a message naming the SDK key.
      const claimsDev = loginMessage(nonces, devAddress);
      await expect(claimsDev, sdkSign(claimsDev), badSignature);
      const claimsSdk = loginMessage(nonces, sdkKey.address);
      await expect(claimsSdk, await personalSign(claimsSdk, devAddress), badSignature);
      // An account that has never sent a transaction has no key on chain to check against.
      const fresh = loginMessage(nonces, unregistered);
      await expect(fresh, await personalSign(fresh, unregistered),
        /^bad signature: (account 0x[0-9a-fA-F]{40} has no registered public key|the node cannot verify for 0x[0-9a-fA-F]{40}: qtm_verifyMessage: account 0x[0-9a-fA-F]{40} has no registered public key)/);
      // Another domain (a phishing site relaying the user's login).
      const phishing = loginMessage(nonces, devAddress, { domain: 'login.example.org.evil.example' });
      await expect(phishing, await personalSign(phishing, devAddress),
        /^domain mismatch: the message is for login\.example\.org\.evil\.example, this server is login\.example\.org$/);
      // Another chain and another URI.
      const otherChain = loginMessage(nonces, devAddress, { chainId: 1 });
      await expect(otherChain, await personalSign(otherChain, devAddress), /^chain id mismatch: the message is for chain 1/);
      const otherUri = loginMessage(nonces, devAddress, { uri: 'https://login.example.org/other' });
      await expect(otherUri, await personalSign(otherUri, devAddress), /^URI mismatch/);
      // A nonce this server never issued (another server's, or made up).
      const foreign = loginMessage(new siwe.NonceStore(), devAddress);
      await expect(foreign, await personalSign(foreign, devAddress), /^nonce \w+ was not issued by this server$/);
      // Expired, and not yet valid.
      const expired = loginMessage(nonces, devAddress, { issuedAt: new Date(Date.now() - 120_000), expirationTime: new Date(Date.now() - 60_000) });
      await expect(expired, await personalSign(expired, devAddress), /^expired: the message expired at \d{4}-\d{2}-\d{2}T/);
      const early = loginMessage(nonces, devAddress, { notBefore: new Date(Date.now() + 60_000) });
      await expect(early, await personalSign(early, devAddress), /^not yet valid: the message is valid from /);
      // A message that is not EIP-4361.
      await expect('hello', await personalSign('hello', devAddress), /^malformed message: line 1: expected "<domain> wants you/);
      // None of the refusals used up the nonce of the genuine message: it still logs in, once.
      assert.equal((await login(message, signature, nonces, { verifier })).ok, true);
      await expect(message, signature, /already used: a replayed login/);
    });
  });
}

test('the node and the SDK sign the same bytes for a dev account, and verify each other\'s', async () => {
  const nonces = new siwe.NonceStore();
  const message = loginMessage(nonces, devAddress);
  const viaNode = await personalSign(message, devAddress);
  assert.equal(viaNode, sdk.signMessage(sdk.QtmKey.fromSeed(node.accounts[0].seed), message));
  const { publicKey } = await rpc(node.http, 'qtm_getPublicKey', [devAddress]);
  assert.ok(sdk.verifyMessage(publicKey, message, viaNode));
  const sdkMessage = loginMessage(nonces, sdkKey.address);
  assert.equal(await rpc(node.http, 'qtm_verifyMessage', [sdkKey.address, utf8Hex(sdkMessage), sdkSign(sdkMessage)]), true);
});

test('examples/siwe/demo.mjs logs in once and refuses the replay', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(repoDir, 'examples/siwe/demo.mjs'), node.http], { timeout: 60_000 });
  assert.match(stdout, /^localhost:3000 wants you to sign in with your Ethereum account:\n0x[0-9a-fA-F]{40}\n/m);
  assert.match(stdout, /^qtm_verifyMessage: valid$/m);
  assert.match(stdout, /SDK verifies: \{\s+ok: true,/);
  assert.match(stdout, /replayed: \{\s+ok: false,\s+reason: 'nonce \w{17} was already used: a replayed login'/);
});
