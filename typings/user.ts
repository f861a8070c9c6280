import { z } from 'zod';
import { Cursor, Id, PageSize, type Page } from './common.js';
import type { ProductCard } from './product.js';

/**
 * The `user` function: the signed-in shopper's profile and address book. Phone numbers and street addresses are
 * stored encrypted (AES-256-GCM with the function's `SHOP_DATA_KEY`, 64 hex characters) and masked wherever they are
 * not needed in full. Another shopper's address answers NOT_FOUND.
 */
export const UserRoutes = {
  profile: 'profile',
  profileUpdate: 'profile.update',
  addressesList: 'addresses.list',
  addressesGet: 'addresses.get',
  addressesSave: 'addresses.save',
  addressesRemove: 'addresses.remove',
  addressesSetDefault: 'addresses.setDefault',
  addressesDefault: 'addresses.default',
  messagesTemplates: 'messages.templates',
  messagesConsent: 'messages.consent',
  favoritesAdd: 'favorites.add',
  favoritesRemove: 'favorites.remove',
  favoritesHas: 'favorites.has',
  favoritesList: 'favorites.list',
  footprintsList: 'footprints.list',
  footprintsRemove: 'footprints.remove',
  footprintsClear: 'footprints.clear',
} as const;

/**
 * An address book holds at most this many addresses (saving one more answers CONFLICT), and exactly one of them is the
 * default whenever it is not empty. Changes to one book are serialised, so both stay true under concurrent calls.
 */
export const MAX_ADDRESSES = 20;

/** `profile`: the caller's profile; the first call of a new shopper creates it (their `memberSince`). */
export const ProfileInput = z.object({}).strict();
export type ProfileInput = z.infer<typeof ProfileInput>;

/** Only cloud storage files or https URLs (WeChat's avatar picker gives a temporary file the page uploads first). */
const AvatarUrl = z
  .string()
  .max(512)
  .regex(/^(cloud|https):\/\/\S+$/, '头像地址不正确');

/** `profile.update`: changes the nickname, the avatar or both. */
export const ProfileUpdateInput = z
  .object({
    nickname: z.string().trim().min(1, '昵称不能为空').max(20, '昵称最多 20 个字').optional(),
    avatarUrl: AvatarUrl.optional(),
  })
  .strict()
  .refine((v) => v.nickname !== undefined || v.avatarUrl !== undefined, '请填写要修改的内容');
export type ProfileUpdateInput = z.infer<typeof ProfileUpdateInput>;

export interface Profile {
  nickname: string | null;
  avatarUrl: string | null;
  /** The nickname, or 微信用户 and the last characters of the openid when none is set. */
  displayName: string;
  /** ISO 8601: when the shopper first used the shop. */
  memberSince: string;
}

/**
 * The subscribe messages the shop sends: 支付成功 and 发货 about an order, 优惠券到账 when the merchant gives the shopper a
 * coupon (a win-back campaign). WeChat lets a mini-program send one message per acceptance of `wx.requestSubscribeMessage`.
 */
