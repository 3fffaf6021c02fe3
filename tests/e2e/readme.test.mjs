// The README's ethers example, run exactly as written (only the node's URL is swapped for the
// test node's): it must send 1 QTM from dev account 1 and print the receipt's status, 1.
// The example imports "ethers" and "@qtm/sdk" as a user's project does after
// `npm install ethers <repo>/sdk/js`; here a throwaway project links both (the SDK's own
// ethers copy, so that the signer and the provider share one ethers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoDir, rpc, sdkDir, startQtmd } from './lib/qtmd.mjs';

const run = promisify(execFile);
const MARKER = '<!-- ethers-example: tests/e2e/readme.test.mjs runs this block as written -->';

function readmeExample() {
  const readme = readFileSync(path.join(repoDir, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  assert.notEqual(at, -1, `README.md has no block marked ${MARKER}`);
  const block = readme.slice(at).match(/```js\n([\s\S]*?)```/);
  assert.ok(block, 'the marker is followed by a ```js block');
  return block[1];
}

test('the README ethers example works as written', async (t) => {
  assert.ok(existsSync(path.join(sdkDir, 'dist/src/ethers.js')),
    'sdk/js/dist is not built (ctest fixture sdk_dist builds it: npm run build in sdk/js)');
  const example = readmeExample();
  assert.ok(example.trim().split('\n').length <= 5, 'the example stays five lines');
  assert.ok(example.includes('http://127.0.0.1:8545'), 'the example talks to the default port');
  const recipient = example.match(/0x[0-9a-fA-F]{40}/)?.[0];
  assert.ok(recipient, 'the example names its recipient');

  const node = await startQtmd({ blockTime: 0.5 });
  const project = mkdtempSync(path.join(tmpdir(), 'qtm-readme-'));
  try {
    mkdirSync(path.join(project, 'node_modules/@qtm'), { recursive: true });
    symlinkSync(sdkDir, path.join(project, 'node_modules/@qtm/sdk'));
    symlinkSync(path.join(sdkDir, 'node_modules/ethers'), path.join(project, 'node_modules/ethers'));
    writeFileSync(path.join(project, 'package.json'), '{"type":"module"}\n');
    const script = path.join(project, 'example.mjs');
    writeFileSync(script, example.replaceAll('http://127.0.0.1:8545', node.http));

    const before = BigInt(await rpc(node.http, 'eth_getBalance', [recipient, 'latest']));
    const { stdout } = await run(process.execPath, [script], { cwd: project, timeout: 60_000 });
    assert.equal(stdout.trim(), '1', 'the example prints the receipt status 1');
    const after = BigInt(await rpc(node.http, 'eth_getBalance', [recipient, 'latest']));
    assert.equal(after - before, 10n ** 18n, 'the recipient received exactly 1 QTM');
  } finally {
    rmSync(project, { recursive: true, force: true });
    await node.stop();
  }
});
