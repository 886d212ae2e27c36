// The official Tencent Cloud Node SDK's tcb v20180608 client against the
// sandbox: the 11 login/auth actions, each answer checked against the SDK's
// own response model (tcb_models.d.ts): every field the model declares is
// present with the declared type, and nothing the model lacks is there.
// The SDK derives the signing service from the endpoint's first DNS label, so
// it is pointed at tcb.localhost:PORT, resolved to loopback by the agent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { startSandbox, SECRET_ID, SECRET_KEY, ENV_ID } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const clientPath = require.resolve('tencentcloud-sdk-nodejs/tencentcloud/services/tcb/v20180608/tcb_client.js');
const { Client } = require(clientPath);
const models = parseModels(readFileSync(clientPath.replace(/tcb_client\.js$/, 'tcb_models.d.ts'), 'utf8'));

/** interface name -> { field: { type, optional } } from the SDK's declarations. */
function parseModels(src) {
  const out = {};
  for (const m of src.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g)) {
    const fields = {};
    for (const f of m[2].matchAll(/\n\s+(\w+)(\??): ([^;]+);/g)) {
      fields[f[1]] = { type: f[3].trim(), optional: f[2] === '?' };
    }
    out[m[1]] = fields;
  }
  return out;
}

/** Problems of value against the declared type at path; [] when it fits. */
function check(value, type, path, problems) {
  type = type.replace(/\s*\|\s*null$/, '');
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) {
    if (!Array.isArray(value)) return problems.push(`${path}: want an array, got ${JSON.stringify(value)}`);
    value.forEach((v, i) => check(v, arr[1], `${path}[${i}]`, problems));
    return;
  }
  if (['string', 'number', 'boolean'].includes(type)) {
    if (typeof value !== type) problems.push(`${path}: want ${type}, got ${JSON.stringify(value)}`);
    return;
  }
  const model = models[type];
  if (!model) return problems.push(`${path}: type ${type} is not in the SDK's models`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return problems.push(`${path}: want a ${type} object, got ${JSON.stringify(value)}`);
  }
  for (const k of Object.keys(value)) {
    if (!model[k]) problems.push(`${path}.${k}: not a field of the SDK's ${type}`);
    else check(value[k], model[k].type, `${path}.${k}`, problems);
  }
  for (const [k, f] of Object.entries(model)) {
    if (!f.optional && !(k in value)) problems.push(`${path}.${k}: required by ${type}, missing`);
  }
}

/** The answer fits <action>Response: every declared field present (except those in absentOK) with its type, nothing else. */
function assertFitsModel(action, res, absentOK = []) {
  const model = models[`${action}Response`];
  assert.ok(model, `${action}Response in the SDK's models`);
  const problems = [];
  check(res, `${action}Response`, action, problems);
  for (const k of Object.keys(model)) {
    if (!(k in res) && !absentOK.includes(k)) problems.push(`${action}.${k}: declared by the SDK's model, missing`);
  }
  assert.deepEqual(problems, [], `${action} answer vs the SDK model:\n${JSON.stringify(res, null, 1)}`);
}

let sb;
let tcb;
let tcbGet;
before(async () => {
  sb = await startSandbox();
  const lookup = (hostname, opts, cb) => (opts && opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4));
  const agent = new http.Agent({ lookup });
  const cfg = (reqMethod) => ({
    credential: { secretId: SECRET_ID, secretKey: SECRET_KEY },
    region: 'ap-shanghai',
    profile: { httpProfile: { endpoint: `tcb.localhost:${sb.port}`, protocol: 'http://', agent, reqMethod } },
  });
  tcb = new Client(cfg('POST'));
  tcbGet = new Client(cfg('GET'));
});
after(async () => sb?.stop());

test('tcb v20180608: the 11 actions, answers checked against the SDK response models', async (t) => {
  await t.test('DescribeLoginConfig', async () => {
    assertFitsModel('DescribeLoginConfig', await tcb.DescribeLoginConfig({ EnvId: ENV_ID }));
  });
  await t.test('DescribeLoginConfig over GET (parameters in the query string)', async () => {
    assertFitsModel('DescribeLoginConfig', await tcbGet.DescribeLoginConfig({ EnvId: ENV_ID }));
  });
  await t.test('ModifyLoginConfig', async () => {
    const cur = await tcb.DescribeLoginConfig({ EnvId: ENV_ID });
    assertFitsModel('ModifyLoginConfig', await tcb.ModifyLoginConfig({
      EnvId: ENV_ID, PhoneNumberLogin: cur.PhoneNumberLogin, EmailLogin: cur.EmailLogin,
      UserNameLogin: cur.UserNameLogin, AnonymousLogin: !cur.AnonymousLogin,
    }));
  });
  await t.test('DescribeClient / ModifyClient', async () => {
    assertFitsModel('ModifyClient', await tcb.ModifyClient({ EnvId: ENV_ID, Id: ENV_ID, MaxDevice: 3 }));
    const c = await tcb.DescribeClient({ EnvId: ENV_ID, Id: ENV_ID });
    assertFitsModel('DescribeClient', c);
    assert.equal(c.MaxDevice, 3);
    assertFitsModel('ModifyClient', await tcbGet.ModifyClient({ EnvId: ENV_ID, Id: ENV_ID, MaxDevice: 4 }));
    assert.equal((await tcb.DescribeClient({ EnvId: ENV_ID, Id: ENV_ID })).MaxDevice, 4, 'GET parameters are typed');
  });
  await t.test('GetProviders / AddProvider / ModifyProvider / DeleteProvider', async () => {
    assertFitsModel('AddProvider', await tcb.AddProvider({
      EnvId: ENV_ID, Id: 'sdksaml', ProviderType: 'SAML', Name: { Message: 'SDK SAML', Localized: [{ Message: 'SAML', Locale: 'en' }] },
      Config: { SamlMetadata: '<EntityDescriptor entityID="https://idp.example.com"/>' },
    }));
    assertFitsModel('ModifyProvider', await tcb.ModifyProvider({ EnvId: ENV_ID, Id: 'sdksaml', On: 'FALSE' }));
    const list = await tcb.GetProviders({ EnvId: ENV_ID });
    assertFitsModel('GetProviders', list);
    assert.equal(list.Data.find((p) => p.Id === 'sdksaml').On, 'FALSE');
    assertFitsModel('DeleteProvider', await tcb.DeleteProvider({ EnvId: ENV_ID, Id: 'sdksaml' }));
  });
  await t.test('CreateApiKey / DescribeApiKeyList / DeleteApiKey', async () => {
    const key = await tcb.CreateApiKey({ EnvId: ENV_ID, KeyType: 'api_key', KeyName: 'sdk', ExpireIn: 7200 });
    assertFitsModel('CreateApiKey', key);
    const list = await tcb.DescribeApiKeyList({ EnvId: ENV_ID, KeyType: 'api_key', PageNumber: 1, PageSize: 10 });
    assertFitsModel('DescribeApiKeyList', list);
    assert.ok(list.Data.some((k) => k.KeyId === key.KeyId));
    assertFitsModel('DeleteApiKey', await tcb.DeleteApiKey({ EnvId: ENV_ID, KeyId: key.KeyId }));
  });
  await t.test('a cloud error is the SDK\'s TencentCloudSDKHttpException with code and request id', async () => {
    await assert.rejects(tcb.DescribeClient({ EnvId: ENV_ID, Id: 'no-such-client' }), (e) => {
      assert.equal(e.code, 'ResourceNotFound');
      assert.ok(e.requestId);
      return true;
    });
  });
});
