import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { bootstrap } from '../../src/app/bootstrap.ts';
import { newObjectId } from '../../src/domain/ids.ts';
import { endpointDetails, serviceDetails } from '../../src/store/rows.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { REALM } from './digest.ts';
import { BENCH_KEY } from './procs.ts';

/** AWS Atlas regions a seeded project spreads its services over (one service per region). */
const AWS_REGIONS = [
  'US_EAST_1', 'US_EAST_2', 'US_WEST_1', 'US_WEST_2', 'CA_CENTRAL_1', 'EU_NORTH_1', 'EU_WEST_1', 'EU_WEST_2',
  'EU_WEST_3', 'EU_CENTRAL_1', 'EU_CENTRAL_2', 'SA_EAST_1', 'AP_EAST_1', 'AP_SOUTHEAST_2', 'AP_NORTHEAST_1',
  'AP_NORTHEAST_2', 'AP_SOUTHEAST_1', 'AP_SOUTH_1', 'ME_SOUTH_1', 'AF_SOUTH_1',
];
const nativeRegion = (r: string) => r.toLowerCase().replace(/_/g, '-');

export interface SeedShape {
  projects: number;
  services: number;
  /** Services per project (at most the number of regions above); services fill projects in order. */
  servicesPerProject: number;
  endpointsPerService: number;
  apiKeys: number;
  /** Endpoint status: AVAILABLE, or PENDING_ACCEPTANCE (for the reconciler run, which schedules them itself). Never due. */
  endpointState?: 'available' | 'pending';
}

export interface SeedResult {
  orgId: string;
  /** Ids of a row in the middle of the data set, for get-one scenarios. */
  sample: { groupId: string; serviceId: string; endpointId: string };
  counts: { projects: number; services: number; endpoints: number; apiKeys: number };
  seedMs: number;
  dbMb: number;
}

/** `vpce-` + 17 hex digits, unique per (service index, endpoint index). */
function vpce(n: number): string {
  return `vpce-${n.toString(16).padStart(17, '0')}`;
}

/**
 * Fills a fresh SQLite file straight through SQL: migrates it with `new SqliteStore(path)`,
 * bootstraps the organization with the bench key (so the server skips its own bootstrap), then bulk
 * inserts projects, API keys, services and endpoints in big transactions with prepared statements,
 * rows in primary-key order so every index is appended to. Rows use the store's own column layout
 * and `serviceDetails` / `endpointDetails` encodings, so the server reads them as its own.
 */
export async function seedSqlite(path: string, shape: SeedShape, log: (s: string) => void = () => {}): Promise<SeedResult> {
  const t0 = performance.now();
  const store = new SqliteStore(path);
  const now = Date.now();
  const boot = await bootstrap({ store, now: () => now }, 'bench', BENCH_KEY);
  if (!boot.created || !boot.orgId) throw new Error('seed: store was not empty');
  const orgId = boot.orgId;
  await store.close();

  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');

  const insProject = db.prepare(
    `INSERT INTO projects (id, org_id, name, created_at, tags, with_default_alerts, regional_mode) VALUES (?, ?, ?, ?, '[]', 1, 0)`,
  );
  const insKey = db.prepare(
    `INSERT INTO api_keys (id, org_id, description, public_key, ha1, private_key_tail, created_at, org_roles) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insService = db.prepare(
    `INSERT INTO endpoint_services (id, project_id, provider, region, status, error_message, delete_requested, details,
       created_at, status_since, version, next_reconcile_at) VALUES (?, ?, 'AWS', ?, 'AVAILABLE', NULL, 0, ?, ?, ?, 2, NULL)`,
  );
  const insEndpoint = db.prepare(
    `INSERT INTO private_endpoints (service_id, endpoint_id, project_id, provider, status, error_message, delete_requested, details,
       created_at, seq, status_since, version, next_reconcile_at) VALUES (?, ?, ?, 'AWS', ?, NULL, 0, ?, ?, ?, ?, ?, ?)`,
  );

  const pending = shape.endpointState === 'pending';
  const epDetails = endpointDetails({
    privateEndpointIPAddress: null,
    privateEndpointConnectionName: null,
    gcpProjectId: null,
    endpoints: [],
    portMappingEnabled: null,
  });

  // ObjectIds sort by creation, so generating them in a loop gives primary-key order.
  const projectIds: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < shape.projects; i++) {
      const id = newObjectId(now);
      projectIds.push(id);
      insProject.run(id, orgId, `bench-project-${String(i).padStart(7, '0')}`, now);
    }
  })();
  log(`seed: ${shape.projects} projects`);

  db.transaction(() => {
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    for (let i = 0; i < shape.apiKeys; i++) {
      const pub = `k${String(i).padStart(7, '0')}`;
      insKey.run(newObjectId(now), orgId, `bench key ${i}`, pub, md5(`${pub}:${REALM}:${i}`), 'aaaaaaaaaaaa', now, '["ORG_READ_ONLY"]');
    }
  })();
  log(`seed: ${shape.apiKeys} api keys`);

  const per = Math.min(shape.servicesPerProject, AWS_REGIONS.length);
  if (shape.services > shape.projects * per) throw new Error(`seed: ${shape.services} services do not fit ${shape.projects} projects x ${per}`);
  const sampleService = Math.floor(shape.services / 2);
  let sample = { groupId: projectIds[0], serviceId: '', endpointId: '' };
  const CHUNK = 5_000; // services per transaction (x endpointsPerService rows)
  let endpoints = 0;
  for (let start = 0; start < shape.services; start += CHUNK) {
    db.transaction(() => {
      for (let s = start; s < Math.min(shape.services, start + CHUNK); s++) {
        const groupId = projectIds[Math.floor(s / per)];
        const region = AWS_REGIONS[s % per];
        const serviceId = newObjectId(now);
        const details = serviceDetails({
          endpointServiceName: `com.amazonaws.vpce.${nativeRegion(region)}.vpce-svc-${randomBytes(9).toString('hex').slice(0, 17)}`,
          privateLinkServiceName: null,
          privateLinkServiceResourceId: null,
          serviceAttachmentNames: [],
          portMappingEnabled: null,
          supportedRemoteRegions: null,
        });
        insService.run(serviceId, groupId, region, details, now, now);
        for (let e = 0; e < shape.endpointsPerService; e++) {
          const endpointId = vpce(s * shape.endpointsPerService + e);
          insEndpoint.run(
            serviceId,
            endpointId,
            groupId,
            pending ? 'PENDING_ACCEPTANCE' : 'AVAILABLE',
            epDetails,
            now,
            e + 1,
            now,
            pending ? 1 : 3,
            null,
          );
          endpoints++;
          if (s === sampleService && e === Math.floor(shape.endpointsPerService / 2)) sample = { groupId, serviceId, endpointId };
        }
        if (s === sampleService && shape.endpointsPerService === 0) sample = { groupId, serviceId, endpointId: '' };
      }
    })();
    if ((start / CHUNK) % 20 === 19) log(`seed: ${Math.min(shape.services, start + CHUNK)} services, ${endpoints} endpoints`);
  }
  db.pragma('optimize');
  db.close();
  // Back to WAL, as the server runs it (needs a connection of its own once the big load is done).
  const wal = new Database(path);
  wal.pragma('journal_mode = WAL');
  wal.close();
  const seedMs = performance.now() - t0;
  return {
    orgId,
    sample,
    counts: { projects: shape.projects, services: shape.services, endpoints, apiKeys: shape.apiKeys + 1 },
    seedMs,
    dbMb: statSync(path).size / 2 ** 20,
  };
}
