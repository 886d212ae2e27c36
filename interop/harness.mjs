// Starts the cloudops-mcp binary on the offline sandbox and connects the
// official MCP TypeScript SDK client to it. Only loopback is ever contacted.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.CLOUDOPS_MCP_BIN || path.join(here, '..', 'bin', 'cloudops-mcp');
export const ENV_ID = 'demo-7f3a9c'; // the sandbox's documented environment
export const TOKEN = randomBytes(24).toString('hex');

/** Runs the binary with an HTTP transport on a free loopback port; resolves once it serves. */
export async function startHTTPServer(transport, extraArgs = []) {
  const args = ['--sandbox', '--transport', transport, '--addr', '127.0.0.1:0', ...extraArgs];
  const child = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CLOUDOPS_MCP_HTTP_TOKEN: TOKEN } });
  const server = { child, stderr: '', url: null, exited: null };
  server.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  server.url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${server.stderr}`)), 15000);
    child.on('error', reject);
    child.on('exit', () => reject(new Error(`server exited early:\n${server.stderr}`)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      server.stderr += chunk;
      for (const line of server.stderr.split('\n')) {
        try {
          const rec = JSON.parse(line);
          if (rec.message === 'serving MCP over HTTP' && rec.url) {
            clearTimeout(timer);
            resolve(rec.url);
          }
        } catch { /* partial or non-JSON line */ }
      }
    });
  });
  return server;
}

/** Sends SIGTERM and returns the exit status. */
export async function stop(server) {
  server.child.kill('SIGTERM');
  return server.exited;
}

export function newClient() {
  return new Client({ name: 'cloudops-mcp-interop', version: '1.0.0' });
}

/** Connects over the given transport; headers go on every request. */
export async function connect(kind, url, headers = {}) {
  const client = newClient();
  let transport;
  if (kind === 'sse') {
    transport = new SSEClientTransport(new URL(url), { requestInit: { headers } });
  } else {
    transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  }
  await client.connect(transport);
  return client;
}

export async function connectStdio(extraArgs = []) {
  const client = newClient();
  const transport = new StdioClientTransport({ command: BIN, args: ['--sandbox', ...extraArgs], stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => { stderr += chunk; });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

export function bearer(token = TOKEN) {
  return { Authorization: `Bearer ${token}` };
}

export function text(result) {
  return (result.content || []).filter((c) => c.type === 'text').map((c) => c.text).join('');
}
