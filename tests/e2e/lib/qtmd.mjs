// Shared helpers of the end-to-end tests: start a real `qtmd --dev` on a temporary datadir
// with free ports, read its banner, talk raw JSON-RPC to it, compile the test contracts
// with solcjs, and find the SDK's compiled build.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const e2eDir = path.resolve(here, '..');
export const repoDir = path.resolve(e2eDir, '../..');

export const binDir = process.env.QTM_BIN_DIR ?? path.join(repoDir, 'build/bin');
export const qtmdPath = path.join(binDir, 'qtmd');

// The failure message when qtmd's banner names no WebSocket endpoint.
export const NO_WS = 'WebSocket not served by this qtmd';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Collects a child process's stdout (whole) and stderr (its last MiB); `exited` resolves
// with { code, signal }. The start-up helpers here and in tests/explorer read it.
export function captureOutput(child) {
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { output.stdout += chunk; });
  child.stderr.on('data', (chunk) => {
    output.stderr += chunk;
    if (output.stderr.length > 1 << 20) output.stderr = output.stderr.slice(-(1 << 19));
  });
  output.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return output;
}

// Resolves with parse(stdout) once it is not null; rejects, with both outputs, when the
// process exits first or after `ms`.
export function waitForOutput(output, name, what, parse, ms = 60_000) {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(poll);
      fn(value);
    };
    const check = () => {
      const value = parse(output.stdout);
      if (value !== null && value !== undefined) finish(resolve, value);
    };
    const timer = setTimeout(() => finish(reject, new Error(
      `${name} printed no ${what} in ${ms / 1000} s.\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`)), ms);
    const poll = setInterval(check, 20);
    check();
    output.exited.then(({ code, signal }) => {
      check();
      finish(reject, new Error(
        `${name} exited (code ${code}, signal ${signal}) before ${what}.\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`));
    });
  });
}

// Starts `qtmd --dev` and resolves once its banner has been printed:
// { http, ws (null when not served), chainId, accounts: [{address, seed}], stop(), log() }.
export async function startQtmd({ blockTime = 0.5, extraArgs = [] } = {}) {
  if (!existsSync(qtmdPath)) {
    throw new Error(`qtmd not found at ${qtmdPath}: build it and set QTM_BIN_DIR`);
  }
  const datadir = mkdtempSync(path.join(tmpdir(), 'qtm-e2e-'));
  const child = spawn(
    qtmdPath,
    ['--dev', '--datadir', datadir, '--http-port', '0', '--ws-port', '0',
      '--block-time', String(blockTime), ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = captureOutput(child);
  const { exited } = output;
  const banner = await waitForOutput(output, 'qtmd', 'a complete banner', (stdout) => {
    const http = stdout.match(/^JSON-RPC\s+(https?:\/\/\S+)/m);
    const accounts = [...stdout.matchAll(/^\((\d+)\) (0x[0-9a-fA-F]{40}) .*\n\s+seed ([0-9a-fA-Fx]+)/gm)];
    // The banner ends with a blank line after the last account's seed.
    if (!http || accounts.length === 0 || !/seed [0-9a-fA-Fx]+\n\n/.test(stdout)) return null;
    const ws = stdout.match(/^WebSocket\s+(wss?:\/\/\S+)/m);
    const chainId = stdout.match(/^Chain id\s+(\d+)/m);
    return {
      http: http[1],
      ws: ws ? ws[1] : null,
      chainId: chainId ? BigInt(chainId[1]) : null,
      accounts: accounts.map((m) => ({ address: m[2], seed: m[3].startsWith('0x') ? m[3] : `0x${m[3]}` })),
    };
  });

  let stopped = false;
  return {
    ...banner,
    datadir,
    log: () => output.stderr,
    async stop() {
      if (stopped) return;
      stopped = true;
      const stopStart = Date.now();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const { code, signal } = await exited;
      clearTimeout(timer);
      if (process.env.QTM_E2E_DEBUG) console.error(`qtmd stopped in ${Date.now() - stopStart} ms`);
      rmSync(datadir, { recursive: true, force: true });
      if (code !== 0) {
        throw new Error(`qtmd did not stop cleanly (code ${code}, signal ${signal}):\n${output.stderr.slice(-4000)}`);
      }
    },
  };
}

// One JSON-RPC call over HTTP; returns the whole response object ({result} or {error}).
export async function rpcRaw(url, method, params = []) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  if (response.status !== 200) throw new Error(`${method}: HTTP ${response.status}`);
  return response.json();
}

// One JSON-RPC call over HTTP; returns its result or throws with the node's error.
export async function rpc(url, method, params = []) {
  const answer = await rpcRaw(url, method, params);
  if (answer.error) {
    const error = new Error(`${method}: ${answer.error.message} (${answer.error.code})`);
    error.rpc = answer.error;
    throw error;
  }
  return answer.result;
}

// Resolves like `promise`, or rejects after `ms` naming `what`; the timer never outlives it.
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function waitForReceipt(url, hash, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const receipt = await rpc(url, 'eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt;
    await sleep(100);
  }
  throw new Error(`no receipt for ${hash} after ${timeoutMs} ms`);
}

export async function waitForBlock(url, number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const head = BigInt(await rpc(url, 'eth_blockNumber'));
    if (head >= BigInt(number)) return head;
    await sleep(100);
  }
  throw new Error(`block ${number} not reached after ${timeoutMs} ms`);
}

