// The official CloudBase Node SDK (@cloudbase/manager-node) against the
// sandbox, configured as its README says: TCB_BASE_URL replaces the endpoint.
// It signs TC3 over the hostname without the port, so this fails on a sandbox
// that only accepts the Host header as sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startSandbox, SECRET_ID, SECRET_KEY, ENV_ID } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const CloudBase = require('@cloudbase/manager-node');

let sb;
let app;
before(async () => {
  sb = await startSandbox();
  process.env.TCB_BASE_URL = sb.url;
  app = new CloudBase({ secretId: SECRET_ID, secretKey: SECRET_KEY, envId: ENV_ID });
});
after(async () => {
  delete process.env.TCB_BASE_URL;
  await sb?.stop();
});

test('env: the 11 login/auth operations', async (t) => {
  const env = app.env;
  await t.test('getLoginConfig', async () => {
    const res = await env.getLoginConfig();
    for (const k of ['EmailLogin', 'AnonymousLogin', 'UserNameLogin', 'PhoneNumberLogin']) {
      assert.equal(typeof res[k], 'boolean', k);
    }
    assert.equal(typeof res.SmsVerificationConfig, 'object');
    assert.ok(res.RequestId);
  });
  await t.test('modifyLoginConfig (the seed sample: read, then switch anonymous login on)', async () => {
    const config = await env.getLoginConfig();
    const res = await env.modifyLoginConfig({
      PhoneNumberLogin: config.PhoneNumberLogin, EmailLogin: config.EmailLogin,
      UserNameLogin: config.UserNameLogin, AnonymousLogin: true,
    });
    assert.ok(res.RequestId);
    const after = await env.getLoginConfig();
    assert.equal(after.AnonymousLogin, true);
    assert.deepEqual(after.MfaConfig, config.MfaConfig, 'a sub-object not passed is not modified');
  });
  await t.test('describeClient / modifyClient', async () => {
    const res = await env.modifyClient({ Id: ENV_ID, RefreshTokenExpiresIn: 2592000, AccessTokenExpiresIn: 7200, MaxDevice: 5 });
    assert.ok(res.RequestId);
    const c = await env.describeClient(ENV_ID);
    assert.equal(c.Id, ENV_ID);
    assert.equal(c.MaxDevice, 5);
    await assert.rejects(env.modifyClient({ Id: ENV_ID, MaxDevice: 80 }), (e) => e.code === 'InvalidParameterValue');
  });
  await t.test('getProviders / addProvider / modifyProvider / deleteProvider', async () => {
    const res = await env.addProvider({
      Name: { Message: 'My OAUTH Provider' }, ProviderType: 'OAUTH', Id: 'myoauth',
      Config: {
        ClientId: 'your-client-id', ClientSecret: 'your-client-secret', RedirectUri: 'https://example.com/cb',
        AuthorizationEndpoint: 'https://www.example.com/auth', TokenEndpoint: 'https://www.example.com/token',
        UserinfoEndpoint: 'https://www.example.com/userinfo', Scope: 'openid profile', ResponseType: 'code',
        TokenEndpointAuthMethod: 'CLIENT_SECRET_POST',
      },
      On: 'TRUE',
    });
    assert.ok(res.RequestId);
    await assert.rejects(env.addProvider({ Name: { Message: 'again' }, ProviderType: 'CUSTOM', Id: 'myoauth' }),
      (e) => e.code === 'ResourceInUse');
    await env.modifyProvider({ Id: 'myoauth', On: 'FALSE', Config: { Scope: 'openid email' } });
    const list = await env.getProviders();
    const p = list.Data.find((x) => x.Id === 'myoauth');
    assert.equal(p.On, 'FALSE');
    assert.equal(p.Config.Scope, 'openid email');
    assert.equal(p.Config.ClientId, 'your-client-id', 'incremental: other Config fields kept');
    assert.equal(list.Total, list.Data.length);
    await env.deleteProvider('myoauth');
    assert.ok(!(await env.getProviders()).Data.some((x) => x.Id === 'myoauth'));
  });
  await t.test('createApiKey / describeApiKeyList / deleteApiKey', async () => {
    const created = await env.createApiKey({ KeyType: 'api_key', KeyName: 'server-prod', ExpireIn: 86400 });
    assert.ok(created.KeyId);
    assert.match(created.ApiKey, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'a JWT, returned once');
    const list = await env.describeApiKeyList({ KeyType: 'api_key', PageNumber: 1, PageSize: 10 });
    const listed = list.Data.find((k) => k.KeyId === created.KeyId);
    assert.ok(listed);
    assert.notEqual(listed.ApiKey, created.ApiKey, 'lists mask api_key tokens');
    await env.deleteApiKey(created.KeyId);
    await env.deleteApiKey(created.KeyId); // idempotent
    assert.ok(!(await env.describeApiKeyList({ KeyType: 'api_key' })).Data.some((k) => k.KeyId === created.KeyId));
    await assert.rejects(env.createApiKey({ KeyType: 'api_key', ExpireIn: 60 }), (e) => e.code === 'InvalidParameterValue');
  });
});

test('integration: templates and user keys', async (t) => {
  const integration = app.integration;
  let templates;
  await t.test('listTemplates', async () => {
    const res = await integration.listTemplates({ limit: 20 });
    assert.ok(res.TotalCount >= res.KeyTemplateList.length);
    templates = res.KeyTemplateList;
    const basic = templates.find((x) => x.AuthTypeCode === 'basic_auth');
    assert.ok(basic, 'the basic_auth template');
    assert.ok(JSON.parse(basic.Ext).fields.some((f) => f.type === 'password'));
  });
  await t.test('createUserKey / getUserKey / listUserKeys / updateUserKey / deleteUserKey', async () => {
    const ext = JSON.stringify({ baseUrl: 'https://crm.example.com', username: 'svc', password: 'ciphertext-from-the-console' });
    const created = await integration.createUserKey({ name: 'sdk-crm', keyId: 'sdk-crm-1', authTypeCode: 'basic_auth', ext });
    assert.equal(created.CreateResult, 0);
    const one = await integration.getUserKey({ keyId: 'sdk-crm-1' });
    assert.equal(one.UserKeyInfo.Name, 'sdk-crm');
    assert.notEqual(JSON.parse(one.UserKeyInfo.Ext).password, 'ciphertext-from-the-console', 'masked without needPwd');
    const withPwd = await integration.getUserKey({ keyId: 'sdk-crm-1', needPwd: true });
    assert.equal(JSON.parse(withPwd.UserKeyInfo.Ext).password, 'ciphertext-from-the-console');
    const list = await integration.listUserKeys({ name: 'SDK-CRM' });
    assert.deepEqual(list.UserKeyList.map((k) => k.KeyID), ['sdk-crm-1']);
    const updated = await integration.updateUserKey({ keyId: 'sdk-crm-1', description: 'updated description' });
    assert.equal(updated.UpdateResult, 0);
    const again = await integration.getUserKey({ keyId: 'sdk-crm-1', needPwd: true });
    assert.equal(again.UserKeyInfo.Description, 'updated description');
    assert.equal(again.UserKeyInfo.Ext, ext, 'no ext: the stored Ext is kept');
    const deleted = await integration.deleteUserKey({ keyId: 'sdk-crm-1' });
    assert.equal(deleted.DeleteResult, 0);
    await assert.rejects(integration.getUserKey({ keyId: 'sdk-crm-1' }), (e) => e.code === 'ResourceNotFound');
  });
});
