import test from 'ava';
import type { OrderView } from '../../typings/order.js';
import { checkoutEntry } from '../utils/checkout-entry.js';
import { amountRows } from '../utils/order-amounts.js';
import { REVIEW_TAG_LABELS } from '../../typings/labels.js';
import { REVIEW_TAGS, afterSaleProblem, refundReason, returnProblem, reviewProblem, toggleTag } from '../utils/order-forms.js';
import {
  acceptsAfterSale,
  acceptsReturn,
  canWithdraw,
  cartLineNotice,
  formatTime,
  orderActions,
  orderTab,
  refundableUnits,
  specText,
} from '../utils/order-status.js';

// The cart and order pages' pure helpers.

test('checkout entries: from the cart, 立即购买 with exactly skuId and quantity, anything else refused', (t) => {
  t.deepEqual(checkoutEntry({ from: 'cart' }), { kind: 'cart' });
  t.deepEqual(checkoutEntry({ skuId: 'spu-001-01', quantity: '3' }), {
    kind: 'buy',
    lines: [{ skuId: 'spu-001-01', quantity: 3 }],
  });
  t.deepEqual(checkoutEntry({ skuId: 'spu-001-01' }), { kind: 'buy', lines: [{ skuId: 'spu-001-01', quantity: 1 }] });
  for (const query of [
    {},
    { skuId: 'a b', quantity: '1' },
    { skuId: 'x', quantity: '0' },
    { skuId: 'x', quantity: '1.5' },
    { skuId: 'x', quantity: '1000' },
  ]) {
    t.deepEqual(checkoutEntry(query), { kind: 'invalid' }, JSON.stringify(query));
  }
});

test('order tabs, actions and after-sale rules by status', (t) => {
  t.is(orderTab('shipped'), 'shipped');
  t.is(orderTab('refunding'), 'refunding');
  t.is(orderTab(undefined), 'all');
  t.is(orderTab('refund_approved'), 'all');
  t.deepEqual(orderActions({ status: 'pending_payment' }), ['cancel', 'pay']);
  t.deepEqual(orderActions({ status: 'paid' }), []);
  t.deepEqual(orderActions({ status: 'shipped' }), ['confirm']);
  t.deepEqual(orderActions({ status: 'completed' }), ['review']);
  t.deepEqual(orderActions({ status: 'refunding', afterSaleId: 'c1' }), ['afterSale']);
  t.deepEqual(orderActions({ status: 'refunding' }), []);
  t.deepEqual(orderActions({ status: 'cancelled' }), []);
  t.deepEqual(
    (['paid', 'shipped', 'completed', 'pending_payment', 'refunding'] as const).map((status) => acceptsAfterSale({ status })),
    [true, true, true, false, false],
  );
  t.deepEqual(
    (['paid', 'shipped', 'completed'] as const).map((status) => acceptsReturn({ status })),
    [false, true, true],
  );
  t.deepEqual((['requested', 'awaiting_return', 'returning', 'refunding', 'rejected'] as const).map(canWithdraw), [
    true,
    true,
    false,
    false,
    false,
  ]);
});

test('refundable units are what a line has left after refunds', (t) => {
  const lines = [{ quantity: 3 }, { quantity: 1 }] as OrderView['lines'];
  t.is(refundableUnits({ lines }, 0), 3);
  t.is(refundableUnits({ lines, refunded: { fee: 100, units: [2, 1] } }, 0), 1);
  t.is(refundableUnits({ lines, refunded: { fee: 100, units: [2, 1] } }, 1), 0);
  t.is(refundableUnits({ lines }, 5), 0);
});

test('cart notices, spec text and times', (t) => {
  t.is(cartLineNotice({ state: 'low_stock', stock: 2 }), '库存仅剩 2 件');
  t.is(cartLineNotice({ state: 'sold_out', stock: 0 }), '已售罄');
  t.is(cartLineNotice({ state: 'off_shelf', stock: 5 }), '已下架');
  t.is(cartLineNotice({ state: 'removed', stock: 0 }), '商品已失效');
  t.is(cartLineNotice({ state: 'ok', stock: 5 }), '');
  t.is(specText({ 颜色: '黑色', 尺码: 'M' }), '黑色 / M');
  t.is(specText(undefined), '');
  const at = new Date(2026, 0, 2, 3, 4);
  t.is(formatTime(at.toISOString()), '2026-01-02 03:04');
  t.is(formatTime('not a time'), '');
});

