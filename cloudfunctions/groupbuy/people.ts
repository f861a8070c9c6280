import type { GroupMemberView } from '../../typings/groupbuy.js';
import { _, db } from '../shared/store/db.js';

interface UserDoc {
  _id: string;
  openid: string;
  nickname?: string | null;
  avatarUrl?: string | null;
}

/** Names and avatars only: openids never leave the function (share pages are seen by strangers). */
export async function people(openids: string[]): Promise<Map<string, Pick<GroupMemberView, 'displayName' | 'avatarUrl'>>> {
  const unique = [...new Set(openids)];
  const users = unique.length
    ? (
        await db
          .collection<UserDoc>('users')
          .where({ _id: _.in(unique) })
          .limit(100)
          .get()
      ).data
    : [];
  const byId = new Map(users.map((u) => [u._id, u]));
  return new Map(
    unique.map((openid) => [
      openid,
      {
        displayName: byId.get(openid)?.nickname || `微信用户${openid.slice(-4)}`,
        avatarUrl: byId.get(openid)?.avatarUrl ?? null,
      },
    ]),
  );
}
