import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { digest, startTestLinkplane, v2, type TestLinkplane } from '../support/harness.ts';

let t: TestLinkplane;
before(async () => {
  t = await startTestLinkplane();
});
after(() => t.close());

function sample(text: string, line: string): number | undefined {
  const row = text.split('\n').find((l) => l.startsWith(line + ' '));
  return row === undefined ? undefined : Number(row.slice(line.length + 1));
}

test('GET /metrics answers without authentication in the Prometheus text format, counting requests by operation and status', async () => {
  const created = await digest(t.app, v2({ method: 'POST', url: '/api/atlas/v2/groups', body: { name: 'metrics', orgId: t.orgId } }));
  assert.equal(created.statusCode, 201);
  const id = JSON.parse(created.body).id as string;
  for (let i = 0; i < 3; i++) assert.equal((await digest(t.app, v2({ method: 'GET', url: `/api/atlas/v2/groups/${id}` }))).statusCode, 200);
  assert.equal((await digest(t.app, v2({ method: 'GET', url: '/api/atlas/v2/groups/aaaaaaaaaaaaaaaaaaaaaaaa' }))).statusCode, 404);

  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  assert.equal(sample(res.body, 'linkplane_http_requests_total{operation="createGroup",method="POST",status="201"}'), 1);
  assert.equal(sample(res.body, 'linkplane_http_requests_total{operation="getGroup",method="GET",status="200"}'), 3);
  assert.equal(sample(res.body, 'linkplane_http_requests_total{operation="getGroup",method="GET",status="404"}'), 1);
  // every digest exchange starts with a challenge, counted under the operation too
  assert.equal(sample(res.body, 'linkplane_http_requests_total{operation="getGroup",method="GET",status="401"}'), 4);
  assert.equal(sample(res.body, 'linkplane_http_request_duration_seconds_count{operation="getGroup"}'), 8);
  assert.ok((sample(res.body, 'linkplane_process_resident_memory_bytes') ?? 0) > 0);
});

test('with LINKPLANE_METRICS=off there is no /metrics route (an unauthenticated request gets the digest challenge)', async () => {
  const off = await startTestLinkplane({}, { LINKPLANE_METRICS: 'off' });
  try {
    const res = await off.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 401);
    assert.match(String(res.headers['www-authenticate']), /^Digest realm="MMS Public API"/);
  } finally {
    await off.close();
  }
});
