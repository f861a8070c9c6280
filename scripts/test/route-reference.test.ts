import test from 'ava';
import fs from 'node:fs';
import { ADMIN_ROUTES, MINIPROGRAM_ROUTES, readRoutes, renderRouteMap, renderRouteReference } from '../route-reference.js';

// Read before anything of this run could regenerate it, so an edit of typings/ without `npm run docs:routes` is caught.
const committed = fs.readFileSync('docs/routes.md', 'utf8');
const committedRouteMap = fs.readFileSync(MINIPROGRAM_ROUTES.file, 'utf8');
const committedAdminMap = fs.readFileSync(ADMIN_ROUTES.file, 'utf8');
const routes = await readRoutes();

/** docs/routes.md is generated from typings/ and the functions' route tables; run `npm run docs:routes` after editing them. */
test('docs/routes.md is in step with typings/ and the route tables', async (t) => {
  t.is(committed, await renderRouteReference(routes), 'out of step: run npm run docs:routes and commit docs/routes.md');
});

test('the mini-program’s route map is in step with the functions and typings/', async (t) => {
  const map = await renderRouteMap(routes, MINIPROGRAM_ROUTES);
  t.is(committedRouteMap, map, 'out of step: run npm run docs:routes and commit miniprogram/services/routes.ts');
  t.regex(map, /create: \[z\.input<typeof order\.CreateInput>, order\.OrderView\];/);
  // Two modules export a `ListInput`: each route gets its own.
  t.regex(map, /product: \{[^}]*list: \[z\.input<typeof product\.ListInput>, product\.ListData\];/);
  t.regex(map, /order: \{[^}]*list: \[z\.input<typeof order\.ListInput>, order\.OrderPage\];/);
  t.notRegex(map, /^ {2}(admin|jobs): \{/m, 'no back-office or timer routes');
});

test('the admin page’s route map is in step and holds the back office only', async (t) => {
  const map = await renderRouteMap(routes, ADMIN_ROUTES);
  t.is(committedAdminMap, map, 'out of step: run npm run docs:routes and commit admin/src/api/routes.ts');
  t.regex(map, /^ {2}admin: \{/m);
  t.regex(map, /from '\.\.\/\.\.\/\.\.\/typings\/admin-access'/);
  t.notRegex(map, /^ {2}(product|order|jobs): \{/m);
});

test('every route a function serves is documented, with its parameters, answer and refusals', (t) => {
  const names = routes.functions.map((f) => `${f.name}: ${f.routes.map((r) => r.route).join(' ')}`);
  t.true(names.includes('product: home categories list detail'), names.join('\n'));
  t.true(names.some((n) => n.startsWith('order: preview create list detail cancel confirmReceipt refund')));
  t.true(routes.functions.find((f) => f.name === 'jobs')!.routes.length === 0, 'jobs has no routes');

  const create = routes.functions.find((f) => f.name === 'order')!.routes.find((r) => r.route === 'create')!;
  t.is(create.input, 'CreateInput');
  t.is(create.answer, 'OrderView');
  t.regex(create.doc, /places the order/);
  t.like(
    create.parameters.find((p) => p.name === 'idempotencyKey'),
    { type: 'string', required: true, constraints: '8–64 characters, matches `^[A-Za-z0-9_-]+$`' },
  );
  t.like(
    create.parameters.find((p) => p.name === 'lines[].quantity'),
    { type: 'integer', required: true, constraints: '1–999' },
  );
  t.like(
    create.parameters.find((p) => p.name === 'couponId'),
    { type: 'string | null', required: false },
  );
  t.regex(create.parameters.find((p) => p.name === 'couponId')!.doc, /A coupon of the caller's/);
  for (const code of ['VALIDATION', 'FORBIDDEN', 'NOT_FOUND', 'OUT_OF_STOCK', 'CONFLICT', 'INVALID_STATE', 'INTERNAL'] as const) {
    t.true(create.errors.includes(code), code);
  }

  const home = routes.functions.find((f) => f.name === 'product')!.routes.find((r) => r.route === 'home')!;
  t.true(home.public);
  t.false(home.errors.includes('FORBIDDEN'), 'public routes answer callers without an openid');
  t.deepEqual(home.parameters, []);

  const ship = routes.functions.find((f) => f.name === 'admin')!.routes.find((r) => r.route === 'orders.ship')!;
  t.is(ship.permission, 'orders.ship');
  t.true(ship.errors.includes('FORBIDDEN'));

  const select = routes.functions.find((f) => f.name === 'cart')!.routes.find((r) => r.route === 'select')!;
  t.deepEqual(
    select.parameters.map((p) => `${p.variant}:${p.name}`),
    ['1:skuIds', '1:skuIds[]', '1:selected', '2:all', '2:selected'],
    'a union of parameter sets is documented as alternatives',
  );
});
