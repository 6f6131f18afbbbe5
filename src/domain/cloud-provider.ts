/**
 * The three cloud providers Atlas private endpoints run on, spelled as Atlas spells them in paths
 * (`/privateEndpoint/{cloudProvider}/…`), request bodies (`providerName`) and response bodies
 * (`cloudProvider`). Always upper case; Atlas rejects other spellings.
 */
export type CloudProvider = 'AWS' | 'AZURE' | 'GCP';

/** Every provider, in the order the Atlas specification enumerates them. */
export const CLOUD_PROVIDERS: readonly CloudProvider[] = Object.freeze(['AWS', 'AZURE', 'GCP'] as const);

/** Narrows an untrusted value (path segment, JSON field) to a provider; exact upper case only. */
export function isCloudProvider(x: unknown): x is CloudProvider {
  return x === 'AWS' || x === 'AZURE' || x === 'GCP';
}

const AWS_ATLAS_REGIONS = [
  'US_EAST_1', 'US_EAST_2', 'US_WEST_1', 'US_WEST_2', 'CA_CENTRAL_1', 'EU_NORTH_1', 'EU_WEST_1', 'EU_WEST_2',
  'EU_WEST_3', 'EU_CENTRAL_1', 'EU_CENTRAL_2', 'SA_EAST_1', 'AP_EAST_1', 'AP_EAST_2', 'AP_SOUTHEAST_2',
  'AP_SOUTHEAST_3', 'AP_SOUTHEAST_4', 'AP_SOUTHEAST_5', 'AP_SOUTHEAST_6', 'AP_SOUTHEAST_7', 'AP_NORTHEAST_1',
  'AP_NORTHEAST_2', 'AP_NORTHEAST_3', 'AP_SOUTHEAST_1', 'AP_SOUTH_1', 'AP_SOUTH_2', 'CN_NORTH_1', 'CN_NORTHWEST_1',
  'ME_CENTRAL_1', 'ME_SOUTH_1', 'AF_SOUTH_1', 'EU_SOUTH_1', 'EU_SOUTH_2', 'IL_CENTRAL_1', 'CA_WEST_1',
  'MX_CENTRAL_1', 'GLOBAL', 'US_GOV_WEST_1', 'US_GOV_EAST_1',
] as const;

const AZURE_REGION_PAIRS = [
  ['US_CENTRAL', 'centralus'],
  ['US_EAST', 'eastus'],
  ['US_EAST_2', 'eastus2'],
  ['US_EAST_2_EUAP', 'eastus2euap'],
  ['US_NORTH_CENTRAL', 'northcentralus'],
  ['US_WEST', 'westus'],
  ['US_SOUTH_CENTRAL', 'southcentralus'],
  ['EUROPE_NORTH', 'northeurope'],
  ['EUROPE_WEST', 'westeurope'],
  ['US_WEST_CENTRAL', 'westcentralus'],
  ['US_WEST_2', 'westus2'],
  ['US_WEST_3', 'westus3'],
  ['CANADA_EAST', 'canadaeast'],
  ['CANADA_CENTRAL', 'canadacentral'],
  ['BRAZIL_SOUTH', 'brazilsouth'],
  ['BRAZIL_SOUTHEAST', 'brazilsoutheast'],
  ['AUSTRALIA_EAST', 'australiaeast'],
  ['AUSTRALIA_SOUTH_EAST', 'australiasoutheast'],
  ['AUSTRALIA_CENTRAL', 'australiacentral'],
  ['AUSTRALIA_CENTRAL_2', 'australiacentral2'],
  ['UAE_NORTH', 'uaenorth'],
  ['GERMANY_WEST_CENTRAL', 'germanywestcentral'],
  ['GERMANY_NORTH', 'germanynorth'],
  ['SWITZERLAND_NORTH', 'switzerlandnorth'],
  ['SWITZERLAND_WEST', 'switzerlandwest'],
  ['SWEDEN_CENTRAL', 'swedencentral'],
  ['SWEDEN_SOUTH', 'swedensouth'],
  ['UK_SOUTH', 'uksouth'],
  ['UK_WEST', 'ukwest'],
  ['INDIA_CENTRAL', 'centralindia'],
  ['INDIA_WEST', 'westindia'],
  ['INDIA_SOUTH', 'southindia'],
  ['CHINA_EAST', 'chinaeast'],
  ['CHINA_NORTH', 'chinanorth'],
  ['ASIA_EAST', 'eastasia'],
  ['JAPAN_EAST', 'japaneast'],
  ['JAPAN_WEST', 'japanwest'],
  ['ASIA_SOUTH_EAST', 'southeastasia'],
  ['KOREA_CENTRAL', 'koreacentral'],
  ['KOREA_SOUTH', 'koreasouth'],
  ['FRANCE_CENTRAL', 'francecentral'],
  ['FRANCE_SOUTH', 'francesouth'],
  ['SOUTH_AFRICA_NORTH', 'southafricanorth'],
  ['SOUTH_AFRICA_WEST', 'southafricawest'],
  ['NORWAY_EAST', 'norwayeast'],
  ['NORWAY_WEST', 'norwaywest'],
  ['UAE_CENTRAL', 'uaecentral'],
  ['QATAR_CENTRAL', 'qatarcentral'],
  ['POLAND_CENTRAL', 'polandcentral'],
  ['ISRAEL_CENTRAL', 'israelcentral'],
  ['ITALY_NORTH', 'italynorth'],
  ['SPAIN_CENTRAL', 'spaincentral'],
  ['MEXICO_CENTRAL', 'mexicocentral'],
  ['NEW_ZEALAND_NORTH', 'newzealandnorth'],
  ['INDONESIA_CENTRAL', 'indonesiacentral'],
  ['MALAYSIA_WEST', 'malaysiawest'],
  ['CHILE_CENTRAL', 'chilecentral'],
  ['US_GOV_VIRGINIA', 'usgovvirginia'],
  ['US_GOV_ARIZONA', 'usgovarizona'],
  ['US_GOV_TEXAS', 'usgovtexas'],
] as const;

