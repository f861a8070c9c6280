import test, { type ExecutionContext } from 'ava';
import { adminCall, TEST_MERCHANT, verifyMerchant } from '../../testkit/merchant.js';
import { dataOf, rush, startShop } from '../../testkit/shop.js';
import type { AdminRole } from '../../typings/admin-access.js';
import type {
  AdminBannerView,
  AdminCategoryView,
  AdminProductCard,
  AdminProductDetail,
  AdminProductPage,
  StockAdjustResult,
  StockLedgerEntryView,
} from '../../typings/admin-catalog.js';
import type { Envelope, ErrorCode, Page } from '../../typings/common.js';
import type { Category, HomeData, ListData, ProductDetail } from '../../typings/product.js';

/**
 * The back office's catalog through the real `admin` function on the seeded demo shop, each change checked from the
 * shopper's side too (`product.list`, `product.detail`, `product.home`, `product.categories`) and read back from the
 * database: SPU and SKUs with their derived fields, the stock ledger, the audit trail.
 */
const shop = await startShop({ only: ['admin', 'product', 'order', 'user'] });
test.after.always(() => shop.close());

type Rec = Record<string, any>;

const admin = <T>(route: string, params: Rec = {}, role: AdminRole = 'owner'): Promise<Envelope<T>> =>
  adminCall<T>(shop, route, params, { role });
const shopper = <T>(route: string, params: Rec = {}): Promise<Envelope<T>> => shop.call<T>('product', route, params);
const doc = async (collection: string, id: string): Promise<Rec | undefined> =>
  (await shop.db.collection(collection).doc(id).get()).data[0] as Rec | undefined;
const all = async (collection: string, filter: Rec): Promise<Rec[]> =>
  (await shop.db.collection(collection).where(filter).limit(1000).get()).data as Rec[];
const auditOf = async (target: string): Promise<Rec[]> =>
  (await shop.db.collection('audit_logs').where({ target }).orderBy('seq', 'asc').get()).data as Rec[];

/** Expects a refusal with `code` and a Chinese message. */
function refused(t: ExecutionContext, answer: Envelope<unknown>, code: ErrorCode): string {
  if (answer.ok) {
    t.fail(`expected ${code}, got ok`);
    return '';
  }
  t.is(answer.code, code, answer.message);
  t.regex(answer.message, /[\u4e00-\u9fff]/, 'the message is Chinese');
  return answer.message;
}

let uploads = 0;
/** Uploads an image to the emulator's cloud storage as the admin page would, answers its file ID. */
async function uploadImage(): Promise<string> {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  const { fileID } = await shop.app.uploadFile({ cloudPath: `products/test-${process.pid}-${++uploads}.png`, fileContent: png });
  if (!fileID?.startsWith('cloud://')) throw new Error(`upload gave ${fileID}`);
  return fileID;
}

const SPECS = [
  { name: '颜色', values: ['红', '蓝'] },
  { name: '尺码', values: ['M', 'L'] },
];
const matrix = (stock: number[] = [5, 0, 3, 2]) =>
  [
    ['红', 'M'],
    ['红', 'L'],
    ['蓝', 'M'],
    ['蓝', 'L'],
  ].map(([颜色, 尺码], i) => ({
    specValues: { 颜色, 尺码 },
    price: 9900 + i * 100,
    originalPrice: 12900,
    stock: stock[i],
    barcode: `690000000000${i}`,
  }));

let products = 0;
async function newProduct(t: ExecutionContext, fields: Rec = {}): Promise<AdminProductDetail> {
  const image = await uploadImage();
  const created = await admin<AdminProductDetail>('products.create', {
    title: `测试卫衣 ${process.pid}-${++products}`,
    subtitle: '纯棉加厚',
    categoryId: 'c-hoodie',
    images: [image],
    detailImages: [image],
    attributes: [{ name: '面料', value: '纯棉' }],
    specs: SPECS,
    skus: matrix(),
    status: 'on_shelf',
    ...fields,
  });
  t.true(created.ok, created.ok ? '' : created.message);
  return dataOf(created);
}

