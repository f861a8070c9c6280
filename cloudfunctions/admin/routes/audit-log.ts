import {
  AccessRoutes,
  AuditListInput,
  type AuditEntryView,
  type AuditLogDoc,
  type AuditVerification,
  NoInput,
} from '../../../typings/admin-access.js';
import type { Page } from '../../../typings/common.js';
import { auditPage, verifyAuditChain } from '../../shared/store/audit-trail.js';
import { adminRoute } from '../rbac.js';

function toView({ prevHash: _prev, hash: _hash, at, ...entry }: AuditLogDoc): AuditEntryView {
  return { ...entry, at: new Date(at).toISOString() };
}

/** The trail newest first, filtered by actor, action (a name or its prefix such as `orders`), target or time. */
export const list = adminRoute('audit.read', AuditListInput, async (input): Promise<Page<AuditEntryView>> => {
  const page = await auditPage(input);
  return { items: page.items.map(toView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
});

/** Checks every entry kept against its hash and the one before it, from the retention anchor to the head. */
export const verify = adminRoute('audit.read', NoInput, (): Promise<AuditVerification> => verifyAuditChain());

export const auditRoutes = {
  [AccessRoutes.auditList]: list,
  [AccessRoutes.auditVerify]: verify,
};
