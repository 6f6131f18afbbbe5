import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ATLAS_REGIONS,
  CLOUD_PROVIDERS,
  isAtlasRegionName,
  isCloudProvider,
  toAtlasRegion,
  toNativeRegion,
  type CloudProvider,
} from '../../src/domain/cloud-provider.ts';

test('providers are AWS, AZURE, GCP and only in upper case', () => {
  assert.deepEqual([...CLOUD_PROVIDERS], ['AWS', 'AZURE', 'GCP']);
  for (const p of CLOUD_PROVIDERS) assert.equal(isCloudProvider(p), true);
  for (const x of ['aws', 'Azure', 'gcp', 'OCI', '', null, undefined, 1, {}]) assert.equal(isCloudProvider(x), false);
});

test('region counts match the Atlas specification (AWS 39, AZURE 60, GCP 38), without duplicates', () => {
  assert.equal(ATLAS_REGIONS.AWS.length, 39);
  assert.equal(ATLAS_REGIONS.AZURE.length, 60);
  assert.equal(ATLAS_REGIONS.GCP.length, 38);
  for (const p of CLOUD_PROVIDERS) {
    assert.equal(new Set(ATLAS_REGIONS[p]).size, ATLAS_REGIONS[p].length, p);
    for (const r of ATLAS_REGIONS[p]) assert.match(r, /^[A-Z][A-Z0-9_]*$/, `${p} ${r}`);
  }
});

test('native names are distinct per provider and in the provider\'s own style', () => {
  const style: Record<CloudProvider, RegExp> = {
    AWS: /^[a-z]{2}(-gov)?-[a-z]+-\d$/,
    AZURE: /^[a-z][a-z0-9]*$/,
    GCP: /^[a-z]+-[a-z]+\d+$/,
  };
  for (const p of CLOUD_PROVIDERS) {
    const natives = ATLAS_REGIONS[p].map((r) => toNativeRegion(p, r)).filter((n): n is string => n !== undefined);
    assert.equal(new Set(natives).size, natives.length, p);
    for (const n of natives) assert.match(n, style[p], `${p} ${n}`);
  }
});

for (const p of CLOUD_PROVIDERS) {
  test(`${p}: every Atlas region round-trips through its native name`, () => {
    for (const atlas of ATLAS_REGIONS[p]) {
      assert.equal(isAtlasRegionName(p, atlas), true, atlas);
      assert.equal(toAtlasRegion(p, atlas), atlas, atlas);
      const native = toNativeRegion(p, atlas);
      if (p === 'AWS' && atlas === 'GLOBAL') {
        assert.equal(native, undefined);
        continue;
      }
      assert.ok(native !== undefined, `${p} ${atlas} has no native name`);
      assert.equal(toAtlasRegion(p, native), atlas, native);
      assert.equal(toAtlasRegion(p, native.toUpperCase()), atlas, native.toUpperCase());
    }
  });
}

test('AWS native names are mechanical', () => {
  assert.equal(toNativeRegion('AWS', 'US_EAST_1'), 'us-east-1');
  assert.equal(toNativeRegion('AWS', 'US_GOV_WEST_1'), 'us-gov-west-1');
  assert.equal(toAtlasRegion('AWS', 'eu-west-1'), 'EU_WEST_1');
  assert.equal(toAtlasRegion('AWS', 'sa-east-1'), 'SA_EAST_1');
  assert.equal(toAtlasRegion('AWS', 'ap-southeast-7'), 'AP_SOUTHEAST_7');
  assert.equal(toAtlasRegion('AWS', 'global'), undefined);
  assert.equal(toAtlasRegion('AWS', 'GLOBAL'), 'GLOBAL');
});

test('Azure native names follow Azure locations', () => {
  const expected: Array<[string, string]> = [
    ['eastus2', 'US_EAST_2'],
    ['northeurope', 'EUROPE_NORTH'],
    ['southeastasia', 'ASIA_SOUTH_EAST'],
    ['centralus', 'US_CENTRAL'],
    ['westeurope', 'EUROPE_WEST'],
    ['australiasoutheast', 'AUSTRALIA_SOUTH_EAST'],
    ['uksouth', 'UK_SOUTH'],
    ['eastus', 'US_EAST'],
    ['northcentralus', 'US_NORTH_CENTRAL'],
    ['westus', 'US_WEST'],
    ['westcentralus', 'US_WEST_CENTRAL'],
    ['southcentralus', 'US_SOUTH_CENTRAL'],
    ['brazilsouth', 'BRAZIL_SOUTH'],
    ['canadaeast', 'CANADA_EAST'],
    ['canadacentral', 'CANADA_CENTRAL'],
    ['centralindia', 'INDIA_CENTRAL'],
    ['eastasia', 'ASIA_EAST'],
  ];
  for (const [native, atlas] of expected) {
    assert.equal(toAtlasRegion('AZURE', native), atlas, native);
    assert.equal(toNativeRegion('AZURE', atlas), native, atlas);
  }
  assert.equal(toAtlasRegion('AZURE', 'EastUS2'), 'US_EAST_2');
});

