import type { AdminRole, AuditLogDoc, AuditVerification } from '../../../typings/admin-access.js';
import { chainEntry, checkChain, GENESIS } from '../rules/audit-chain.js';
import { ErrorCode } from '../../../typings/common.js';
import { ShopError } from '../rules/errors.js';
import { _, db, type Transaction } from './db.js';
import { decodeCursor, pageOf } from './pagination.js';
import { withRetries } from './transactions.js';

/**
 * The audit trail (`audit_logs`): who did what to which record, when, from where; every write and every full read of
 * personal data. Entries are chained by hash (shared/rules/audit-chain.ts): `audit_chain/head` holds the last seq and
 * hash, and each entry is written in a transaction that reads and moves the head, usually the very transaction of the
 * change it records, so there is never a change without its entry, nor an entry for a change that did not happen.
 */
export const AUDIT_LOGS = 'audit_logs';
export const AUDIT_CHAIN = 'audit_chain';
/** The last entry written. */
export const CHAIN_HEAD = 'head';
/** The last entry removed for age (jobs timer): what is left chains on from it. */
export const CHAIN_ANCHOR = 'anchor';

export interface ChainPoint {
  _id: string;
  seq: number;
  hash: string;
}

/** Who is acting: a signed-in merchant, or someone signing in. */
export interface AuditActor {
  id: string;
  name: string;
  /** Absent for someone who failed to sign in as an account that does not exist. */
  role?: AdminRole;
  ip?: string;
  userAgent?: string;
}

export interface AuditRecord {
  action: string;
  target: string;
  detail?: Record<string, unknown>;
  before?: unknown;
  after?: unknown;
}

/** Entry ids sort as their seq does. */
const entryId = (seq: number) => `A${String(seq).padStart(12, '0')}`;

/** Appends an entry to the chain inside `tx` (which must not have read the head before). */
export async function writeAudit(tx: Transaction, actor: AuditActor, at: Date, record: AuditRecord): Promise<AuditLogDoc> {
  const heads = tx.collection<ChainPoint>(AUDIT_CHAIN);
  const head = (await heads.doc(CHAIN_HEAD).get()).data ?? { seq: 0, hash: GENESIS };
  const entry = chainEntry(
    { seq: head.seq, hash: head.hash },
    {
      // The id is hashed with the rest.
      _id: entryId(head.seq + 1),
      actor: actor.id,
      actorName: actor.name,
      ...(actor.role ? { role: actor.role } : {}),
      action: record.action,
      target: record.target,
      detail: record.detail ?? {},
      ...(record.before !== undefined ? { before: record.before } : {}),
      ...(record.after !== undefined ? { after: record.after } : {}),
      ...(actor.ip ? { ip: actor.ip } : {}),
      ...(actor.userAgent ? { userAgent: actor.userAgent } : {}),
      at,
    },
  );
  const { _id, ...data } = entry;
  await tx.collection(AUDIT_LOGS).doc(_id).set({ data });
  await heads.doc(CHAIN_HEAD).set({ data: { seq: entry.seq, hash: entry.hash } });
  return entry;
}

/** An entry on its own (sign-ins, reads): its own short transaction. */
export function audit(actor: AuditActor, at: Date, record: AuditRecord): Promise<AuditLogDoc> {
  return withRetries(db, (tx) => writeAudit(tx, actor, at, record));
}

/** Entries read per round trip when walking the chain, and removed per transaction when pruning. */
const CHAIN_PAGE = 500;
const PRUNE_BATCH = 100;

async function chainPoint(id: string): Promise<ChainPoint | undefined> {
  return (await db.collection<ChainPoint>(AUDIT_CHAIN).doc(id).get()).data ?? undefined;
}

/**
 * Walks the whole trail from the retention anchor (or the start) to the head, in seq order, checking each entry's
 * hash and its link to the one before; then that the last entry is the head, so removing the newest entries shows too.
 */