const skuOf = (p: AdminProductDetail, 颜色: string, 尺码: string) =>
  p.skus.find((s) => s.specValues.颜色 === 颜色 && s.specValues.尺码 === 尺码)!;

test('a 2×2 product with an uploaded image reaches shoppers; a price edit and stock adjustments land with ledger and audit', async (t) => {
  const created = await newProduct(t);
  const spuId = created.spuId;
  t.like(created, { minPrice: 9900, maxPrice: 10200, totalStock: 10, sales: 0, version: 1, status: 'on_shelf' });
  t.is(created.skus.length, 4);
  t.true(created.images[0]!.startsWith('cloud://'));
  t.like(await doc('spus', spuId), { minPrice: 9900, maxPrice: 10200, totalStock: 10, sales: 0, version: 1 });
  // Initial stock went through the ledger: one `initial` entry per SKU with stock.
  const initial = await all('stock_ledger', { spuId });
  t.deepEqual(initial.map((e) => [e.reason, e.before, e.delta, e.after]).sort(), [
    ['initial', 0, 2, 2],
    ['initial', 0, 3, 3],
    ['initial', 0, 5, 5],
  ]);
  const [createdEntry] = await auditOf(spuId);
  t.like(createdEntry, { action: 'products.create', actor: TEST_MERCHANT });
  t.is(createdEntry!.after.skus.length, 4);

  // The shopper sees it, with the uploaded image, its 4 SKUs and its stock.
  const seen = dataOf(await shopper<ProductDetail>('detail', { spuId }));
  t.is(seen.images[0], created.images[0]);
  t.is(seen.skus.length, 4);
  t.is(seen.stock, 10);
  const listed = dataOf(await shopper<ListData>('list', { keyword: created.title }));
  t.deepEqual(
    listed.items.map((c) => c.spuId),
    [spuId],
  );

  // A 10% price change needs no verification.
  const redM = skuOf(created, '红', 'M');
  const edited = dataOf(
    await admin<AdminProductDetail>('products.update', {
      spuId,
      version: 1,
      subtitle: '纯棉加厚 新款',
      skus: [{ specValues: redM.specValues, price: 10890 }],
    }),
  );
  t.like(edited, { version: 2, minPrice: 10000, maxPrice: 10890, subtitle: '纯棉加厚 新款' });
  t.like(await doc('skus', redM.skuId), { price: 10890, stock: 5 });
  const updateEntry = (await auditOf(spuId)).find((e) => e.action === 'products.update')!;
  t.is(updateEntry.before.spu.version, 1);
  t.is(updateEntry.after.spu.version, 2);
  t.is(updateEntry.before.skus.find((s: Rec) => s._id === redM.skuId).price, 9900);
  t.is(updateEntry.after.skus.find((s: Rec) => s._id === redM.skuId).price, 10890);

  // The same edit on the version it no longer is: CONFLICT, nothing changed.
  refused(
    t,
    await admin('products.update', { spuId, version: 1, skus: [{ specValues: redM.specValues, price: 9000 }] }),
    'CONFLICT',
  );
  t.like(await doc('spus', spuId), { version: 2, minPrice: 10000 });
  t.like(await doc('skus', redM.skuId), { price: 10890 });

  // Stock in through the ledger, read back newest first.
  const adjusted = dataOf(
    await admin<StockAdjustResult>('stock.adjust', { skuId: redM.skuId, delta: 10, reason: 'inbound', note: '到货' }),
  );
  t.like(adjusted, { before: 5, after: 15 });
  t.is((await doc('spus', spuId))!.totalStock, 20, "the product's total moved in the same transaction");
  const ledger = dataOf(await admin<Page<StockLedgerEntryView>>('stock.ledger', { skuId: redM.skuId }));
  t.like(ledger.items[0], {
    id: adjusted.entryId,
    delta: 10,
    before: 5,
    after: 15,
    reason: 'inbound',
    reasonLabel: '入库',
    note: '到货',
  });
  t.like(ledger.items[1], { reason: 'initial', before: 0, after: 5 });
  t.like((await auditOf(redM.skuId))[0], {
    action: 'stock.adjust',
    before: { stock: 5 },
    after: { stock: 15 },
    detail: { reason: 'inbound', ledgerEntry: adjusted.entryId },
  });
  // A stocktake sets the count; the product's ledger lists every SKU's entries.
  dataOf(await admin('stock.adjust', { skuId: redM.skuId, set: 12, reason: 'stocktake' }));
  const byProduct = dataOf(await admin<Page<StockLedgerEntryView>>('stock.ledger', { spuId, pageSize: 2 }));
  t.like(byProduct.items[0], { skuId: redM.skuId, before: 15, after: 12, delta: -3, reason: 'stocktake' });
  t.truthy(byProduct.nextCursor);
  const rest = dataOf(await admin<Page<StockLedgerEntryView>>('stock.ledger', { spuId, cursor: byProduct.nextCursor }));
  t.is(byProduct.items.length + rest.items.length, 5, 'three initial entries and two adjustments, each once');

  // Below zero is refused and changes nothing.
  refused(t, await admin('stock.adjust', { skuId: redM.skuId, delta: -13, reason: 'loss' }), 'VALIDATION');
  t.is((await doc('skus', redM.skuId))!.stock, 12);
  t.is((await all('stock_ledger', { skuId: redM.skuId })).length, 3);

  // The shopper sees the new price and stock.
  const after = dataOf(await shopper<ProductDetail>('detail', { spuId }));
  t.like(
    after.skus.find((s) => s.skuId === redM.skuId),
    { price: 10890, stock: 12 },
  );
  t.is(after.minPrice, 10000);
});

