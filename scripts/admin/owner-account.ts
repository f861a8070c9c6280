import type tcb from '@cloudbase/node-sdk';
import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI } from 'otplib';
import QRCode from 'qrcode';
import { hashPassword } from '../../cloudfunctions/admin/access/passwords.js';
import { ISSUER, sealSecret } from '../../cloudfunctions/admin/access/totp.js';
import { chainEntry, GENESIS } from '../../cloudfunctions/shared/rules/audit-chain.js';
import { type AdminRole, Username } from '../../typings/admin-access.js';

/**
 * A staff account written from the terminal, with the node-sdk and server credentials: how the first owner of a real
 * environment comes to exist (there is no default account), and the demo owner of `npm start`. The account's TOTP is
 * set up at once (its secret printed for an authenticator app), and its creation is the audit trail's entry
 * `staff.create` by `cli`, chained like every other (cloudfunctions/shared/rules/audit-chain.ts).
 */
type App = ReturnType<typeof tcb.init>;

/** The node-sdk transaction as used here: a document's `get` answers it (or nothing), `set` takes the fields. */
interface Tx {
  collection(name: string): { doc(id: string): { get(): Promise<{ data: unknown }>; set(data: object): Promise<unknown> } };
}
/** node-sdk answers a document read in a transaction as the object; older versions as a one-item list. */
const one = <T>(data: unknown): T | undefined => ((Array.isArray(data) ? data[0] : data) ?? undefined) as T | undefined;

export interface NewAccount {
  username: string;
  name: string;
  role: AdminRole;
  /** Given, or a random one of 20 characters. */
  password?: string;
  /** Base32; given (the demo's, to be printed the same every start), or a new random one. */
  totpSecret?: string;
}

export interface CreatedAccount {
  id: string;
  username: string;
  password: string;
  totpSecret: string;
  otpauthUrl: string;
}

export class AccountExistsError extends Error {}

const CLI_ACTOR = { actor: 'cli', actorName: '命令行' };

/**
 * Creates the account in one transaction with its audit entry; refuses a username already taken. The TOTP secret is
 * sealed with SHOP_DATA_KEY, which must therefore be the key the functions run with.
 */
export async function createAccount(app: App, account: NewAccount, now = new Date()): Promise<CreatedAccount> {
  const username = Username.parse(account.username);
  const id = `staff:${username}`;
  const password = account.password ?? randomBytes(15).toString('base64url');
  const totpSecret = account.totpSecret ?? generateSecret();
  const hashed = await hashPassword(password);
  // node-sdk's typings leave runTransaction untyped.
  const db = app.database() as unknown as { runTransaction(run: (tx: Tx) => Promise<void>): Promise<void> };
  await db.runTransaction(async (tx: Tx) => {
    if (
      one(
        await tx
          .collection('admins')
          .doc(id)
          .get()
          .then((r) => r.data),
      )
    )
      throw new AccountExistsError(`用户名 ${username} 已存在`);
    const doc = { username, name: account.name, role: account.role, active: true, version: 1, createdAt: now };
    await tx
      .collection('admins')
      .doc(id)
      .set({ ...doc, password: hashed, totp: sealSecret(id, totpSecret) });
    const head = one<{ seq: number; hash: string }>((await tx.collection('audit_chain').doc('head').get()).data) ?? {
      seq: 0,
      hash: GENESIS,
    };
    const { _id, ...entry } = chainEntry(head, {
      _id: `A${String(head.seq + 1).padStart(12, '0')}`,
      ...CLI_ACTOR,
      action: 'staff.create',
      target: id,
      detail: { via: 'cli' },
      after: { _id: id, ...doc, totpEnabled: true },
      at: now,
    });
    await tx.collection('audit_logs').doc(_id).set(entry);
    await tx.collection('audit_chain').doc('head').set({ seq: entry.seq, hash: entry.hash });
  });
  return { id, username, password, totpSecret, otpauthUrl: generateURI({ issuer: ISSUER, label: username, secret: totpSecret }) };
}

/** The account's TOTP as a QR code for the terminal, to scan with an authenticator app. */
export function terminalQr(otpauthUrl: string): Promise<string> {
  return QRCode.toString(otpauthUrl, { type: 'terminal', small: true });
}
