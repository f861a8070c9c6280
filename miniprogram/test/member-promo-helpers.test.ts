import test from 'ava';
import {
  addressFormError,
  EMPTY_ADDRESS_FORM,
  formOfWechatAddress,
  maskedPhone,
  regionText,
  saveInputOf,
  shippingView,
} from '../utils/address-form.js';
import { monthGrid, monthTitle } from '../utils/member-calendar.js';
import {
  discountText,
  formatDateTime,
  formatDay,
  levelProgress,
  levelText,
  parseYuan,
  pathOnApp,
  signedPoints,
  withdrawalError,
} from '../utils/member-format.js';
import {
  claimState,
  couponFace,
  flashSaleAction,
  lowestTierPrice,
  openingPrice,
  seatsOf,
  soldPercent,
  specText,
  tierRows,
  validityText,
} from '../utils/promo-format.js';

// The pure helpers behind the 我的, member and promotion pages.

const form = {
  name: '张三',
  phone: '13800138000',
  region: ['浙江省', '杭州市', '西湖区'],
  detail: '文三路 1 号',
  isDefault: false,
};

test('the address form is checked with the route’s rules and messages, first problem first', (t) => {
  t.is(addressFormError(form), '');
  t.is(addressFormError(EMPTY_ADDRESS_FORM), '请填写收货人');
  t.is(addressFormError({ ...form, name: '  ' }), '请填写收货人');
  t.is(addressFormError({ ...form, name: '名'.repeat(21) }), '收货人最多 20 个字');
  for (const phone of ['', '12800138000', '1380013800', '138001380001', '1380013800a']) {
    t.is(addressFormError({ ...form, phone }), '请填写正确的手机号', phone);
  }
  t.is(addressFormError({ ...form, region: ['浙江省', '杭州市'] }), '请选择所在地区');
  t.is(addressFormError({ ...form, detail: ' ' }), '请填写详细地址');
  t.is(addressFormError({ ...form, detail: '路'.repeat(121) }), '详细地址最多 120 个字');
  t.deepEqual(saveInputOf({ ...form, name: ' 张三 ', detail: ' 文三路 1 号 ' }, 'addr-1'), {
    addressId: 'addr-1',
    name: '张三',
    phone: '13800138000',
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    detail: '文三路 1 号',
    isDefault: false,
  });
  t.false('addressId' in saveInputOf(form));
  t.is(regionText(['浙江省', '杭州市', '西湖区']), '浙江省 杭州市 西湖区');
  t.is(regionText([]), '');
});

test('a WeChat address becomes the form: the phone without country code or separators', (t) => {
  const picked = {
    userName: '赵六',
    telNumber: '+86 139-0000-1111',
    provinceName: '上海市',
    cityName: '上海市',
    countyName: '浦东新区',
    detailInfo: '世纪大道 100 号',
  };
  t.deepEqual(formOfWechatAddress(picked, true), {
    name: '赵六',
    phone: '13900001111',
    region: ['上海市', '上海市', '浦东新区'],
    detail: '世纪大道 100 号',
    isDefault: true,
  });
  t.is(maskedPhone('13900001111'), '139****1111');
  t.is(shippingView(null), null);
  t.deepEqual(
    shippingView({
      addressId: 'a1',
      name: '李四',
      phone: '13912345678',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '文三路 1 号',
      isDefault: true,
      updatedAt: '2026-12-05T00:00:00.000Z',
    }),
    { addressId: 'a1', name: '李四', phone: '139****5678', line: '浙江省杭州市西湖区 文三路 1 号' },
  );
});

test('member figures and dates read in China time', (t) => {
  t.is(formatDateTime('2026-12-04T16:03:00.000Z'), '2026-12-05 00:03');
  t.is(formatDay('2026-12-31T17:00:00.000Z'), '2027.01.01');
  t.is(signedPoints(5), '+5');
  t.is(signedPoints(-100), '-100');
  t.is(signedPoints(0), '0');
  t.is(discountText(10_000), '');
  t.is(discountText(9800), '9.8折');
  t.is(discountText(9500), '9.5折');
  t.is(discountText(9000), '9折');
  t.is(discountText(8850), '8.85折');
  t.is(levelText({ name: '普通会员', discountBp: 10_000 }), '普通会员');
  t.is(levelText({ name: '金卡会员', discountBp: 9500 }), '金卡会员 · 9.5折');
});

