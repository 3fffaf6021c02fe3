// Differential test of QTM's ML-KEM against @noble/post-quantum, an independent
// implementation: identical keys from the same (d, z), identical ciphertexts and shared
// secrets from the same m, and agreement in both directions. 200 cases per parameter set
// (QTM_LONG=1: 5,000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';

const binDir = process.env.QTM_BIN_DIR ?? path.resolve('../../build/bin');
const tool = path.join(binDir, 'qtm-mlkem-tool');
const cases = process.env.QTM_LONG === '1' ? 5000 : 200;
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const unhex = (text) => new Uint8Array(Buffer.from(text, 'hex'));

// Runs a batch of commands through one tool process; returns its answer lines.
function runTool(lines) {
  const result = spawnSync(tool, [], { input: lines.join('\n') + '\n', maxBuffer: 1 << 30 });
  assert.equal(result.status, 0, `qtm-mlkem-tool failed: ${result.stderr}`);
  const answers = result.stdout.toString().trim().split('\n');
  assert.equal(answers.length, lines.length);
  return answers;
}

for (const [name, kem] of [['512', ml_kem512], ['768', ml_kem768], ['1024', ml_kem1024]]) {
  test(`ML-KEM-${name}: QTM and noble agree on ${cases} random cases`, () => {
    const inputs = Array.from({ length: cases }, () => ({
      d: randomBytes(32), z: randomBytes(32), m: randomBytes(32), m2: randomBytes(32),
      nobleSeed: randomBytes(64),
    }));

    // 1. Keys from the same seeds are byte-identical.
    const keys = runTool(inputs.map((c) => `keygen ${name} ${hex(c.d)} ${hex(c.z)}`));
    const nobleKeys = inputs.map((c) => kem.keygen(new Uint8Array([...c.d, ...c.z])));
    keys.forEach((line, i) => {
      const [ek, dk] = line.split(' ');
      assert.equal(ek, hex(nobleKeys[i].publicKey), `ek differs for case ${i}`);
      assert.equal(dk, hex(nobleKeys[i].secretKey), `dk differs for case ${i}`);
    });

    // 2. The same m gives the same ciphertext and key; QTM decapsulates noble's ciphertext.
    const encaps = runTool(inputs.map((c, i) => `encaps ${name} ${hex(nobleKeys[i].publicKey)} ${hex(c.m)}`));
    const nobleEncaps = inputs.map((c, i) => kem.encapsulate(nobleKeys[i].publicKey, new Uint8Array(c.m)));
    encaps.forEach((line, i) => {
      const [c, k] = line.split(' ');
      assert.equal(c, hex(nobleEncaps[i].cipherText), `ciphertext differs for case ${i}`);
      assert.equal(k, hex(nobleEncaps[i].sharedSecret), `shared secret differs for case ${i}`);
    });
    const decaps = runTool(inputs.map((c, i) =>
      `decaps ${name} ${keys[i].split(' ')[1]} ${hex(nobleEncaps[i].cipherText)}`));
    decaps.forEach((k, i) => assert.equal(k, hex(nobleEncaps[i].sharedSecret), `QTM decaps ${i}`));

    // 3. Noble's own keys (other seeds): QTM encapsulates, noble decapsulates.
    const otherKeys = inputs.map((c) => kem.keygen(new Uint8Array(c.nobleSeed)));
    const ours = runTool(inputs.map((c, i) => `encaps ${name} ${hex(otherKeys[i].publicKey)} ${hex(c.m2)}`));
    ours.forEach((line, i) => {
      const [c, k] = line.split(' ');
      assert.equal(hex(kem.decapsulate(unhex(c), otherKeys[i].secretKey)), k, `noble decaps ${i}`);
    });

    // 4. A modified ciphertext: both sides derive the same implicit-rejection key.
    const tampered = nobleEncaps.map((e) => {
      const c = new Uint8Array(e.cipherText);
      c[0] ^= 1;
      return c;
    });
    const rejected = runTool(inputs.map((c, i) => `decaps ${name} ${keys[i].split(' ')[1]} ${hex(tampered[i])}`));
    rejected.forEach((k, i) => {
      assert.equal(k, hex(kem.decapsulate(tampered[i], nobleKeys[i].secretKey)), `rejection ${i}`);
      assert.notEqual(k, hex(nobleEncaps[i].sharedSecret));
    });
    console.log(`[counts] ML-KEM-${name} vs @noble/post-quantum: ${cases} passed, 0 failed, 0 skipped`);
  });
}