const GCP_REGION_PAIRS = [
  ['AFRICA_SOUTH_1', 'africa-south1'],
  ['ASIA_EAST_2', 'asia-east2'],
  ['ASIA_NORTHEAST_2', 'asia-northeast2'],
  ['ASIA_NORTHEAST_3', 'asia-northeast3'],
  ['ASIA_SOUTH_1', 'asia-south1'],
  ['ASIA_SOUTH_2', 'asia-south2'],
  ['ASIA_SOUTHEAST_2', 'asia-southeast2'],
  ['AUSTRALIA_SOUTHEAST_1', 'australia-southeast1'],
  ['AUSTRALIA_SOUTHEAST_2', 'australia-southeast2'],
  ['CENTRAL_US', 'us-central1'],
  ['EASTERN_ASIA_PACIFIC', 'asia-east1'],
  ['EASTERN_US', 'us-east1'],
  ['EUROPE_CENTRAL_2', 'europe-central2'],
  ['EUROPE_NORTH_1', 'europe-north1'],
  ['EUROPE_WEST_2', 'europe-west2'],
  ['EUROPE_WEST_3', 'europe-west3'],
  ['EUROPE_WEST_4', 'europe-west4'],
  ['EUROPE_WEST_6', 'europe-west6'],
  ['EUROPE_WEST_10', 'europe-west10'],
  ['EUROPE_WEST_12', 'europe-west12'],
  ['MIDDLE_EAST_CENTRAL_1', 'me-central1'],
  ['MIDDLE_EAST_CENTRAL_2', 'me-central2'],
  ['MIDDLE_EAST_WEST_1', 'me-west1'],
  ['NORTH_AMERICA_NORTHEAST_1', 'northamerica-northeast1'],
  ['NORTH_AMERICA_NORTHEAST_2', 'northamerica-northeast2'],
  ['NORTH_AMERICA_SOUTH_1', 'northamerica-south1'],
  ['NORTHEASTERN_ASIA_PACIFIC', 'asia-northeast1'],
  ['SOUTH_AMERICA_EAST_1', 'southamerica-east1'],
  ['SOUTH_AMERICA_WEST_1', 'southamerica-west1'],
  ['SOUTHEASTERN_ASIA_PACIFIC', 'asia-southeast1'],
  ['US_EAST_4', 'us-east4'],
  ['US_EAST_5', 'us-east5'],
  ['US_WEST_2', 'us-west2'],
  ['US_WEST_3', 'us-west3'],
  ['US_WEST_4', 'us-west4'],
  ['US_SOUTH_1', 'us-south1'],
  ['WESTERN_EUROPE', 'europe-west1'],
  ['WESTERN_US', 'us-west1'],
] as const;

