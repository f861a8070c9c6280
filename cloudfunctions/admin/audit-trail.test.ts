import test from 'ava';
import { adminCall, verifyMerchant } from '../../testkit/merchant.js';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { AuditEntryView, AuditLogDoc, AuditVerification } from '../../typings/admin-access.js';
import type { Envelope, Page } from '../../typings/common.js';
import type { JobsSummary } from '../../typings/jobs.js';
import { chainEntry, GENESIS } from '../shared/rules/audit-chain.js';

/**
 * The audit trail on a shop of its own (its chain starts empty): the viewer's filters and paging, the chain verified
 * and tampering found, and retention: entries past 180 days removed by the jobs timer with the chain still whole.
 * The tests run in turn: each reads or changes the one chain.
 */
const shop = await startShop({ only: ['admin', 'jobs'] });
test.after.always(() => shop.close());

type Rec = Record<string, any>;
const DAY = 86_400_000;

async function fireTimer(): Promise<JobsSummary> {
  const res = await fetch(`${shop.emulator.url}/__emulator/timers/jobs/run`, { method: 'POST' });
  const firing = (await res.json()) as { outcome?: { ok: true; result: Envelope<JobsSummary> }; message?: string };
  if (!firing.outcome?.ok) throw new Error(`timer run failed: ${res.status} ${JSON.stringify(firing).slice(0, 300)}`);
  return dataOf(firing.outcome.result);
}

const verifyChain = async () => dataOf(await adminCall<AuditVerification>(shop, 'audit.verify'));
const stored = async (id: string) => (await shop.db.collection('audit_logs').doc(id).get()).data[0] as Rec | undefined;

/** Entries through real routes: staff created, updated (each a write with before and after). */
async function someActivity(prefix: string, count: number): Promise<void> {
  await verifyMerchant(shop);
  for (let i = 0; i < count; i++) {
    dataOf(
      await adminCall(shop, 'staff.create', {
        username: `${prefix}-${i}`,
        name: `员工${i}`,
        role: 'service',
        password: 'a long password',
      }),
    );
  }
}

test.serial('retention: entries past 180 days go (time travel), oldest first, and what is left still verifies', async (t) => {
  // History written 200 and 190 days ago, chained as the shop would have chained it (time travel: no route writes the past).
  let head = { seq: 0, hash: GENESIS };
  const old: AuditLogDoc[] = [];
  for (const [i, days] of [200, 195, 190].entries()) {
    const entry = chainEntry(head, {
      _id: `A${String(i + 1).padStart(12, '0')}`,
      actor: 'o-test-merchant',
      actorName: '测试店主',
      role: 'owner',
      action: 'orders.ship',
      target: `old-${i}`,
      detail: {},
      at: new Date(Date.now() - days * DAY),
    });
    old.push(entry);
    head = { seq: entry.seq, hash: entry.hash };
  }
  for (const { _id, ...entry } of old) await shop.db.collection('audit_logs').doc(_id).set(entry);
  await shop.db.collection('audit_chain').doc('head').set(head);
  t.like(await verifyChain(), { ok: true, checked: 3 });

  await someActivity('keep', 2);
  const before = await verifyChain();
  t.true(before.ok);
  const total = before.checked;

  t.is((await fireTimer()).auditPruned, 3);
  t.is(await stored(old[0]!._id), undefined);
  t.is(await stored(old[2]!._id), undefined);
  t.like((await shop.db.collection('audit_chain').doc('anchor').get()).data[0], { seq: 3, hash: old[2]!.hash });
  t.like(await verifyChain(), { ok: true, checked: total - 3, firstSeq: 4 });
  t.is((await fireTimer()).auditPruned, 0, 'nothing younger goes');
});

