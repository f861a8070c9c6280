import { timingSafeEqual } from 'node:crypto';
import { CSRF_HEADER, SESSION_ABSOLUTE_HOURS, SESSION_COOKIE } from '../../../typings/admin-access.js';
import type { Envelope } from '../../../typings/common.js';
import type { Client } from './accounts.js';

/**
 * The web page's way in: CloudBase's HTTP access service calls this function with an integration event (`httpMethod`,
 * `headers`, `body`, ...) and sends back `{statusCode, headers, body}`. Requests are `POST` with a JSON body
 * `{$url, ...params}`; answers are the same envelope the WeChat function gives, always with HTTP 200 unless the
 * request itself is malformed, and never cached.
 */
export interface HttpEvent {
  httpMethod: string;
  path?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: { path?: string; sourceIp?: string };
}

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function isHttpEvent(event: Record<string, unknown>): event is Record<string, unknown> & HttpEvent {
  return typeof event.httpMethod === 'string' && typeof event.$url !== 'string';
}

/** Header names are case-insensitive; the platform may hand them in any case. */
export function header(event: HttpEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

export function clientOf(event: HttpEvent): Client {
  // The last address is the one the platform's proxy saw; any before it are whatever the client claimed.
  const forwarded = header(event, 'x-forwarded-for')?.split(',').at(-1)?.trim();
  const ip = forwarded || header(event, 'x-real-ip') || event.requestContext?.sourceIp;
  const userAgent = header(event, 'user-agent');
  return { ...(ip ? { ip } : {}), ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}) };
}

export function cookie(event: HttpEvent, name: string): string | undefined {
  for (const part of (header(event, 'cookie') ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/** The JSON body as an object, or undefined when it is not one. */
export function jsonBody(event: HttpEvent): Record<string, unknown> | undefined {
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    const body: unknown = JSON.parse(text || '{}');
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookie's path: the HTTP access path the request came in on. */
function cookiePath(event: HttpEvent): string {
  const path = event.requestContext?.path;
  return path && path.startsWith('/') ? path : '/api/admin';
}

export function sessionCookie(event: HttpEvent, token: string): string {
  return `${SESSION_COOKIE}=${token}; Path=${cookiePath(event)}; Max-Age=${SESSION_ABSOLUTE_HOURS * 3600}; HttpOnly; Secure; SameSite=Strict`;
}

export function clearedCookie(event: HttpEvent): string {
  return `${SESSION_COOKIE}=; Path=${cookiePath(event)}; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}

export function answer(envelope: Envelope<unknown>, setCookie?: string, statusCode = 200): HttpAnswer {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...(setCookie ? { 'set-cookie': setCookie } : {}),
    },
    body: JSON.stringify(envelope),
  };
}

export { CSRF_HEADER, SESSION_COOKIE };
