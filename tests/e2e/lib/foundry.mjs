// Foundry's real binaries (npm @foundry-rs/<tool>, which installs the platform's release
// binary as @foundry-rs/<tool>-<os>-<arch>/bin/<tool>), run offline: an empty HOME given by
// the test, no nightly warning, no colours; stdout trimmed; a failure names the command and
// carries what the tool printed.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

// The binary itself, not the npm wrapper script (which only spawns it).
export function foundryBinary(tool) {
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
  const os = process.platform === 'win32' ? 'win32' : process.platform;
  const pkg = require.resolve(`@foundry-rs/${tool}-${os}-${arch}/package.json`);
  return path.join(path.dirname(pkg), 'bin', process.platform === 'win32' ? `${tool}.exe` : tool);
}

export async function runFoundry(tool, args, { cwd, home, timeout = 60_000 }) {
  try {
    const { stdout } = await run(foundryBinary(tool), args, {
      cwd,
      timeout,
      maxBuffer: 16 << 20,
      env: { PATH: process.env.PATH, HOME: home, FOUNDRY_DISABLE_NIGHTLY_WARNING: '1', NO_COLOR: '1' },
    });
    return stdout.trim();
  } catch (error) {
    throw new Error(`${tool} ${args.join(' ')} failed: ${error.stdout ?? ''}\n${error.stderr || error.message}`);
  }
}
