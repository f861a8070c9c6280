import { randomBytes } from 'node:crypto';
import { ErrorCode } from '../../../typings/common.js';
import {
  AddressDefaultInput,
  AddressIdInput,
  AddressSaveInput,
  AddressesListInput,
  MAX_ADDRESSES,
  type Address,
} from '../../../typings/user.js';
import { type AddressDoc } from '../../shared/model/address.js';
import { addressBinding, encryptField } from '../../shared/platform/field-crypto.js';
import { route } from '../../shared/platform/route.js';
import { ShopError, notFound } from '../../shared/rules/errors.js';
import { _, db, type Transaction } from '../../shared/store/db.js';
import { withRetries } from '../../shared/store/transactions.js';
import { byDefaultThenRecent, toAddress } from '../user.js';
import { ensureUser } from './profile.js';

const addresses = () => db.collection<AddressDoc>('addresses');
/**
 * Runs a change to the caller's address book in a transaction that first bumps their user document: two changes at
 * once write the same document, so one conflicts and retries on the other's result. That keeps the 20-address cap and
 * "exactly one default" true under concurrency, which separate reads and writes could not.
 */
async function withAddressBook<R>(
  openid: string,
  now: Date,
  change: (tx: Transaction, book: AddressDoc[]) => Promise<R>,
): Promise<R> {
  await ensureUser(openid, now);
  return withRetries(db, async (tx) => {
    await tx
      .collection('users')
      .doc(openid)
      .update({ data: { addressRevision: _.inc(1) } });
    const book = (await tx.collection<AddressDoc>('addresses').where({ openid }).get()).data;
    return change(tx, book);
  });
}

async function unsetOtherDefaults(tx: Transaction, book: AddressDoc[], addressId: string) {
  for (const other of book.filter((a) => a.isDefault && a._id !== addressId)) {
    await tx
      .collection('addresses')
      .doc(other._id)
      .update({ data: { isDefault: false } });
  }
}

async function makeDefault(tx: Transaction, book: AddressDoc[], addressId: string) {
  await unsetOtherDefaults(tx, book, addressId);
  await tx
    .collection('addresses')
    .doc(addressId)
    .update({ data: { isDefault: true } });
}

async function maskedBook(openid: string): Promise<Address[]> {
  const docs = (await addresses().where({ openid }).orderBy('updatedAt', 'desc').limit(MAX_ADDRESSES).get()).data;
  return docs.sort(byDefaultThenRecent).map((d) => toAddress(d, 'masked'));
}

export const list = route(AddressesListInput, async (_input, ctx) => maskedBook(ctx.openid));

/** Full phone and street: checkout copies them into the order (see `toAddress`). */
export const get = route(AddressIdInput, async ({ addressId }, ctx): Promise<Address> => {
  const doc = (await addresses().where({ _id: addressId, openid: ctx.openid }).limit(1).get()).data[0];
  if (!doc) throw notFound('收货地址');
  return toAddress(doc, 'full');
});

/** Full phone and street, for the checkout page; null when the shopper has no address yet. */
export const defaultAddress = route(AddressDefaultInput, async (_input, ctx): Promise<Address | null> => {
  const doc = (await addresses().where({ openid: ctx.openid, isDefault: true }).limit(1).get()).data[0];
  return doc ? toAddress(doc, 'full') : null;
});

/**
 * Creates or edits an address. The first address becomes the default; `isDefault: true` moves the default here;
 * `isDefault: false` on the default is ignored, since one address must stay the default (set another one instead).
 */
export const save = route(AddressSaveInput, async ({ addressId, isDefault, ...fields }, ctx): Promise<Address> => {
  // The id comes first: phone and street are encrypted bound to it (field-crypto.ts).
  const id = addressId ?? randomBytes(12).toString('hex');
  const stored = {
    ...fields,
    phone: encryptField(fields.phone, addressBinding(id, 'phone')),
    detail: encryptField(fields.detail, addressBinding(id, 'detail')),
    updatedAt: ctx.now,
  };
  const saved = await withAddressBook(ctx.openid, ctx.now, async (tx, book) => {
    if (addressId) {
      const current = book.find((a) => a._id === addressId);
      if (!current) throw notFound('收货地址');
      await tx.collection('addresses').doc(addressId).update({ data: stored });
      if (isDefault && !current.isDefault) await makeDefault(tx, book, addressId);
      return { ...current, ...stored, isDefault: current.isDefault || isDefault === true };
    }
    if (book.length >= MAX_ADDRESSES)
      throw new ShopError(ErrorCode.CONFLICT, `最多保存 ${MAX_ADDRESSES} 个收货地址，请先删除不用的地址`);
    const doc: AddressDoc = {
      _id: id,
      openid: ctx.openid,
      ...stored,
      isDefault: isDefault === true || !book.some((a) => a.isDefault),
      createdAt: ctx.now,
    };
    await tx.collection('addresses').add({ data: { ...doc } });
    if (doc.isDefault) await unsetOtherDefaults(tx, book, doc._id);
    return doc;
  });
  return toAddress(saved, 'masked');
});

/** Removing the default promotes the most recently changed remaining address. Answers with the (masked) book. */
export const remove = route(AddressIdInput, async ({ addressId }, ctx): Promise<Address[]> => {
  await withAddressBook(ctx.openid, ctx.now, async (tx, book) => {
    const target = book.find((a) => a._id === addressId);
    if (!target) throw notFound('收货地址');
    await tx.collection('addresses').doc(addressId).remove();
    const successor = book
      .filter((a) => a._id !== addressId)
      .sort((a, b) => new Date(b.updatedAt).getTime() - new Date(a.updatedAt).getTime())[0];
    if (target.isDefault && successor)
      await tx
        .collection('addresses')
        .doc(successor._id)
        .update({ data: { isDefault: true } });
  });
  return maskedBook(ctx.openid);
});

export const setDefault = route(AddressIdInput, async ({ addressId }, ctx): Promise<Address[]> => {
  await withAddressBook(ctx.openid, ctx.now, async (tx, book) => {
    if (!book.some((a) => a._id === addressId)) throw notFound('收货地址');
    await makeDefault(tx, book, addressId);
  });
  return maskedBook(ctx.openid);
});