test.serial(
  'refusals: the service role cannot write, a big price change and bulk stock need verification, SKUs off the matrix change nothing',
  async (t) => {
    const product = await newProduct(t);
    const { spuId } = product;
    const blueL = skuOf(product, '蓝', 'L');

    // 客服 reads the catalog but writes nothing.
    t.true((await admin('products.detail', { spuId }, 'service')).ok);
    refused(t, await admin('products.update', { spuId, version: 1, title: '客服改的' }, 'service'), 'FORBIDDEN');
    refused(t, await admin('stock.adjust', { skuId: blueL.skuId, delta: 1, reason: 'inbound' }, 'service'), 'FORBIDDEN');
    refused(t, await admin('categories.create', { name: '客服分类' }, 'service'), 'FORBIDDEN');
    refused(
      t,
      await admin('banners.create', { title: 'x', image: product.images[0], target: { type: 'product', spuId } }, 'service'),
      'FORBIDDEN',
    );

    // 运营 (never verified): a price up by more than 30% needs a second verification; nothing changes.
    const bigRise = { spuId, version: 1, skus: [{ specValues: blueL.specValues, price: 20000 }] };
    refused(t, await admin('products.update', bigRise, 'operator'), 'VERIFICATION_REQUIRED');
    t.like(await doc('skus', blueL.skuId), { price: blueL.price });
    t.like(await doc('spus', spuId), { version: 1, maxPrice: 10200 });
    refused(
      t,
      await admin('stock.bulkAdjust', { items: [{ skuId: blueL.skuId, delta: 1 }], reason: 'inbound' }, 'operator'),
      'VERIFICATION_REQUIRED',
    );
    t.is((await doc('skus', blueL.skuId))!.stock, 2);

    // The owner after a second verification.
    await verifyMerchant(shop);
    const risen = dataOf(await admin<AdminProductDetail>('products.update', bigRise));
    t.like(risen, { version: 2, maxPrice: 20000 });
    t.true((await auditOf(spuId)).some((e) => e.action === 'products.update' && e.detail.verified === true));
    const bulk = dataOf(
      await admin<StockAdjustResult[]>('stock.bulkAdjust', {
        items: product.skus.map((s) => ({ skuId: s.skuId, delta: 1 })),
        reason: 'inbound',
        note: '批量入库',
      }),
    );
    t.deepEqual(
      bulk.map((r) => r.after - r.before),
      [1, 1, 1, 1],
    );
    t.is((await doc('spus', spuId))!.totalStock, 14);
    t.is((await all('stock_ledger', { spuId, reason: 'inbound' })).length, 4);
    // Bulk is all or nothing: one SKU going below zero refuses all.
    refused(
      t,
      await admin('stock.bulkAdjust', {
        items: [
          { skuId: blueL.skuId, delta: 5 },
          { skuId: skuOf(product, '红', 'L').skuId, delta: -2 },
        ],
        reason: 'loss',
      }),
      'VALIDATION',
    );
    t.is((await doc('skus', blueL.skuId))!.stock, 3);

    // SKUs not covering the matrix: VALIDATION, no product, no SKU, no ledger entry, no audit entry.
    const title = `不完整规格 ${process.pid}`;
    const countsBefore = [(await all('spus', {})).length, (await all('skus', {})).length, (await all('stock_ledger', {})).length];
    const seqBefore = (await shop.db.collection('audit_logs').count()).total;
    const missing = refused(
      t,
      await admin('products.create', {
        title,
        categoryId: 'c-hoodie',
        images: product.images,
        specs: SPECS,
        skus: matrix().slice(0, 3),
      }),
      'VALIDATION',
    );
    t.regex(missing, /缺少规格组合：蓝\/L/);
    refused(
      t,
      await admin('products.create', {
        title,
        categoryId: 'c-hoodie',
        images: ['https://example.com/a.png'],
        specs: SPECS,
        skus: matrix(),
      }),
      'VALIDATION',
    );
    t.deepEqual(
      [(await all('spus', {})).length, (await all('skus', {})).length, (await all('stock_ledger', {})).length],
      countsBefore,
    );
    t.is((await shop.db.collection('audit_logs').count()).total, seqBefore);
    t.is((await all('spus', { title })).length, 0);
  },
);

