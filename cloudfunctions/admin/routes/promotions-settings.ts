import { MemberSettingsGetInput, MemberSettingsUpdateInput, type MemberSettingsView } from '../../../typings/admin-promotions.js';
import { readMemberSettings, updateMemberSettings } from '../../shared/store/promotion-writes.js';
import { actorOf } from '../audit.js';
import { adminRoute, requireVerification } from '../rbac.js';

/**
 * Member settings in the back office (docs/back-office/promotions.md): levels, points, check-in and referral rules.
 * Read by anyone who answers shoppers about promotions; changed with `settings.write`, and a change of the referral
 * commission (money paid out) also needs a second verification.
 */

export const get = adminRoute('promotions.read', MemberSettingsGetInput, (): Promise<MemberSettingsView> => readMemberSettings());

export const update = adminRoute('settings.write', MemberSettingsUpdateInput, (input, ctx): Promise<MemberSettingsView> =>
  updateMemberSettings(input, { actor: actorOf(ctx), now: ctx.now }, (changed) => {
    if (changed.includes('referral')) requireVerification(ctx);
  }),
);
