import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLinkplane, type Linkplane } from '../../src/linkplane.ts';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { BOOT_PRIVATE, BOOT_PUBLIC, digest, startTestLinkplane, TestClock } from '../support/harness.ts';
import { assertChallenge, json, signed, V1 } from './auth-helpers.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function count(lp: Linkplane, table: 'organizations' | 'api_keys'): number {
  return ((lp.store as SqliteStore).db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('bootstrap', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'linkplane-boot-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('with fixed keys: one organization and one ORG_OWNER key with exactly those credentials', async () => {
    const t = await startTestLinkplane({ db: join(dir, 'fixed.db') });
    try {
      assert.deepEqual(t.lp.bootstrap, { created: true, orgId: t.orgId, publicKey: BOOT_PUBLIC, privateKey: undefined });
      assert.equal(count(t.lp, 'organizations'), 1);
      assert.equal(count(t.lp, 'api_keys'), 1);
      const orgs = json(await digest(t.app, { method: 'GET', url: `${V1}/orgs` }));
      assert.deepEqual(orgs.results.map((o: { id: string; name: string }) => [o.id, o.name]), [[t.orgId, 'linkplane']]);
      const keys = json(await digest(t.app, { method: 'GET', url: `${V1}/orgs/${t.orgId}/apiKeys` }));
      assert.deepEqual(keys.results[0].roles, [{ orgId: t.orgId, roleName: 'ORG_OWNER' }]);
    } finally {
      await t.close();
    }
  });

  test('restarting on the same SQLite file never makes a second organization or key', async () => {
    const db = join(dir, 'restart.db');
    const first = await startTestLinkplane({ db });
    const orgId = first.orgId;
    const made = await digest(first.app, { method: 'POST', url: `${V1}/groups`, body: { name: 'survives', orgId } });
    assert.equal(made.statusCode, 201);
    await first.close();

    for (let i = 0; i < 2; i++) {
      const again = await startTestLinkplane({ db, bootstrapOrgName: 'another-name' });
      try {
        assert.deepEqual(again.lp.bootstrap, { created: false });
        assert.equal(again.orgId, orgId);
        assert.equal(count(again.lp, 'organizations'), 1);
        assert.equal(count(again.lp, 'api_keys'), 1);
        const orgs = json(await digest(again.app, { method: 'GET', url: `${V1}/orgs` }));
        assert.deepEqual(orgs.results.map((o: { name: string }) => o.name), ['linkplane']);
        const byName = await digest(again.app, { method: 'GET', url: `${V1}/groups/byName/survives` });
        assert.equal(byName.statusCode, 200);
        assert.equal(json(byName).id, json(made).id);
      } finally {
        await again.close();
      }
    }

    // even a restart with other fixed keys, or none, leaves the store alone
    for (const keys of [{ bootstrapPublicKey: 'newpubkey', bootstrapPrivateKey: '11111111-2222-4333-8444-555555555555' }, { bootstrapPublicKey: undefined, bootstrapPrivateKey: undefined }]) {
      const again = await startTestLinkplane({ db, ...keys });
      try {
        assert.deepEqual(again.lp.bootstrap, { created: false });
        assert.equal(count(again.lp, 'organizations'), 1);
        assert.equal(count(again.lp, 'api_keys'), 1);
        assertChallenge(await digest(again.app, { method: 'GET', url: `${V1}/orgs`, user: 'newpubkey', pass: '11111111-2222-4333-8444-555555555555' }));
        assert.equal((await digest(again.app, { method: 'GET', url: `${V1}/orgs`, user: BOOT_PUBLIC, pass: BOOT_PRIVATE })).statusCode, 200);
      } finally {
        await again.close();
      }
    }
  });

  test('without fixed keys: an 8-letter public key and a UUIDv4 private key, shown once, that authenticate', async () => {
    const db = join(dir, 'generated.db');
    const clock = new TestClock();
    const config: Config = {
      ...loadConfig({}, { LINKPLANE_SIM_TIME_SCALE: '0' }),
      db,
      nodeId: 'boot-test',
      bootstrapPublicKey: undefined,
      bootstrapPrivateKey: undefined,
    };
    const lp = await createLinkplane(config, { now: clock.now, startReconciler: false });
    let publicKey: string;
    let privateKey: string;
    try {
      assert.equal(lp.bootstrap.created, true);
      publicKey = lp.bootstrap.publicKey!;
      privateKey = lp.bootstrap.privateKey!;
      assert.match(publicKey, /^[a-z]{8}$/);
      assert.match(privateKey, UUID_V4);
      assert.match(lp.bootstrap.orgId!, /^[a-f0-9]{24}$/);
      const res = await digest(lp.server, { method: 'GET', url: `${V1}/orgs/${lp.bootstrap.orgId}/apiKeys`, user: publicKey, pass: privateKey });
      assert.equal(res.statusCode, 200);
      const key = json(res).results[0];
      assert.equal(key.publicKey, publicKey);
      assert.equal(key.privateKey, `********-****-****-${privateKey.slice(-12)}`);
      assert.deepEqual(key.roles, [{ orgId: lp.bootstrap.orgId, roleName: 'ORG_OWNER' }]);
    } finally {
      await lp.close();
    }

    const restarted = await createLinkplane(config, { now: clock.now, startReconciler: false });
    try {
      assert.deepEqual(restarted.bootstrap, { created: false });
      assert.equal(count(restarted, 'organizations'), 1);
      assert.equal(count(restarted, 'api_keys'), 1);
      assert.equal((await digest(restarted.server, { method: 'GET', url: `${V1}/orgs`, user: publicKey, pass: privateKey })).statusCode, 200);
    } finally {
      await restarted.close();
    }
  });

  test('digest nonces survive a restart on the same store (the nonce secret is stored)', async () => {
    const db = join(dir, 'nonce.db');
    const first = await startTestLinkplane({ db });
    const challenge = await first.app.inject({ method: 'GET', url: `${V1}/orgs` });
    const nonce = assertChallenge(challenge);
    await first.close();
    const second = await startTestLinkplane({ db });
    try {
      const res = await signed(second.app, { method: 'GET', url: `${V1}/orgs`, user: BOOT_PUBLIC, pass: BOOT_PRIVATE, nonce });
      assert.equal(res.statusCode, 200);
    } finally {
      await second.close();
    }
  });
});
