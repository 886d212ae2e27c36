// The official Telnyx Node SDK (telnyx 7.24.0, reference/telnyx.md) against
// the sandbox: all 24 operations, auto-pagination, and the error classes with
// the {"errors":[{code,title,detail,source}]} envelope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import Telnyx from 'telnyx';
import { startSandbox, TELNYX_KEY } from './sandbox.mjs';

let sb;
let client;
before(async () => {
  sb = await startSandbox();
  client = new Telnyx({ apiKey: TELNYX_KEY, baseURL: `${sb.url}/v2`, maxRetries: 0 });
});
after(async () => sb?.stop());

// The sandbox's seeded WebRTC credential: a name-based UUID (telnyx_seed.go).
function nameUUID(name) {
  const sum = createHash('sha1').update(`cloudops-mcp sandbox/${name}`).digest();
  sum[6] = (sum[6] & 0x0f) | 0x50;
  sum[8] = (sum[8] & 0x3f) | 0x80;
  const h = sum.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function all(pagePromise) {
  const out = [];
  for await (const item of pagePromise) out.push(item);
  return out;
}

test('access IP addresses: list, create, retrieve, delete', async () => {
  const created = await client.accessIPAddress.create({ ip_address: '203.0.113.77', description: 'sdk' });
  assert.equal(created.ip_address, '203.0.113.77');
  assert.equal(created.status, 'pending');
  const got = await client.accessIPAddress.retrieve(created.id);
  assert.equal(got.description, 'sdk');
  const page = await client.accessIPAddress.list({ filter: { ip_address: '203.0.113.77' } });
  assert.deepEqual(page.data.map((a) => a.id), [created.id]);
  const since = await client.accessIPAddress.list({ filter: { created_at: { gt: '2000-01-01T00:00:00Z', lt: '2999-01-01T00:00:00Z' } } });
  assert.ok(since.data.some((a) => a.id === created.id), 'created_at gt/lt');
  const none = await client.accessIPAddress.list({ filter: { created_at: { gt: '2999-01-01T00:00:00Z' } } });
  assert.equal(none.data.length, 0, 'a gt filter in the future returns nothing (it is not ignored)');
  const deleted = await client.accessIPAddress.delete(created.id);
  assert.equal(deleted.id, created.id);
});

test('addresses: list, create, validate, retrieve, accept suggestions, delete', async () => {
  const { data: created } = await client.addresses.create({
    first_name: 'Ada', last_name: 'Lovelace', business_name: 'Analytical Engines', street_address: '1 main street',
    locality: 'Boston', country_code: 'US', postal_code: '02110', customer_reference: 'sdk-boston',
  });
  assert.ok(created.id);
  const { data: v } = await client.addresses.actions.validate({ street_address: '1 main street', postal_code: '02110', country_code: 'US' });
  assert.equal(v.result, 'valid');
  assert.equal(v.suggested.locality, 'Boston');
  const { data: got } = await client.addresses.retrieve(created.id);
  assert.equal(got.customer_reference, 'sdk-boston');
  const contains = await client.addresses.list({ filter: { customer_reference: { contains: 'SDK-BOS' } } });
  assert.deepEqual(contains.data.map((a) => a.id), [created.id], 'customer_reference contains');
  const eq = await client.addresses.list({ filter: { customer_reference: { eq: 'sdk-boston' } }, sort: 'street_address' });
  assert.deepEqual(eq.data.map((a) => a.id), [created.id]);
  const { data: acc } = await client.addresses.actions.acceptSuggestions(created.id);
  assert.equal(acc.accepted, true);
  const { data: del } = await client.addresses.delete(created.id);
  assert.equal(del.id, created.id);
});

test('authentication providers: list, create, retrieve, update, delete', async () => {
  const settings = { idp_entity_id: 'https://idp.example.com/saml', idp_sso_target_url: 'https://idp.example.com/sso',
    idp_cert_fingerprint: '13:38:C7:BB:C9:FF:4A:70:38:3A:E3:D9:5C:CD:DB:2E:50:1E:80:A7', idp_cert_fingerprint_algorithm: 'sha1' };
  const { data: created } = await client.authenticationProviders.create({ name: 'SDK IdP', short_name: 'sdk-idp', settings });
  assert.equal(created.short_name, 'sdk-idp');
  const { data: got } = await client.authenticationProviders.retrieve(created.id);
  assert.equal(got.settings.idp_entity_id, settings.idp_entity_id);
  const { data: upd } = await client.authenticationProviders.update(created.id, { name: 'SDK IdP 2' });
  assert.equal(upd.name, 'SDK IdP 2');
  const list = await client.authenticationProviders.list({ sort: 'name' });
  assert.ok(list.data.some((p) => p.id === created.id));
  const { data: del } = await client.authenticationProviders.delete(created.id);
  assert.equal(del.id, created.id);
});

test('billing groups: list, create, retrieve, update, delete, and auto-pagination', async () => {
  const { data: created } = await client.billingGroups.create({ name: 'SDK group' });
  assert.equal(created.record_type, 'billing_group');
  const { data: got } = await client.billingGroups.retrieve(created.id);
  assert.equal(got.name, 'SDK group');
  const { data: upd } = await client.billingGroups.update(created.id, { name: 'SDK group 2' });
  assert.equal(upd.name, 'SDK group 2');
  const whole = (await client.billingGroups.list({ 'page[size]': 250 })).data;
  assert.ok(whole.length >= 3, 'enough records to page');
  // The SDK follows meta.page_number / meta.total_pages on its own.
  const paged = await all(client.billingGroups.list({ 'page[size]': 1 }));
  assert.deepEqual(paged.map((g) => g.id), whole.map((g) => g.id));
  const first = await client.billingGroups.list({ 'page[size]': 2 });
  assert.equal(first.meta.page_number, 1);
  assert.equal(first.meta.total_pages, Math.ceil(whole.length / 2));
  assert.ok(first.hasNextPage());
  const { data: del } = await client.billingGroups.delete(created.id);
  assert.ok(del.deleted_at);
});

test('integration secrets: list, create, delete; telephony credential token', async () => {
  const { data: created } = await client.integrationSecrets.create({ identifier: 'sdk_bearer', type: 'bearer', token: 'planted-sdk-token-value' });
  assert.equal(created.identifier, 'sdk_bearer');
  assert.ok(!JSON.stringify(created).includes('planted-sdk-token-value'), 'the value is write-only');
  const bearer = await all(client.integrationSecrets.list({ filter: { type: 'bearer' } }));
  assert.ok(bearer.some((s) => s.id === created.id));
  const basic = await all(client.integrationSecrets.list({ filter: { type: 'basic' } }));
  assert.ok(!basic.some((s) => s.id === created.id));
  assert.equal(await client.integrationSecrets.delete(created.id), null, '204 without a body');
  const token = await client.telephonyCredentials.createToken(nameUUID('telephony-credential/webrtc-demo'));
  assert.equal(typeof token, 'string');
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'a text/plain JWT');
});

