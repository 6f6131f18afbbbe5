import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.ts';
import { createDatabase, PG_URL, withPostgres, type TestDatabase } from '../support/postgres.ts';
import {
  DigestClient,
  pollUntil,
  startCluster,
  type Cluster,
  type NodeProcess,
  type Res,
} from '../support/cluster.ts';

/**
 * Scale-out: three real `linkplane serve` processes on one PostgreSQL database behind a client that
 * sends each request to the next node in turn. Proves that a digest challenge from one node is
 * answered at another, that Atlas's uniqueness rules and rate limits hold across nodes, that every
 * lifecycle completes whichever node reconciles it, and that a node killed with `kill -9` in the
 * middle of work loses nothing acknowledged and leaves nothing stuck (its leases expire after
 * LINKPLANE_LEASE_MS and another node takes over).
 *
 * Needs LINKPLANE_TEST_PG_URL (an admin URL; the test creates and drops its own database).
 */

const LEASE_MS = 1000;
const V2 = '/api/atlas/v2';

type Provider = 'AWS' | 'AZURE' | 'GCP';
const PROVIDERS: readonly Provider[] = ['AWS', 'AZURE', 'GCP'];
const REGIONS: Record<Provider, readonly string[]> = {
  AWS: ['US_EAST_1', 'US_EAST_2', 'US_WEST_1', 'US_WEST_2', 'EU_WEST_1', 'EU_WEST_2', 'EU_CENTRAL_1', 'AP_SOUTH_1'],
  AZURE: ['US_EAST', 'US_EAST_2', 'US_WEST', 'US_WEST_2', 'EUROPE_NORTH', 'EUROPE_WEST', 'UK_SOUTH', 'ASIA_EAST'],
  GCP: ['CENTRAL_US', 'EASTERN_US', 'US_EAST_4', 'WESTERN_EUROPE', 'EUROPE_NORTH_1', 'ASIA_SOUTH_1', 'ASIA_EAST_2', 'AFRICA_SOUTH_1'],
};

/** A create-endpoint body and the id it is addressed by; `n` makes distinct ids. */
function endpointOf(provider: Provider, n: number): { body: Record<string, unknown>; id: string } {
  switch (provider) {
    case 'AWS': {
      const id = `vpce-${n.toString(16).padStart(17, '0')}`;
      return { body: { id }, id };
    }
    case 'AZURE': {
      const id = `/subscriptions/4e133d35-e734-4380-a565-c0945535da37/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe${n}`;
      return { body: { id, privateEndpointIPAddress: `10.0.${n >> 8}.${n & 255}` }, id };
    }
    case 'GCP': {
      const name = `group-${n}`;
      return {
        body: {
          endpointGroupName: name,
          gcpProjectId: 'p-abcdefghij0123456789abcd',
          endpoints: [0, 1].map((i) => ({ endpointName: `${name}-${i}`, ipAddress: `10.1.${n & 255}.${i + 4}` })),
        },
        id: name,
      };
    }
  }
}

const servicePath = (g: string, p: Provider, id: string) => `${V2}/groups/${g}/privateEndpoint/${p}/endpointService/${id}`;
const endpointPath = (g: string, p: Provider, sid: string, eid: string) => `${servicePath(g, p, sid)}/endpoint/${encodeURIComponent(eid)}`;

