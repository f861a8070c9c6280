import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { TotpSetup } from '../../../typings/admin-access.js';
import { decryptField, encryptField } from '../../shared/platform/field-crypto.js';

/**
 * The second factor: TOTP (RFC 6238: 6 digits, 30-second steps, SHA-1, what every authenticator app reads), through
 * otplib. A code one step early or late is accepted (clock drift), and never a step at or before the last one accepted
 * (`totpStep`), so an overheard code cannot be used again. Secrets are stored encrypted, bound to their account.
 */
export const ISSUER = '微信小店后台';
const DRIFT_SECONDS = 30;

const binding = (accountId: string) => `admins/${accountId.replaceAll('/', '_')}/totp`;

export function sealSecret(accountId: string, secret: string): string {
  return encryptField(secret, binding(accountId));
}

export function openSecret(accountId: string, sealed: string): string {
  return decryptField(sealed, binding(accountId));
}

export async function newTotpSetup(label: string): Promise<TotpSetup> {
  const secret = generateSecret();
  const otpauthUrl = generateURI({ issuer: ISSUER, label, secret });
  return { secret, otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl, { margin: 1, width: 240 }) };
}

/** The time step `code` belongs to, if it is right now (± one step) and newer than `afterStep`. */
export async function acceptCode(
  secret: string,
  code: string,
  afterStep: number | undefined,
  now: Date,
): Promise<number | undefined> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: DRIFT_SECONDS,
    ...(afterStep !== undefined ? { afterTimeStep: afterStep } : {}),
  });
  // A TOTP verification always reports its time step.
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