test('error classes: 401, 404, 422 with the errors envelope', async () => {
  const wrong = new Telnyx({ apiKey: 'not-the-key', baseURL: `${sb.url}/v2`, maxRetries: 0 });
  await assert.rejects(wrong.billingGroups.list(), (e) => {
    assert.ok(e instanceof Telnyx.AuthenticationError, e.constructor.name);
    assert.equal(e.status, 401);
    assert.equal(e.error.errors[0].code, '10009');
    return true;
  });
  await assert.rejects(client.billingGroups.retrieve('00000000-0000-4000-8000-000000000000'), (e) => {
    assert.ok(e instanceof Telnyx.NotFoundError, e.constructor.name);
    assert.equal(e.status, 404);
    const [item] = e.error.errors;
    assert.equal(item.code, '10005');
    assert.ok(item.title && item.detail);
    return true;
  });
  await assert.rejects(client.accessIPAddress.create({ ip_address: 'not-an-ip' }), (e) => {
    assert.ok(e instanceof Telnyx.UnprocessableEntityError, e.constructor.name);
    assert.equal(e.status, 422);
    const [item] = e.error.errors;
    assert.ok(item.code && item.title && item.detail);
    assert.equal(item.source.pointer, '/ip_address');
    return true;
  });
  await assert.rejects(client.addresses.list({ filter: { city: 'Oslo' } }), (e) => {
    assert.ok(e instanceof Telnyx.BadRequestError, e.constructor.name);
    assert.equal(e.error.errors[0].source.parameter, 'filter[city]', 'an unknown filter is named, not ignored');
    return true;
  });
});