test('the spec matrix: a new size needs prices; a colour with stock or a flash sale holding it cannot go; removed SKUs leave the shopper view', async (t) => {
  const product = await newProduct(t);
  const { spuId } = product;
  const sizes = { name: '尺码', values: ['M', 'L', 'XL'] };
  const wider = [SPECS[0], sizes];
  refused(t, await admin('products.update', { spuId, version: 1, specs: wider }), 'VALIDATION');
  const grown = dataOf(
    await admin<AdminProductDetail>('products.update', {
      spuId,
      version: 1,
      specs: wider,
      skus: [
        { specValues: { 颜色: '红', 尺码: 'XL' }, price: 10500, stock: 4 },
        { specValues: { 颜色: '蓝', 尺码: 'XL' }, price: 10500 },
      ],
    }),
  );
  t.deepEqual(
    grown.skus.map((s) => s.skuId),
    ['01', '02', '03', '04', '05', '06'].map((n) => `${spuId}-${n}`),
    'existing SKUs keep their ids, new ones continue the numbering',
  );
  t.like(grown, { version: 2, maxPrice: 10500, totalStock: 14 });
  t.is((await all('stock_ledger', { spuId, reason: 'initial' })).length, 4, 'the new SKU with stock has its initial entry');

  // Dropping 蓝 while its SKUs hold stock is refused.
  const onlyRed = [{ name: '颜色', values: ['红'] }, sizes];
  refused(t, await admin('products.update', { spuId, version: 2, specs: onlyRed }), 'INVALID_STATE');
  t.is((await doc('spus', spuId))!.version, 2);
  await verifyMerchant(shop);
  const blue = grown.skus.filter((s) => s.specValues.颜色 === '蓝');
  dataOf(await admin('stock.bulkAdjust', { items: blue.map((s) => ({ skuId: s.skuId, set: 0 })), reason: 'stocktake' }));
  const shrunk = dataOf(await admin<AdminProductDetail>('products.update', { spuId, version: 2, specs: onlyRed }));
  t.is(shrunk.skus.length, 3);
  t.truthy((await doc('skus', blue[0]!.skuId))!.removedAt, 'the document stays for the orders naming it');
  const seen = dataOf(await shopper<ProductDetail>('detail', { spuId }));
  t.deepEqual(seen.skus.map((s) => s.specValues.颜色).sort(), ['红', '红', '红']);
  t.deepEqual(seen.specs, onlyRed);

  // The demo flash sale holds 曜石黑 of the earphones (spu-004-01): even with no stock left, it stays.
  dataOf(await admin('stock.adjust', { skuId: 'spu-004-01', set: 0, reason: 'stocktake' }));
  const held = refused(
    t,
    await admin('products.update', { spuId: 'spu-004', version: 0, specs: [{ name: '颜色', values: ['珍珠白'] }] }),
    'INVALID_STATE',
  );
  t.regex(held, /秒杀/);
  t.falsy((await doc('skus', 'spu-004-01'))!.removedAt);
});

