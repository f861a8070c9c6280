import test from 'ava';
import { readRoutes } from '../../scripts/route-reference.js';
import { adminCall } from '../../testkit/merchant.js';
import { startShop } from '../../testkit/shop.js';
import fs from 'node:fs';
import {
  ADMIN_PERMISSION_LABELS,
  ADMIN_PERMISSIONS,
  ADMIN_ROLE_LABELS,
  ADMIN_ROLES,
  ROLE_PERMISSIONS,
} from '../../typings/admin-access.js';

/**
 * Every back-office route × every role, through the real function: a role without the route's permission is refused
 * with FORBIDDEN before its parameters are even read; a role with it gets past the gate (to a validation message, an
 * answer, or the route's own refusal). The routes and their permissions are read from the code (scripts/route-reference.ts),
 * so a route added later is walked too.
 */
const shop = await startShop({ only: ['admin'] });
test.after.always(() => shop.close());

// Read inside the tests: ava wants every test declared before the compiler's long walk would end.
const adminRoutes = readRoutes().then((reference) => reference.functions.find((f) => f.name === 'admin')!.routes);

test('every route names a permission, except the caller’s own account', async (t) => {
  const admin = { routes: await adminRoutes };
  t.true(admin.routes.length > 20, `${admin.routes.length} routes`);
  const open = admin.routes.filter((r) => !r.permission).map((r) => r.route);
  t.true(
    open.every((r) => r.startsWith('auth.') || r === 'roles.list'),
    `routes without a permission: ${open.join(', ')}`,
  );
});

for (const role of ADMIN_ROLES) {
  test(`${role}: refused exactly the routes whose permission the role lacks`, async (t) => {
    const granted = new Set<string>(ROLE_PERMISSIONS[role]);
    for (const r of await adminRoutes) {
      // Empty parameters: a refusal for the role comes before any reading of them.
      const answer = await adminCall(shop, r.route, {}, { role });
      const refused = !answer.ok && answer.code === 'FORBIDDEN';
      const expected = !!r.permission && !granted.has(r.permission);
      t.is(refused, expected, `${role} ${r.route} (${r.permission ?? 'own account'}): ${JSON.stringify(answer).slice(0, 160)}`);
      if (refused) t.regex((answer as { message: string }).message, /^无权限/);
    }
  });
}

test('docs/back-office/README.md shows the permission matrix as the code has it', (t) => {
  const table = [
    `| permission | ${ADMIN_ROLES.map((r) => `${ADMIN_ROLE_LABELS[r]} ${r}`).join(' | ')} |`,
    `|---|${ADMIN_ROLES.map(() => ':-:').join('|')}|`,
    ...ADMIN_PERMISSIONS.map(
      (p) =>
        `| \`${p}\` ${ADMIN_PERMISSION_LABELS[p]} | ${ADMIN_ROLES.map((r) => (ROLE_PERMISSIONS[r].includes(p) ? '✓' : '')).join(' | ')} |`,
    ),
  ].join('\n');
  const doc = fs.readFileSync('docs/back-office/README.md', 'utf8');
  const shown = /<!-- permission-matrix:start -->\n([\s\S]*?)\n<!-- permission-matrix:end -->/.exec(doc)?.[1];
  t.is(shown, table, 'paste this table between the permission-matrix markers');
});
