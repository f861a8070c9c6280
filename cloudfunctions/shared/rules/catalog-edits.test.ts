import test, { type ExecutionContext } from 'ava';
import type { ErrorCode } from '../../../typings/common.js';
import { MAX_CATEGORY_DEPTH, PRICE_CHANGE_VERIFY_SHARE } from '../../../typings/admin-catalog.js';
import {
  bannerLink,
  categoryPlacementRefusal,
  derivedFields,
  matchMatrix,
  planSkus,
  priceChangeNeedsVerification,
  skuRemovalRefusal,
  specMatrix,
  stockAfter,
} from './catalog-edits.js';
import { ShopError } from './errors.js';

const SPECS = [
  { name: '颜色', values: ['红', '蓝'] },
  { name: '尺码', values: ['M', 'L'] },
];
const combo = (颜色: string, 尺码: string) => ({ 颜色, 尺码 });

function refusedWith(t: ExecutionContext, fn: () => unknown, code: ErrorCode, message: RegExp): void {
  const err = t.throws(fn, { instanceOf: ShopError });
  t.is(err?.code, code);
  t.regex(err?.message ?? '', message);
}

test('the matrix is every combination of the dimensions, in spec order; no specs is one SKU', (t) => {
  t.deepEqual(specMatrix(SPECS), [combo('红', 'M'), combo('红', 'L'), combo('蓝', 'M'), combo('蓝', 'L')]);
  t.deepEqual(specMatrix([]), [{}]);
  t.is(specMatrix([...SPECS, { name: '版型', values: ['修身', '宽松', '常规'] }]).length, 12);
});

test('SKUs must cover exactly the matrix: missing, extra, duplicate and misnamed combinations are refused', (t) => {
  const full = specMatrix(SPECS).map((specValues) => ({ specValues, price: 100 }));
  t.is(matchMatrix(SPECS, full).size, 4);
  t.is(matchMatrix(SPECS, [...full].reverse()).size, 4, 'order does not matter');
  refusedWith(t, () => matchMatrix(SPECS, full.slice(0, 3)), 'VALIDATION', /缺少规格组合：蓝\/L/);
  refusedWith(
    t,
    () => matchMatrix(SPECS, [...full, { specValues: combo('绿', 'M'), price: 1 }]),
    'VALIDATION',
    /不在规格表中：绿\/M/,
  );
  refusedWith(t, () => matchMatrix(SPECS, [...full, full[0]!]), 'VALIDATION', /规格组合重复：红\/M/);
  refusedWith(t, () => matchMatrix(SPECS, [{ specValues: { 颜色: '红' }, price: 1 }]), 'VALIDATION', /不在规格表中/);
  refusedWith(t, () => matchMatrix([{ name: '颜色', values: ['红', '红'] }], []), 'VALIDATION', /的值不能重复/);
  refusedWith(t, () => matchMatrix([SPECS[0]!, SPECS[0]!], []), 'VALIDATION', /规格名称不能重复/);
  t.is(matchMatrix([], [{ specValues: {}, price: 1 }]).size, 1, 'a product without specs has one SKU');
});

test('derived fields come from the SKUs: lowest and highest price, total stock, sales', (t) => {
  t.deepEqual(
    derivedFields([
      { price: 5900, stock: 3, sales: 10 },
      { price: 6900, stock: 0, sales: 2 },
      { price: 4900, stock: 7, sales: 0 },
    ]),
    { minPrice: 4900, maxPrice: 6900, totalStock: 10, sales: 12 },
  );
  t.deepEqual(derivedFields([]), { minPrice: 0, maxPrice: 0, totalStock: 0, sales: 0 });
});

test('a price moving by more than the set share needs a second verification, either way', (t) => {
  t.is(PRICE_CHANGE_VERIFY_SHARE, 0.3);
  t.false(priceChangeNeedsVerification(10000, 13000), 'exactly 30% up is allowed');
  t.false(priceChangeNeedsVerification(10000, 7000), 'exactly 30% down is allowed');
  t.true(priceChangeNeedsVerification(10000, 13001));
  t.true(priceChangeNeedsVerification(10000, 6999));
  t.false(priceChangeNeedsVerification(10000, 10000));
});

const existing = specMatrix(SPECS).map((specValues, i) => ({ _id: `s-0${i + 1}`, specValues, price: 1000, stock: i }));

test('editing without new specs keeps every SKU and applies the patches; a big price move is flagged', (t) => {
  const plan = planSkus(SPECS, existing, [{ specValues: combo('红', 'M'), price: 1100, barcode: '6901234567892' }]);
  t.is(plan.kept.length, 4);
  t.deepEqual(plan.added, []);
  t.deepEqual(plan.removed, []);
  t.deepEqual(plan.kept[0]!.fields, { price: 1100, barcode: '6901234567892' });
  t.false(plan.needsVerification);
  t.true(planSkus(SPECS, existing, [{ specValues: combo('蓝', 'L'), price: 1500 }]).needsVerification);
  refusedWith(t, () => planSkus(SPECS, existing, [{ specValues: combo('红', 'M'), stock: 5 }]), 'VALIDATION', /库存调整/);
});

