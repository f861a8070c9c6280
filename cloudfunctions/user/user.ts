import type { Address, Profile } from '../../typings/user.js';
import { type AddressDoc } from '../shared/model/address.js';
import { addressBinding, readField } from '../shared/platform/field-crypto.js';
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
 * (and on to the courier) in full. A phone or street that does not decrypt under this address's binding (moved from
 * another record, tampered with, or under a dropped key) reads as UNREADABLE_FIELD, so the rest of the book still
 * shows and the shopper can save the address again.
 */
export function toAddress(doc: AddressDoc, view: 'masked' | 'full'): Address {
  const full = (plain: string) => plain;
  return {
    addressId: doc._id,
    name: doc.name,
    phone: readField(doc.phone, addressBinding(doc._id, 'phone'), view === 'full' ? full : maskPhone),
    province: doc.province,
    city: doc.city,
    district: doc.district,
    detail: readField(doc.detail, addressBinding(doc._id, 'detail'), view === 'full' ? full : maskDetail),
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
