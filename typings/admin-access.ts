import { z } from 'zod';
import { ADMIN_ROLES, type AdminPermission, type AdminRole } from './admin-roles.js';
import { Cursor, PageSize } from './common.js';

/**
 * Who may use the back office and how they prove it (docs/back-office.md).
 *
 * Two ways in, one set of routes and one envelope:
 * - the WeChat `admin` function, for a merchant whose openid has an active document in `admins` (`_id` = openid);
 * - the admin web page, through the HTTP access path `/api/admin` (`POST`, body `{$url, ...params}`), signed in as a
 *   staff account (`_id` = `staff:<username>`) with password and TOTP, then carried by a session cookie and a CSRF
 *   token sent back in the `x-csrf-token` header.
 * Each route needs one permission, granted by the caller's role (ROLE_PERMISSIONS). Sensitive routes also need a
 * second verification (二次验证): a fresh TOTP code given to `auth.verify`, good for VERIFICATION_MINUTES.
 */

// Roles and permissions live in a module without zod, so the admin page may import their labels (admin-roles.ts).
export {
  ADMIN_PERMISSION_LABELS,
  ADMIN_PERMISSIONS,
  ADMIN_ROLE_LABELS,
  ADMIN_ROLES,
  type AdminPermission,
  type AdminRole,
  ROLE_PERMISSIONS,
} from './admin-roles.js';

/** How long a second verification lasts for the session (or WeChat merchant) that gave it. */
export const VERIFICATION_MINUTES = 5;
/** Sessions end after this long without a request, and in any case this long after sign-in. */
export const SESSION_IDLE_MINUTES = 30;
export const SESSION_ABSOLUTE_HOURS = 12;
/** This many failed sign-ins in a row lock the account for LOCK_MINUTES. */
export const MAX_SIGN_IN_FAILURES = 5;
export const LOCK_MINUTES = 15;
/** The session cookie (HttpOnly; Secure; SameSite=Strict; Path=/api/admin) and the header carrying the CSRF token. */
export const SESSION_COOKIE = 'shop_admin_session';
export const CSRF_HEADER = 'x-csrf-token';
/** Audit entries older than this are removed by the jobs timer. */
export const AUDIT_RETENTION_DAYS = 180;

export const AccessRoutes = {
  signIn: 'auth.signIn',
  signOut: 'auth.signOut',
  me: 'auth.me',
  verify: 'auth.verify',
  totpSetup: 'auth.totpSetup',
  totpConfirm: 'auth.totpConfirm',
  changePassword: 'auth.changePassword',
  staffList: 'staff.list',
  staffCreate: 'staff.create',
  staffUpdate: 'staff.update',
  staffResetTotp: 'staff.resetTotp',
  staffResetPassword: 'staff.resetPassword',
  rolesList: 'roles.list',
  auditList: 'audit.list',
  auditVerify: 'audit.verify',
} as const;

/** A time as ISO 8601 with its offset, e.g. `2026-12-05T08:00:00+08:00`. */
const IsoTime = z.iso.datetime({ offset: true }).transform((text) => new Date(text));

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_.-]{2,31}$/, '用户名为 3–32 位小写字母、数字、点、下划线或连字符');
/** At least 10 characters: long beats clever (NIST SP 800-63B); at most 128 so hashing stays cheap. */
export const Password = z.string().min(10, '密码至少 10 位').max(128, '密码最多 128 位');
export const TotpCode = z.string().regex(/^\d{6}$/, '验证码为 6 位数字');
export const StaffName = z.string().trim().min(1, '请填写姓名').max(20, '姓名最多 20 个字');

/**
 * `auth.signIn` (HTTP only, no session needed): password first, then the TOTP code. An account whose second factor is
 * not set up yet answers `{signedIn: false, totpSetup}` (secret, otpauth URI, QR code as a data URL); signing in
 * again with a code from the authenticator confirms it. A signed-in answer sets the session cookie and carries the
 * CSRF token. MAX_SIGN_IN_FAILURES wrong passwords or codes in a row lock the account (ACCOUNT_LOCKED).
 */
export const SignInInput = z
  .object({ username: Username, password: z.string().min(1, '请输入密码').max(128), code: TotpCode.optional() })
  .strict();
export type SignInInput = z.input<typeof SignInInput>;

export interface TotpSetup {
  /** Base32, for typing into an authenticator by hand. */
  secret: string;
  otpauthUrl: string;
  /** The otpauth URI as a QR code, `data:image/png;base64,...`. */
  qrDataUrl: string;
}

