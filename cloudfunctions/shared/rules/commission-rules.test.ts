import test from 'ava';
import { DEFAULT_MEMBER_SETTINGS, InviteCode } from '../../../typings/member.js';
import { commissionBalances, commissionFor, newInviteCode } from './commission-rules.js';

test('commission is floor(paid × rate)', (t) => {
  const table: Array<[paidFen: number, commissionBp: number, commission: number]> = [
    [0, 500, 0],
    [19, 500, 0],
    [20, 500, 1],
    [10_000, 500, 500],
    [12_345, 500, 617], // 617.25
    [12_345, 0, 0],
    [12_345, 10_000, 12_345],
    [999, 333, 33], // 33.2667
  ];
  for (const [paid, commissionBp, commission] of table) {
    t.is(
      commissionFor(paid, { ...DEFAULT_MEMBER_SETTINGS, referral: { ...DEFAULT_MEMBER_SETTINGS.referral, commissionBp } }),
      commission,
      `${paid} at ${commissionBp}`,
    );
  }
  t.throws(() => commissionFor(-1, DEFAULT_MEMBER_SETTINGS));
  t.throws(() => commissionFor(1.5, DEFAULT_MEMBER_SETTINGS));
});

test('invite codes are 8 characters of the unambiguous alphabet and pass the input schema', (t) => {
  const codes = new Set(Array.from({ length: 500 }, () => newInviteCode()));
  t.true(codes.size > 495, 'random');
  for (const code of codes) {
    t.regex(code, /^[2-9A-HJ-NP-Z]{8}$/);
    t.is(InviteCode.parse(code), code);
  }
  t.is(InviteCode.parse(' abcd2345 '), 'ABCD2345', 'typed codes are trimmed and upper-cased');
  for (const bad of ['ABCD234', 'ABCD23450', 'ABCD2340', 'ABCDI234', 'o-openid']) t.false(InviteCode.safeParse(bad).success, bad);
});

test('commission balances default to 0', (t) => {
  t.deepEqual(commissionBalances(null), { pending: 0, available: 0, withdrawing: 0, withdrawn: 0 });
  t.deepEqual(commissionBalances({ commission: { available: 5 } }), { pending: 0, available: 5, withdrawing: 0, withdrawn: 0 });
});
