import type { Address, AddressSaveInput } from '../../typings/user';
import { call } from './call';
import { ServiceError } from './errors';

/** The shopper's address book (收货地址). Lists come masked; one address in full only where it is needed. */

/** Where the address chooser (`addresses?select=1`) leaves the chosen address id for the page that opened it. */
export const CHOSEN_ADDRESS_KEY = 'checkout:addressId';

export function fetchAddresses(): Promise<Address[]> {
  return call('user', 'addresses.list');
}

export function fetchAddress(addressId: string): Promise<Address> {
  return call('user', 'addresses.get', { addressId });
}

export function fetchDefaultAddress(): Promise<Address | null> {
  return call('user', 'addresses.default');
}

export function saveAddress(input: AddressSaveInput): Promise<Address> {
  return call('user', 'addresses.save', input);
}

/** Answers the book as it is afterwards (masked). */
export function removeAddress(addressId: string): Promise<Address[]> {
  return call('user', 'addresses.remove', { addressId });
}

export function setDefaultAddress(addressId: string): Promise<Address[]> {
  return call('user', 'addresses.setDefault', { addressId });
}

export function chosenAddressId(): string {
  const id: unknown = wx.getStorageSync(CHOSEN_ADDRESS_KEY);
  return typeof id === 'string' ? id : '';
}

export function chooseAddressId(addressId: string): void {
  wx.setStorageSync(CHOSEN_ADDRESS_KEY, addressId);
}

export function forgetChosenAddress(): void {
  wx.removeStorageSync(CHOSEN_ADDRESS_KEY);
}

/** The address just picked in the chooser, if any, taken (cleared) as checkout takes it. */
export function takeChosenAddressId(): string {
  const id = chosenAddressId();
  if (id) forgetChosenAddress();
  return id;
}

/**
 * The address a purchase ships to: the one just picked in the chooser, else the one the page shows (`current`), as
 * long as it still exists; else the default; null for an empty book.
 */
export async function shippingAddress(current = ''): Promise<Address | null> {
  const id = takeChosenAddressId() || current;
  if (id) {
    try {
      return await fetchAddress(id);
    } catch (err) {
      if (!(err instanceof ServiceError && err.code === 'NOT_FOUND')) throw err;
    }
  }
  return fetchDefaultAddress();
}