test('adding a spec value adds its combinations, which need a price; removing one removes its SKUs', (t) => {
  const wider = [SPECS[0]!, { name: '尺码', values: ['M', 'L', 'XL'] }];
  refusedWith(
    t,
    () => planSkus(wider, existing, [{ specValues: combo('红', 'XL'), price: 1000 }]),
    'VALIDATION',
    /新规格组合需填写价格：蓝\/XL/,
  );
  const plan = planSkus(wider, existing, [
    { specValues: combo('红', 'XL'), price: 1200, stock: 5 },
    { specValues: combo('蓝', 'XL'), price: 1200 },
  ]);
  t.deepEqual(
    plan.added.map((a) => [a.specValues, a.price, a.stock]),
    [
      [combo('红', 'XL'), 1200, 5],
      [combo('蓝', 'XL'), 1200, undefined],
    ],
  );
  const narrower = [{ name: '颜色', values: ['红'] }, SPECS[1]!];
  const removal = planSkus(narrower, existing, []);
  t.deepEqual(
    removal.removed.map((s) => s._id),
    ['s-03', 's-04'],
  );
  t.is(removal.kept.length, 2);
  const newDimension = [...SPECS, { name: '版型', values: ['修身'] }];
  t.is(
    planSkus(
      newDimension,
      existing,
      specMatrix(newDimension).map((specValues) => ({ specValues, price: 1 })),
    ).removed.length,
    4,
  );
});

test('a SKU leaves the matrix only without stock and without a live promotion holding it', (t) => {
  t.is(skuRemovalRefusal('红/M', 0, []), undefined);
  t.regex(skuRemovalRefusal('红/M', 3, [])!.message, /还有库存 3 件/);
  const held = skuRemovalRefusal('红/M', 0, ['秒杀「限时」']);
  t.is(held!.code, 'INVALID_STATE');
  t.regex(held!.message, /秒杀「限时」/);
});

test('stock changes by a delta or to a count, never below 0', (t) => {
  t.deepEqual(stockAfter(5, { delta: 3 }), { after: 8, delta: 3 });
  t.deepEqual(stockAfter(5, { delta: -5 }), { after: 0, delta: -5 });
  t.deepEqual(stockAfter(5, { set: 2 }), { after: 2, delta: -3 });
  refusedWith(t, () => stockAfter(5, { delta: -6 }), 'VALIDATION', /库存不能低于 0：现有 5 件，无法减少 6 件/);
});

test('categories: no cycles, an existing parent, at most two levels', (t) => {
  const all = [
    { _id: 'a', parentId: null },
    { _id: 'a1', parentId: 'a' },
    { _id: 'b', parentId: null },
  ];
  t.is(MAX_CATEGORY_DEPTH, 2);
  t.is(categoryPlacementRefusal(all, undefined, null), undefined);
  t.is(categoryPlacementRefusal(all, undefined, 'a'), undefined);
  t.is(categoryPlacementRefusal(all, 'a1', 'b'), undefined, 'a child moves to another parent');
  t.is(categoryPlacementRefusal(all, 'a1', null), undefined, 'a child becomes top-level');
  t.is(categoryPlacementRefusal(all, 'b', 'a'), undefined, 'a leaf top-level category becomes a child');
  t.regex(categoryPlacementRefusal(all, 'a', 'a')!.message, /自己或它的子分类/);
  t.regex(categoryPlacementRefusal(all, 'a', 'a1')!.message, /自己或它的子分类/);
  t.regex(categoryPlacementRefusal(all, undefined, 'a1')!.message, /最多 2 级/);
  t.regex(categoryPlacementRefusal(all, 'a', 'b')!.message, /最多 2 级/, 'a category with children cannot go under another');
  t.is(categoryPlacementRefusal(all, undefined, 'zz')!.code, 'NOT_FOUND');
  // A cycle already stored (written by hand) does not hang the check.
  const looped = [
    { _id: 'x', parentId: 'y' },
    { _id: 'y', parentId: 'x' },
  ];
  t.truthy(categoryPlacementRefusal(looped, 'z', 'x'));
});

test('banner links are the page paths the home page hands out', (t) => {
  t.is(bannerLink({ type: 'product', spuId: 'spu-001' }), '/pages/product/detail/index?spuId=spu-001');
  t.is(bannerLink({ type: 'category', categoryId: 'c-food' }), '/pages/product/list/index?categoryId=c-food');
});
