// EIP-712 typed data with ML-DSA against `qtmd --dev`: ethers' JsonRpcSigner sends
// eth_signTypedData_v4 for a node-held account, and the node's signature is byte for byte
// the SDK's signDigest of ethers' TypedDataEncoder.hash (so the node hashes as ethers
// does); viem's walletClient.signTypedData with the SDK account gives the same bytes;
// qtm_verifyTypedData accepts them and refuses a changed message, another signer and a
// personal-message reading of the same bytes; a domain of another chain is refused; and an
// ERC-2612-style permit verified on chain by contracts/QtmSignatures.sol (0x0d01) works
// from ethers, once, and not with a replayed or another account's signature.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { createWalletClient, http } from 'viem';
import { compileContract, rpc, rpcRaw, startQtmd, waitForReceipt } from './lib/qtmd.mjs';
import { loadSdk, sdkViemAccount } from './lib/sdk.mjs';

let node;
let provider;
let sdk;

const types = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
};
let domain;
let permit;

before(async () => {
  node = await startQtmd();
  provider = new ethers.JsonRpcProvider(node.http, undefined, { pollingInterval: 200, cacheTimeout: -1 });
  sdk = await loadSdk('index.js');
  const [owner, spender] = node.accounts.map((account) => account.address);
  // The owner registers its key with a first transaction, so the node can verify for it.
  const hash = await rpc(node.http, 'eth_sendTransaction', [{ from: owner, to: spender, value: '0x1' }]);
  await waitForReceipt(node.http, hash);
  domain = { name: 'QTM Token', version: '1', chainId: node.chainId, verifyingContract: '0x000000000000000000000000000000000000dEaD' };
  permit = { owner, spender, value: 10n ** 18n, nonce: 0n, deadline: 2n ** 40n };
});

after(async () => {
  provider?.destroy();
  await node?.stop();
});

// The JSON that wallets send (eth_signTypedData_v4's second parameter).
function typedDataJson(message) {
  return JSON.stringify(ethers.TypedDataEncoder.getPayload(domain, types, message));
}

