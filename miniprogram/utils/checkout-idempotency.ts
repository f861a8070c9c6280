/**
 * The idempotency key of a checkout (`order.create`): chosen once per checkout and kept, in storage, until its order
 * is known, so a retry after a lost answer (or the page opened again on the same lines) sends the same key and gets
 * the same order back instead of a second one.
 */

export const CHECKOUT_KEY_STORAGE = 'checkout:idempotency';
/** An unpaid order is cancelled after 30 minutes: a key older than that has nothing left to protect. */
export const KEY_LIFETIME_MS = 30 * 60 * 1000;

export interface KeyStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  remove(key: string): void;
}

export interface PendingCheckout {
  key: string;
  /** The lines it was made for (`linesFingerprint`). */
  lines: string;
  at: number;
  /** A create with this key went out and its answer never came: an order may exist. */
  uncertain: boolean;
}

/** 8–64 characters of `A-Za-z0-9_-`, as `order.create` takes them; the time first, then 16 random characters. */
export function newIdempotencyKey(now = Date.now(), random: () => number = Math.random): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let tail = '';
  for (let i = 0; i < 16; i++) tail += alphabet[Math.floor(random() * alphabet.length)] ?? 'x';
  return `co-${now.toString(36)}-${tail}`;
}

/** The same lines in any order give the same fingerprint. */
export function linesFingerprint(lines: Array<{ skuId: string; quantity: number }>): string {
  return lines
    .map((l) => `${l.skuId}*${l.quantity}`)
    .sort()
    .join(',');
}

function isPending(value: unknown): value is PendingCheckout {
  const v = value as Partial<PendingCheckout> | null;
  return !!v && typeof v.key === 'string' && typeof v.lines === 'string' && typeof v.at === 'number';
}

/**
 * The key for a checkout of `lines`: the stored one when it was made for the same lines within its lifetime, else a
 * new one (stored).
 */
export function checkoutKey(
  store: KeyStore,
  lines: Array<{ skuId: string; quantity: number }>,
  now = Date.now(),
): PendingCheckout {
  const fingerprint = linesFingerprint(lines);
  const stored = store.get(CHECKOUT_KEY_STORAGE);
  if (isPending(stored) && stored.lines === fingerprint && now - stored.at < KEY_LIFETIME_MS) return stored;
  const fresh: PendingCheckout = { key: newIdempotencyKey(now), lines: fingerprint, at: now, uncertain: false };
  store.set(CHECKOUT_KEY_STORAGE, fresh);
  return fresh;
}

/** Records that a create with this key lost its answer (an order may exist). */
export function markUncertain(store: KeyStore, pending: PendingCheckout): PendingCheckout {
  const marked = { ...pending, uncertain: true };
  store.set(CHECKOUT_KEY_STORAGE, marked);
  return marked;
}

/** The checkout has its order (or starts over): the next checkout gets a new key. */
export function finishCheckout(store: KeyStore): void {
  store.remove(CHECKOUT_KEY_STORAGE);
}
