import test from 'ava';
import { DEFAULT_MEMBER_SETTINGS, type MemberSettings } from '../../../typings/member.js';
import {
  growthEarned,
  levelFor,
  maxRedeemablePoints,
  memberDiscount,
  nextLevelFor,
  pointsEarned,
  pointsForValue,
  pointsValue,
} from './member-levels.js';

const settings = DEFAULT_MEMBER_SETTINGS;
const withSettings = (patch: Partial<MemberSettings>): MemberSettings => ({ ...settings, ...patch });

test('points and growth earned: floor(paid yuan × rate) on the whole amount', (t) => {
  const table: Array<[paidFen: number, earn: MemberSettings['earn'], points: number, growth: number]> = [
    [0, { pointsPerYuan: 1, growthPerYuan: 1 }, 0, 0],
    [99, { pointsPerYuan: 1, growthPerYuan: 1 }, 0, 0],
    [100, { pointsPerYuan: 1, growthPerYuan: 1 }, 1, 1],
    [12_345, { pointsPerYuan: 1, growthPerYuan: 1 }, 123, 123],
    [12_345, { pointsPerYuan: 2, growthPerYuan: 0 }, 246, 0],
    [150, { pointsPerYuan: 3, growthPerYuan: 10 }, 4, 15],
    [0, { pointsPerYuan: 1000, growthPerYuan: 1000 }, 0, 0],
  ];
  for (const [paid, earn, points, growth] of table) {
    const s = withSettings({ earn });
    t.is(pointsEarned(paid, s), points, `points for ${paid} at ${earn.pointsPerYuan}`);
    t.is(growthEarned(paid, s), growth, `growth for ${paid} at ${earn.growthPerYuan}`);
  }
  for (const bad of [-1, 1.5, Number.NaN]) t.throws(() => pointsEarned(bad, settings), { message: /不小于 0 的整数/ });
});

test('points value and the points for a value round so no point is wasted', (t) => {
  const table: Array<[pointsPerYuan: number, points: number, fen: number]> = [
    [100, 0, 0],
    [100, 1, 1],
    [100, 12_345, 12_345],
    [1000, 9, 0],
    [1000, 10, 1],
    [1000, 1234, 123],
    [150, 150, 100],
    [150, 151, 100],
    [150, 152, 101],
    [1, 3, 300],
  ];
  for (const [pointsPerYuan, points, fen] of table) {
    const s = withSettings({ redeem: { pointsPerYuan, maxPercentBp: 5000 } });
    t.is(pointsValue(points, s), fen, `${points} points at ${pointsPerYuan}/¥1`);
    const needed = pointsForValue(fen, s);
    t.is(pointsValue(needed, s), fen, 'pointsForValue buys exactly that value');
    t.true(needed === 0 || pointsValue(needed - 1, s) < fen, 'and is the fewest points that do');
  }
});

test('maxRedeemablePoints: capped by the balance and by the share of the goods', (t) => {
  const table: Array<[goodsFen: number, balance: number, redeem: MemberSettings['redeem'], max: number]> = [
    [10_000, 0, { pointsPerYuan: 100, maxPercentBp: 5000 }, 0],
    [10_000, 1000, { pointsPerYuan: 100, maxPercentBp: 5000 }, 1000], // balance is the limit
    [10_000, 9000, { pointsPerYuan: 100, maxPercentBp: 5000 }, 5000], // 50 % of ¥100
    [999, 9000, { pointsPerYuan: 100, maxPercentBp: 5000 }, 499], // floor(499.5)
    [10_000, 9000, { pointsPerYuan: 100, maxPercentBp: 0 }, 0],
    [10_000, 99_999, { pointsPerYuan: 100, maxPercentBp: 10_000 }, 10_000],
    [10_000, 1005, { pointsPerYuan: 1000, maxPercentBp: 5000 }, 1000], // 5 spare points are worth nothing
    [10_000, 152, { pointsPerYuan: 150, maxPercentBp: 5000 }, 152],
    [10_000, 151, { pointsPerYuan: 150, maxPercentBp: 5000 }, 150],
    [0, 500, { pointsPerYuan: 100, maxPercentBp: 5000 }, 0],
    [10_000, -20, { pointsPerYuan: 100, maxPercentBp: 5000 }, 0], // a negative balance (reversed points) redeems nothing
  ];
  for (const [goods, balance, redeem, max] of table) {
    const s = withSettings({ redeem });
    const got = maxRedeemablePoints(goods, balance, s);
    t.is(got, max, `goods ${goods}, balance ${balance}, ${JSON.stringify(redeem)}`);
    t.true(got <= Math.max(balance, 0));
    t.true(pointsValue(got, s) <= Math.floor((goods * redeem.maxPercentBp) / 10_000));
  }
});

test('levelFor and nextLevelFor follow the growth thresholds', (t) => {
  const table: Array<[growth: number, level: string, discountBp: number, next: string | null, needed: number | null]> = [
    [0, '普通会员', 10_000, '银卡会员', 1000],
    [999, '普通会员', 10_000, '银卡会员', 1],
    [1000, '银卡会员', 9800, '金卡会员', 4000],
    [4999, '银卡会员', 9800, '金卡会员', 1],
    [5000, '金卡会员', 9500, '钻石会员', 15_000],
    [20_000, '钻石会员', 9000, null, null],
    [1_000_000, '钻石会员', 9000, null, null],
    [-50, '普通会员', 10_000, '银卡会员', 1000], // growth reversed below 0 by a refund
  ];
  for (const [growth, name, discountBp, next, needed] of table) {
    t.like(levelFor(growth, settings), { name, discountBp }, `growth ${growth}`);
    const n = nextLevelFor(growth, settings);
    t.is(n?.name ?? null, next);
    t.is(n?.growthNeeded ?? null, needed);
  }
});

test("memberDiscount takes off (100 % - level) of the goods, rounded in the shop's favour", (t) => {
  const table: Array<[goodsFen: number, discountBp: number, discount: number]> = [
    [10_000, 10_000, 0],
    [10_000, 9800, 200],
    [10_000, 9500, 500],
    [10_000, 9000, 1000],
    [999, 9800, 19], // 19.98 → 19
    [1, 9000, 0],
    [0, 9000, 0],
  ];
  for (const [goods, bp, discount] of table) t.is(memberDiscount(goods, bp), discount, `${goods} at ${bp}`);
});
