import type { Address, Profile } from '../../typings/user.js';
import { type AddressDoc } from '../shared/model/address.js';
import { decryptField } from '../shared/platform/field-crypto.js';
import { maskDetail, maskPhone } from '../shared/rules/masks.js';

/** A shopper, `_id` is the openid. `addressRevision` is bumped by every address-book change (see `withAddressBook`). */
export interface UserDoc {
  _id: string;
  openid: string;
  nickname: string | null;
  avatarUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
  addressRevision?: number;
}

export function toProfile(user: UserDoc): Profile {
  return {
    nickname: user.nickname ?? null,
    avatarUrl: user.avatarUrl ?? null,
    displayName: user.nickname || `微信用户${user.openid.slice(-4)}`,
    memberSince: new Date(user.createdAt).toISOString(),
  };
}

/**
 * `masked` is for lists, which are shown on screen and often screenshotted; the full phone and street are decrypted
 * only for the one address a caller asks for by id or as the default, because checkout must hand them to the order
 * (and on to the courier) in full.
 */
export function toAddress(doc: AddressDoc, view: 'masked' | 'full'): Address {
  const phone = decryptField(doc.phone);
  const detail = decryptField(doc.detail);
  return {
    addressId: doc._id,
    name: doc.name,
    phone: view === 'full' ? phone : maskPhone(phone),
    province: doc.province,
    city: doc.city,
    district: doc.district,
    detail: view === 'full' ? detail : maskDetail(detail),
    isDefault: doc.isDefault,
    updatedAt: new Date(doc.updatedAt).toISOString(),
  };
}

/** The default first, then the most recently changed. */
export function byDefaultThenRecent(a: AddressDoc, b: AddressDoc): number {
  return (
    Number(b.isDefault) - Number(a.isDefault) ||
    new Date(b.updatedAt).getTime() - new Date(a.updatedAt).getTime() ||
    a._id.localeCompare(b._id)
  );
}
