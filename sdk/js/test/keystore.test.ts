import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { QtmError } from '../src/index.js';
import { decryptKeystore } from '../src/keystore.js';

// Written by `qtm account new --scheme ML-DSA-65` (the node's own keystore code).
const file = readFileSync(new URL('../../test/vectors/keystore-ml-dsa-65.json', import.meta.url), 'utf8');
const password = 'qtm keystore test password';

describe('keystore files written by qtm', () => {
  it('decrypt to the key of the address they name', () => {
    const key = decryptKeystore(file, password);
    assert.equal(key.schemeName, 'ML-DSA-65');
    assert.equal(key.address, '0x23be0660A8605bFAE30B15329E16DDFFd1a31f2A');
    assert.equal(key.publicKey.length, 1952);
  });

  it('refuse a wrong password', () => {
    assert.throws(() => decryptKeystore(file, 'wrong'), (e: unknown) => e instanceof QtmError && /wrong password/.test((e as Error).message));
  });

  it('refuse a file whose address was edited (authenticated by the cipher)', () => {
    const edited = JSON.parse(file);
    edited.address = '0x' + '11'.repeat(20);
    assert.throws(() => decryptKeystore(JSON.stringify(edited), password), /wrong password, or the file was modified/);
  });

  it('refuse weakened scrypt parameters and malformed files with the field named', () => {
    const weak = JSON.parse(file);
    weak.crypto.kdfparams.n = 16;
    assert.throws(() => decryptKeystore(JSON.stringify(weak), password), /below 1024/);
    assert.throws(() => decryptKeystore('{', password), /not JSON/);
    const noTag = JSON.parse(file);
    delete noTag.crypto.tag;
    assert.throws(() => decryptKeystore(JSON.stringify(noTag), password), /crypto\.tag/);
  });
});