export async function verifyAuditChain(): Promise<AuditVerification> {
  const anchor = (await chainPoint(CHAIN_ANCHOR)) ?? { seq: 0, hash: GENESIS };
  const head = (await chainPoint(CHAIN_HEAD)) ?? { seq: 0, hash: GENESIS };
  let at = { seq: anchor.seq, hash: anchor.hash };
  let checked = 0;
  for (;;) {
    const page = (
      await db
        .collection<AuditLogDoc>(AUDIT_LOGS)
        // Up to the head read above: entries written since are the next check's.
        .where(_.and([{ seq: _.gt(at.seq) }, { seq: _.lte(head.seq) }]))
        .orderBy('seq', 'asc')
        .limit(CHAIN_PAGE)
        .get()
    ).data;
    const check = checkChain(at, page);
    if (!check.ok) {
      return { ok: false, checked: checked + (check.head.seq - at.seq), firstSeq: anchor.seq + 1, brokenAt: check.brokenAt! };
    }
    checked += page.length;
    at = check.head;
    if (page.length < CHAIN_PAGE) break;
  }
  const span = checked > 0 ? { firstSeq: anchor.seq + 1, lastSeq: at.seq } : {};
  if (at.seq !== head.seq || at.hash !== head.hash) {
    return { ok: false, checked, ...span, brokenAt: { seq: at.seq + 1, reason: `缺少第 ${at.seq + 1} 条及以后的记录` } };
  }
  return { ok: true, checked, ...span };
}

/**
 * Removes entries older than `cutoff` from the start of the chain, oldest first, moving the anchor to the last one
 * removed in the same transaction, so what is left still verifies. Answers how many went.
 */
export async function pruneAuditTrail(cutoff: Date, deadline: number): Promise<number> {
  let removed = 0;
  while (Date.now() < deadline) {
    const gone = await withRetries(db, async (tx) => {
      const anchor = (await tx.collection<ChainPoint>(AUDIT_CHAIN).doc(CHAIN_ANCHOR).get()).data ?? { seq: 0, hash: GENESIS };
      // Outside the transaction's writes: a read of the oldest entries, which nobody changes.
      const oldest = (
        await db
          .collection<AuditLogDoc>(AUDIT_LOGS)
          .where({ seq: _.gt(anchor.seq) })
          .orderBy('seq', 'asc')
          .limit(PRUNE_BATCH)
          .field({ _id: true, seq: true, hash: true, at: true })
          .get()
      ).data;
      // Only the unbroken run from the anchor, and only while old enough: a gap stays for the verifier to report.
      const due: Array<Pick<AuditLogDoc, '_id' | 'seq' | 'hash'>> = [];
      for (const entry of oldest) {
        if (entry.seq !== anchor.seq + due.length + 1 || !(new Date(entry.at) < cutoff)) break;
        due.push(entry);
      }
      const last = due[due.length - 1];
      if (!last) return 0;
      for (const entry of due) await tx.collection(AUDIT_LOGS).doc(entry._id).remove();
      await tx
        .collection(AUDIT_CHAIN)
        .doc(CHAIN_ANCHOR)
        .set({ data: { seq: last.seq, hash: last.hash } });
      return due.length;
    });
    removed += gone;
    if (gone < PRUNE_BATCH) break;
  }
  return removed;
}

export interface AuditPage {
  items: AuditLogDoc[];
  nextCursor?: string;
}

/** Entries newest first (by seq), filtered; the cursor is the seq of the last entry shown. */
export async function auditPage(filter: {
  actor?: string;
  action?: string;
  target?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  pageSize: number;
}): Promise<AuditPage> {
  const conditions: Array<Record<string, unknown>> = [];
  if (filter.actor) conditions.push({ actor: filter.actor });
  if (filter.target) conditions.push({ target: filter.target });
  // `orders` matches `orders.ship`, `orders.detail`...; a full name matches itself.
  if (filter.action) conditions.push({ action: db.RegExp({ regexp: `^${escapeRegExp(filter.action)}(\\.|$)` }) });
  if (filter.from) conditions.push({ at: _.gte(filter.from) });
  if (filter.to) conditions.push({ at: _.lt(filter.to) });
  if (filter.cursor) conditions.push({ seq: _.lt(seqOf(filter.cursor)) });
  const logs = db.collection<AuditLogDoc>(AUDIT_LOGS);
  const docs = (
    await (conditions.length ? logs.where(_.and(conditions)) : logs)
      .orderBy('seq', 'desc')
      .limit(filter.pageSize + 1)
      .get()
  ).data;
  return pageOf(docs, filter.pageSize, (d) => d.seq);
}

function seqOf(cursor: string): number {
  const { value } = decodeCursor(cursor);
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new ShopError(ErrorCode.VALIDATION, '分页参数不正确');
  return value;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