export const MESSAGE_KINDS = ['order_paid', 'order_shipped', 'coupon_issued'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
/** Acceptances kept per shopper and message kind; WeChat keeps its own count, this only bounds ours. */
export const MAX_MESSAGE_CONSENTS = 20;

/** `messages.templates`: the template id of each message kind, for `wx.requestSubscribeMessage({ tmplIds })`. */
export const MessageTemplatesInput = z.object({}).strict();
export type MessageTemplates = Record<MessageKind, string>;

/**
 * `messages.consent`: the kinds the shopper accepted in `wx.requestSubscribeMessage` (its answer `accept`), one send
 * each. Only 优惠券到账 is sent on this record (marketing goes only to those who agreed); order messages are sent
 * anyway and WeChat drops them for a shopper who did not subscribe. Answers what the shopper has left per kind.
 */
export const MessageConsentInput = z
  .object({ accepted: z.array(z.enum(MESSAGE_KINDS)).min(1).max(MESSAGE_KINDS.length) })
  .strict();
export type MessageConsentInput = z.infer<typeof MessageConsentInput>;
export type MessageConsents = Record<MessageKind, number>;

/** A shopper keeps at most this many favorites (收藏); adding one more answers INVALID_STATE. */
export const MAX_FAVORITES = 500;
/** Footprints (浏览足迹) older than this are not shown. */
export const FOOTPRINT_DAYS = 90;

/**
 * `favorites.add`: keeps the product in the shopper's favorites (again: moved to the top). NOT_FOUND for a product that
 * does not exist or was deleted; INVALID_STATE past MAX_FAVORITES.
 */
export const FavoriteAddInput = z.object({ spuId: Id }).strict();
export type FavoriteAddInput = z.infer<typeof FavoriteAddInput>;

/** `favorites.has`: whether the product is among the shopper's favorites (the detail page's 收藏 button). */
export const FavoriteHasInput = z.object({ spuId: Id }).strict();
export type FavoriteHasInput = z.infer<typeof FavoriteHasInput>;

/** `favorites.remove` and `footprints.remove`: takes 1–50 products out of the list (absent ones are ignored). */
export const KeptRemoveInput = z.object({ spuIds: z.array(Id).min(1).max(50) }).strict();
export type KeptRemoveInput = z.infer<typeof KeptRemoveInput>;

/** `footprints.clear`: empties the shopper's footprints. */
export const FootprintsClearInput = z.object({}).strict();

/**
 * `favorites.list` and `footprints.list`: the shopper's favorites (newest first) or the products they viewed in the
 * last FOOTPRINT_DAYS days (last viewed first; the `track` function's `product_view` events write them), a page at a
 * time. A product deleted by the merchant is left out; one off the shelf is listed with `onShelf: false`.
 */
export const KeptListInput = z.object({ cursor: Cursor.optional(), pageSize: PageSize }).strict();
export type KeptListInput = z.input<typeof KeptListInput>;

export interface KeptProduct extends ProductCard {
  onShelf: boolean;
  /** ISO 8601: when it was favorited, or last viewed. */
  at: string;
}
export type KeptProductPage = Page<KeptProduct>;

const Region = (what: string) => z.string().trim().min(1, `请填写${what}`).max(20);

/**
 * `addresses.save`: creates or edits an address and answers it (masked). The first address becomes the default;
 * `isDefault: true` moves the default here; `isDefault: false` on the default is ignored (make another one the
 * default instead).
 */
export const AddressSaveInput = z
  .object({
    /** Absent: a new address; present: edits that address. */
    addressId: Id.optional(),
    name: z.string().trim().min(1, '请填写收货人').max(20, '收货人最多 20 个字'),
    phone: z.string().regex(/^1[3-9]\d{9}$/, '请填写正确的手机号'),
    province: Region('省份'),
    city: Region('城市'),
    district: Region('区县'),
    detail: z.string().trim().min(1, '请填写详细地址').max(120, '详细地址最多 120 个字'),
    isDefault: z.boolean().optional(),
  })
  .strict();
export type AddressSaveInput = z.infer<typeof AddressSaveInput>;

/**
 * `addresses.get`: one address in full (checkout copies it into the order). `addresses.remove`: removes it; removing
 * the default makes the most recently changed remaining address the default. `addresses.setDefault`: makes it the
 * default. `remove` and `setDefault` answer with the whole book, masked.
 */
export const AddressIdInput = z.object({ addressId: Id }).strict();
export type AddressIdInput = z.infer<typeof AddressIdInput>;

/** `addresses.list`: the book with phone and street masked, the default first, then the most recently changed. */
export const AddressesListInput = z.object({}).strict();
export type AddressesListInput = z.infer<typeof AddressesListInput>;

/** `addresses.default`: the default address in full, for the checkout page; `null` when the book is empty. */
export const AddressDefaultInput = z.object({}).strict();
export type AddressDefaultInput = z.infer<typeof AddressDefaultInput>;

export interface Address {
  addressId: string;
  name: string;
  /** Masked (138****5678) in `addresses.list`; in full from `addresses.get` and `addresses.default`. */
  phone: string;
  province: string;
  city: string;
  district: string;
  /** Masked in `addresses.list`; in full from `addresses.get` and `addresses.default`. */
  detail: string;
  isDefault: boolean;
  /** ISO 8601. */
  updatedAt: string;
}
