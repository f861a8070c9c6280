import type { Address, AddressSaveInput } from '../../typings/user.js';

/**
 * The address form (pages/mine/address-edit): what it holds, checked before it is sent with the same rules and
 * messages as `addresses.save` (typings/user.ts), so most mistakes never cost a round trip.
 */
export interface AddressForm {
  name: string;
  phone: string;
  /** Province, city and district, as `<picker mode="region">` gives them. */
  region: string[];
  detail: string;
  isDefault: boolean;
}

export const EMPTY_ADDRESS_FORM: AddressForm = { name: '', phone: '', region: [], detail: '', isDefault: false };

const PHONE = /^1[3-9]\d{9}$/;

/** The first thing wrong with the form, in the shopper's words; empty when it can be saved. */
export function addressFormError(form: AddressForm): string {
  const name = form.name.trim();
  const detail = form.detail.trim();
  if (!name) return '请填写收货人';
  if (name.length > 20) return '收货人最多 20 个字';
  if (!PHONE.test(form.phone.trim())) return '请填写正确的手机号';
  const [province = '', city = '', district = ''] = form.region.map((r) => r.trim());
  if (!province || !city || !district) return '请选择所在地区';
  if ([province, city, district].some((r) => r.length > 20)) return '所在地区名称过长';
  if (!detail) return '请填写详细地址';
  if (detail.length > 120) return '详细地址最多 120 个字';
  return '';
}

export function saveInputOf(form: AddressForm, addressId?: string): AddressSaveInput {
  const [province = '', city = '', district = ''] = form.region.map((r) => r.trim());
  return {
    ...(addressId ? { addressId } : {}),
    name: form.name.trim(),
    phone: form.phone.trim(),
    province,
    city,
    district,
    detail: form.detail.trim(),
    isDefault: form.isDefault,
  };
}

export function formOfAddress(address: Address): AddressForm {
  return {
    name: address.name,
    phone: address.phone,
    region: [address.province, address.city, address.district],
    detail: address.detail,
    isDefault: address.isDefault,
  };
}

/** The fields of `wx.chooseAddress`'s answer the form takes (typed here: the helpers' tests run without WeChat's types). */
export interface WechatAddress {
  userName: string;
  telNumber: string;
  provinceName: string;
  cityName: string;
  countyName: string;
  detailInfo: string;
}

/** What `wx.chooseAddress` (the shopper's WeChat address) hands over, as the form's fields; the default flag is kept. */
export function formOfWechatAddress(picked: WechatAddress, isDefault: boolean): AddressForm {
  return {
    name: picked.userName,
    phone: picked.telNumber.replace(/[\s-]/g, '').replace(/^\+?86/, ''),
    region: [picked.provinceName, picked.cityName, picked.countyName],
    detail: picked.detailInfo,
    isDefault,
  };
}

/** `浙江省 杭州市 西湖区`, or empty before a region is chosen. */
export function regionText(region: string[]): string {
  return region.filter(Boolean).join(' ');
}

/** One line for an address in a list or a purchase bar: region and street. */
export function addressLine(address: Pick<Address, 'province' | 'city' | 'district' | 'detail'>): string {
  return `${address.province}${address.city}${address.district} ${address.detail}`;
}

/** `138****5678`: the bar above a purchase shows the phone masked, whatever the route answered. */
export function maskedPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone;
}

/** What a purchase page keeps of the address it ships to, for the address bar and the order. */
export interface ShippingView {
  addressId: string;
  name: string;
  phone: string;
  line: string;
}

export function shippingView(address: Address | null): ShippingView | null {
  return address
    ? { addressId: address.addressId, name: address.name, phone: maskedPhone(address.phone), line: addressLine(address) }
    : null;
}