test('GCP native names include the irregular legacy ones', () => {
  const expected: Array<[string, string]> = [
    ['us-central1', 'CENTRAL_US'],
    ['us-east1', 'EASTERN_US'],
    ['us-east4', 'US_EAST_4'],
    ['us-west1', 'WESTERN_US'],
    ['us-west2', 'US_WEST_2'],
    ['us-west3', 'US_WEST_3'],
    ['europe-west1', 'WESTERN_EUROPE'],
    ['europe-west2', 'EUROPE_WEST_2'],
    ['europe-west4', 'EUROPE_WEST_4'],
    ['europe-west10', 'EUROPE_WEST_10'],
    ['europe-central2', 'EUROPE_CENTRAL_2'],
    ['asia-east1', 'EASTERN_ASIA_PACIFIC'],
    ['asia-northeast1', 'NORTHEASTERN_ASIA_PACIFIC'],
    ['asia-southeast1', 'SOUTHEASTERN_ASIA_PACIFIC'],
    ['asia-south1', 'ASIA_SOUTH_1'],
    ['australia-southeast1', 'AUSTRALIA_SOUTHEAST_1'],
    ['australia-southeast2', 'AUSTRALIA_SOUTHEAST_2'],
    ['northamerica-northeast1', 'NORTH_AMERICA_NORTHEAST_1'],
    ['northamerica-south1', 'NORTH_AMERICA_SOUTH_1'],
    ['southamerica-east1', 'SOUTH_AMERICA_EAST_1'],
    ['me-central1', 'MIDDLE_EAST_CENTRAL_1'],
    ['me-central2', 'MIDDLE_EAST_CENTRAL_2'],
    ['me-west1', 'MIDDLE_EAST_WEST_1'],
    ['africa-south1', 'AFRICA_SOUTH_1'],
  ];
  for (const [native, atlas] of expected) {
    assert.equal(toAtlasRegion('GCP', native), atlas, native);
    assert.equal(toNativeRegion('GCP', atlas), native, atlas);
  }
});

test('lower-case Atlas-looking names are rejected', () => {
  assert.equal(toAtlasRegion('AWS', 'us_east_1'), undefined);
  assert.equal(toAtlasRegion('AWS', 'Us_East_1'), undefined);
  assert.equal(toAtlasRegion('AZURE', 'us_east_2'), undefined);
  assert.equal(toAtlasRegion('GCP', 'us_east_4'), undefined);
  assert.equal(toAtlasRegion('GCP', 'central_us'), undefined);
  for (const p of CLOUD_PROVIDERS) {
    for (const atlas of ATLAS_REGIONS[p]) {
      if (atlas === atlas.toLowerCase()) continue;
      assert.equal(isAtlasRegionName(p, atlas.toLowerCase()), false, `${p} ${atlas}`);
      assert.equal(toAtlasRegion(p, atlas.toLowerCase()), undefined, `${p} ${atlas.toLowerCase()}`);
    }
  }
});

test('isAtlasRegionName accepts only the exact Atlas form of that provider', () => {
  assert.equal(isAtlasRegionName('AWS', 'US_EAST_1'), true);
  assert.equal(isAtlasRegionName('AWS', 'us-east-1'), false);
  assert.equal(isAtlasRegionName('AWS', 'us_east_1'), false);
  assert.equal(isAtlasRegionName('AWS', 'EUROPE_NORTH'), false);
  assert.equal(isAtlasRegionName('AZURE', 'EUROPE_NORTH'), true);
  assert.equal(isAtlasRegionName('AZURE', 'northeurope'), false);
  assert.equal(isAtlasRegionName('GCP', 'CENTRAL_US'), true);
  assert.equal(isAtlasRegionName('GCP', 'US_CENTRAL'), false);
});

test('unknown, cross-provider and malformed inputs yield undefined', () => {
  for (const p of CLOUD_PROVIDERS) {
    for (const bad of ['', ' ', 'mars-north-1', 'US_EAST_99', ' us-east-1', 'us-east-1 ', 'constructor', '__proto__']) {
      assert.equal(toAtlasRegion(p, bad), undefined, `${p} ${JSON.stringify(bad)}`);
      assert.equal(toNativeRegion(p, bad), undefined, `${p} ${JSON.stringify(bad)}`);
    }
  }
  assert.equal(toAtlasRegion('AWS', 'eastus2'), undefined);
  assert.equal(toAtlasRegion('AZURE', 'us-east-1'), undefined);
  assert.equal(toAtlasRegion('GCP', 'eu-west-1'), undefined);
  assert.equal(toNativeRegion('GCP', 'us-east4'), undefined);
  assert.equal(toNativeRegion('AWS', 'us_east_1'), undefined);
});
