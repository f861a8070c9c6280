import { randomBytes } from 'node:crypto';

/**
 * Random hex for ids (documents, transactions, invocations, request ids), drawn from a pool refilled 4 KiB at a time:
 * `randomBytes` per id costs a trip into OpenSSL each, and a busy emulator makes several ids per request.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

export function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, bytes));
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}