export type SignInResult = { signedIn: true; me: AdminMe; csrfToken: string } | { signedIn: false; totpSetup: TotpSetup };

/** `auth.me`: who is signed in, their role's permissions, and until when a second verification holds. */
export interface AdminMe {
  id: string;
  name: string;
  role: AdminRole;
  roleLabel: string;
  permissions: AdminPermission[];
  /** `password` for staff accounts, `wechat` for merchants of the admin function. */
  via: 'password' | 'wechat';
  totpEnabled: boolean;
  /** ISO 8601; absent when no verification holds. */
  verifiedUntil?: string;
}

/** `auth.me`, `auth.signOut`, `auth.totpSetup`, `roles.list`, `audit.verify`: no parameters. */
export const NoInput = z.object({}).strict();

/** `auth.verify`: a fresh TOTP code; answers until when sensitive routes are open to this session. */
export const VerifyInput = z.object({ code: TotpCode }).strict();
export type VerifyInput = z.infer<typeof VerifyInput>;

/** `auth.totpConfirm`: the first code from the authenticator set up by `auth.totpSetup`. */
export const TotpConfirmInput = z.object({ code: TotpCode }).strict();

export const ChangePasswordInput = z.object({ current: z.string().min(1).max(128), next: Password }).strict();

/** `staff.create` (staff.manage, second verification): a staff account; its owner sets up TOTP at first sign-in. */
export const StaffCreateInput = z
  .object({ username: Username, name: StaffName, role: z.enum(ADMIN_ROLES), password: Password })
  .strict();
export type StaffCreateInput = z.input<typeof StaffCreateInput>;

/** `staff.update` (staff.manage, second verification): role, name or active; disabling ends every session at once. */
export const StaffUpdateInput = z
  .object({
    id: z.string().min(1).max(64),
    version: z.number().int().min(0),
    name: StaffName.optional(),
    role: z.enum(ADMIN_ROLES).optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type StaffUpdateInput = z.input<typeof StaffUpdateInput>;

export const StaffIdInput = z.object({ id: z.string().min(1).max(64) }).strict();
export const StaffResetPasswordInput = z.object({ id: z.string().min(1).max(64), password: Password }).strict();

export interface StaffView {
  id: string;
  username?: string;
  name: string;
  role: AdminRole;
  roleLabel: string;
  active: boolean;
  via: 'password' | 'wechat';
  totpEnabled: boolean;
  lockedUntil?: string;
  lastSignInAt?: string;
  version: number;
}

export interface RoleView {
  role: AdminRole;
  label: string;
  permissions: AdminPermission[];
}

/** `audit.list` (audit.read): entries newest first, filtered by actor, action (prefix), target or time range. */
export const AuditListInput = z
  .object({
    actor: z.string().max(64).optional(),
    action: z.string().max(64).optional(),
    target: z.string().max(128).optional(),
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    cursor: Cursor.optional(),
    pageSize: PageSize,
  })
  .strict();
export type AuditListInput = z.input<typeof AuditListInput>;

/** One entry of the trail, written in the same transaction as the change it records, and chained by hash. */
export interface AuditLogDoc {
  _id: string;
  /** Position in the chain, from 1. */
  seq: number;
  /** The staff id (`staff:<username>`) or the merchant's openid. */
  actor: string;
  actorName: string;
  /** Absent for a failed sign-in as an account that does not exist. */
  role?: AdminRole;
  /** The route, e.g. `orders.ship`, or an access event (`auth.signIn`, `auth.signInFailed`, ...). */
  action: string;
  /** What was acted on. */
  target: string;
  detail: Record<string, unknown>;
  /** The record before and after a change, when there is one. */
  before?: unknown;
  after?: unknown;
  ip?: string;
  userAgent?: string;
  at: Date;
  /** The hash of the entry before (`seq - 1`), or of the retention anchor. */
  prevHash: string;
  /** SHA-256 over this entry's canonical JSON without `hash` (shared/rules/audit-chain.ts). */
  hash: string;
}

export interface AuditEntryView extends Omit<AuditLogDoc, 'at' | 'prevHash' | 'hash'> {
  at: string;
}

/** `audit.verify` (audit.read): walks the whole chain; `ok` false names the first entry that does not fit. */
export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstSeq?: number;
  lastSeq?: number;
  brokenAt?: { seq: number; reason: string };
}
