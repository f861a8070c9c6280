import { generate } from 'otplib';
import { CSRF_HEADER, SESSION_COOKIE, type SignInResult, type TotpSetup } from '../typings/admin-access.js';
import type { Envelope } from '../typings/common.js';
import type { startShop } from './shop.js';

type Shop = Awaited<ReturnType<typeof startShop>>;

/** The admin web page's path on the HTTP access service (cloudbaserc.json `httpAccess`). */
export const ADMIN_PATH = '/api/admin';

/** What a browser got back: the envelope, the HTTP status and the `Set-Cookie` header if any. */
export interface WebAnswer<T> {
  status: number;
  envelope: Envelope<T>;
  setCookie?: string;
}

/**
 * An authenticator app for tests: codes for the time step after the last one used, as a person would type the next code
 * shown (the server never takes a step twice). The server accepts one step of drift, so a code ahead waits its turn.
 */
export class Authenticator {
  private lastStep = 0;
  constructor(readonly secret: string) {}

  async nextCode(): Promise<string> {
    const step = Math.max(Math.floor(Date.now() / 30_000), this.lastStep + 1);
    const wait = (step - 1) * 30_000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 50));
    this.lastStep = step;
    return generate({ secret: this.secret, epoch: step * 30 });
  }

  /** The code of the step last used again: what a replay sends. */
  lastCode(): Promise<string> {
    return generate({ secret: this.secret, epoch: this.lastStep * 30 });
  }
}

/**
 * A browser on the admin web page: it posts `{$url, ...params}` to `/api/admin` over the emulator's HTTP access
 * service, keeps the session cookie as a browser would (set and cleared by `Set-Cookie`) and sends the CSRF token it
 * was given in the `x-csrf-token` header.
 */
export class AdminBrowser {
  cookie?: string;
  csrfToken?: string;
  authenticator?: Authenticator;

  constructor(
    private readonly shop: Shop,
    readonly userAgent = 'Mozilla/5.0 (test) AdminBrowser',
  ) {}

  /** One request; `headers` replace the defaults (for tests of what a forged request lacks). */
  async post<T>(route: string, params: Record<string, unknown> = {}, headers?: Record<string, string>): Promise<WebAnswer<T>> {
    const res = await fetch(`${this.shop.emulator.url}${ADMIN_PATH}`, {
      method: 'POST',
      headers: headers ?? {
        'content-type': 'application/json',
        'user-agent': this.userAgent,
        ...(this.cookie ? { cookie: `${SESSION_COOKIE}=${this.cookie}` } : {}),
        ...(this.csrfToken ? { [CSRF_HEADER]: this.csrfToken } : {}),
      },
      body: JSON.stringify({ $url: route, ...params }),
    });
    const setCookie = res.headers.get('set-cookie') ?? undefined;
    if (setCookie?.startsWith(`${SESSION_COOKIE}=`)) {
      const value = setCookie.slice(SESSION_COOKIE.length + 1).split(';')[0];
      this.cookie = /Max-Age=0/.test(setCookie) || !value ? undefined : value;
    }
    return { status: res.status, envelope: (await res.json()) as Envelope<T>, ...(setCookie ? { setCookie } : {}) };
  }

  /** A route's envelope. */
  async call<T>(route: string, params: Record<string, unknown> = {}): Promise<Envelope<T>> {
    return (await this.post<T>(route, params)).envelope;
  }

  /** A route's data; anything else throws. */
  async data<T>(route: string, params: Record<string, unknown> = {}): Promise<T> {
    const answer = await this.call<T>(route, params);
    if (!answer.ok) throw new Error(`${route}: ${answer.code} ${answer.message}`);
    return answer.data;
  }

  /**
   * Signs in with password and TOTP; at the first sign-in, sets up the authenticator from the QR code's secret.
   * Answers the final sign-in's answer.
   */
  async signIn(username: string, password: string): Promise<WebAnswer<SignInResult>> {
    let answer = await this.post<SignInResult>('auth.signIn', { username, password, ...(await this.codeIfSetUp()) });
    if (answer.envelope.ok && !answer.envelope.data.signedIn) {
      this.authenticator = new Authenticator((answer.envelope.data as { totpSetup: TotpSetup }).totpSetup.secret);
      answer = await this.post<SignInResult>('auth.signIn', { username, password, code: await this.authenticator.nextCode() });
    }
    if (answer.envelope.ok && answer.envelope.data.signedIn) this.csrfToken = answer.envelope.data.csrfToken;
    return answer;
  }

  /** 二次验证 with the next code. */
  async verify(): Promise<Envelope<{ verifiedUntil: string }>> {
    if (!this.authenticator) throw new Error('no authenticator set up');
    return this.call('auth.verify', { code: await this.authenticator.nextCode() });
  }

  private async codeIfSetUp(): Promise<{ code?: string }> {
    return this.authenticator ? { code: await this.authenticator.nextCode() } : {};
  }
}
