import test from 'ava';
import { clip, orderTitle, yuan } from './money.js';

test('yuan formats integer fen exactly', (t) => {
  t.deepEqual([0, 1, 10, 100, 12345, 990000, -250].map(yuan), [
    '¥0.00',
    '¥0.01',
    '¥0.10',
    '¥1.00',
    '¥123.45',
    '¥9900.00',
    '-¥2.50',
  ]);
});

test('clip counts characters as WeChat does and marks the cut', (t) => {
  t.is(clip('加绒连帽卫衣', 20), '加绒连帽卫衣');
  t.is([...clip('一'.repeat(30), 20)].length, 20);
  t.true(clip('一'.repeat(30), 20).endsWith('…'));
  t.is(clip('😀'.repeat(5), 3), '😀😀…');
});

test('orderTitle names the first item and how many items there are', (t) => {
  const line = (title: string, quantity: number) => ({ title, quantity }) as never;
  t.is(orderTitle({ lines: [line('卫衣', 2)] }), '卫衣');
  t.is(orderTitle({ lines: [line('卫衣', 2), line('帽子', 1)] }), '卫衣 等3件商品');
});