/** An AWS region as Atlas names it (`US_EAST_1`, `GLOBAL`). */
export type AwsAtlasRegion = (typeof AWS_ATLAS_REGIONS)[number];
/** An Azure region as Atlas names it (`US_EAST_2`, `ASIA_SOUTH_EAST`). */
export type AzureAtlasRegion = (typeof AZURE_REGION_PAIRS)[number][0];
/** A Google Cloud region as Atlas names it (`CENTRAL_US`, `US_EAST_4`). */
export type GcpAtlasRegion = (typeof GCP_REGION_PAIRS)[number][0];

interface RegionTable {
  readonly atlas: readonly string[];
  readonly atlasSet: ReadonlySet<string>;
  readonly atlasToNative: ReadonlyMap<string, string>;
  readonly nativeToAtlas: ReadonlyMap<string, string>;
}

function buildTable(pairs: ReadonlyArray<readonly [string, string | undefined]>): RegionTable {
  const atlas: string[] = [];
  const atlasToNative = new Map<string, string>();
  const nativeToAtlas = new Map<string, string>();
  for (const [atlasName, nativeName] of pairs) {
    atlas.push(atlasName);
    if (nativeName === undefined) continue;
    atlasToNative.set(atlasName, nativeName);
    nativeToAtlas.set(nativeName.toLowerCase(), atlasName);
  }
  return { atlas: Object.freeze(atlas), atlasSet: new Set(atlas), atlasToNative, nativeToAtlas };
}

const TABLES: Readonly<Record<CloudProvider, RegionTable>> = {
  AWS: buildTable(
    AWS_ATLAS_REGIONS.map((r) => [r, r === 'GLOBAL' ? undefined : r.toLowerCase().replaceAll('_', '-')] as const),
  ),
  AZURE: buildTable(AZURE_REGION_PAIRS),
  GCP: buildTable(GCP_REGION_PAIRS),
};

/**
 * Atlas region names per provider, exactly as the Atlas specification enumerates them (AWS 39, Azure 60,
 * GCP 38), in specification order. These are the only values Atlas ever returns as `regionName`.
 */
export const ATLAS_REGIONS: Readonly<Record<CloudProvider, readonly string[]>> = Object.freeze({
  AWS: TABLES.AWS.atlas,
  AZURE: TABLES.AZURE.atlas,
  GCP: TABLES.GCP.atlas,
});

/**
 * True only for an Atlas region name of `provider` in its exact upper-case form. Used where Atlas itself
 * insists on that form (AWS `supportedRemoteRegions`: `us-east-1` and `us_east_1` are rejected there).
 */
export function isAtlasRegionName(provider: CloudProvider, name: string): boolean {
  return TABLES[provider].atlasSet.has(name);
}

/**
 * Normalises a create-request `region` to the Atlas name Atlas echoes back as `regionName`.
 * Accepts the Atlas name in exact upper case (`EU_WEST_1`) or the provider's own name in any case
 * (`eu-west-1`, `EastUS2`, `us-central1`); anything else, including a lower-cased Atlas name
 * (`us_east_1`), yields undefined. AWS `GLOBAL` has no native name and is reachable only as `GLOBAL`.
 */
export function toAtlasRegion(provider: CloudProvider, input: string): string | undefined {
  const table = TABLES[provider];
  if (table.atlasSet.has(input)) return input;
  return table.nativeToAtlas.get(input.toLowerCase());
}

/**
 * The provider's own lower-case name for an Atlas region (`US_EAST_4` → `us-east4` on GCP), as it appears
 * inside provider resource names (AWS service names, GCP service attachments). Undefined for unknown
 * names, non-exact case, and AWS `GLOBAL`.
 */
export function toNativeRegion(provider: CloudProvider, atlasRegion: string): string | undefined {
  return TABLES[provider].atlasToNative.get(atlasRegion);
}
