import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { BOOT_PRIVATE, BOOT_PUBLIC, digest, startTestLinkplane, type TestLinkplane } from '../support/harness.ts';
import { as, call, createProject, json, V1, V2 } from './auth-helpers.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('private keys are shown once and never stored', () => {
  let dir: string;
  let dbPath: string;
  let t: TestLinkplane;
  let projectId: string;
  const issued: { id: string; publicKey: string; privateKey: string }[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linkplane-keys-'));
    dbPath = join(dir, 'keys.db');
    t = await startTestLinkplane({ db: dbPath });
    projectId = await createProject(t.app, t.orgId, 'keys-project');
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the creation response shows the private key in clear: a lower-case UUIDv4, with an 8-letter public key', async () => {
    const res = await call(t.app, { method: 'POST', url: `${V2}/orgs/${t.orgId}/apiKeys`, body: { desc: 'shown once', roles: ['ORG_MEMBER'] } });
    assert.equal(res.statusCode, 200);
    const k = json(res);
    assert.match(k.privateKey, UUID_V4);
    assert.match(k.publicKey, /^[a-z]{8}$/);
    issued.push(k);
    const fromProject = await call(t.app, { method: 'POST', url: `${V1}/groups/${projectId}/apiKeys`, body: { desc: 'project key', roles: ['GROUP_READ_ONLY'] } });
    assert.equal(fromProject.statusCode, 200);
    assert.match(json(fromProject).privateKey, UUID_V4);
    issued.push(json(fromProject));
    // and the key works with exactly that private key
    assert.equal((await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}` }, k)).statusCode, 200);
  });

  test('every later read masks it as ********-****-****-<last 12>', async () => {
    for (const k of issued) {
      const masked = `********-****-****-${k.privateKey.slice(-12)}`;
      for (const prefix of [V1, V2]) {
        const one = await call(t.app, { method: 'GET', url: `${prefix}/orgs/${t.orgId}/apiKeys/${k.id}` });
        assert.equal(json(one).privateKey, masked);
        const list = json(await call(t.app, { method: 'GET', url: `${prefix}/orgs/${t.orgId}/apiKeys` }));
        assert.equal(list.results.find((x: { id: string }) => x.id === k.id).privateKey, masked);
      }
      const patched = await call(t.app, { method: 'PATCH', url: `${V2}/orgs/${t.orgId}/apiKeys/${k.id}`, body: { desc: 'renamed' } });
      assert.equal(json(patched).privateKey, masked);
      const reassigned = await call(t.app, { method: 'PATCH', url: `${V2}/groups/${projectId}/apiKeys/${k.id}`, body: { roles: ['GROUP_READ_ONLY'] } });
      assert.equal(json(reassigned).privateKey, masked);
    }
    const projectList = json(await call(t.app, { method: 'GET', url: `${V2}/groups/${projectId}/apiKeys` }));
    for (const item of projectList.results) assert.match(item.privateKey, /^\*{8}-\*{4}-\*{4}-[0-9a-f]{12}$/);
    const bootstrap = json(await call(t.app, { method: 'GET', url: `${V2}/orgs/${t.orgId}/apiKeys` })).results[0];
    assert.equal(bootstrap.publicKey, BOOT_PUBLIC);
    assert.equal(bootstrap.privateKey, `********-****-****-${BOOT_PRIVATE.slice(-12)}`);
  });

  test('the api_keys rows hold only the digest HA1 and the last 12 characters', async () => {
    const rows = (
      t.lp.store instanceof PostgresStore
        ? (await t.lp.store.pool.query('SELECT * FROM api_keys')).rows
        : (t.lp.store as SqliteStore).db.prepare('SELECT * FROM api_keys').all()
    ) as Record<string, unknown>[];
    assert.equal(rows.length, 3);
    const all = [...issued, { publicKey: BOOT_PUBLIC, privateKey: BOOT_PRIVATE }];
    for (const k of all) {
      const row = rows.find((r) => r.public_key === k.publicKey)!;
      assert.equal(row.ha1, md5(`${k.publicKey}:MMS Public API:${k.privateKey}`));
      assert.equal(row.private_key_tail, k.privateKey.slice(-12));
      for (const value of Object.values(row)) {
        assert.ok(!String(value).includes(k.privateKey.slice(0, 23)), `row holds the private key: ${String(value)}`);
      }
    }
  });

  test('the database files on disk never contain a private key', async () => {
    const files = [dbPath, `${dbPath}-wal`, `${dbPath}-shm`].filter((f) => existsSync(f));
    assert.ok(files.length >= 1);
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    assert.ok(bytes.length > 0);
    const all = [...issued.map((k) => k.privateKey), BOOT_PRIVATE];
    for (const privateKey of all) {
      for (const needle of [privateKey, privateKey.slice(0, 23), privateKey.replaceAll('-', '')]) {
        assert.equal(bytes.includes(Buffer.from(needle)), false, `found ${needle} on disk`);
        assert.equal(bytes.includes(Buffer.from(needle, 'utf16le')), false, `found ${needle} (UTF-16) on disk`);
      }
    }
    // sanity: what is kept is findable, so the search itself works
    assert.equal(bytes.includes(Buffer.from(md5(`${BOOT_PUBLIC}:MMS Public API:${BOOT_PRIVATE}`))), true);
  });

  test('a key authenticates with its private key even though only the HA1 was kept', async () => {
    for (const k of issued) {
      const res = await digest(t.app, { method: 'GET', url: `${V1}/groups/${projectId}`, ...as(k) });
      assert.equal(res.statusCode, 200, res.body);
    }
  });
});
