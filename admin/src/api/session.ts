import { computed, reactive } from 'vue';
import type { AdminMe, AdminPermission, SignInResult } from '../../../typings/admin-access';
import { ApiError, call, post } from './client';

/**
 * Who is signed in. The session itself is an HttpOnly cookie the page never sees; what the page keeps is the CSRF
 * token the sign-in answered (sent back with every request) and `auth.me`. The token is kept in localStorage so a
 * reload or a second tab stays signed in; it is useless without the cookie, which only this origin sends.
 */
const TOKEN_KEY = 'shop-admin-csrf';

export const session = reactive<{ me?: AdminMe; csrfToken?: string; expiredMessage?: string }>({
  csrfToken: localStorage.getItem(TOKEN_KEY) ?? undefined,
});

export const signedIn = computed(() => session.me !== undefined);

export function can(permission: AdminPermission): boolean {
  return session.me?.permissions.includes(permission) ?? false;
}

/** Password, then (once TOTP is set up) the 6-digit code; the answer says which step comes next. */
export async function signIn(input: { username: string; password: string; code?: string }): Promise<SignInResult> {
  const answer = await post<SignInResult>('auth.signIn', input);
  if (!answer.ok) throw new ApiError(answer.code, answer.message);
  if (answer.data.signedIn) remember(answer.data.me, answer.data.csrfToken);
  return answer.data;
}

function remember(me: AdminMe, csrfToken: string): void {
  session.me = me;
  session.csrfToken = csrfToken;
  session.expiredMessage = undefined;
  localStorage.setItem(TOKEN_KEY, csrfToken);
}

/** After a reload: who the cookie belongs to, if it is still alive. */
export async function restore(): Promise<boolean> {
  if (session.me) return true;
  if (!session.csrfToken) return false;
  try {
    session.me = await call('auth.me');
    return true;
  } catch {
    return false;
  }
}

export async function refreshMe(): Promise<void> {
  session.me = await call('auth.me');
}

export async function signOut(): Promise<void> {
  try {
    await call('auth.signOut');
  } finally {
    forget();
  }
}

/** The server said the session is gone (expired, signed out elsewhere, account disabled). */
export function forget(message?: string): void {
  session.me = undefined;
  session.csrfToken = undefined;
  session.expiredMessage = message;
  localStorage.removeItem(TOKEN_KEY);
}
