import test from 'ava';
import { lowStockPage } from './catalog-views.js';

const sku = (_id: string, spuId: string, stock: number) => ({ _id, spuId, stock });
const everyone = () => true;

test('lowStockPage lists a product at its lowest SKU only, in walk order', (t) => {
  const live = [sku('a1', 'A', 4), sku('a2', 'A', 0), sku('b1', 'B', 1), sku('c1', 'C', 2), sku('c2', 'C', 2)];
  // The walk is (stock, _id): a2 0, b1 1, c1 2, c2 2, a1 4.
  t.deepEqual(lowStockPage([live[1]!, live[2]!, live[3]!, live[4]!], live, everyone, 10), { spuIds: ['A', 'B', 'C'] });
  // A later batch that holds only non-lowest SKUs lists nothing: those products were listed on an earlier page.
  t.deepEqual(lowStockPage([live[4]!, live[0]!], live, everyone, 10), { spuIds: [] });
});

test('lowStockPage cuts at the page size and resumes after the last product kept', (t) => {
  const live = [sku('a1', 'A', 0), sku('b1', 'B', 1), sku('b2', 'B', 5), sku('c1', 'C', 3)];
  const batch = [live[0]!, live[1]!, live[3]!];
  t.deepEqual(lowStockPage(batch, live, everyone, 2), { spuIds: ['A', 'B'], cutAfter: live[1] });
  t.deepEqual(lowStockPage(batch, live, everyone, 3), { spuIds: ['A', 'B', 'C'] });
});

test('lowStockPage drops products the other filters exclude and keeps walking', (t) => {
  const live = [sku('a1', 'A', 0), sku('b1', 'B', 1), sku('c1', 'C', 2)];
  t.deepEqual(
    lowStockPage(live, live, (id) => id !== 'B', 2),
    { spuIds: ['A', 'C'] },
  );
});

test('lowStockPage orders ties on stock by SKU id', (t) => {
  const live = [sku('x2', 'A', 1), sku('x1', 'B', 1), sku('x3', 'A', 1)];
  // B's x1 comes first; A is listed at x2 (its lowest by id), never at x3.
  t.deepEqual(lowStockPage([live[1]!, live[0]!, live[2]!], live, everyone, 5), { spuIds: ['B', 'A'] });
});