test('categories: create, rename, move without cycles, hide from shoppers, on the version edited', async (t) => {
  const root = dataOf(await admin<AdminCategoryView>('categories.create', { name: `测试大类${process.pid}`, sort: 90 }));
  const child = dataOf(await admin<AdminCategoryView>('categories.create', { name: '测试小类', parentId: root.id, sort: 1 }));
  t.like(child, { parentId: root.id, version: 1, hidden: false });
  t.like((await auditOf(child.id))[0], { action: 'categories.create', after: { name: '测试小类', parentId: root.id } });

  // Moving the root under its own child is a cycle.
  refused(t, await admin('categories.update', { categoryId: root.id, version: 1, parentId: child.id }), 'VALIDATION');
  refused(t, await admin('categories.update', { categoryId: root.id, version: 1, parentId: root.id }), 'VALIDATION');
  refused(t, await admin('categories.create', { name: '第三级', parentId: child.id }), 'VALIDATION');
  const moved = dataOf(
    await admin<AdminCategoryView>('categories.update', {
      categoryId: child.id,
      version: 1,
      parentId: 'c-digital',
      name: '测试配件',
    }),
  );
  t.like(moved, { parentId: 'c-digital', name: '测试配件', version: 2 });
  refused(t, await admin('categories.update', { categoryId: child.id, version: 1, sort: 5 }), 'CONFLICT');
  const [, updateEntry] = await auditOf(child.id);
  t.like(updateEntry, {
    action: 'categories.update',
    before: { parentId: root.id, version: 1 },
    after: { parentId: 'c-digital', version: 2 },
  });

  const hidden = dataOf(await admin<AdminCategoryView>('categories.update', { categoryId: root.id, version: 1, hidden: true }));
  t.true(hidden.hidden);
  const shopperTree = dataOf(await shopper<Category[]>('categories'));
  t.false(
    shopperTree.some((c) => c.id === root.id),
    'hidden from shoppers',
  );
  t.true(shopperTree.find((c) => c.id === 'c-digital')!.children.some((c) => c.id === child.id));
  const tree = dataOf(await admin<AdminCategoryView[]>('categories.list'));
  t.true(tree.find((c) => c.id === root.id)!.hidden, 'the back office still lists it');
});

/** Every page of a low-stock list, following `nextCursor` (bounded: other tests' products are walked too). */
async function lowStockList(params: Rec): Promise<AdminProductCard[]> {
  const cards: AdminProductCard[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 500; pages++) {
    const page = dataOf(await admin<AdminProductPage>('products.list', { ...params, ...(cursor ? { cursor } : {}) }));
    cards.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return cards;
  }
  throw new Error('the low-stock list did not end');
}

