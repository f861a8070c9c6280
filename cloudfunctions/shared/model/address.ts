/** A shopper's address as stored in `addresses`: the user function writes it, order placement snapshots it. */

/** `phone` and `detail` hold `encryptField` output (platform/field-crypto.ts), never the plain text. */
export interface AddressDoc {
  _id: string;
  openid: string;
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}
