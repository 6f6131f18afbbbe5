import { randomBytes, randomUUID } from 'node:crypto';

/**
 * A programmatic API key. The private key is never stored: only the digest HA1
 * (MD5 of `publicKey:realm:privateKey`) and the last 12 characters Atlas shows when masking.
 */
export interface ApiKey {
  id: string;
  orgId: string;
  desc: string;
  publicKey: string;
  ha1: string;
  privateKeyTail: string;
  createdAt: number;
  orgRoles: string[];
}

/** A key with its project role grants, as authorization and the key views need it. */
export interface ApiKeyWithGrants extends ApiKey {
  /** Project id -> role names, in grant order. */
  projectRoles: Map<string, string[]>;
}

/** 8 lower-case letters, as Atlas public keys look (`gswvkocq`). */
export function newPublicKey(): string {
  const bytes = randomBytes(8);
  let out = '';
  for (const b of bytes) out += String.fromCharCode(97 + (b % 26));
  return out;
}

/** A lower-case UUIDv4, as Atlas private keys look. */
export function newPrivateKey(): string {
  return randomUUID();
}

/** Atlas masks a private key as `********-****-****-` followed by its last 12 characters. */
export function maskPrivateKey(tail: string): string {
  return `********-****-****-${tail}`;
}

export const PUBLIC_KEY_PATTERN = /^[a-z0-9]{1,64}$/;
