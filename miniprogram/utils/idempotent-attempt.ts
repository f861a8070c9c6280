/**
 * A submit that creates an order (checkout, a flash-sale buy, opening or joining a group) carries an idempotency key:
 * if its answer is lost, sending it again with the same key gives back the same order instead of a second one. The key
 * is kept in a `KeyStore` until the outcome is known; a submit with other parameters gets a new key, since the routes
 * answer CONFLICT for a key reused with other parameters.
 */

/** Where pending attempts are kept: the phone's storage (services/checkout.ts) or a page's data (`pageDataStore`). */
export interface KeyStore {
  get(slot: string): unknown;
  set(slot: string, value: unknown): void;
  remove(slot: string): void;
}

export interface PendingAttempt {
  key: string;
  /** The parameters it was made for (`signatureOf`). */
  signature: string;
  at: number;
  /** Sent, and its answer never came: an order may exist with this key. */
  uncertain: boolean;
}

export interface AttemptOptions {
  /** Where the store keeps it. */
  slot: string;
  /** The key's first characters: which submit made an order is readable in the database. */
  prefix: string;
  /** A key older than this is not sent again; without it, the key lives until the outcome is known. */
  lifetimeMs?: number;
}

/** 立即抢购 on the flash-sale and product pages: kept in the page's data while the page lives. */
export const FLASH_SALE_ATTEMPT: AttemptOptions = { slot: 'attempt', prefix: 'fs' };
/** 发起拼团 and 参与拼团 on the group-buy and product pages: kept in the page's data while the page lives. */
export const GROUP_SEAT_ATTEMPT: AttemptOptions = { slot: 'attempt', prefix: 'gb' };
/** 提交订单: kept in storage (the page opened again on the same lines sends the same key), for an unpaid order's 30 minutes. */
export const CHECKOUT_ATTEMPT: AttemptOptions = { slot: 'checkout:idempotency', prefix: 'co', lifetimeMs: 30 * 60 * 1000 };

const KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** 8–64 characters of `A-Za-z0-9_-`, as the routes take them: the prefix, the time, then 16 random characters. */
export function newIdempotencyKey(prefix: string, now = Date.now(), random: () => number = Math.random): string {
  let tail = '';
  for (let i = 0; i < 16; i++) tail += KEY_ALPHABET[Math.floor(random() * KEY_ALPHABET.length)] ?? 'x';
  return `${prefix}-${now.toString(36)}-${tail}`.slice(0, 64);
}

/** The same parameters in any order give the same signature. */
export function signatureOf(params: Record<string, string | number>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/**
 * A checkout's parameters for its key: the lines, in any order. The address, coupon and points may change between
 * tries; a key reused with other choices is how the page learns that the lost attempt did place its order.
 */
export function checkoutKeyParams(lines: Array<{ skuId: string; quantity: number }>): { lines: string } {
  return {
    lines: lines
      .map((l) => `${l.skuId}*${l.quantity}`)
      .sort()
      .join(','),
  };
}

/**
 * Whether a failed submit may have gone through: nothing came back (`NETWORK`) or the function failed mid-way
 * (`INTERNAL`). Then the key is kept for the retry; a refusal (已抢光, 已结束…) settles it.
 */
export function outcomeUnknown(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'NETWORK' || code === 'INTERNAL';
}

function isPending(value: unknown): value is PendingAttempt {
  const v = value as Partial<PendingAttempt> | null;
  return !!v && typeof v.key === 'string' && typeof v.signature === 'string' && typeof v.at === 'number';
}

export class IdempotentAttempt {
  constructor(
    private readonly store: KeyStore,
    private readonly options: AttemptOptions,
  ) {}

  /** The pending attempt when it was made for the same parameters (and is not too old), else a new one, kept. */
  keyFor(params: Record<string, string | number>, now = Date.now()): PendingAttempt {
    const signature = signatureOf(params);
    const stored = this.store.get(this.options.slot);
    const fresh = (at: number) => this.options.lifetimeMs === undefined || now - at < this.options.lifetimeMs;
    if (isPending(stored) && stored.signature === signature && fresh(stored.at)) return stored;
    const pending: PendingAttempt = { key: newIdempotencyKey(this.options.prefix, now), signature, at: now, uncertain: false };
    this.store.set(this.options.slot, pending);
    return pending;
  }

  /** The submit with this key lost its answer: an order may exist. */
  markUncertain(pending: PendingAttempt): PendingAttempt {
    const marked = { ...pending, uncertain: true };
    this.store.set(this.options.slot, marked);
    return marked;
  }

  /** The outcome is known (an order, or a refusal): the next submit gets a new key. */
  settle(): void {
    this.store.remove(this.options.slot);
  }

  /** Sends with the key for `params`; an answer or a refusal settles the attempt, a failure on the way keeps its key. */
  async send<T>(params: Record<string, string | number>, submit: (idempotencyKey: string) => Promise<T>): Promise<T> {
    const pending = this.keyFor(params);
    try {
      const answer = await submit(pending.key);
      this.settle();
      return answer;
    } catch (err) {
      if (!outcomeUnknown(err)) this.settle();
      throw err;
    }
  }
}

/** A store in a page's data (`data[slot]`, `null` once settled): the attempt lasts as long as the page. */
export function pageDataStore(page: { data: object; setData(patch: Record<string, unknown>): void }): KeyStore {
  return {
    get: (slot) => (page.data as Record<string, unknown>)[slot],
    set: (slot, value) => page.setData({ [slot]: value }),
    remove: (slot) => page.setData({ [slot]: null }),
  };
}
