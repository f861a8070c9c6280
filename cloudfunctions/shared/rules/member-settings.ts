import { DEFAULT_MEMBER_SETTINGS,MemberSettingsSections,type MemberSettings } from '../../../typings/member.js';



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
