/**
 * An address as stored, shared by the user function (which writes it) and checkout (which snapshots it): `phone` and
 * `detail` hold `encryptField` output, never the plain text.
 */
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