withPostgres('multi-node on PostgreSQL', () => {
  describe('three linkplane nodes on one PostgreSQL database', { timeout: 60_000 }, () => {
    let db: TestDatabase | undefined;
    let cluster: Cluster | undefined;
    let sql: pg.Pool | undefined;
    let client: DigestClient;
    let reuse: DigestClient;
    const clients: DigestClient[] = [];
    let orgId: string;

    const nodes = (): readonly NodeProcess[] => cluster?.nodes ?? [];

    /** Fails with the nodes' logs attached. */
    const check = async (what: string, fn: () => Promise<void>): Promise<void> => {
      try {
        await fn();
      } catch (e) {
        (e as Error).message += `\n\n${what}: node output follows\n${cluster?.outputs() ?? ''}`;
        throw e;
      }
    };

    const createProject = async (name: string): Promise<string> => {
      const r = await client.request('POST', `${V2}/groups`, { name, orgId });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };

    /** Creates a service and waits (each look at the next node) until it is AVAILABLE. */
    const availableService = async (groupId: string, provider: Provider, region: string): Promise<string> => {
      const r = await client.request('POST', `${V2}/groups/${groupId}/privateEndpoint/endpointService`, { providerName: provider, region });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.id as string;
      await pollUntil(`${provider} service ${id} AVAILABLE`, async () => {
        const g = await reuse.request('GET', servicePath(groupId, provider, id));
        return g.status === 200 && g.body.status === 'AVAILABLE' ? true : undefined;
      });
      return id;
    };

    before(async () => {
      db = await createDatabase(PG_URL, 'lp_e2e');
      sql = new pg.Pool({ connectionString: db.url, max: 2, application_name: 'linkplane-test-observer' });
      sql.on('error', () => {});
      cluster = await startCluster(3, {
        db: db.url,
        env: {
          LINKPLANE_SIM_TIME_SCALE: '0.002',
          LINKPLANE_RECONCILE_INTERVAL_MS: '20',
          LINKPLANE_LEASE_MS: String(LEASE_MS),
          LINKPLANE_RATE_LIMITS: JSON.stringify({ project: { capacity: 5, refillPerMinute: 1 } }),
          LINKPLANE_DB_POOL_SIZE: '6',
        },
      });
      client = new DigestClient(nodes, { mode: 'challenge-per-request' });
      reuse = new DigestClient(nodes, { mode: 'reuse-nonce' });
      clients.push(client, reuse);
      const orgs = await client.request('GET', `${V2}/orgs`);
      assert.equal(orgs.status, 200, JSON.stringify(orgs.body));
      orgId = orgs.body.results[0].id;
    });

    after(async () => {
      try {
        if (cluster) await Promise.all(cluster.nodes.map((n) => n.stop(3000)));
      } finally {
        await sql?.end().catch(() => {});
        await db?.drop();
      }
    });

    test('the nodes started at once share one organization, one bootstrap key and one migration history', async () => {
      const orgCount = (await sql!.query('SELECT count(*)::int AS n FROM organizations')).rows[0].n;
      const migrations = (await sql!.query('SELECT id FROM schema_migrations ORDER BY id')).rows.map((r) => r.id);
      assert.equal(orgCount, 1);
      assert.deepEqual(migrations, POSTGRES_MIGRATIONS.map((m) => m.id));
      assert.ok(migrations.includes(3), 'migration 3 (rate_limit_buckets) applied');
    });

    test('a nonce taken from node A answers at node B; python-requests-style nonce reuse (nc 1, 2, 3, …) works across nodes', async () => {
      const [a, b, c] = nodes();
      const path = `${V2}/orgs`;
      const ch = await client.send(a!, 'GET', path);
      assert.equal(ch.status, 401);
      const nonce = /nonce="([^"]+)"/.exec(ch.headers!.get('www-authenticate')!)![1]!;

      const atB = await client.send(b!, 'GET', path, { authorization: client.authorization('GET', path, nonce, 1) });
      assert.equal(atB.status, 200, `node B refused node A's nonce: ${JSON.stringify(atB.body)}`);
      assert.equal(atB.body.results[0].id, orgId);

      // The same nonce, nc counting up, each use at another node (as python-requests reuses it).
      for (const [i, node] of [c!, a!, b!, c!, a!].entries()) {
        const r = await client.send(node, 'GET', path, { authorization: client.authorization('GET', path, nonce, i + 2, 'requests') });
        assert.equal(r.status, 200, `nc=${i + 2} at ${node.nodeId}: ${r.status} ${JSON.stringify(r.body)}`);
      }
      // A replayed (nonce, nc) at the node that saw it is refused.
      const again = await client.send(c!, 'GET', path, { authorization: client.authorization('GET', path, nonce, 5, 'requests') });
      assert.equal(again.status, 401);

      // The client helpers in both modes, every exchange on the next node.
      for (let i = 0; i < 6; i++) assert.equal((await reuse.request('GET', path)).status, 200);
      for (let i = 0; i < 3; i++) assert.equal((await client.request('GET', path)).status, 200);
      for (const n of nodes()) assert.ok((client.perNode()[n.nodeId] ?? 0) > 0, `${n.nodeId} answered nothing`);
    });

    test(
      'a (nonce, nc) pair used at node A is refused when replayed at node B',
      async () => {
        const [a, b] = nodes();
        const path = `${V2}/orgs`;
        const { nonce } = await client.challenge(path);
        const auth = client.authorization('GET', path, nonce, 1);
        assert.equal((await client.send(a!, 'GET', path, { authorization: auth })).status, 200);
        assert.equal((await client.send(b!, 'GET', path, { authorization: auth })).status, 401);
      },
    );

    test('services and endpoints of all three providers complete their lifecycle, every look at another node', async () => {
      await check('lifecycle', async () => {
        const g = await createProject('lifecycle');
        await Promise.all(
          PROVIDERS.map(async (p) => {
            const sid = await availableService(g, p, REGIONS[p][0]!);
            const ep = endpointOf(p, 1);
            const created = await client.request('POST', `${servicePath(g, p, sid)}/endpoint`, ep.body);
            assert.equal(created.status, 201, `${p} endpoint: ${JSON.stringify(created.body)}`);
            const seen = new Set<string>();
            await pollUntil(
              `${p} endpoint AVAILABLE`,
              async () => {
                const r = await reuse.request('GET', endpointPath(g, p, sid, ep.id));
                assert.equal(r.status, 200, JSON.stringify(r.body));
                const status = p === 'AWS' ? r.body.connectionStatus : r.body.status; // Atlas names it so for AWS
                seen.add(status);
                return status === 'AVAILABLE' ? true : undefined;
              },
              { describe: async () => `seen ${[...seen]}; row ${JSON.stringify((await sql!.query('SELECT * FROM private_endpoints WHERE service_id = $1', [sid])).rows)}` },
            );
            assert.ok(seen.has('AVAILABLE'), [...seen].join());
            const del = await client.request('DELETE', endpointPath(g, p, sid, ep.id));
            assert.equal(del.status, 202, JSON.stringify(del.body));
            await pollUntil(`${p} endpoint gone`, async () => ((await reuse.request('GET', endpointPath(g, p, sid, ep.id))).status === 404 ? true : undefined));
            const delS = await client.request('DELETE', servicePath(g, p, sid));
            assert.equal(delS.status, 202, JSON.stringify(delS.body));
            await pollUntil(`${p} service gone`, async () => ((await reuse.request('GET', servicePath(g, p, sid))).status === 404 ? true : undefined));
          }),
        );
      });
    });

    test('50 concurrent creates of one (provider, region) over the nodes: one 201, 49 × 409 PRIVATE_ENDPOINT_SERVICE_ALREADY_EXISTS_FOR_REGION', async () => {
      const g = await createProject('duplicate-services');
      const results = await Promise.all(
        Array.from({ length: 50 }, () => client.request('POST', `${V2}/groups/${g}/privateEndpoint/endpointService`, { providerName: 'AZURE', region: 'EUROPE_WEST' })),
      );
      const byStatus = countBy(results);
      assert.deepEqual(byStatus, { 201: 1, 409: 49 }, JSON.stringify(results.filter((r) => r.status !== 201 && r.status !== 409)));
      for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.errorCode, 'PRIVATE_ENDPOINT_SERVICE_ALREADY_EXISTS_FOR_REGION');
      assert.ok(new Set(results.map((r) => r.node)).size === 3, 'requests reached every node');
      const rows = (await sql!.query('SELECT count(*)::int AS n FROM endpoint_services WHERE project_id = $1', [g])).rows[0].n;
      assert.equal(rows, 1);
    });

    test('50 concurrent creates of one endpoint id over the nodes: one 201, 49 × 409 PRIVATELINK_INTERFACE_ENDPOINT_ALREADY_EXISTS', async () => {
      const g = await createProject('duplicate-endpoints');
      const sid = await availableService(g, 'AWS', 'US_EAST_1');
      const ep = endpointOf('AWS', 7);
      const results = await Promise.all(Array.from({ length: 50 }, () => client.request('POST', `${servicePath(g, 'AWS', sid)}/endpoint`, ep.body)));
      assert.deepEqual(countBy(results), { 201: 1, 409: 49 }, JSON.stringify(results.filter((r) => r.status !== 201 && r.status !== 409)));
      for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.errorCode, 'PRIVATELINK_INTERFACE_ENDPOINT_ALREADY_EXISTS');
      const rows = (await sql!.query('SELECT count(*)::int AS n FROM private_endpoints WHERE service_id = $1', [sid])).rows[0].n;
      assert.equal(rows, 1);
    });

    test('rate limits are shared: GET /groups/{id} over the nodes gets exactly 5 successes, then 429 RATE_LIMITED_TOKEN_BUCKET', async () => {
      const g = await createProject('rate-limited');
      const sequential: Res[] = [];
      for (let i = 0; i < 9; i++) sequential.push(await reuse.request('GET', `${V2}/groups/${g}`));
      assert.deepEqual(
        sequential.map((r) => r.status),
        [200, 200, 200, 200, 200, 429, 429, 429, 429],
      );
      assert.equal(new Set(sequential.map((r) => r.node)).size, 3, 'the requests were spread over the three nodes');
      for (const r of sequential.slice(5)) {
        assert.equal(r.body.errorCode, 'RATE_LIMITED_TOKEN_BUCKET');
        assert.equal(r.headers!.get('retry-after'), '60');
      }
      assert.deepEqual(
        sequential.slice(0, 5).map((r) => r.headers!.get('ratelimit-remaining')),
        ['4', '3', '2', '1', '0'],
      );
      // The same at once: 30 concurrent requests for a fresh project's bucket.
      const g2 = await createProject('rate-limited-concurrent');
      const burst = await Promise.all(Array.from({ length: 30 }, () => client.request('GET', `${V2}/groups/${g2}`)));
      assert.deepEqual(countBy(burst), { 200: 5, 429: 25 });
    });

    test('kill -9 of a node in the middle of work: nothing acknowledged is lost, nothing stuck, its leases taken over after they expire', async () => {
      await check('kill -9', async () => {
        const victim = nodes()[2]!;
        const g = await createProject('kill-9');
        // Services that take endpoints, one per provider; then a stream of creates: more services in
        // other regions and endpoints under those three, over all nodes, six at a time.
        const parents = Object.fromEntries(
          await Promise.all(PROVIDERS.map(async (p) => [p, await availableService(g, p, REGIONS[p][1]!)] as const)),
        ) as Record<Provider, string>;
        type Work = { kind: 'service'; provider: Provider; region: string } | { kind: 'endpoint'; provider: Provider; n: number };
        const regionsLeft: Record<Provider, string[]> = { AWS: REGIONS.AWS.slice(2), AZURE: REGIONS.AZURE.slice(2), GCP: REGIONS.GCP.slice(2) };
        let made = 0;
        const nextWork = (): Work => {
          const i = made++;
          const p = PROVIDERS[i % 3]!;
          const region = i % 4 === 3 ? regionsLeft[p].shift() : undefined;
          return region ? { kind: 'service', provider: p, region } : { kind: 'endpoint', provider: p, n: 100 + i };
        };
        const acked: { w: Work; id: string; node: string; afterKill: boolean }[] = [];
        const unacked: { w: Work; res: Res }[] = [];
        const otherStatuses: Res[] = [];
        let killed = false;
        let sentAfterKill = 0;
        const writer = new DigestClient(nodes, { mode: 'reuse-nonce', timeoutMs: 15_000 });
        clients.push(writer);
        // Six writers send creates over all nodes until 30 more were sent after the kill (bounded).
        const worker = async () => {
          while (made < 400 && !(killed && sentAfterKill >= 30)) {
            const w = nextWork();
            const afterKill = killed;
            if (afterKill) sentAfterKill++;
            const r =
              w.kind === 'service'
                ? await writer.request('POST', `${V2}/groups/${g}/privateEndpoint/endpointService`, { providerName: w.provider, region: w.region })
                : await writer.request('POST', `${servicePath(g, w.provider, parents[w.provider])}/endpoint`, endpointOf(w.provider, w.n).body);
            if (r.status === 201) acked.push({ w, id: w.kind === 'service' ? r.body.id : endpointOf(w.provider, w.n).id, node: r.node, afterKill });
            else if (r.status === 0) unacked.push({ w, res: r });
            else otherStatuses.push(r);
          }
        };
        const workers = Array.from({ length: 6 }, worker);

        // Wait until the victim has acknowledged creates and holds leases (it claimed rows and is working on them), freeze it so
        // the moment cannot pass, note what it holds, and kill it.
        const held = async () =>
          (
            await sql!.query<{ kind: string; key: string; version: number; status: string; lease_expires_at: number }>(
              `SELECT 'service' AS kind, id AS key, version::int, status, lease_expires_at::float8 AS lease_expires_at
                 FROM endpoint_services WHERE lease_owner = $1 AND lease_expires_at > $2
               UNION ALL
               SELECT 'endpoint', service_id || '/' || endpoint_id, version::int, status, lease_expires_at::float8
                 FROM private_endpoints WHERE lease_owner = $1 AND lease_expires_at > $2`,
              [victim.nodeId, Date.now()],
            )
          ).rows;
        // The victim's database sessions: once none is running a statement, what it holds is settled (a
        // transaction it was in the middle of stays open and rolls back when it dies). Statements waiting
        // for a lock do not count: the only autocommit ones that can wait (service inserts) touch no
        // leased row, and a transaction's statement cannot commit while its client is frozen.
        const victimBusy = async () => {
          const r = await sql!.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE application_name = $1 AND state = 'active' AND wait_event_type IS DISTINCT FROM 'Lock'`,
            [`linkplane-${victim.nodeId}`],
          );
          return r.rows[0].n > 0;
        };
        let orphans: Awaited<ReturnType<typeof held>> = [];
        const watchUntil = Date.now() + 15_000;
        const victimAcked = () => acked.some((a) => a.node === victim.nodeId);
        while (Date.now() < watchUntil && made < 400) {
          // only once the victim has acknowledged work of its own, so its death can lose something
          if (victimAcked() && (await held()).length > 0) {
            victim.pause();
            await pollUntil('the paused node\'s statements to finish', async () => ((await victimBusy()) ? undefined : true), {
              timeoutMs: 5000,
              intervalMs: 5,
            });
            orphans = await held();
            if (orphans.length > 0) break;
            process.kill(victim.pid, 'SIGCONT'); // it released them meanwhile: let it go on
          }
          await new Promise((r) => setImmediate(r));
        }
        const sentAtKill = made;
        await victim.kill9();
        killed = true;
        const killedAt = Date.now();
        assert.ok(orphans.length > 0, 'the victim never held a lease while work was going on');
        assert.ok(acked.some((a) => a.node === victim.nodeId), 'the victim acknowledged creates before it died');

        // The orphaned rows stay untouched until their lease expires, then another node moves them on.
        const expiresAt = Math.max(...orphans.map((o) => o.lease_expires_at));
        const earliestExpiry = Math.min(...orphans.map((o) => o.lease_expires_at));
        type RowState = { key: string; version: number; status: string; lease_owner: string | null; lease_expires_at: number | null; next_reconcile_at: number | null };
        const versions = async () =>
          new Map(
            (
              await sql!.query<RowState>(
                `SELECT id AS key, version::int, status, lease_owner, lease_expires_at::float8, next_reconcile_at::float8 FROM endpoint_services WHERE id = ANY($1)
                 UNION ALL
                 SELECT service_id || '/' || endpoint_id, version::int, status, lease_owner, lease_expires_at::float8, next_reconcile_at::float8
                   FROM private_endpoints WHERE service_id || '/' || endpoint_id = ANY($1)`,
                [orphans.map((o) => o.key)],
              )
            ).rows.map((r) => [r.key, r] as const),
          );
        // What the orphaned rows looked like over time (ms relative to the earliest expiry), for failure messages.
        const timeline: string[] = [];
        let lastSeen = '';
        const takenOverAt = await pollUntil(
          'orphaned rows taken over',
          async () => {
            const now = await versions();
            const doneAt = Date.now();
            const seen = JSON.stringify(
              [...now.values()].map((r) => [r.key.slice(-8), r.version, r.status, r.lease_owner, r.lease_expires_at && r.lease_expires_at - earliestExpiry, r.next_reconcile_at && r.next_reconcile_at - earliestExpiry]),
            );
            if (seen !== lastSeen) timeline.push(`${doneAt - earliestExpiry}: ${(lastSeen = seen)}`);
            const moved = orphans.filter((o) => !now.has(o.key) || now.get(o.key)!.version !== o.version);
            if (doneAt < earliestExpiry) {
              assert.deepEqual(moved, [], `rows leased to the dead node changed before their lease expired (${earliestExpiry - doneAt} ms early)`);
              for (const o of orphans) assert.equal(now.get(o.key)?.lease_owner, victim.nodeId);
            }
            return moved.length === orphans.length ? doneAt : undefined;
          },
          { timeoutMs: LEASE_MS + 5000, intervalMs: 10, describe: () => timeline.join('\n') },
        );
        if (takenOverAt - earliestExpiry > 300) console.log(`slow takeover:\n${timeline.join("\n")}\n${cluster!.outputs()}`);
        assert.ok(takenOverAt >= earliestExpiry, 'taken over only after the lease expired');

        await Promise.all(workers);
        assert.equal(acked.length + unacked.length + otherStatuses.length, made);
        assert.ok(acked.filter((a) => a.afterKill).length >= 25, 'the surviving nodes went on acknowledging creates after the kill');
        assert.deepEqual(otherStatuses.map((r) => `${r.status} ${r.body?.errorCode}`), [], 'every create is 201 or unanswered (the dead node)');
        assert.ok(unacked.every((u) => u.res.node === victim.nodeId), `only the dead node may fail to answer: ${JSON.stringify(unacked.map((u) => u.res))}`);

        // Nothing acknowledged is lost: every 201 is there, whichever node answered it.
        for (const a of acked) {
          const path = a.w.kind === 'service' ? servicePath(g, a.w.provider, a.id) : endpointPath(g, a.w.provider, parents[a.w.provider], a.id);
          const r = await reuse.request('GET', path);
          assert.equal(r.status, 200, `acknowledged ${a.w.kind} ${a.id} (201 from ${a.node}) is missing: ${JSON.stringify(r.body)}`);
        }

        // Nothing is stuck: every row of the project (acknowledged or not) reaches AVAILABLE and rests.
        const unsettled = async () =>
          (
            await sql!.query(
              `SELECT 'service' AS kind, id AS key, status, next_reconcile_at, lease_owner FROM endpoint_services
                WHERE project_id = $1 AND (status <> 'AVAILABLE' OR next_reconcile_at IS NOT NULL OR lease_owner IS NOT NULL)
               UNION ALL
               SELECT 'endpoint', endpoint_id, status, next_reconcile_at, lease_owner FROM private_endpoints
                WHERE project_id = $1 AND (status <> 'AVAILABLE' OR next_reconcile_at IS NOT NULL OR lease_owner IS NOT NULL)`,
              [g],
            )
          ).rows;
        await pollUntil('every service and endpoint AVAILABLE', async () => ((await unsettled()).length === 0 ? true : undefined), {
          timeoutMs: 10_000,
          intervalMs: 50,
          describe: async () => JSON.stringify(await unsettled()),
        });
        const total = (
          await sql!.query(
            `SELECT (SELECT count(*) FROM endpoint_services WHERE project_id = $1)::int + (SELECT count(*) FROM private_endpoints WHERE project_id = $1)::int AS n`,
            [g],
          )
        ).rows[0].n;
        assert.ok(total >= acked.length + 3 && total <= made + 3, `rows ${total}: acknowledged ${acked.length} + 3 parents, sent ${made}`);
        console.log(
          `kill -9: ${orphans.length} leased rows orphaned (expiring in ≤ ${expiresAt - killedAt} ms), taken over ${takenOverAt - earliestExpiry} ms after expiry; ` +
            `${made} creates sent (${sentAtKill} before the kill), ${acked.length} acknowledged, ${unacked.length} unanswered, ${total - 3} rows settled`,
        );
      });
    });

    test('no request got a 5xx, no node logged an error; the surviving nodes stop gracefully on SIGTERM', async () => {
      const errors = clients.flatMap((c) => c.serverErrors);
      assert.deepEqual(errors, []);
      // pino levels: 50 error, 60 fatal (a failed reconciler pass logs at 50).
      const logged = cluster!.nodes.flatMap((n) => n.output().split('\n').filter((l) => /"level":(50|60)/.test(l)).map((l) => `${n.nodeId}: ${l.slice(0, 400)}`));
      assert.deepEqual(logged, []);
      const codes = await Promise.all(cluster!.alive().map((n) => n.stop()));
      assert.deepEqual(codes, [0, 0]);
    });
  });
});

function countBy(rs: readonly Res[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of rs) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}