test('the progress bar runs from this level’s threshold to the next one’s', (t) => {
  const silver = { index: 1, name: '银卡会员', minGrowth: 1000, discountBp: 9800 };
  const gold = { index: 2, name: '金卡会员', minGrowth: 5000, discountBp: 9500 };
  t.deepEqual(levelProgress({ growth: 1500, level: silver, nextLevel: { ...gold, growthNeeded: 3500 } }), {
    percent: 12,
    hint: '再获得 3500 成长值升级为金卡会员',
  });
  t.is(levelProgress({ growth: 1000, level: silver, nextLevel: { ...gold, growthNeeded: 4000 } }).percent, 0);
  t.is(levelProgress({ growth: 4999, level: silver, nextLevel: { ...gold, growthNeeded: 1 } }).percent, 99);
  t.deepEqual(levelProgress({ growth: 30_000, level: gold, nextLevel: null }), {
    percent: 100,
    hint: '已是最高等级「金卡会员」',
  });
});

test('a typed amount of yuan becomes fen, and a withdrawal is checked against the minimum and the balance', (t) => {
  const cases: Array<[string, number | null]> = [
    ['12', 1200],
    ['12.5', 1250],
    ['12.50', 1250],
    ['0.01', 1],
    [' 3 ', 300],
    ['12.', 1200],
    ['12.345', null],
    ['-1', null],
    ['abc', null],
    ['', null],
    ['1e3', null],
  ];
  for (const [typed, fen] of cases) t.is(parseYuan(typed), fen, typed);
  const limits = { minWithdrawFen: 1000, available: 2500 };
  t.is(withdrawalError(null, limits), '请输入正确的提现金额');
  t.is(withdrawalError(0, limits), '请输入正确的提现金额');
  t.is(withdrawalError(999, limits), '最低提现 10.00 元');
  t.is(withdrawalError(2501, limits), '可提现余额不足');
  t.is(withdrawalError(1000, limits), '');
  t.is(withdrawalError(2500, limits), '');
  t.is(withdrawalError(500, { minWithdrawFen: 1000, available: 0 }), '可提现余额不足', 'nothing to withdraw says so first');
});

test('a share opens one of the app’s pages, whatever path the route answered', (t) => {
  const pages = ['/pages/home/index', '/pages/promo/group/index'];
  t.is(pathOnApp('/pages/home/index?inviteCode=ABCD2345', pages, '/x'), '/pages/home/index?inviteCode=ABCD2345');
  t.is(
    pathOnApp('/pages/home/index/index?inviteCode=ABCD2345', pages, '/pages/home/index?inviteCode=ABCD2345'),
    '/pages/home/index?inviteCode=ABCD2345',
  );
  t.is(
    pathOnApp('/pages/groupbuy/group/index?groupId=g1', pages, '/pages/promo/group/index?groupId=g1'),
    '/pages/promo/group/index?groupId=g1',
  );
});

test('the check-in month is a grid of weeks from Monday, checked days and today marked', (t) => {
  // December 2026 starts on a Tuesday and has 31 days.
  const weeks = monthGrid('2026-12', [1, 2, 5], '2026-12-05');
  t.is(weeks.length, 5);
  t.true(weeks.every((w) => w.cells.length === 7));
  t.deepEqual(
    weeks[0]!.cells.map((c) => c.day),
    [0, 1, 2, 3, 4, 5, 6],
  );
  const cells = weeks.flatMap((w) => w.cells);
  t.is(new Set(cells.map((c) => c.key)).size, cells.length, 'keys are unique');
  t.deepEqual(
    cells.filter((c) => c.checked).map((c) => c.day),
    [1, 2, 5],
  );
  t.deepEqual(
    cells.filter((c) => c.today).map((c) => c.day),
    [5],
  );
  t.false(cells.find((c) => c.day === 5)!.future);
  t.true(cells.find((c) => c.day === 6)!.future);
  t.deepEqual(
    weeks.at(-1)!.cells.map((c) => c.day),
    [28, 29, 30, 31, 0, 0, 0],
  );
  // February 2027 starts on a Monday: no blank before the 1st.
  t.is(monthGrid('2027-02', [], '2027-02-10')[0]!.cells[0]!.day, 1);
  // A past month: nothing is in the future, nothing is today.
  t.false(
    monthGrid('2026-11', [], '2026-12-05')
      .flatMap((w) => w.cells)
      .some((c) => c.future || c.today),
  );
  t.is(monthTitle('2026-03'), '2026年3月');
});

