import { randomBytes } from 'node:crypto';

/**
 * Atlas ids are BSON ObjectIds: 24 lower-case hex digits whose first 4 bytes are the creation time in
 * Unix seconds, then 5 random bytes fixed per process and a 3-byte counter, so ids sort by creation.
 */
const PROCESS_RANDOM = randomBytes(5);
let counter = randomBytes(3).readUIntBE(0, 3);

export const OBJECT_ID_PATTERN = /^[a-f0-9]{24}$/;

export function newObjectId(nowMs: number = Date.now()): string {
  const buf = Buffer.alloc(12);
  buf.writeUInt32BE(Math.floor(nowMs / 1000) >>> 0, 0);
  PROCESS_RANDOM.copy(buf, 4);
  counter = (counter + 1) & 0xffffff;
  buf.writeUIntBE(counter, 9, 3);
  return buf.toString('hex');
}

export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID_PATTERN.test(value);
}

/** The ObjectId that follows `id` by one in its counter (Azure resource groups are named after it). */
export function nextObjectId(id: string): string {
  const n = BigInt('0x' + id) + 1n;
  return n.toString(16).padStart(24, '0').slice(-24);
}

/** Seconds-precision ISO-8601 UTC timestamp, as Atlas writes `created`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