test('products.list low stock: products with a SKU at or under the threshold, most urgent first, each once across pages', async (t) => {
  const keyword = `低库存商品 ${process.pid}`;
  const one = await newProduct(t, { title: `${keyword} 一`, skus: matrix([3, 90, 90, 1]) });
  const two = await newProduct(t, { title: `${keyword} 二`, skus: matrix([0, 0, 90, 90]) });
  await newProduct(t, { title: `${keyword} 三`, skus: matrix([90, 90, 90, 90]) });
  const four = await newProduct(t, { title: `${keyword} 四`, skus: matrix([2, 90, 90, 90]) });
  const lowOf = (card: AdminProductCard) => [
    card.spuId,
    card.lowSkus?.map((s) => [s.specValues['颜色'], s.specValues['尺码'], s.stock]),
  ];

  // Page size 1 puts two's second zero SKU and one's lowest SKU in later batches: each product is still listed once.
  const listed = await lowStockList({ lowStockAt: 3, keyword, pageSize: 1 });
  t.deepEqual(listed.map(lowOf), [
    [
      two.spuId,
      [
        ['红', 'M', 0],
        ['红', 'L', 0],
      ],
    ],
    [
      one.spuId,
      [
        ['蓝', 'L', 1],
        ['红', 'M', 3],
      ],
    ],
    [four.spuId, [['红', 'M', 2]]],
  ]);
  t.deepEqual(
    (await lowStockList({ lowStockAt: 3, keyword, pageSize: 50 })).map(lowOf),
    listed.map(lowOf),
    'the same list in one page',
  );
  t.deepEqual(
    (await lowStockList({ lowStockAt: 1, keyword, pageSize: 2 })).map((c) => c.spuId),
    [two.spuId, one.spuId],
  );

  // Live: restocking two's SKUs and taking four off the shelf change the list at once.
  for (const sku of two.skus.filter((s) => s.stock === 0)) {
    dataOf(await admin('stock.adjust', { skuId: sku.skuId, delta: 20, reason: 'inbound' }));
  }
  dataOf(await admin('products.setStatus', { spuIds: [four.spuId], status: 'off_shelf' }));
  t.deepEqual(
    (await lowStockList({ lowStockAt: 3, keyword, status: 'on_shelf', pageSize: 1 })).map((c) => c.spuId),
    [one.spuId],
  );
  t.deepEqual(
    (await lowStockList({ lowStockAt: 3, keyword, status: 'off_shelf', pageSize: 5 })).map((c) => c.spuId),
    [four.spuId],
  );
});

test('products.list: newest first with keyset pages, by category, status, low stock and keyword; shelving in bulk and soft delete', async (t) => {
  const a = await newProduct(t, { title: `列表商品甲 ${process.pid}`, skus: matrix([1, 0, 0, 1]) });
  const b = await newProduct(t, { title: `列表商品乙 ${process.pid}`, skus: matrix([50, 50, 50, 50]), categoryId: 'c-tshirt' });
  const first = dataOf(await admin<AdminProductPage>('products.list', { pageSize: 1, keyword: `列表商品` }));
  t.deepEqual(
    first.items.map((p) => p.spuId),
    [b.spuId],
  );
  const second = dataOf(
    await admin<AdminProductPage>('products.list', { pageSize: 1, keyword: '列表商品', cursor: first.nextCursor }),
  );
  t.deepEqual(
    second.items.map((p) => p.spuId),
    [a.spuId],
  );
  const low = dataOf(await admin<AdminProductPage>('products.list', { lowStockAt: 0, pageSize: 50, keyword: '列表商品' }));
  t.deepEqual(
    low.items.map((p) => [p.spuId, p.totalStock]),
    [[a.spuId, 2]],
  );
  const clothes = dataOf(await admin<AdminProductPage>('products.list', { categoryId: 'c-apparel', keyword: '列表商品' }));
  t.is(clothes.items.length, 2, 'a top-level category includes its children');

  const shelved = dataOf(
    await admin<AdminProductCard[]>('products.setStatus', { spuIds: [a.spuId, b.spuId], status: 'off_shelf' }),
  );
  t.deepEqual(
    shelved.map((p) => [p.status, p.version]),
    [
      ['off_shelf', 2],
      ['off_shelf', 2],
    ],
  );
  t.like((await auditOf(a.spuId)).at(-1), {
    action: 'products.setStatus',
    before: { status: 'on_shelf' },
    after: { status: 'off_shelf' },
  });
  refused(t, await shopper('detail', { spuId: a.spuId }), 'NOT_FOUND');
  const offShelf = dataOf(await admin<AdminProductPage>('products.list', { status: 'off_shelf', keyword: '列表商品' }));
  t.is(offShelf.items.length, 2);

  dataOf(await admin('products.setStatus', { spuIds: [b.spuId], status: 'on_shelf' }));
  refused(t, await admin('products.delete', { spuId: b.spuId, version: 2 }), 'CONFLICT');
  const deleted = dataOf(await admin<AdminProductCard>('products.delete', { spuId: b.spuId, version: 3 }));
  t.like(deleted, { status: 'off_shelf', version: 4 });
  t.truthy(deleted.deletedAt);
  refused(t, await shopper('detail', { spuId: b.spuId }), 'NOT_FOUND');
  t.false(dataOf(await shopper<ListData>('list', { keyword: '列表商品' })).items.some((c) => c.spuId === b.spuId));
  t.false(
    dataOf(await admin<AdminProductPage>('products.list', { keyword: '列表商品' })).items.some((p) => p.spuId === b.spuId),
    'deleted products leave the back-office list',
  );
  refused(t, await admin('products.setStatus', { spuIds: [b.spuId], status: 'on_shelf' }), 'INVALID_STATE');
  // Several entries written in one transaction (one per product shelved) keep the audit chain whole.
  t.like(dataOf(await admin<{ ok: boolean }>('audit.verify')), { ok: true });
  t.like(await doc('spus', b.spuId), { status: 'off_shelf' });
  t.like((await auditOf(b.spuId)).at(-1), {
    action: 'products.delete',
    before: { status: 'on_shelf' },
    after: { status: 'off_shelf' },
  });
});

