// Starts `cloudops-mcp sandbox` (the emulator alone) on a free loopback port,
// so clients nobody here wrote can be pointed at it.
import { spawn } from 'node:child_process';
import { BIN } from './harness.mjs';

export const SECRET_ID = 'AKIDsandboxDEMO';
export const SECRET_KEY = 'sandbox-secret-key-for-local-use-only';
export const ENV_ID = 'demo-7f3a9c';
export const TELNYX_KEY = 'sandbox-telnyx-api-key';

/** Resolves to { url, port, stop } once the sandbox serves. */
export async function startSandbox() {
  const child = spawn(BIN, ['sandbox', '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${stderr}`)), 15000);
    child.on('error', reject);
    child.on('exit', () => reject(new Error(`sandbox exited early:\n${stderr}`)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const m = /sandbox listening on (http:\/\/\S+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
