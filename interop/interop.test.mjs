// Interop: the official MCP TypeScript SDK client against the built binary
// over stdio, Streamable HTTP (stateful and stateless) and legacy SSE.
// Run with `make interop` (builds the binary first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKEN, bearer, connect, connectStdio, startHTTPServer, stop, text } from './harness.mjs';
import { runScenario } from './scenario.mjs';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const PLANTED_KEY = `planted-secret-key-${randomBytes(12).toString('hex')}`;

test('stdio', async (t) => {
  const { client, stderr } = await connectStdio();
  try {
    await runScenario(t, client);
  } finally {
    await client.close();
  }
  assert.doesNotMatch(stderr(), /sandbox-secret-key-for-local-use-only/, 'the sandbox SecretKey never reaches the logs');
});

// Stateless replicas share the key that seals confirmation state.
const STATE_KEY_FILE = join(mkdtempSync(join(tmpdir(), 'cloudops-interop-')), 'state.key');
writeFileSync(STATE_KEY_FILE, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });

const httpTransports = [
  { name: 'streamable http', transport: 'http', kind: 'http', args: [] },
  { name: 'streamable http, stateless', transport: 'http', kind: 'http', args: ['--stateless', '--state-key-file', STATE_KEY_FILE] },
  { name: 'sse', transport: 'sse', kind: 'sse', args: [] },
];

for (const { name, transport, kind, args } of httpTransports) {
  test(name, async (t) => {
    const server = await startHTTPServer(transport, args);
    const base = new URL(server.url).origin;
    try {
      await t.test('GET /healthz and /readyz need no token: alive and ready', async () => {
        const res = await fetch(`${base}/healthz`);
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { status: 'alive' });
        const ready = await fetch(`${base}/readyz`);
        assert.equal(ready.status, 200);
        assert.deepEqual(await ready.json(), { status: 'ready' });
      });

      await t.test('no token: 401 with WWW-Authenticate and no detail', async () => {
        const init = kind === 'sse'
          ? { method: 'GET', headers: { Accept: 'text/event-stream' } }
          : { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) };
        const res = await fetch(server.url, init);
        assert.equal(res.status, 401);
        assert.match(res.headers.get('www-authenticate') || '', /^Bearer/);
        assert.ok(!(await res.text()).includes(TOKEN));
      });

      await t.test('wrong token: the SDK client cannot connect', async () => {
        await assert.rejects(connect(kind, server.url, bearer('not-the-token-0123456789')));
      });

      const client = await connect(kind, server.url, bearer());
      await runScenario(t, client);
      await client.close();

      await t.test('per-session credential headers reach the cloud call', async () => {
        const other = await connect(kind, server.url, { ...bearer(), 'X-CloudBase-Env-Id': 'someone-elses-env' });
        try {
          const res = await other.callTool({ name: 'cloudbase_get_login_config', arguments: {} });
          assert.equal(res.isError, true);
          assert.match(text(res), /ResourceNotFound/);
        } finally {
          await other.close();
        }
      });

      await t.test('a client-sent SecretKey is used and never shown', async () => {
        const planted = await connect(kind, server.url, {
          ...bearer(), 'X-TencentCloud-SecretId': 'AKIDinteropPlanted', 'X-TencentCloud-SecretKey': PLANTED_KEY,
        });
        try {
          const res = await planted.callTool({ name: 'cloudbase_get_login_config', arguments: {} });
          assert.equal(res.isError, true, 'the sandbox does not know this key pair');
          assert.match(text(res), /AuthFailure/);
          assert.ok(!JSON.stringify(res).includes(PLANTED_KEY));
        } finally {
          await planted.close();
        }
      });

      await t.test('SIGTERM: graceful exit with status 0', async () => {
        const { code, signal } = await stop(server);
        assert.equal(signal, null);
        assert.equal(code, 0, server.stderr);
      });

      await t.test('the logs never contain the token or a client-sent secret', () => {
        assert.ok(server.stderr.length > 0);
        assert.ok(!server.stderr.includes(TOKEN), 'token in logs');
        assert.ok(!server.stderr.includes(PLANTED_KEY), 'client SecretKey in logs');
      });
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    }
  });
}

// --dynamic-toolsets: the SDK client starts with the three discovery tools,
// gets notifications/tools/list_changed after enable_toolset, then lists and
// calls the new tools (their structured content checked against the output
// schemas the SDK cached from the new list).
const dynamicTransports = [
  { name: 'stdio', open: async () => { const { client } = await connectStdio(['--dynamic-toolsets']); return { client, close: async () => client.close() }; } },
  { name: 'streamable http', open: async () => {
    const server = await startHTTPServer('http', ['--dynamic-toolsets']);
    const client = await connect('http', server.url, bearer());
    return { client, close: async () => { await client.close(); await stop(server); } };
  } },
];
for (const { name, open } of dynamicTransports) {
  test(`dynamic toolsets, ${name}`, async () => {
    const { client, close } = await open();
    try {
      let changed;
      const notified = new Promise((resolve) => { changed = resolve; });
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => changed());
      const first = await client.listTools();
      assert.deepEqual(first.tools.map((t) => t.name).sort(), ['enable_toolset', 'get_toolset_tools', 'list_available_toolsets']);
      assert.ok(JSON.stringify(first).length <= 8 * 1024, 'the first tools/list is at most 8 KB');
      const enabled = await client.callTool({ name: 'enable_toolset', arguments: { toolset: 'cloudbase_auth' } });
      assert.ok(!enabled.isError, text(enabled));
      await notified;
      const now = await client.listTools();
      assert.ok(now.tools.some((t) => t.name === 'cloudbase_get_login_config'));
      assert.ok(!now.tools.some((t) => t.name.startsWith('telnyx_')));
      const read = await client.callTool({ name: 'cloudbase_get_login_config', arguments: {} });
      assert.ok(!read.isError && read.structuredContent?.RequestId, text(read));
    } finally {
      await close();
    }
  });
}
