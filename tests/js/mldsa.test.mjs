// Differential test of QTM's ML-DSA against @noble/post-quantum, an independent
// implementation: identical keys from the same seed, identical deterministic signatures,
// each side verifies the other's hedged signatures, and both reject tampered ones. Random
// messages (0..300 bytes) and contexts (0..255 bytes). 200 cases per parameter set
// (QTM_LONG=1: 2,000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import path from 'node:path';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';

const binDir = process.env.QTM_BIN_DIR ?? path.resolve('../../build/bin');
const tool = path.join(binDir, 'qtm-mldsa-tool');
const cases = process.env.QTM_LONG === '1' ? 2000 : 200;
const hex = (bytes) => (bytes.length === 0 ? '-' : Buffer.from(bytes).toString('hex'));
const unhex = (text) => new Uint8Array(Buffer.from(text, 'hex'));

function runTool(lines) {
  const result = spawnSync(tool, [], { input: lines.join('\n') + '\n', maxBuffer: 1 << 30 });
  assert.equal(result.status, 0, `qtm-mldsa-tool failed: ${result.stderr}`);
  const answers = result.stdout.toString().trim().split('\n');
  assert.equal(answers.length, lines.length);
  return answers;
}

for (const [name, dsa] of [['44', ml_dsa44], ['65', ml_dsa65], ['87', ml_dsa87]]) {
  test(`ML-DSA-${name}: QTM and noble agree on ${cases} random cases`, () => {
    const inputs = Array.from({ length: cases }, () => ({
      seed: randomBytes(32),
      message: new Uint8Array(randomBytes(randomInt(0, 301))),
      context: new Uint8Array(randomBytes(randomInt(0, 4) === 0 ? 0 : randomInt(0, 256))),
    }));

    // 1. Keys from the same seed are byte-identical.
    const keys = runTool(inputs.map((c) => `keygen ${name} ${hex(c.seed)}`)).map((l) => l.split(' '));
    const nobleKeys = inputs.map((c) => dsa.keygen(new Uint8Array(c.seed)));
    keys.forEach(([pk, sk], i) => {
      assert.equal(pk, hex(nobleKeys[i].publicKey), `public key differs, case ${i}`);
      assert.equal(sk, hex(nobleKeys[i].secretKey), `secret key differs, case ${i}`);
    });

    // 2. Deterministic signatures are byte-identical.
    const ours = runTool(inputs.map((c, i) =>
      `sign ${name} ${keys[i][1]} ${hex(c.message)} ${hex(c.context)} det`));
    inputs.forEach((c, i) => {
      const theirs = dsa.sign(c.message, nobleKeys[i].secretKey, { context: c.context, extraEntropy: false });
      assert.equal(ours[i], hex(theirs), `deterministic signature differs, case ${i}`);
    });

    // 3. Hedged: noble verifies ours; we verify noble's.
    const hedged = runTool(inputs.map((c, i) =>
      `sign ${name} ${keys[i][1]} ${hex(c.message)} ${hex(c.context)} hedged`));
    hedged.forEach((sig, i) => {
      assert.ok(dsa.verify(unhex(sig), inputs[i].message, nobleKeys[i].publicKey, { context: inputs[i].context }),
        `noble rejects QTM's hedged signature, case ${i}`);
    });
    const nobleSigs = inputs.map((c, i) => dsa.sign(c.message, nobleKeys[i].secretKey, { context: c.context }));
    const verdicts = runTool(inputs.map((c, i) =>
      `verify ${name} ${keys[i][0]} ${hex(c.message)} ${hex(c.context)} ${hex(nobleSigs[i])}`));
    verdicts.forEach((v, i) => assert.equal(v, '1', `QTM rejects noble's signature, case ${i}`));

    // 4. A tampered signature (one random bit) is rejected by both.
    const tampered = nobleSigs.map((sig) => {
      const copy = new Uint8Array(sig);
      const bit = randomInt(0, copy.length * 8);
      copy[bit >> 3] ^= 1 << (bit & 7);
      return copy;
    });
    const rejected = runTool(inputs.map((c, i) =>
      `verify ${name} ${keys[i][0]} ${hex(c.message)} ${hex(c.context)} ${hex(tampered[i])}`));
    rejected.forEach((v, i) => {
      assert.equal(v, '0', `QTM accepts a tampered signature, case ${i}`);
      assert.equal(dsa.verify(tampered[i], inputs[i].message, nobleKeys[i].publicKey, { context: inputs[i].context }),
        false, `noble accepts a tampered signature, case ${i}`);
    });
    console.log(`[counts] ML-DSA-${name} vs @noble/post-quantum: ${cases} passed, 0 failed, 0 skipped`);
  });
}
