// The same checks over every transport: what any MCP client does first.
import assert from 'node:assert/strict';
import { ENV_ID, text } from './harness.mjs';

export async function runScenario(t, client) {
  await t.test('initialize: the server names itself and offers tools', () => {
    assert.equal(client.getServerVersion()?.name, 'cloudops-mcp');
    assert.ok(client.getServerCapabilities()?.tools, 'tools capability');
  });

  await t.test('tools/list: the auth tools with object input schemas', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((x) => x.name);
    for (const want of ['cloudbase_get_login_config', 'cloudbase_modify_client', 'cloudbase_describe_client']) {
      assert.ok(names.includes(want), `${want} in ${names.join(', ')}`);
    }
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', `${tool.name} input schema`);
      assert.equal(typeof tool.description, 'string');
    }
    const read = tools.find((x) => x.name === 'cloudbase_get_login_config');
    assert.equal(read.annotations?.readOnlyHint, true);
  });

  await t.test('read tool: cloudbase_get_login_config', async () => {
    // The SDK validates structuredContent against the tool's output schema.
    const res = await client.callTool({ name: 'cloudbase_get_login_config', arguments: {} });
    assert.ok(!res.isError, text(res));
    assert.equal(typeof res.structuredContent.PhoneNumberLogin, 'boolean');
    assert.ok(res.structuredContent.RequestId);
  });

  await t.test('write tool: cloudbase_modify_client changes and reads back', async () => {
    const maxDevice = 1 + Math.floor(Math.random() * 50);
    const res = await client.callTool({ name: 'cloudbase_modify_client', arguments: { Id: ENV_ID, MaxDevice: maxDevice } });
    assert.ok(!res.isError, text(res));
    assert.equal(res.structuredContent.After.MaxDevice, maxDevice);
    const after = await client.callTool({ name: 'cloudbase_describe_client', arguments: { Id: ENV_ID } });
    assert.equal(after.structuredContent.MaxDevice, maxDevice);
  });

  await t.test('invalid call: a tool error naming the field and the rule', async () => {
    const res = await client.callTool({ name: 'cloudbase_modify_client', arguments: { Id: ENV_ID, MaxDevice: 999 } });
    assert.equal(res.isError, true);
    assert.match(text(res), /MaxDevice/);
    assert.match(text(res), /50/);
  });

  await t.test('unknown tool: a protocol error, and the server keeps serving', async () => {
    await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }));
    const res = await client.callTool({ name: 'cloudbase_get_login_config', arguments: {} });
    assert.ok(!res.isError, text(res));
  });

  await t.test('resources and prompts, where the server advertises them', async (st) => {
    const caps = client.getServerCapabilities() || {};
    if (!caps.resources && !caps.prompts) {
      st.diagnostic('server advertises neither resources nor prompts');
      return;
    }
    if (caps.resources) {
      const { resources } = await client.listResources();
      assert.ok(Array.isArray(resources));
      const { resourceTemplates } = await client.listResourceTemplates();
      assert.ok(Array.isArray(resourceTemplates));
      if (resources.length > 0) {
        const got = await client.readResource({ uri: resources[0].uri });
        assert.ok(got.contents.length > 0, `contents of ${resources[0].uri}`);
      }
    }
    if (caps.prompts) {
      const { prompts } = await client.listPrompts();
      assert.ok(Array.isArray(prompts));
      // Every prompt without required arguments renders with none given
      // (it shows the current state and asks).
      const optional = prompts.filter((p) => !(p.arguments || []).some((a) => a.required));
      for (const p of optional) {
        const got = await client.getPrompt({ name: p.name, arguments: {} });
        assert.ok(got.messages.length > 0, `messages of ${p.name}`);
      }
      assert.ok(optional.length >= 3, `prompts with only optional arguments: ${optional.map((p) => p.name)}`);
    }
  });

  await t.test('bad prompt argument and unknown resource: the JSON-RPC codes MCP prescribes', async () => {
    const caps = client.getServerCapabilities() || {};
    if (caps.prompts) {
      await assert.rejects(client.getPrompt({ name: 'enable_login_methods', arguments: { enable: 'sms' } }),
        (err) => err.code === -32602 && /enable/.test(err.message) && /phone, email/.test(err.message));
    }
    if (caps.resources) {
      await assert.rejects(client.readResource({ uri: 'cloudbase://providers/nope' }),
        (err) => err.code === -32002 && /cloudbase:\/\/providers\/nope/.test(err.message) && /github/.test(err.message));
    }
  });
}