test('the breakdown shows each discount taken and the freight', (t) => {
  const rows = amountRows({
    subtotal: 12000,
    discountTotal: 2100,
    freight: 0,
    payable: 9900,
    discounts: { promotion: 0, member: 600, coupon: 1000, points: 500 },
    member: { levelIndex: 1, levelName: '白银会员', discountBp: 9500 },
    coupon: { couponId: 'c', templateId: 't', name: '满99减10', summary: '满99减10', scopeText: '全场通用', discount: 1000 },
    pointsUsed: 500,
  });
  t.deepEqual(
    rows.map((r) => [r.label, r.value]),
    [
      ['商品金额', '¥120.00'],
      ['会员折扣（白银会员）', '-¥6.00'],
      ['优惠券（满99减10）', '-¥10.00'],
      ['积分抵扣（500 积分）', '-¥5.00'],
      ['运费', '免运费'],
    ],
  );
  t.deepEqual(
    amountRows({ subtotal: 5000, discountTotal: 300, freight: 800, payable: 5500 }).map((r) => [r.label, r.value]),
    [
      ['商品金额', '¥50.00'],
      ['优惠', '-¥3.00'],
      ['运费', '¥8.00'],
    ],
    'an order priced before the breakdown existed',
  );
});

test('the forms check what the routes would refuse', (t) => {
  t.is(reviewProblem({ rating: 5, text: '', tags: [], photos: [] }), '');
  t.is(reviewProblem({ rating: 0, text: '', tags: [], photos: [] }), '请为商品打分');
  t.is(reviewProblem({ rating: 5, text: 'x'.repeat(501), tags: [], photos: [] }), '评价内容最多 500 个字');
  t.is(reviewProblem({ rating: 5, text: '', tags: [], photos: Array(10).fill('p') as string[] }), '最多上传 9 张图片');
  t.deepEqual(toggleTag(['a'], 'b'), ['a', 'b']);
  t.deepEqual(toggleTag(['a', 'b'], 'a'), ['b']);
  const five = ['a', 'b', 'c', 'd', 'e'];
  t.is(toggleTag(five, 'f'), five, 'a sixth is refused');

  t.is(refundReason('不想要了', '  买重复了 '), '不想要了：买重复了');
  t.is(refundReason('质量问题', ''), '质量问题');
  const lines = [{ index: 0, quantity: 1 }];
  t.is(afterSaleProblem({ lines: [], reason: '质量问题', description: '', photos: [] }), '请选择要售后的商品');
  t.is(afterSaleProblem({ lines, reason: '', description: '', photos: [] }), '请选择售后原因');
  t.is(afterSaleProblem({ lines, reason: '其他', description: ' ', photos: [] }), '请说明售后原因');
  t.is(afterSaleProblem({ lines, reason: '其他', description: 'x'.repeat(200), photos: [] }), '售后原因最多 200 个字');
  t.is(afterSaleProblem({ lines, reason: '质量问题', description: '', photos: [] }), '');

  t.is(returnProblem('', 'SF1234'), '请填写快递公司');
  t.is(returnProblem('顺'.repeat(21), 'SF1234'), '快递公司最多 20 个字');
  t.is(returnProblem('顺丰', 'SF1'), '运单号至少 4 位');
  t.is(returnProblem('顺丰', 'S'.repeat(33)), '运单号最多 32 位');
  t.is(returnProblem('顺丰', 'SF 1234'), '运单号只能包含字母、数字和连字符');
  t.is(returnProblem(' 顺丰速运 ', ' SF-1234 '), '');
});

// The app cannot load typings/ at run time (WeChat packages only miniprogram/), so it keeps its own copy of the tags.
test('the review tags the app offers are the contract’s, code for code and word for word', (t) => {
  t.deepEqual(REVIEW_TAGS, REVIEW_TAG_LABELS);
});
