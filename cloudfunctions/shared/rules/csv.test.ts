import test from 'ava';
import type { OrderDoc } from '../model/order.js';
import {
  beijingTime,
  BOM,
  csvCell,
  csvDocument,
  ORDER_EXPORT_HEADERS,
  orderExportRow,
  parseCsv,
  rowsWithin,
  yuanText,
} from './csv.js';

test('csvCell quotes per RFC 4180 only when needed, doubling quotes', (t) => {
  const cases: Array<[string | number | null | undefined, string]> = [
    ['plain', 'plain'],
    ['中文，全角逗号', '中文，全角逗号'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['', ''],
    [null, ''],
    [undefined, ''],
    [42, '42'],
    [-3, '-3'],
    [Number.NaN, ''],
  ];
  for (const [value, expected] of cases) t.is(csvCell(value), expected, JSON.stringify(value));
});

test('csvCell guards text a spreadsheet would run as a formula', (t) => {
  const cases: Array<[string, string]> = [
    ['=1+1', "'=1+1"],
    ['+86 138', "'+86 138"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ['a=b', 'a=b'],
    ['备注-无', '备注-无'],
  ];
  for (const [value, expected] of cases) t.is(csvCell(value), expected, value);
});

test('csvDocument starts with the BOM, ends lines with CRLF, and parses back to the same cells', (t) => {
  const rows = [
    ['订单1', 'a,b', 'say "hi"', 'two\r\nlines', ''],
    ['订单2', '=cmd', '普通', '', 'x'],
  ];
  const text = csvDocument(['编号', '甲', '乙', '丙', '丁'], rows);
  t.true(text.startsWith(BOM));
  t.true(text.endsWith('\r\n'));
  t.deepEqual(parseCsv(text), [['编号', '甲', '乙', '丙', '丁'], rows[0], ['订单2', "'=cmd", '普通', '', 'x']]);
});

test('yuanText writes integer fen as yuan with two decimals, exactly', (t) => {
  t.deepEqual([0, 1, 10, 99, 100, 12345, 100_000_000, -5, -250].map(yuanText), [
    '0.00',
    '0.01',
    '0.10',
    '0.99',
    '1.00',
    '123.45',
    '1000000.00',
    '-0.05',
    '-2.50',
  ]);
});

test('beijingTime shows UTC+8 wall time', (t) => {
  t.is(beijingTime(new Date('2026-12-04T16:30:05Z')), '2026-12-05 00:30:05');
  t.is(beijingTime(undefined), '');
});

test('orderExportRow: one row per order, headers aligned, money in yuan, personal data as given', (t) => {
  const order = {
    _id: '2026120512000012345678',
    openid: 'o-x',
    status: 'completed',
    createdAt: new Date('2026-12-05T04:00:00Z'),
    paidAt: new Date('2026-12-05T04:01:00Z'),
    shippedAt: new Date('2026-12-05T05:00:00Z'),
    completedAt: new Date('2026-12-06T05:00:00Z'),
    shipping: { carrier: '顺丰速运', trackingNo: 'SF1234567890' },
    lines: [
      { title: 'T恤', specValues: { 颜色: '黑色', 尺码: 'M' }, quantity: 2 },
      { title: '杯子', specValues: {}, quantity: 1 },
    ],
    amounts: { subtotal: 15800, discountTotal: 1000, freight: 0, payable: 14800 },
    address: { name: '张三', phone: 'enc', province: '浙江省', city: '杭州市', district: '西湖区', detail: 'enc' },
    remark: '=请尽快发货',
  } as unknown as OrderDoc;
  const row = orderExportRow(order, { phone: '138****8000', detail: '文三路****' });
  t.is(row.length, ORDER_EXPORT_HEADERS.length);
  const byHeader = Object.fromEntries(ORDER_EXPORT_HEADERS.map((h, i) => [h, row[i]]));
  t.like(byHeader, {
    订单号: '2026120512000012345678',
    下单时间: '2026-12-05 12:00:00',
    订单状态: '已完成',
    商品: 'T恤（黑色 / M） ×2；杯子 ×1',
    件数: '3',
    '商品金额（元）': '158.00',
    '优惠（元）': '10.00',
    '运费（元）': '0.00',
    '实付金额（元）': '148.00',
    '已退款（元）': '0.00',
    手机号: '138****8000',
    收货地区: '浙江省 杭州市 西湖区',
    详细地址: '文三路****',
    快递公司: '顺丰速运',
    完成时间: '2026-12-06 13:00:00',
  });
  // The remark is text from the shopper: guarded when written.
  t.is(parseCsv(csvDocument(ORDER_EXPORT_HEADERS, [row]))[1]![14], "'=请尽快发货");
});

test('rowsWithin keeps the first rows whose UTF-8 bytes fit, header and BOM included', (t) => {
  const headers = ['甲', '乙'];
  const rows = Array.from({ length: 10 }, (_, i) => [`第${i}行`, '中文']);
  const whole = Buffer.byteLength(csvDocument(headers, rows), 'utf8');
  t.deepEqual(rowsWithin(headers, rows, whole), { rows, cut: false });
  const fit = rowsWithin(headers, rows, whole - 1);
  t.deepEqual(fit, { rows: rows.slice(0, 9), cut: true });
  t.true(Buffer.byteLength(csvDocument(headers, fit.rows), 'utf8') <= whole - 1);
  t.deepEqual(rowsWithin(headers, rows, 10), { rows: [], cut: true });
});