test('coupons read as tickets: amount, condition, validity and the claim button', (t) => {
  t.deepEqual(couponFace({ kind: 'threshold', threshold: 9900, off: 1000 }), {
    value: '10',
    unit: 'yuan',
    condition: '满99可用',
  });
  t.deepEqual(couponFace({ kind: 'threshold', threshold: 5000, off: 550 }), {
    value: '5.5',
    unit: 'yuan',
    condition: '满50可用',
  });
  t.deepEqual(couponFace({ kind: 'percent', percent: 90, cap: 2000 }), { value: '9', unit: 'percent', condition: '无门槛' });
  t.deepEqual(couponFace({ kind: 'percent', percent: 85, threshold: 10000 }), {
    value: '8.5',
    unit: 'percent',
    condition: '满100可用',
  });
  t.deepEqual(couponFace({ kind: 'no_threshold', off: 500 }), { value: '5', unit: 'yuan', condition: '无门槛' });
  t.is(validityText({ type: 'relative', days: 7 }), '领取后 7 天内有效');
  t.is(
    validityText({ type: 'fixed', startAt: '2026-11-30T16:00:00.000Z', endAt: '2026-12-31T15:59:59.000Z' }),
    '2026.12.01-2026.12.31',
  );
  t.is(claimState({ canClaim: true, remaining: 3 }), 'claimable');
  t.is(claimState({ canClaim: false, remaining: 3 }), 'claimed');
  t.is(claimState({ canClaim: true, remaining: 0 }), 'sold_out');
  t.is(claimState({ canClaim: true, remaining: 3 }, true), 'sold_out');
});

test('a flash sale’s button and countdown follow its state and the shopper’s limit', (t) => {
  const sale = { startAt: '2026-12-05T02:00:00.000Z', endAt: '2026-12-05T03:00:00.000Z', perUser: 1, bought: 0 };
  t.deepEqual(flashSaleAction({ ...sale, state: 'upcoming' }), {
    label: '即将开始',
    canBuy: false,
    countdownLabel: '距开始',
    countdownTarget: sale.startAt,
  });
  t.deepEqual(flashSaleAction({ ...sale, state: 'running' }), {
    label: '立即抢购',
    canBuy: true,
    countdownLabel: '距结束',
    countdownTarget: sale.endAt,
  });
  t.like(flashSaleAction({ ...sale, state: 'running', bought: 1 }), { label: '已抢购（限购 1 件）', canBuy: false });
  t.like(flashSaleAction({ ...sale, state: 'sold_out' }), { label: '已抢光', canBuy: false });
  t.like(flashSaleAction({ ...sale, state: 'ended' }), { label: '已结束', canBuy: false, countdownTarget: '' });
  t.is(soldPercent({ stock: 20, remaining: 15 }), 25);
  t.is(soldPercent({ stock: 0, remaining: 0 }), 100);
  t.is(specText({ 颜色: '黑色', 尺码: 'M' }), '颜色：黑色 / 尺码：M');
  t.is(specText({}), '');
});

test('group-buy tiers, prices and seats', (t) => {
  const tiers = [
    { minMembers: 3, price: 4900 },
    { minMembers: 2, price: 5900 },
  ];
  t.deepEqual(
    tierRows(tiers).map((r) => r.text),
    ['2人团 ¥59.00', '3人团 ¥49.00'],
  );
  t.is(lowestTierPrice(tiers), 4900);
  t.is(openingPrice(tiers), 5900);
  const seats = seatsOf(
    [
      { displayName: '阿花', avatarUrl: null, leader: true, paid: true },
      { displayName: '小明', avatarUrl: 'cloud://x/a.png', leader: false, paid: false },
    ],
    3,
  );
  t.is(seats.length, 3);
  t.like(seats[0], { filled: true, initial: '阿', leader: true, avatarUrl: '' });
  t.like(seats[1], { filled: true, avatarUrl: 'cloud://x/a.png' });
  t.like(seats[2], { filled: false, displayName: '' });
  t.deepEqual(
    seats.map((s) => s.key),
    ['member0', 'member1', 'seat2'],
  );
});
