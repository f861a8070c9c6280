import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Field-level encryption for personal data at rest (phone numbers, street addresses): AES-256-GCM with the key in the
 * function's environment (`SHOP_DATA_KEY`, 64 hex characters), so a leaked database export or backup alone reveals
 * nothing. Stored as `v1:<iv>:<tag>:<ciphertext>`, each part base64url; the version lets the key or cipher change later.
 */

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function dataKey(): Buffer {
  const hex = process.env.SHOP_DATA_KEY;
  if (!hex) throw new Error('SHOP_DATA_KEY is not set: the functions need a 64-hex-character (256-bit) data key');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('SHOP_DATA_KEY must be exactly 64 hex characters (a 256-bit key)');
  return Buffer.from(hex, 'hex');
}

export function encryptField(plain: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey(), iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join(
    ':',
  );
}

/** Throws on anything not written by `encryptField` with the same key (GCM authenticates the ciphertext). */
export function decryptField(stored: string): string {
  const [version, iv, tag, ciphertext, ...rest] = stored.split(':');
  if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined || rest.length)
    throw new Error('not an encrypted field');
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new Error('not an encrypted field');
  const decipher = createDecipheriv('aes-256-gcm', dataKey(), ivBytes, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tagBytes);
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