describe('eth_signTypedData_v4', () => {
  test('ethers\' JsonRpcSigner: the node signs ethers\' EIP-712 digest, as the SDK does', async () => {
    const signer = await provider.getSigner(node.accounts[0].address);
    const signature = await signer.signTypedData(domain, types, permit);
    const digest = ethers.TypedDataEncoder.hash(domain, types, permit);
    const ownKey = sdk.QtmKey.fromSeed(node.accounts[0].seed);
    assert.equal(signature, sdk.signDigest(ownKey, digest));
    assert.ok(sdk.verifyDigest(ownKey.publicKey, digest, signature));
    assert.equal(await rpc(node.http, 'qtm_verifyTypedData', [permit.owner, typedDataJson(permit), signature]), true);
    // The object form of the parameter works too.
    const asObject = JSON.parse(typedDataJson(permit));
    assert.equal(await rpc(node.http, 'qtm_verifyTypedData', [permit.owner, asObject, signature]), true);
  });

  test('viem with the SDK account signs the same bytes', async () => {
    const account = await sdkViemAccount(node.accounts[0].seed, node.http);
    const chain = { id: Number(node.chainId), name: 'qtm-dev', nativeCurrency: { name: 'QTM', symbol: 'QTM', decimals: 18 }, rpcUrls: { default: { http: [node.http] } } };
    const wallet = createWalletClient({ account, chain, transport: http(node.http) });
    const viaViem = await wallet.signTypedData({ domain, types, primaryType: 'Permit', message: permit });
    const viaNode = await rpc(node.http, 'eth_signTypedData_v4', [permit.owner, typedDataJson(permit)]);
    assert.equal(viaViem, viaNode);
  });

  test('qtm_verifyTypedData refuses a changed message, another signer, and a personal-message reading', async () => {
    const signature = await rpc(node.http, 'eth_signTypedData_v4', [permit.owner, typedDataJson(permit)]);
    const changed = { ...permit, value: permit.value + 1n };
    assert.equal(await rpc(node.http, 'qtm_verifyTypedData', [permit.owner, typedDataJson(changed), signature]), false);
    // The spender registers a key too; the owner's signature is not the spender's.
    const sent = await rpc(node.http, 'eth_sendTransaction', [{ from: permit.spender, to: permit.owner, value: '0x1' }]);
    await waitForReceipt(node.http, sent);
    assert.equal(await rpc(node.http, 'qtm_verifyTypedData', [permit.spender, typedDataJson(permit), signature]), false);
    const digest = ethers.TypedDataEncoder.hash(domain, types, permit);
    assert.equal(await rpc(node.http, 'qtm_verifyMessage', [permit.owner, digest, signature]), false);
  });

  test('refuses a domain of another chain, bad typed data, and accounts it does not hold', async () => {
    const otherChain = JSON.stringify(ethers.TypedDataEncoder.getPayload({ ...domain, chainId: 1 }, types, permit));
    const wrongChain = await rpcRaw(node.http, 'eth_signTypedData_v4', [permit.owner, otherChain]);
    assert.equal(wrongChain.error?.code, -32602);
    assert.match(wrongChain.error.message, /domain.chainId 1 is not this chain's/);
    const broken = JSON.parse(typedDataJson(permit));
    broken.message.value = '-5';
    const negative = await rpcRaw(node.http, 'eth_signTypedData_v4', [permit.owner, broken]);
    assert.equal(negative.error?.code, -32602);
    assert.match(negative.error.message, /message.value: uint256 cannot be negative/);
    const notJson = await rpcRaw(node.http, 'eth_signTypedData_v4', [permit.owner, '{oops']);
    assert.equal(notJson.error?.code, -32602);
    const stranger = ethers.Wallet.createRandom().address;
    const refused = await rpcRaw(node.http, 'eth_signTypedData_v4', [stranger, typedDataJson(permit)]);
    assert.match(refused.error?.message ?? '', /the node holds no key for it/);
  });
});

describe('on chain: an ERC-2612-style permit with an ML-DSA signature', () => {
  test('deployed and used from ethers; a replay and a forgery are refused', async () => {
    const [ownerAddress, spenderAddress, thirdAddress] = node.accounts.map((account) => account.address);
    const owner = await provider.getSigner(ownerAddress);
    const spender = await provider.getSigner(spenderAddress);
    const { abi, bytecode } = await compileContract('PermitToken');
    const deployed = await new ethers.ContractFactory(abi, bytecode, owner).deploy(1000n);
    await deployed.waitForDeployment();
    const token = new ethers.Contract(await deployed.getAddress(), abi, spender);
    const tokenDomain = { name: 'QTM Permit Token', version: '1', chainId: node.chainId, verifyingContract: await token.getAddress() };
    assert.equal(await token.DOMAIN_SEPARATOR(), ethers.TypedDataEncoder.hashDomain(tokenDomain));

    const value = 250n;
    const deadline = 2n ** 40n;
    const message = { owner: ownerAddress, spender: spenderAddress, value, nonce: 0n, deadline };
    const signature = await owner.signTypedData(tokenDomain, types, message);
    const { publicKey } = await rpc(node.http, 'qtm_getPublicKey', [ownerAddress]);

    // Anyone may submit it; the spender does.
    const receipt = await (await token.permit(ownerAddress, spenderAddress, value, deadline, publicKey, signature)).wait();
    assert.equal(receipt.status, 1);
    assert.equal(await token.allowance(ownerAddress, spenderAddress), value);
    assert.equal(await token.nonces(ownerAddress), 1n);
    await (await token.transferFrom(ownerAddress, thirdAddress, 100n)).wait();
    assert.equal(await token.balanceOf(thirdAddress), 100n);
    assert.equal(await token.allowance(ownerAddress, spenderAddress), 150n);

    // The same signature again: the nonce moved on, so it signs another digest.
    await assert.rejects(
      token.permit(ownerAddress, spenderAddress, value, deadline, publicKey, signature),
      /permit: invalid signature/,
    );
    // The spender signs a permit for the owner's tokens with its own key: not the owner's.
    const forged = await spender.signTypedData(tokenDomain, types, { ...message, nonce: 1n });
    const spenderKey = (await rpc(node.http, 'qtm_getPublicKey', [spenderAddress])).publicKey;
    for (const key of [publicKey, spenderKey]) {
      await assert.rejects(
        token.permit(ownerAddress, spenderAddress, value, deadline, key, forged),
        /permit: invalid signature/,
      );
    }
    // A fresh permit with the next nonce works.
    const next = await owner.signTypedData(tokenDomain, types, { ...message, nonce: 1n, value: 7n });
    await (await token.permit(ownerAddress, spenderAddress, 7n, deadline, publicKey, next)).wait();
    assert.equal(await token.allowance(ownerAddress, spenderAddress), 7n);
  });
});