test.serial('audit.list: newest first, filtered by actor, action prefix, target and time, a page at a time', async (t) => {
  await someActivity('list', 3);
  const all = dataOf(await adminCall<Page<AuditEntryView>>(shop, 'audit.list', { pageSize: 50 }));
  const seqs = all.items.map((e) => e.seq);
  t.deepEqual(
    seqs,
    [...seqs].sort((a, b) => b - a),
  );
  t.false('hash' in all.items[0]! || 'prevHash' in all.items[0]!, 'the chain stays server-side');

  const creates = dataOf(await adminCall<Page<AuditEntryView>>(shop, 'audit.list', { action: 'staff', pageSize: 50 }));
  t.true(creates.items.length >= 5);
  t.true(creates.items.every((e) => e.action.startsWith('staff.')));
  t.deepEqual(
    dataOf(await adminCall<Page<AuditEntryView>>(shop, 'audit.list', { action: 'staf', pageSize: 50 })).items,
    [],
    'whole names only',
  );
  const one = dataOf(await adminCall<Page<AuditEntryView>>(shop, 'audit.list', { target: 'staff:list-1', pageSize: 50 }));
  t.like(one.items, [
    { action: 'staff.create', actor: 'o-test-merchant', role: 'owner', after: { username: 'list-1', role: 'service' } },
  ]);
  t.is(typeof one.items[0]!.at, 'string');
  const future = dataOf(
    await adminCall<Page<AuditEntryView>>(shop, 'audit.list', { from: new Date(Date.now() + DAY).toISOString(), pageSize: 50 }),
  );
  t.deepEqual(future.items, []);

  // Paging: two at a time, every entry once.
  const paged: number[] = [];
  let cursor: string | undefined;
  do {
    const page = dataOf(
      await adminCall<Page<AuditEntryView>>(shop, 'audit.list', { pageSize: 2, ...(cursor ? { cursor } : {}) }),
    );
    paged.push(...page.items.map((e) => e.seq));
    cursor = page.nextCursor;
  } while (cursor);
  t.deepEqual(paged, seqs);
  t.like(await adminCall(shop, 'audit.list', { cursor: 'bm90IGEgY3Vyc29y' }), { ok: false, code: 'VALIDATION' });
  // Finance reads the trail; customer service does not.
  t.true((await adminCall(shop, 'audit.list', {}, { role: 'finance' })).ok);
  t.like(await adminCall(shop, 'audit.list', {}, { role: 'service' }), { ok: false, code: 'FORBIDDEN' });
});

test.serial('audit.verify finds an entry changed, removed, or cut from the end', async (t) => {
  await someActivity('tamper', 2);
  const intact = await verifyChain();
  t.true(intact.ok);
  const newest = dataOf(await adminCall<Page<AuditEntryView>>(shop, 'audit.list', { action: 'staff.create', pageSize: 3 })).items;
  const [last, middle] = [newest[0]!, newest[1]!];
  const id = (seq: number) => `A${String(seq).padStart(12, '0')}`;

  // Changed: someone edits what was done.
  const original = (await stored(id(middle.seq)))!;
  await shop.db.collection('audit_logs').doc(id(middle.seq)).update({ 'after.role': 'owner' });
  t.like(await verifyChain(), { ok: false, brokenAt: { seq: middle.seq, reason: '记录内容被改动' } });
  await shop.db.collection('audit_logs').doc(id(middle.seq)).update({ 'after.role': original.after.role });
  t.true((await verifyChain()).ok, 'restored');

  // Removed from the middle.
  const { _id: _middleId, ...middleDoc } = original;
  await shop.db.collection('audit_logs').doc(id(middle.seq)).remove();
  t.like(await verifyChain(), { ok: false, brokenAt: { seq: middle.seq } });
  await shop.db.collection('audit_logs').doc(id(middle.seq)).set(middleDoc);

  // Cut from the end: the head still remembers it.
  const lastDoc = (await stored(id(last.seq)))!;
  const { _id: _lastId, ...lastFields } = lastDoc;
  await shop.db.collection('audit_logs').doc(id(last.seq)).remove();
  t.like(await verifyChain(), { ok: false, brokenAt: { seq: last.seq } });
  await shop.db.collection('audit_logs').doc(id(last.seq)).set(lastFields);
  t.true((await verifyChain()).ok);
});

test.serial('concurrent writes chain without gaps: every seq once, each linked to the one before', async (t) => {
  await verifyMerchant(shop);
  const answers = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      shop.call(
        'admin',
        'staff.create',
        { username: `burst-${i}`, name: '并发', role: 'service', password: 'a long password' },
        'o-test-merchant',
      ),
    ),
  );
  t.true(
    answers.every((a) => a.ok),
    JSON.stringify(answers.filter((a) => !a.ok)),
  );
  t.true((await verifyChain()).ok);
});

// Last: it may leave the test owner disabled.
test.serial('two owners disabling each other at once: one wins, the shop keeps an active owner', async (t) => {
  const other = 'o-second-owner';
  await verifyMerchant(shop);
  await verifyMerchant(shop, other, 'owner');
  const staff = dataOf(await adminCall<Array<{ id: string; version: number }>>(shop, 'staff.list'));
  const versionOf = (id: string) => staff.find((s) => s.id === id)!.version;
  const [first, second] = await Promise.all([
    shop.call('admin', 'staff.update', { id: other, version: versionOf(other), active: false }, 'o-test-merchant'),
    shop.call('admin', 'staff.update', { id: 'o-test-merchant', version: versionOf('o-test-merchant'), active: false }, other),
  ]);
  t.is([first, second].filter((a) => a.ok).length, 1, JSON.stringify([first, second]));
  t.like(
    [first, second].find((a) => !a.ok),
    { code: 'INVALID_STATE' },
  );
  const owners = (await shop.db.collection('admins').where({ role: 'owner', active: true }).get()).data;
  t.is(owners.length, 1);
  // Checked by the owner left (the test owner may be the one disabled).
  const left = (owners[0] as { _id: string })._id;
  t.like(await shop.call<AuditVerification>('admin', 'audit.verify', {}, left), { ok: true, data: { ok: true } });
});
