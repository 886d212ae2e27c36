// A secret reaches the server without passing through the model: the official
// MCP TypeScript SDK client receives a URL-mode elicitation, a real browser
// (Debian's Chromium, driven by puppeteer-core) opens the one-time page,
// types the value and submits; the tool call completes and the cloud holds
// the secret, while the value appears in no MCP message, log line, audit line
// or result. A second submission and an expired page are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, ElicitationCompleteNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { BIN, ENV_ID, text } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// The screenshot in the README; rewritten with UPDATE_SCREENSHOTS=1.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS ? path.join(here, '..', 'docs', 'secret-page.png')
  : path.join(here, '..', 'bin', 'secret-page.png');

let browser;
let shot = false; // the first page (the GitHub client secret) is the README's screenshot
before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH`);
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
});
after(async () => { await browser?.close(); });

/** Starts the server over stdio with a client that declares URL elicitation; records every message. */
async function start(extraArgs = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'cloudops-secret-'));
  const files = { state: path.join(dir, 'state.json'), audit: path.join(dir, 'audit.log') };
  const transport = new StdioClientTransport({ command: BIN, stderr: 'pipe',
    args: ['--sandbox', '--sandbox-state', files.state, '--audit-log', files.audit, '--log-level', 'debug', ...extraArgs] });
  let stderr = '';
  transport.stderr?.on('data', (c) => { stderr += c; });
  const wire = [];
  const client = new Client({ name: 'cloudops-mcp-interop-secrets', version: '1.0.0' },
    { capabilities: { elicitation: { form: {}, url: {} } } });
  const completed = [];
  client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => { completed.push(n.params.elicitationId); });
  await client.connect(transport);
  // Every JSON-RPC message in both directions, as the wire carries it.
  const onmessage = transport.onmessage;
  transport.onmessage = (m) => { wire.push(JSON.stringify(m)); onmessage(m); };
  const send = transport.send.bind(transport);
  transport.send = (m, o) => { wire.push(JSON.stringify(m)); return send(m, o); };
  return { client, transport, wire, completed, files, stderr: () => stderr };
}

/** The user: accepts to open each URL, and in the browser types value into the page. */
function userWithBrowser(client, value, { delayMs = 0 } = {}) {
  const seen = { urls: [], messages: [], pages: [] };
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    if (req.params.mode !== 'url') {
      return { action: 'accept', content: { confirm: true } }; // confirmation of a destructive change
    }
    seen.urls.push(req.params.url);
    seen.messages.push(req.params.message);
    // The client returns "accept" once the user agreed to open the URL; the
    // page is filled in afterwards, while the tool call waits.
    seen.pages.push((async () => {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const page = await browser.newPage();
      const res = await page.goto(req.params.url);
      if (res.status() !== 200) return { status: res.status(), text: await page.$eval('main', (m) => m.innerText) };
      const label = await page.$eval('label[for=secret]', (l) => l.textContent);
      const ac = await page.$eval('#secret', (i) => [i.type, i.autocomplete, document.activeElement === i]);
      await page.type('#secret', value);
      if (!shot) { shot = true; await page.screenshot({ path: SCREENSHOT }); }
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      const after = await page.$eval('main', (m) => m.innerText);
      await page.close();
      return { status: 200, label, ac, after };
    })());
    return { action: 'accept' };
  });
  return seen;
}

function digest(v) { return createHash('sha256').update(v).digest('hex'); }

function assertNowhere(s, value, results) {
  const audit = existsSync(s.files.audit) ? readFileSync(s.files.audit, 'utf8') : '';
  for (const [where, body] of [['MCP messages', s.wire.join('\n')], ['server log', s.stderr()], ['audit log', audit],
    ['results', JSON.stringify(results)]]) {
    assert.ok(!body.includes(value), `the planted secret appears in the ${where}`);
  }
}

test('secrets through the one-time page: GitHub OAuth provider, OpenAI integration, Telnyx bearer secret', async () => {
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  const s = await start();
  try {
    const secrets = { github: 'gh-oauth-secret-planted-4f1c9a77e2', openai: 'sk-openai-planted-0b9d3e5a71c4', telnyx: 'tnx-bearer-planted-8e2a61d0f3' };
    const results = [];

    let user = userWithBrowser(s.client, secrets.github);
    const gh = await s.client.callTool({ name: 'cloudbase_modify_provider', arguments: {
      Id: 'github', Config: { ClientSecret: { ask: true } } } });
    results.push(gh);
    assert.equal(gh.isError, undefined, text(gh));
    assert.equal(user.urls.length, 1);
    assert.match(user.urls[0], /^http:\/\/127\.0\.0\.1:\d+\/secret-input\/[A-Za-z0-9_-]{22,}$/);
    assert.match(user.messages[0], new RegExp(`ClientSecret for identity provider github in env ${ENV_ID}`));
    const page = await user.pages[0];
    assert.equal(page.label, 'Secret value');
    assert.deepEqual(page.ac, ['password', 'off', true]);
    assert.match(page.after, /Received/);
    assert.ok(readFileSync(s.files.state, 'utf8').includes(secrets.github), 'the provider does not hold the secret');

    // Single use: the same URL again is refused, and nothing is stored.
    const again = await browser.newPage();
    const res = await again.goto(user.urls[0]);
    assert.equal(res.status(), 410);
    assert.match(await again.$eval('main', (m) => m.innerText), /already used/);
    await again.close();

    user = userWithBrowser(s.client, secrets.openai);
    const oa = await s.client.callTool({ name: 'cloudbase_create_user_key', arguments: {
      name: 'openai-dev', authTypeCode: 'openai_api_key', ext: JSON.stringify({ apiKey: { ask: true }, baseUrl: 'https://api.openai.com/v1' }) } });
    results.push(oa);
    assert.equal(oa.isError, undefined, text(oa));
    assert.match((await user.pages[0]).after, /Received/);
    assert.ok(readFileSync(s.files.state, 'utf8').includes(secrets.openai), 'the integration does not hold the secret');

    user = userWithBrowser(s.client, secrets.telnyx);
    const tx = await s.client.callTool({ name: 'telnyx_create_integration_secret', arguments: {
      identifier: 'openai-bearer', type: 'bearer', token: { ask: true } } });
    results.push(tx);
    assert.equal(tx.isError, undefined, text(tx));
    assert.match((await user.pages[0]).after, /Received/);
    assert.ok(readFileSync(s.files.state, 'utf8').includes(digest(secrets.telnyx)), 'the Telnyx secret does not hold the value');

    assert.equal(s.completed.length, 3, 'one notifications/elicitation/complete per page');
    for (const v of Object.values(secrets)) assertNowhere(s, v, results);
  } finally {
    await s.client.close();
  }
});

test('an expired page is refused and the call says so', async () => {
  const s = await start(['--secret-page-ttl', '1s']);
  try {
    const user = userWithBrowser(s.client, 'never-used-planted-value-1234', { delayMs: 1500 });
    const r = await s.client.callTool({ name: 'telnyx_create_integration_secret', arguments: {
      identifier: 'late', type: 'bearer', token: { ask: true } } });
    assert.equal(r.isError, true);
    assert.match(text(r), /expired before a value was entered; nothing was sent/);
    const page = await user.pages[0];
    assert.equal(page.status, 410);
    assert.match(page.text, /expired/);
  } finally {
    await s.client.close();
  }
});
