import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import type { AuditLogDoc } from '../../../typings/admin-access.js';

/**
 * The audit trail's tamper evidence: each entry carries the hash of the one before it (`prevHash`) and its own
 * (`hash`), SHA-256 over its canonical JSON (RFC 8785: keys sorted, numbers and strings in one spelling; dates as
 * ISO 8601 strings). Changing, removing or reordering an entry breaks the chain at that point; the verifier names it.
 * The chain starts at GENESIS; entries removed for age are replaced by an anchor (the last removed entry's seq and
 * hash), so what is left still verifies.
 */
export const GENESIS = '0'.repeat(64);

export type ChainFields = Omit<AuditLogDoc, 'hash'>;

/** JSON as it will be read back: dates become ISO strings, undefined disappears. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null));
}

export function entryHash(entry: ChainFields): string {
  const text = canonicalize(plain(entry));
  return createHash('sha256')
    .update(text ?? '')
    .digest('hex');
}

/** The entry after `head` (or the first), hashed. */
export function chainEntry(head: { seq: number; hash: string }, fields: Omit<ChainFields, 'seq' | 'prevHash'>): AuditLogDoc {
  const entry: ChainFields = { ...fields, seq: head.seq + 1, prevHash: head.hash };
  return { ...entry, hash: entryHash(entry) };
}

export interface ChainCheck {
  ok: boolean;
  /** The first entry that does not fit, and why. */
  brokenAt?: { seq: number; reason: string };
  /** Where the next page continues. */
  head: { seq: number; hash: string };
}

/** Checks entries in seq order, continuing from `head` (the anchor, or the last entry of the previous page). */
export function checkChain(head: { seq: number; hash: string }, entries: readonly AuditLogDoc[]): ChainCheck {
  let at = head;
  for (const entry of entries) {
    if (entry.seq !== at.seq + 1)
      return { ok: false, brokenAt: { seq: at.seq + 1, reason: `缺少第 ${at.seq + 1} 条记录` }, head: at };
    if (entry.prevHash !== at.hash)
      return { ok: false, brokenAt: { seq: entry.seq, reason: '与上一条记录的哈希不符' }, head: at };
    const { hash, ...fields } = entry;
    if (entryHash(fields) !== hash) return { ok: false, brokenAt: { seq: entry.seq, reason: '记录内容被改动' }, head: at };
    at = { seq: entry.seq, hash };
  }
  return { ok: true, head: at };
}
