import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { startShop } from '../../../testkit/shop.js';
import { FIELD_LABELS, parseParams } from './validation.js';

/**
 * What a client is told when its parameters are refused: one Chinese sentence naming the field as a person would
 * (never zod's English, never a raw key), the schemas' own Chinese messages kept. Called through the gateway, as the
 * mini-program and the admin page call.
 */
const shop = await startShop({ only: ['product', 'cart', 'order', 'user', 'admin'] });
const MERCHANT = 'o-validation-merchant';
await shop.db.collection('admins').doc(MERCHANT).set({ role: 'owner', name: '校验测试', active: true });

/** Every schema the contract exports (route inputs and their building blocks), by module and name. */
const typingsDir = path.resolve('typings');
const schemas: Array<[string, z.ZodType]> = [];
for (const file of fs.readdirSync(typingsDir).filter((f) => f.endsWith('.ts'))) {
  const module = (await import(pathToFileURL(path.join(typingsDir, file)).href)) as Record<string, unknown>;
  for (const [name, value] of Object.entries(module)) if (value instanceof z.ZodType) schemas.push([`${file} ${name}`, value]);
}

const cases: Array<[fn: string, route: string, params: Record<string, unknown>, message: string, openid?: string]> = [
  ['product', 'detail', {}, '参数不正确：缺少商品编号'],
  ['product', 'detail', { spuId: 5 }, '参数不正确：商品编号应为字符串'],
  // The schema's own message, completed with the name of the field it is about.
  ['product', 'detail', { spuId: 'spu 001' }, '参数不正确：商品编号格式不正确'],
  ['product', 'list', { pageSize: 51 }, '参数不正确：每页条数不能大于 50'],
  ['cart', 'add', { skuId: 'spu-001-01', quantity: 1.5 }, '参数不正确：数量应为整数'],
  ['cart', 'add', { skuId: 'spu-001-01', quantity: 1000 }, '参数不正确：数量不能大于 999'],
  ['cart', 'add', { skuId: 'spu-001-01', quantity: 1, note: 'x' }, '参数不正确：不支持的参数 note'],
  ['cart', 'select', { all: true }, '参数不正确：缺少是否选中'],
  ['order', 'preview', { lines: [] }, '参数不正确：商品清单至少要有 1 项'],
  ['order', 'preview', { lines: [{ skuId: 'spu-001-01', quantity: 0 }] }, '参数不正确：商品清单第 1 项的数量不能小于 1'],
  [
    'order',
    'preview',
    {
      lines: [
        { skuId: 'spu-001-01', quantity: 1 },
        { skuId: 'spu-001-01', quantity: 2 },
      ],
    },
    '参数不正确：同一商品规格只能出现一次',
  ],
  [
    'order',
    'create',
    { lines: [{ skuId: 'spu-001-01', quantity: 1 }], addressId: 'a1', idempotencyKey: 'short' },
    '参数不正确：请求编号至少 8 个字符',
  ],
  [
    'order',
    'list',
    { status: 'done' },
    '参数不正确：状态只能是以下之一：all、pending_payment、paid、shipped、completed、cancelled、refunding、refunded',
  ],
  [
    'user',
    'addresses.save',
    { name: '张三', phone: '12345', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号' },
    '参数不正确：请填写正确的手机号',
  ],
  [
    'user',
    'addresses.save',
    { name: ' ', phone: '13912345678', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号' },
    '参数不正确：请填写收货人',
  ],
  ['user', 'profile.update', {}, '参数不正确：请填写要修改的内容'],
  ['admin', 'orders.ship', { orderId: 'o1', carrier: '顺丰速运', trackingNo: 'SF1' }, '参数不正确：运单号至少 4 位', MERCHANT],
  [
    'admin',
    'withdrawals.settle',
    { withdrawalId: 'w1', result: true },
    '参数不正确：处理结果只能是以下之一：paid、rejected',
    MERCHANT,
  ],
];

for (const [fn, route, params, message, openid] of cases) {
  test(`${fn}.${route} ${JSON.stringify(params)}`, async (t) => {
    t.deepEqual(await shop.call(fn, route, params, openid), { ok: false, code: 'VALIDATION', message });
  });
}

/** The object keys anywhere inside a schema. */
function keysOf(schema: z.ZodType, into = new Set<string>()): Set<string> {
  const def = schema._zod.def as unknown as Record<string, any>;
  if (def.type === 'object') {
    for (const [key, inner] of Object.entries(def.shape as Record<string, z.ZodType>)) keysOf(inner, into.add(key));
  }
  for (const inner of [def.element, def.innerType, def.in, def.out, ...(def.options ?? [])]) if (inner) keysOf(inner, into);
  return into;
}

test('every key of the contract has a Chinese name for messages', (t) => {
  const missing = [...new Set(schemas.flatMap(([, s]) => [...keysOf(s)]))].filter((key) => !FIELD_LABELS[key]);
  t.deepEqual(missing, [], 'add them to FIELD_LABELS in cloudfunctions/shared/platform/validation.ts');
  for (const label of Object.values(FIELD_LABELS)) t.regex(label, /^[\u4e00-\u9fff]/);
});

/** What a refusal may still hold that is not Chinese: the values a client must send, and unknown keys it sent. */
const notChinese = (message: string) =>
  message
    .replace(/只能是.*$/, '')
    .replace(/不支持的参数 .*$/, '')
    .replace(/\b(true|false|null|ISO|YYYY|MM|DD)\b/g, '')
    .match(/[A-Za-z]{2,}/g) ?? [];

test('every refusal of every schema is Chinese and names its fields in words', (t) => {
  const values: unknown[] = [{}, 'x'.repeat(10_000), -1, 1.5, null, [], { $ne: '' }];
  let checked = 0;
  for (const [name, schema] of schemas) {
    const inputs: unknown[] = [{}, [], 'x', ...[...keysOf(schema)].flatMap((key) => values.map((v) => ({ [key]: v })))];
    for (const input of inputs) {
      const parsed = parseParams(schema, input);
      if (parsed.success) continue;
      for (const message of parsed.messages) {
        checked++;
        t.deepEqual(notChinese(message), [], `${name} ${JSON.stringify(input).slice(0, 80)}: ${message}`);
        t.regex(message, /^参数不正确：/);
      }
    }
  }
  t.true(checked > 1000, `${checked} messages checked`);
});

test.after.always(() => shop.close());