// Compiles tests/e2e/contracts/<name>.sol with solcjs for Cancun (QTM's EVM) and returns
// { abi, bytecode } of the contract <name>.
const compiled = new Map();
export async function compileContract(name) {
  if (compiled.has(name)) return compiled.get(name);
  const result = await compileFile(path.join(e2eDir, 'contracts', `${name}.sol`), name);
  compiled.set(name, result);
  return result;
}

// Compiles the Solidity file at `file` (any path) with solcjs for Cancun and returns
// { abi, bytecode } of its contract or interface `name` (an interface has bytecode '0x').
export async function compileFile(file, name) {
  const { default: solc } = await import('solc');
  const source = path.basename(file);
  const input = {
    language: 'Solidity',
    sources: { [source]: { content: readFileSync(file, 'utf8') } },
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  // Imports resolve next to the file, then in the repository's contracts/ (QtmSignatures.sol).
  const findImports = (wanted) => {
    for (const dir of [path.dirname(file), path.join(repoDir, 'contracts')]) {
      const candidate = path.join(dir, wanted);
      if (existsSync(candidate)) return { contents: readFileSync(candidate, 'utf8') };
    }
    return { error: `${wanted}: not found next to ${source} or in contracts/` };
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const contract = output.contracts[source]?.[name];
  if (!contract) throw new Error(`solc: ${source} has no contract or interface ${name}`);
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}

// The SDK (sdk/js, compiled to sdk/js/dist by `npm run build`): its entry point when built,
// or null with the reason it is not.
export const sdkDir = path.join(repoDir, 'sdk/js');
export function sdkEntry() {
  const packageFile = path.join(sdkDir, 'package.json');
  if (!existsSync(packageFile)) return { entry: null, reason: 'sdk/js does not exist yet' };
  const pkg = JSON.parse(readFileSync(packageFile, 'utf8'));
  const candidates = [];
  const exported = pkg.exports?.['.'];
  if (typeof exported === 'string') candidates.push(exported);
  else if (exported) candidates.push(exported.import, exported.default, exported.node?.import);
  candidates.push(pkg.module, pkg.main, 'dist/index.js');
  for (const candidate of candidates.filter(Boolean)) {
    const file = path.join(sdkDir, candidate);
    if (existsSync(file)) return { entry: file, reason: null };
  }
  return { entry: null, reason: 'sdk/js/dist is missing: run `npm run build` in sdk/js (ctest: sdk.build)' };
}
