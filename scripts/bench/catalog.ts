import { describeMachineCpu, machineCpu, ms, summarize, timed } from '../../emulator/index.js';
import type { AdminProductPage } from '../../typings/admin-catalog.js';
import { startBenchShop } from './shop-client.js';

/**
 * npm run bench:catalog [-- --products 20000 --calls 100]
 * The back office's `products.list` on a large catalog: `products` SPUs (4 SKUs each, spread over 8 categories, a
 * quarter off the shelf, a few with low stock) loaded with node-sdk into the shop's real `admin` function on the
 * emulator (child process), then `calls` sequential calls per filter through the gateway as the admin page makes
 * them. Prints p50/p95 latency, the database round trips of one call, and the page sizes seen.
 */
const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const PRODUCTS = Number(args.get('--products') ?? 20000);
const CALLS = Number(args.get('--calls') ?? 100);
const OWNER = 'o-bench-owner';
const CATEGORIES = ['c-tshirt', 'c-hoodie', 'c-earphone', 'c-charger', 'c-snack', 'c-tea', 'c-cup', 'c-storage'];

const shop = await startBenchShop({ only: ['admin'] });
try {
  await shop.db.collection('admins').doc(OWNER).set({ role: 'owner', name: '压测店主', active: true });

  const [, loadMs] = await timed(async () => {
    const now = Date.now();
    const BATCH = 500;
    for (let from = 0; from < PRODUCTS; from += BATCH) {
      const spus: Array<Record<string, unknown>> = [];
      const skus: Array<Record<string, unknown>> = [];
      for (let i = from; i < Math.min(PRODUCTS, from + BATCH); i++) {
        const spuId = `bench-${String(i).padStart(7, '0')}`;
        // One product in 50 is low on stock: every SKU at 0–2.
        const low = i % 50 === 0;
        for (let k = 0; k < 4; k++) {
          skus.push({
            _id: `${spuId}-0${k + 1}`,
            spuId,
            specValues: { 颜色: k < 2 ? '红' : '蓝', 尺码: k % 2 ? 'L' : 'M' },
            price: 1000 + (i % 97) * 100,
            originalPrice: 20000,
            stock: low ? k % 3 : 20 + ((i + k) % 80),
            sales: (i * 7 + k) % 300,
            image: '',
          });
        }
        spus.push({
          _id: spuId,
          title: `压测商品 ${i} ${i % 10 === 0 ? '纯棉卫衣' : '日用好物'}`,
          subtitle: '',
          categoryId: CATEGORIES[i % CATEGORIES.length],
          status: i % 4 === 0 ? 'off_shelf' : 'on_shelf',
          images: [],
          specs: [],
          attributes: [],
          minPrice: 1000,
          maxPrice: 1300,
          sales: 0,
          createdAt: new Date(now - i * 60_000),
          version: 1,
        });
      }
      await shop.db.collection('spus').add(spus);
      await shop.db.collection('skus').add(skus);
    }
  });
  console.log(`loaded ${PRODUCTS} products and ${PRODUCTS * 4} SKUs in ${ms(loadMs)}`);

  const list = (params: Record<string, unknown>) => shop.call<AdminProductPage>('admin', 'products.list', params, OWNER);
  for (let i = 0; i < 5; i++) await list({});

  const cases: Array<[string, Record<string, unknown>]> = [
    ['newest first', {}],
    ['by top-level category (with children)', { categoryId: 'c-apparel' }],
    ['by category', { categoryId: 'c-earphone' }],
    ['off the shelf', { status: 'off_shelf' }],
    ['low stock (a SKU <= 5)', { lowStockAt: 5 }],
    ['low stock + category', { lowStockAt: 5, categoryId: 'c-earphone' }],
    ['keyword 卫衣', { keyword: '卫衣' }],
    ['category + off shelf + keyword', { categoryId: 'c-tshirt', status: 'off_shelf', keyword: '卫衣' }],
  ];
  const cpuBefore = machineCpu();
  console.log(`\nproducts.list, ${CALLS} sequential calls each, pageSize 20:`);
  for (const [name, params] of cases) {
    const first = await list({ ...params, pageSize: 20 });
    if (!first.answer.ok) throw new Error(`${name}: ${first.answer.code} ${first.answer.message}`);
    const cursor = first.answer.data.nextCursor;
    const latencies: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      // Alternate first and second pages: the keyset cursor is part of what is measured.
      const [answer, t] = await timed(() => list({ ...params, pageSize: 20, ...(i % 2 && cursor ? { cursor } : {}) }));
      if (!answer.answer.ok) throw new Error(`${name}: ${answer.answer.code}`);
      latencies.push(t);
    }
    const trips = (await shop.invocation(first.requestID)).databaseCalls;
    const { p50, p95 } = summarize(latencies);
    console.log(
      `  ${name.padEnd(40)} p50 ${ms(p50).padStart(9)}  p95 ${ms(p95).padStart(9)}  ` +
        `round trips ${trips}  first page ${first.answer.data.items.length} items`,
    );
  }
  console.log(`\n${describeMachineCpu(cpuBefore, machineCpu())}`);
} finally {
  await shop.close();
}
