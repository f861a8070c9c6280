import type { KeptProductPage, Profile } from '../../typings/user';
import { call } from './call';
import { uploadFile } from './storage';

/** The signed-in shopper: profile, favorites (收藏) and footprints (浏览足迹); subscribe messages are in messages.ts. */

export function fetchProfile(): Promise<Profile> {
  return call('user', 'profile');
}

export function updateProfile(changes: { nickname?: string; avatarUrl?: string }): Promise<Profile> {
  return call('user', 'profile.update', changes);
}

/**
 * Puts the avatar WeChat's picker gave (a temporary file) in the shop's storage under `avatars/` (services/storage.ts:
 * cloud storage, or the local emulator's) and answers its fileID. The name is random, never the openid.
 */
export function uploadAvatar(tempFilePath: string): Promise<string> {
  return uploadFile(tempFilePath, 'avatars');
}

export type KeptKind = 'favorites' | 'footprints';

export function fetchKept(kind: KeptKind, cursor?: string, pageSize = 20): Promise<KeptProductPage> {
  const params = { pageSize, ...(cursor ? { cursor } : {}) };
  return kind === 'favorites' ? call('user', 'favorites.list', params) : call('user', 'footprints.list', params);
}

/** The route takes at most 50 products a call: more are removed in several calls, one after the other. */
export const KEPT_REMOVE_BATCH = 50;

export async function removeKept(kind: KeptKind, spuIds: string[]): Promise<void> {
  for (let i = 0; i < spuIds.length; i += KEPT_REMOVE_BATCH) {
    const batch = { spuIds: spuIds.slice(i, i + KEPT_REMOVE_BATCH) };
    if (kind === 'favorites') await call('user', 'favorites.remove', batch);
    else await call('user', 'footprints.remove', batch);
  }
}

export async function clearFootprints(): Promise<void> {
  await call('user', 'footprints.clear');
}
