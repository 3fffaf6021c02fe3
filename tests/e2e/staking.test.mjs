// The staking contract with ethers v6 and the IStaking ABI from solc, against a real
// `qtmd --dev` with a 3-second unbonding period and 8-block epochs: a new validator whose
// ML-DSA-65 consensus key and proof of possession come from `qtm validator pop`, delegate,
// undelegate, withdraw after the unbonding period, rewards claimed from the dev validator,
// the new validator in qtm_getValidators after the next epoch, and refusals with their revert
// reasons (bad proof of possession, self-stake below the minimum, nothing matured, ...),
// checking balances, events and views at every step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ethers } from 'ethers';
import { binDir, compileFile, repoDir, rpc, startQtmd, waitForBlock } from './lib/qtmd.mjs';

const STAKING = '0x0000000000000000000000000000005374616b65';
const UNBONDING_SECONDS = 3n;
const EPOCH_LENGTH = 8n;
const MIN_STAKE = ethers.parseEther('10000');

let node;
let provider;
let iface;
let scratch;

before(async () => {
  node = await startQtmd({
    blockTime: 0.5,
    extraArgs: ['--dev-unbonding-seconds', String(UNBONDING_SECONDS),
      '--dev-epoch-length', String(EPOCH_LENGTH)],
  });
  provider = new ethers.JsonRpcProvider(node.http, undefined, { pollingInterval: 200, cacheTimeout: -1 });
  ({ abi: iface } = await compileFile(path.join(repoDir, 'contracts/IStaking.sol'), 'IStaking'));
  scratch = mkdtempSync(path.join(tmpdir(), 'qtm-staking-e2e-'));
});

