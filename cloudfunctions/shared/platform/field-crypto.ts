import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Field-level encryption for personal data at rest (phone numbers, street addresses): AES-256-GCM with keys from the
 * function's environment, so a leaked database export or backup alone reveals nothing (docs/platform.md, "Personal
 * data at rest").
 *
 * A value is `v2:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts). Its additional authenticated data is
 * `v2:<keyId>:<binding>`, where the binding names the record and field it belongs to (`addresses/<id>/phone`,
 * `orders/<id>/address.phone`): a value copied into another record or field, or given another key id, does not
 * decrypt. Keys: the current one (`SHOP_DATA_KEY`, id `SHOP_DATA_KEY_ID`, default `k1`) writes; old ones kept for
 * reading (`SHOP_DATA_OLD_KEYS`, `id:hex,id:hex` or `none`) only read, until the jobs timer has re-encrypted their values.
 *
 * `v1:<iv>:<tag>:<ciphertext>` values, written before bindings existed (no key id, no binding), are still read on
 * every path, so that checkout and shipping keep working while the timer moves them to v2; they are tried under every
 * configured key, and become unreadable once the key that wrote them is dropped (the rotation steps in the doc).
 */

const V1 = 'v1';
const V2 = 'v2';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The id of `SHOP_DATA_KEY` when `SHOP_DATA_KEY_ID` is not set: the key of a deployment from before key ids. */
export const DEFAULT_KEY_ID = 'k1';
/** Key ids sit between colons in values and inside the timer's query pattern, hence the narrow alphabet. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** What a read path shows for a value that does not decrypt (moved, tampered with, or under a dropped key). */
export const UNREADABLE_FIELD = '（无法读取）';

export type PersonalField = 'phone' | 'detail';

function recordId(id: string): string {
  // A '/' would let one record's binding spell another's.
  if (!id || id.includes('/')) throw new Error('a binding needs a record id without "/"');
  return id;
}

/** The binding of a field in the address book. */
export function addressBinding(addressId: string, field: PersonalField): string {
  return `addresses/${recordId(addressId)}/${field}`;
}

/** The binding of a field of an order's address snapshot: each order holds its own ciphertexts. */
export function orderAddressBinding(orderId: string, field: PersonalField): string {
  return `orders/${recordId(orderId)}/address.${field}`;
}

interface KeyRing {
  currentId: string;
  /** Every usable key by id, the current one first. */
  keys: Map<string, Buffer>;
}

let ring: { source: string; keys: KeyRing } | undefined;

/** The keys from the environment, parsed again only when the variables change. Messages never show a key. */
function keyRing(): KeyRing {
  // Read as `process.env.NAME`: that is how deploy finds which variables a bundle needs (scripts/deploy/variables.ts).
  const hex = process.env.SHOP_DATA_KEY;
  const id = process.env.SHOP_DATA_KEY_ID;
  const old = process.env.SHOP_DATA_OLD_KEYS;
  const source = JSON.stringify([hex, id, old]);
  if (ring?.source === source) return ring.keys;
  if (!hex) throw new Error('SHOP_DATA_KEY is not set: the functions need a 64-hex-character (256-bit) data key');
  if (!HEX_KEY.test(hex)) throw new Error('SHOP_DATA_KEY must be exactly 64 hex characters (a 256-bit key)');
  const currentId = id || DEFAULT_KEY_ID;
  if (!KEY_ID.test(currentId)) throw new Error('SHOP_DATA_KEY_ID must be 1-32 characters of A-Z, a-z, 0-9, _ and -');
  const keys = new Map([[currentId, Buffer.from(hex, 'hex')]]);
  // `none` says "no old keys" where an empty value cannot (deploy keeps the deployed value of an empty one).
  const entries = (old?.trim() === 'none' ? '' : (old ?? ''))
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  entries.forEach((entry, i) => {
    const [oldId = '', oldHex = '', ...rest] = entry.split(':');
    if (!KEY_ID.test(oldId) || !HEX_KEY.test(oldHex) || rest.length)
      throw new Error(`SHOP_DATA_OLD_KEYS: entry ${i + 1} must be <id>:<64 hex characters>, id of A-Z, a-z, 0-9, _ and -`);
    if (oldId === currentId) throw new Error(`SHOP_DATA_OLD_KEYS: key id "${oldId}" is the current key's id (SHOP_DATA_KEY_ID)`);
    if (keys.has(oldId)) throw new Error(`SHOP_DATA_OLD_KEYS: key id "${oldId}" appears twice`);
    keys.set(oldId, Buffer.from(oldHex, 'hex'));
  });
  const parsed = { currentId, keys };
  ring = { source, keys: parsed };
  return parsed;
}