test('banners: created, edited and deleted as product.home reads them', async (t) => {
  const image = await uploadImage();
  const created = dataOf(
    await admin<AdminBannerView>('banners.create', {
      title: '测试横幅',
      image,
      target: { type: 'product', spuId: 'spu-002' },
      sort: 0,
    }),
  );
  t.like(created, { link: '/pages/product/detail/index?spuId=spu-002', active: true, version: 1 });
  const home = dataOf(await shopper<HomeData>('home'));
  t.like(
    home.banners.find((b) => b.id === created.id),
    { image, title: '测试横幅', link: '/pages/product/detail/index?spuId=spu-002' },
  );
  refused(t, await admin('banners.create', { title: 'x', image, target: { type: 'product', spuId: 'spu-nope' } }), 'NOT_FOUND');

  const edited = dataOf(
    await admin<AdminBannerView>('banners.update', {
      bannerId: created.id,
      version: 1,
      target: { type: 'category', categoryId: 'c-food' },
      active: false,
    }),
  );
  t.like(edited, { link: '/pages/product/list/index?categoryId=c-food', active: false, version: 2 });
  t.false(
    dataOf(await shopper<HomeData>('home')).banners.some((b) => b.id === created.id),
    'inactive banners are not shown',
  );
  refused(t, await admin('banners.delete', { bannerId: created.id, version: 1 }), 'CONFLICT');
  dataOf(await admin('banners.delete', { bannerId: created.id, version: 2 }));
  t.is(await doc('banners', created.id), undefined);
  t.deepEqual(
    (await auditOf(created.id)).map((e) => e.action),
    ['banners.create', 'banners.update', 'banners.delete'],
  );
  t.true(dataOf(await admin<AdminBannerView[]>('banners.list')).every((b) => b.id !== created.id));
});

test.serial(
  'stock adjustments racing shoppers’ orders on one SKU: every unit accounted for, each ledger entry exact',
  async (t) => {
    const product = await newProduct(t, { skus: matrix([20, 0, 0, 0]) });
    const skuId = skuOf(product, '红', 'M').skuId;
    const outcomes = await rush(16, 16, async (i) =>
      i % 4 === 0
        ? (await admin<StockAdjustResult>('stock.adjust', { skuId, delta: 3, reason: 'inbound' })).ok
        : (
            await shop.call(
              'order',
              'create',
              {
                lines: [{ skuId, quantity: 1 }],
                addressId: await shop.addressFor(`o-race-${i}`),
                idempotencyKey: `race-${process.pid}-${i}`,
              },
              `o-race-${i}`,
            )
          ).ok,
    );
    t.true(outcomes.every(Boolean), 'every adjustment and every order went through');
    const stock = (await doc('skus', skuId))!.stock as number;
    t.is(stock, 20 + 4 * 3 - 12, 'start + adjusted − ordered');
    const entries = (await all('stock_ledger', { skuId, reason: 'inbound' })) as Array<{
      before: number;
      after: number;
      delta: number;
    }>;
    t.is(entries.length, 4);
    for (const e of entries) t.is(e.after - e.before, e.delta);
    t.deepEqual(
      entries.map((e) => e.delta),
      [3, 3, 3, 3],
    );
  },
);
