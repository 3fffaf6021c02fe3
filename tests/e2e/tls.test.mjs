// ethers v6 over TLS 1.3 against a real `qtmd --dev` started with --http-tls-cert/--http-tls-key
// and --ws-tls-cert/--ws-tls-key, using a self-signed certificate made here with the openssl
// command line: a client that does not trust the certificate is refused, one that trusts it
// reads the chain, sends a transaction and sees it mined over HTTPS, and follows new blocks
// over WSS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ethers } from 'ethers';
import WebSocket from 'ws';
import { startQtmd, withTimeout } from './lib/qtmd.mjs';

let node;
let certDir;
let certPem;

function makeSelfSignedCertificate(dir) {
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`openssl (Debian package openssl) could not make a certificate: ${error.message}`);
  }
  return { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') };
}

// An ethers provider whose HTTPS requests trust exactly `ca` (a PEM string), or the
// system's default roots when `ca` is null.
function httpsProvider(url, ca) {
  const request = new ethers.FetchRequest(url);
  if (ca !== null) {
    const agent = new https.Agent({ ca, minVersion: 'TLSv1.3' });
    request.getUrlFunc = ethers.FetchRequest.createGetUrlFunc({ agent });
  }
  return new ethers.JsonRpcProvider(request, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 200 });
}

before(async () => {
  certDir = mkdtempSync(path.join(tmpdir(), 'qtm-e2e-tls-'));
  const files = makeSelfSignedCertificate(certDir);
  certPem = readFileSync(files.cert, 'utf8');
  node = await startQtmd({
    extraArgs: ['--http-tls-cert', files.cert, '--http-tls-key', files.key,
      '--ws-tls-cert', files.cert, '--ws-tls-key', files.key],
  });
});

after(async () => {
  await node?.stop();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

describe('ethers over TLS', () => {
  test('the banner names https and wss endpoints', () => {
    assert.match(node.http, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(node.ws ?? '', /^wss:\/\/127\.0\.0\.1:\d+$/);
  });

  test('a client that does not trust the self-signed certificate is refused', async () => {
    const provider = httpsProvider(node.http, null);
    try {
      await assert.rejects(provider.send('eth_chainId', []),
        (error) => /self[- ]signed|certificate/i.test(`${error.message} ${error.error?.message ?? ''} ${error.cause?.message ?? ''}`));
    } finally {
      provider.destroy();
    }
  });

  test('plain HTTP to the TLS port gets no JSON-RPC answer', async () => {
    const plain = node.http.replace('https://', 'http://');
    await assert.rejects(fetch(plain, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    }));
  });

  test('reads the chain and sends a mined transaction over HTTPS', async () => {
    const provider = httpsProvider(node.http, certPem);
    try {
      const network = await provider.getNetwork();
      assert.equal(network.chainId, node.chainId);
      const signer = await provider.getSigner(node.accounts[0].address);
      const to = ethers.Wallet.createRandom().address;
      const value = ethers.parseEther('1.5');
      const sent = await signer.sendTransaction({ to, value });
      const receipt = await withTimeout(sent.wait(), 30_000, 'receipt over HTTPS');
      assert.equal(receipt.status, 1);
      assert.equal(await provider.getBalance(to), value);
      assert.ok((await provider.getBlockNumber()) >= receipt.blockNumber);
    } finally {
      provider.destroy();
    }
  });

  test('follows new blocks over WSS', async () => {
    const provider = new ethers.WebSocketProvider(() => new WebSocket(node.ws, { ca: certPem, minVersion: 'TLSv1.3' }));
    try {
      const start = await provider.getBlockNumber();
      const next = await withTimeout(new Promise((resolve) => {
        provider.on('block', (number) => { if (number > start) resolve(number); });
      }), 30_000, 'new block over WSS');
      assert.ok(next > start);
    } finally {
      await provider.destroy();
    }
  });
});
