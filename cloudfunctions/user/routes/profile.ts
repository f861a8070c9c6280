import { ProfileInput, ProfileUpdateInput, type Profile } from '../../../typings/user.js';
import { route } from '../../shared/platform/route.js';
import { db } from '../../shared/store/db.js';
import { toProfile, type UserDoc } from '../user.js';

const users = () => db.collection<UserDoc>('users');

/** The caller's user document, created on first use (the first call of a new shopper is their "member since"). */
export async function ensureUser(openid: string, now: Date): Promise<UserDoc> {
  const found = (await users().doc(openid).get()).data;
  if (found) return found;
  const fresh: UserDoc = { _id: openid, openid, nickname: null, avatarUrl: null, createdAt: now, updatedAt: now };
  try {
    await users().add({ data: { ...fresh } });
    return fresh;
  } catch (err) {
    // Two first calls at once: the other one created it.
    const again = (await users().doc(openid).get()).data;
    if (again) return again;
    throw err;
  }
}

export const profile = route(ProfileInput, async (_input, ctx): Promise<Profile> =>
  toProfile(await ensureUser(ctx.openid, ctx.now)),
);

export const profileUpdate = route(ProfileUpdateInput, async (input, ctx): Promise<Profile> => {
  const user = await ensureUser(ctx.openid, ctx.now);
  const changes = {
    ...(input.nickname !== undefined ? { nickname: input.nickname } : {}),
    ...(input.avatarUrl !== undefined ? { avatarUrl: input.avatarUrl } : {}),
  };
  await users()
    .doc(ctx.openid)
    .update({ data: { ...changes, updatedAt: ctx.now } });
  return toProfile({ ...user, ...changes });
});
