import { MEMBER_SETTINGS_ID, type MemberSettings } from '../../../typings/member.js';
import { parseMemberSettings } from '../rules/member-settings.js';
import { db } from './db.js';

/**
 * Shop settings live in the `settings` collection so the admin page can edit them; the code holds the defaults, so a
 * missing document (a fresh environment) or a missing section works (rules/member-settings.ts parses it).
 */

export const SETTINGS = 'settings';

/** One read; not cached, so an edit in the admin page applies to the next request. */
export async function loadMemberSettings(): Promise<MemberSettings> {
  const doc = (await db.collection(SETTINGS).doc(MEMBER_SETTINGS_ID).get()).data;
  return parseMemberSettings(doc);
}
