import { createHash, randomBytes } from 'node:crypto';
import { SESSION_ABSOLUTE_HOURS, SESSION_IDLE_MINUTES } from '../../../typings/admin-access.js';
import { _, db } from '../../shared/store/db.js';

/**
 * Sessions of the web page (`admin_sessions`): a random 256-bit token in the cookie, only its SHA-256 in the database
 * (a leaked collection opens no session). Each has a CSRF token the page sends back in a header, ends after
 * SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS after sign-in, and can be revoked: signing out
 * deletes it, disabling an account or resetting its factors deletes all of its sessions.
 */
export const ADMIN_SESSIONS = 'admin_sessions';

export interface SessionDoc {
  _id: string;
  staffId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  verifiedUntil?: Date;
  ip?: string;
  userAgent?: string;
}

/** A request only moves `lastSeenAt` when it is this old, so a busy page does not write on every call. */
const TOUCH_AFTER_MS = 60_000;

const sessions = () => db.collection<SessionDoc>(ADMIN_SESSIONS);
export const sessionId = (token: string) => createHash('sha256').update(token).digest('hex');

export async function openSession(
  staffId: string,
  now: Date,
  client: { ip?: string; userAgent?: string },
): Promise<{ token: string; session: SessionDoc }> {
  const token = randomBytes(32).toString('base64url');
  const session: SessionDoc = {
    _id: sessionId(token),
    staffId,
    csrfToken: randomBytes(32).toString('base64url'),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_HOURS * 3_600_000),
    ...(client.ip ? { ip: client.ip } : {}),
    ...(client.userAgent ? { userAgent: client.userAgent.slice(0, 300) } : {}),
  };
  const { _id, ...data } = session;
  await sessions().doc(_id).set({ data });
  return { token, session };
}

/** The live session of `token`, touched; undefined when unknown, idle too long or past its absolute end. */
export async function liveSession(token: string, now: Date): Promise<SessionDoc | undefined> {
  const id = sessionId(token);
  const session = (await sessions().doc(id).get()).data;
  if (!session) return undefined;
  const idleEnd = session.lastSeenAt.getTime() + SESSION_IDLE_MINUTES * 60_000;
  if (now.getTime() >= idleEnd || now >= session.expiresAt) {
    await sessions().doc(id).remove();
    return undefined;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
    await sessions()
      .doc(id)
      .update({ data: { lastSeenAt: now } });
  }
  return { ...session, _id: id };
}

export async function closeSession(id: string): Promise<void> {
  await sessions().doc(id).remove();
}

/** Ends every session of an account (disabled, factors reset, password changed elsewhere). */
export async function closeSessionsOf(staffId: string, except?: string): Promise<number> {
  const filter = except ? { staffId, _id: _.neq(except) } : { staffId };
  const removed = await sessions().where(filter).remove();
  return removed.stats.removed;
}

export async function markVerified(id: string, until: Date): Promise<void> {
  await sessions()
    .doc(id)
    .update({ data: { verifiedUntil: until } });
}
