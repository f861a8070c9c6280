import { DEFAULT_MEMBER_SETTINGS, MEMBER_SETTINGS_ID, MemberSettingsSections, type MemberSettings } from '../../typings/member.js';
import { db } from './db.js';

/**
 * Shop settings live in the `settings` collection so the admin page can edit them; the code holds the defaults, so a
 * missing document (a fresh environment) or a missing section works. Each section is validated on its own: a broken
 * section falls back to its defaults (and is logged) instead of taking every member route down with it.
 */
export const SETTINGS = 'settings';

type Section = keyof MemberSettings;

export function parseMemberSettings(doc: unknown): MemberSettings {
  const stored = doc && typeof doc === 'object' ? (doc as Record<string, unknown>) : {};
  const result = {} as Record<Section, unknown>;
  for (const section of Object.keys(MemberSettingsSections) as Section[]) {
    const fallback = DEFAULT_MEMBER_SETTINGS[section];
    const value = stored[section];
    if (value === undefined || value === null) {
      result[section] = fallback;
      continue;
    }
    // Objects may list only the fields an admin changed; arrays (levels) replace the default whole.
    const merged = Array.isArray(fallback) || typeof value !== 'object' || Array.isArray(value) ? value : { ...fallback, ...(value as object) };
    const parsed = MemberSettingsSections[section].safeParse(merged);
    if (parsed.success) result[section] = parsed.data;
    else {
      console.error(`[settings] member.${section} is invalid, using the defaults: ${parsed.error.issues[0]?.message ?? ''}`);
      result[section] = fallback;
    }
  }
  return result as MemberSettings;
}

/** One read; not cached, so an edit in the admin page applies to the next request. */
export async function loadMemberSettings(): Promise<MemberSettings> {
  const doc = (await db.collection(SETTINGS).doc(MEMBER_SETTINGS_ID).get()).data;
  return parseMemberSettings(doc);
}
