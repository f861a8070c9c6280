import { DEFAULT_MEMBER_SETTINGS, MemberSettingsSections, type MemberSettings } from '../../../typings/member.js';

/**
 * The member settings document, parsed. Each section is validated on its own: a broken section falls back to its
 * defaults (and is logged) instead of taking every member route down with it. Read by store/shop-settings.ts.
 */

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
    const merged =
      Array.isArray(fallback) || typeof value !== 'object' || Array.isArray(value) ? value : { ...fallback, ...value };
    const parsed = MemberSettingsSections[section].safeParse(merged);
    if (parsed.success) result[section] = parsed.data;
    else {
      console.error(`[settings] member.${section} is invalid, using the defaults: ${parsed.error.issues[0]?.message ?? ''}`);
      result[section] = fallback;
    }
  }
  return result as MemberSettings;
}
