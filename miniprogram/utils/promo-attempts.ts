/**
 * One purchase attempt (a flash-sale buy, opening or joining a group) carries an idempotency key: if its answer is
 * lost, trying again with the same key gives back the same order instead of a second one. The key lives until the
 * outcome is known (an order, or a refusal), and a different purchase (other sale, SKU, quantity or address) gets a
 * new one, since the route answers CONFLICT for a key reused with other parameters.
 */
export interface Attempt {
  /** What is being bought: the parameters other than the key. */
  signature: string;
  key: string;
}

/** 8–64 characters of `A-Za-z0-9_-`, as the routes take them. */
export function newIdempotencyKey(prefix: string, now = Date.now(), random = Math.random): string {
  const noise = Array.from({ length: 3 }, () => Math.floor(random() * 36 ** 4).toString(36)).join('');
  return `${prefix}-${now.toString(36)}-${noise}`.slice(0, 64);
}

export function signatureOf(params: Record<string, string | number>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** The attempt for these parameters: the pending one when it is for the same purchase, else a new one. */
export function attemptFor(pending: Attempt | null, prefix: string, params: Record<string, string | number>): Attempt {
  const signature = signatureOf(params);
  return pending?.signature === signature ? pending : { signature, key: newIdempotencyKey(prefix) };
}

/**
 * Whether a failed attempt may have gone through: nothing came back (`NETWORK`) or the function failed mid-way
 * (`INTERNAL`). Then the key is kept for the retry; a refusal (已抢光, 已结束…) settles it.
 */
export function outcomeUnknown(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'NETWORK' || code === 'INTERNAL';
}