const b64 = (bytes: Buffer) => bytes.toString('base64url');

/** Encrypts under the current key, bound to `binding` (`addressBinding`, `orderAddressBinding`). */
export function encryptField(plain: string, binding: string): string {
  const { currentId, keys } = keyRing();
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.get(currentId)!, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(`${V2}:${currentId}:${binding}`, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [V2, currentId, b64(iv), b64(cipher.getAuthTag()), b64(ciphertext)].join(':');
}

function open(key: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer, aad?: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
}

function parts(iv: string | undefined, tag: string | undefined, ciphertext: string | undefined) {
  if (iv === undefined || tag === undefined || ciphertext === undefined) return undefined;
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) return undefined;
  return { iv: ivBytes, tag: tagBytes, ciphertext: Buffer.from(ciphertext, 'base64url') };
}

/**
 * The plain text of a value written for `binding`. Throws on anything else: another record's or field's value, a
 * tampered one, one under a key that is not configured (GCM authenticates the ciphertext, the key id and the binding).
 */
export function decryptField(stored: string, binding: string): string {
  const { keys } = keyRing();
  const [version, ...fields] = stored.split(':');
  if (version === V2 && fields.length === 4) {
    const [keyId = '', ...rest] = fields;
    const p = parts(...(rest as [string, string, string]));
    if (p) {
      const key = keys.get(keyId);
      if (!key)
        throw new Error(`encrypted field ${binding}: unknown key id "${keyId}" (not in SHOP_DATA_KEY_ID or SHOP_DATA_OLD_KEYS)`);
      try {
        return open(key, p.iv, p.tag, p.ciphertext, Buffer.from(`${V2}:${keyId}:${binding}`, 'utf8'));
      } catch {
        throw new Error(`encrypted field ${binding} does not decrypt: written for another record or field, or tampered with`);
      }
    }
  }
  if (version === V1 && fields.length === 3) {
    const p = parts(...(fields as [string, string, string]));
    if (p) {
      // No key id to pick the key by: GCM's tag tells which one wrote it (a wrong key fails, as tampering would).
      for (const key of keys.values()) {
        try {
          return open(key, p.iv, p.tag, p.ciphertext);
        } catch {
          continue;
        }
      }
      throw new Error(`encrypted field ${binding} (v1) does not decrypt under any configured key`);
    }
  }
  throw new Error(`encrypted field ${binding}: not an encrypted field`);
}

/** The value decrypted under `from`, encrypted again under the current key for `to` (an order copying an address). */
export function rebindField(stored: string, from: string, to: string): string {
  return encryptField(decryptField(stored, from), to);
}

/** The value under the current key and version, same binding (the jobs timer's re-encryption). */
export function reencryptField(stored: string, binding: string): string {
  return rebindField(stored, binding, binding);
}

/** Whether the value is written the way `encryptField` writes now: v2 under the current key id. */
export function isUnderCurrentKey(stored: string): boolean {
  return stored.startsWith(`${V2}:${keyRing().currentId}:`);
}

/**
 * Matches the values the jobs timer can move to the current key: v1, and v2 under an old key that is configured.
 * Values under an unknown key id cannot be read, so they are not matched (they would be found again every minute).
 */
export function reencryptableValues(): RegExp {
  const { currentId, keys } = keyRing();
  const oldIds = [...keys.keys()].filter((id) => id !== currentId);
  // Key ids are [A-Za-z0-9_-] (checked when parsed): nothing in them needs escaping.
  return new RegExp(oldIds.length ? `^(${V1}:|${V2}:(${oldIds.join('|')}):)` : `^${V1}:`);
}

/**
 * For read paths: `show(plain text)`, or UNREADABLE_FIELD when the value does not decrypt, so one bad value does not
 * fail a whole list. The failure is logged with the binding (never the value) for the operator.
 */
export function readField(stored: string, binding: string, show: (plain: string) => string = (plain) => plain): string {
  let plain: string;
  try {
    plain = decryptField(stored, binding);
  } catch (err) {
    console.error(`[field-crypto] ${binding} shown as unreadable: ${err instanceof Error ? err.message : String(err)}`);
    return UNREADABLE_FIELD;
  }
  return show(plain);
}
