import test from 'ava';
import { DEFAULT_MEMBER_SETTINGS, MemberSettings } from '../../../typings/member.js';
import { parseMemberSettings } from './member-settings.js';

test('a missing or empty settings document gives the defaults', (t) => {
  t.deepEqual(parseMemberSettings(null), DEFAULT_MEMBER_SETTINGS);
  t.deepEqual(parseMemberSettings(undefined), DEFAULT_MEMBER_SETTINGS);
  t.deepEqual(parseMemberSettings({ _id: 'member' }), DEFAULT_MEMBER_SETTINGS);
  t.true(MemberSettings.safeParse(DEFAULT_MEMBER_SETTINGS).success, "the defaults pass the admin page's schema");
});

test('a section may list only the fields that changed', (t) => {
  const s = parseMemberSettings({ _id: 'member', referral: { commissionBp: 1200 }, earn: { pointsPerYuan: 2 } });
  t.deepEqual(s.referral, { ...DEFAULT_MEMBER_SETTINGS.referral, commissionBp: 1200 });
  t.deepEqual(s.earn, { pointsPerYuan: 2, growthPerYuan: 1 });
  t.deepEqual(s.levels, DEFAULT_MEMBER_SETTINGS.levels);
});

test('an invalid section falls back to its defaults; the other sections keep their values', (t) => {
  const original = console.error;
  const logged: string[] = [];
  console.error = (message: string) => void logged.push(message);
  try {
    const bad = [
      { levels: [{ name: '银卡', minGrowth: 100, discountBp: 9800 }] }, // does not start at 0
      {
        levels: [
          { name: 'a', minGrowth: 0, discountBp: 10_000 },
          { name: 'b', minGrowth: 0, discountBp: 9000 },
        ],
      }, // not ascending
      { levels: [{ name: 'a', minGrowth: 0, discountBp: 0 }] }, // free goods
      { referral: { commissionBp: 20_000 } },
      { referral: { commissionBp: 1.5 } },
      { redeem: { pointsPerYuan: 0 } },
      {
        checkin: {
          streakBonuses: [
            { day: 3, points: 1 },
            { day: 3, points: 2 },
          ],
        },
      },
      { checkin: { points: '5' } },
      { earn: 'lots' },
      { earn: { pointsPerYuan: 1, extra: true } },
    ];
    for (const doc of bad) {
      const section = Object.keys(doc)[0] as keyof typeof DEFAULT_MEMBER_SETTINGS;
      const s = parseMemberSettings({
        ...doc,
        referral: section === 'referral' ? (doc as { referral: unknown }).referral : { commissionBp: 700 },
      });
      t.deepEqual(s[section], DEFAULT_MEMBER_SETTINGS[section], JSON.stringify(doc));
      if (section !== 'referral') t.is(s.referral.commissionBp, 700);
    }
    t.is(logged.length, bad.length);
  } finally {
    console.error = original;
  }
});

test('custom levels replace the default list whole', (t) => {
  const levels = [
    { name: 'V0', minGrowth: 0, discountBp: 10_000 },
    { name: 'V1', minGrowth: 10, discountBp: 9900 },
  ];
  t.deepEqual(parseMemberSettings({ levels }).levels, levels);
});