after(async () => {
  provider?.destroy();
  await node?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// A fresh ML-DSA-65 consensus key and its proof of possession for `operator`, made by
// `qtm validator pop` from a random seed.
function consensusKey(operator) {
  const seedFile = path.join(scratch, `seed-${operator}`);
  writeFileSync(seedFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const pop = (forOperator) => execFileSync(path.join(binDir, 'qtm'), ['validator', 'pop',
    '--consensus-seed-file', seedFile, '--operator', forOperator, '--chain-id', String(node.chainId)],
  { encoding: 'utf8' });
  const out = pop(operator);
  const field = (text, label) => text.match(new RegExp(`^${label} +(0x[0-9a-fA-F]+)$`, 'm'))[1];
  return {
    address: field(out, 'consensus address'),
    publicKey: field(out, 'public key'),
    pop: field(out, 'proof of possession'),
    // The proof for another operator: valid for the key, not for this one.
    popFor: (other) => field(pop(other), 'proof of possession'),
  };
}

// Sends `call` (a promise of a transaction); returns its receipt and the fee it paid.
async function mined(call) {
  const tx = await call;
  const receipt = await tx.wait(1, 30_000);
  assert.equal(receipt.status, 1);
  return { receipt, fee: receipt.gasUsed * receipt.gasPrice };
}

// The one log of `receipt` from the staking contract, parsed.
function stakingEvent(staking, receipt, name) {
  const logs = receipt.logs.filter((log) => log.address.toLowerCase() === STAKING);
  assert.equal(logs.length, 1, `one staking log in ${receipt.hash}`);
  const parsed = staking.interface.parseLog(logs[0]);
  assert.equal(parsed.name, name);
  return parsed.args;
}

async function refusedWith(call, reason) {
  await assert.rejects(call, (error) => {
    assert.equal(error.code, 'CALL_EXCEPTION', error.message);
    assert.equal(error.reason, reason);
    return true;
  });
}

const balance = (address, blockTag = 'latest') => provider.getBalance(address, blockTag);

async function waitForTime(unixSeconds) {
  for (;;) {
    const block = await provider.getBlock('latest');
    if (BigInt(block.timestamp) >= unixSeconds) return block;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('params: getParams over eth_call and qtm_getStakingParams agree with the dev flags', async () => {
  const staking = new ethers.Contract(STAKING, iface, provider);
  const params = await staking.getParams();
  assert.equal(params.minValidatorStake, MIN_STAKE);
  assert.equal(params.unbondingSeconds, UNBONDING_SECONDS);
  assert.equal(params.epochLength, EPOCH_LENGTH);
  const answer = await rpc(node.http, 'qtm_getStakingParams');
  assert.equal(answer.stakingAddress.toLowerCase(), STAKING);
  assert.equal(BigInt(answer.minValidatorStake), params.minValidatorStake);
  assert.equal(BigInt(answer.maxValidators), params.maxValidators);
  assert.equal(BigInt(answer.unbondingSeconds), params.unbondingSeconds);
  assert.equal(BigInt(answer.maxUnbondingEntries), params.maxUnbondingEntries);
  assert.equal(BigInt(answer.epochLength), params.epochLength);
  assert.equal(typeof answer.slashing.doubleSignSlashPercent, 'number');
});

test('create, delegate, undelegate, withdraw, refusals, and the set of the next epoch', async () => {
  const operator = await provider.getSigner(node.accounts[1].address);
  const delegator = await provider.getSigner(node.accounts[2].address);
  const op = await operator.getAddress();
  const who = await delegator.getAddress();
  const staking = new ethers.Contract(STAKING, iface, operator);
  const key = consensusKey(op);
  const before = await staking.getTotals();

  // Refusals, with nothing changed.
  const opBalance = await balance(op);
  await refusedWith(staking.createValidator(2, key.publicKey, key.popFor(who), op, 500, { value: MIN_STAKE }),
    'staking: bad proof of possession');
  await refusedWith(staking.createValidator(2, key.publicKey, key.pop, op, 500, { value: MIN_STAKE - 1n }),
    `staking: self-stake below the minimum of ${MIN_STAKE} wei`);
  await refusedWith(staking.createValidator(1, key.publicKey, key.pop, op, 500, { value: MIN_STAKE }),
    'staking: consensus keys are ML-DSA-65 (scheme 2)');
  assert.equal(await balance(op), opBalance);

  // createValidator: the self-stake moves to the contract; the event and views say so.
  const stakingBalance = await balance(STAKING);
  const created = await mined(staking.createValidator(2, key.publicKey, key.pop, op, 500, { value: MIN_STAKE }));
  const createdAt = created.receipt.blockNumber;
  assert.equal(await balance(op, createdAt), opBalance - MIN_STAKE - created.fee);
  // The staking address also receives each block's reward and tips (it is the fee
  // recipient), so the bonded total is what shows the self-stake.
  const totalsThen = (tag) => new ethers.Contract(STAKING, iface, provider).getTotals({ blockTag: tag });
  assert.equal((await totalsThen(createdAt)).totalBonded - (await totalsThen(createdAt - 1)).totalBonded,
    MIN_STAKE);
  assert.ok(await balance(STAKING, createdAt) >= stakingBalance + MIN_STAKE);
  const event = stakingEvent(staking, created.receipt, 'ValidatorCreated');
  assert.equal(event.operator, op);
  assert.equal(event.consensusAddress, key.address);
  assert.equal(event.rewardAddress, op);
  assert.equal(event.commissionBps, 500n);
  assert.equal(event.selfStake, MIN_STAKE);
  const record = await staking.getValidator(op);
  assert.equal(record.exists, true);
  assert.equal(record.scheme, 2n);
  assert.equal(record.consensusKey, key.publicKey.toLowerCase());
  assert.equal(record.consensusAddress, key.address);
  assert.equal(record.bondedStake, MIN_STAKE);
  assert.equal(record.jailed, false);
  assert.equal(await staking.validatorCount(), before.validatorCount + 1n);
  assert.equal(await staking.validatorAt(before.validatorCount), op);
  assert.equal(await staking.getDelegation(op, op), MIN_STAKE);
  await refusedWith(staking.createValidator(2, key.publicKey, key.pop, op, 500, { value: MIN_STAKE }),
    'staking: already a validator');

  // delegate
  const asDelegator = staking.connect(delegator);
  const amount = ethers.parseEther('500');
  await refusedWith(asDelegator.delegate(op, { value: 0n }), 'staking: nothing to delegate (value is 0)');
  const whoBalance = await balance(who);
  const delegated = await mined(asDelegator.delegate(op, { value: amount }));
  const delegatedEvent = stakingEvent(staking, delegated.receipt, 'Delegated');
  assert.deepEqual([delegatedEvent.delegator, delegatedEvent.validator, delegatedEvent.amount], [who, op, amount]);
  assert.equal(await balance(who, delegated.receipt.blockNumber), whoBalance - amount - delegated.fee);
  assert.equal(await staking.getDelegation(who, op), amount);
  assert.equal((await staking.getValidator(op)).bondedStake, MIN_STAKE + amount);
  const totals = await staking.getTotals();
  assert.equal(totals.totalBonded, before.totalBonded + MIN_STAKE + amount);

  // undelegate: into the queue, completing UNBONDING_SECONDS after its block's time.
  await refusedWith(asDelegator.undelegate(op, amount + 1n), 'staking: amount above the delegation');
  const part = ethers.parseEther('200');
  const undelegated = await mined(asDelegator.undelegate(op, part));
  const block = await provider.getBlock(undelegated.receipt.blockNumber);
  const completion = BigInt(block.timestamp) + UNBONDING_SECONDS;
  const undelegatedEvent = stakingEvent(staking, undelegated.receipt, 'Undelegated');
  assert.deepEqual([undelegatedEvent.delegator, undelegatedEvent.validator, undelegatedEvent.amount,
    undelegatedEvent.completionTime], [who, op, part, completion]);
  assert.equal(await staking.getDelegation(who, op), amount - part);
  assert.equal(await staking.unbondingCount(who), 1n);
  const entry = await staking.getUnbonding(who, 0);
  assert.deepEqual([entry.validator, entry.amount, entry.completionTime], [op, part, completion]);
  assert.equal((await staking.getTotals()).totalUnbonding, before.totalUnbonding + part);

  // withdraw: refused before the completion time, pays the entry after it.
  if (BigInt((await provider.getBlock('latest')).timestamp) < completion - 1n) {
    await refusedWith(asDelegator.withdraw(), 'staking: no unbonding entry has matured');
  }
  await waitForTime(completion);
  const beforeWithdraw = await balance(who);
  const withdrawn = await mined(asDelegator.withdraw());
  assert.equal(stakingEvent(staking, withdrawn.receipt, 'Withdrawn').amount, part);
  assert.equal(await balance(who, withdrawn.receipt.blockNumber), beforeWithdraw + part - withdrawn.fee);
  assert.equal(await staking.unbondingCount(who), 0n);
  assert.equal((await staking.getTotals()).totalUnbonding, before.totalUnbonding);
  await refusedWith(asDelegator.withdraw(), 'staking: no unbonding entry has matured');

  // The set of a height in this epoch is the genesis one; after the next boundary it holds
  // the new validator with its stake then (whole QTM as voting power).
  const inEpoch = await rpc(node.http, 'qtm_getValidators', [ethers.toQuantity(createdAt)]);
  const boundary = (BigInt(createdAt) / EPOCH_LENGTH + 1n) * EPOCH_LENGTH;
  // (Height h uses the state after block floor((h-1)/L)*L, which is before createdAt.)
  assert.ok(!inEpoch.validators.some((v) => v.address === key.address), 'not before the epoch ends');
  await waitForBlock(node.http, boundary + 1n);
  const next = await rpc(node.http, 'qtm_getValidators', [ethers.toQuantity(boundary + 1n)]);
  assert.equal(BigInt(next.epochStateBlock), boundary);
  const mine = next.validators.find((v) => v.address === key.address);
  assert.ok(mine, `validator ${key.address} in the set of block ${boundary + 1n}`);
  assert.equal(mine.operator, op);
  assert.equal(mine.publicKey, key.publicKey.toLowerCase());
  assert.equal(mine.commissionBps, '0x1f4');
  assert.equal(mine.jailed, false);
  assert.equal(BigInt(next.totals.validators), BigInt(next.validators.length));
  assert.equal(BigInt(next.totals.votingPower),
    next.validators.reduce((sum, v) => sum + BigInt(v.votingPower), 0n));
});

// The dev chain's only proposer is its genesis validator, so rewards accrue to its delegators.
test('claimRewards: rewards of a delegation to the proposing validator', async () => {
  const staking = new ethers.Contract(STAKING, iface, provider);
  const proposer = (await staking.validatorAt(0));
  const delegator = await provider.getSigner(node.accounts[3].address);
  const who = await delegator.getAddress();
  const asDelegator = staking.connect(delegator);
  const delegated = await mined(asDelegator.delegate(proposer, { value: ethers.parseEther('1000') }));
  await waitForBlock(node.http, delegated.receipt.blockNumber + 3);
  const pending = await staking.pendingRewards(who, proposer);
  assert.ok(pending > 0n, `rewards accrue (pending ${pending})`);
  const beforeClaim = await balance(who);
  const claimed = await mined(asDelegator.claimRewards(proposer));
  const event = stakingEvent(staking, claimed.receipt, 'RewardsClaimed');
  assert.equal(event.delegator, who);
  assert.equal(event.validator, proposer);
  assert.ok(event.amount >= pending, `claimed ${event.amount} >= pending ${pending} read earlier`);
  assert.equal(await balance(who, claimed.receipt.blockNumber), beforeClaim + event.amount - claimed.fee);
  // The claim block's own reward is distributed after its transactions, so what is pending
  // at its end is that one block's share: less than the several blocks' read before.
  const left = await staking.pendingRewards(who, proposer, { blockTag: claimed.receipt.blockNumber });
  assert.ok(left < pending, `pending after the claim ${left} < ${pending}`);
});
