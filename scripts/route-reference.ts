import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';
import { z } from 'zod';
import { ErrorCode } from '../typings/common.js';

/**
 * `npm run docs:routes`: writes docs/routes.md, the reference of every route, from the code itself so that it cannot
 * drift (scripts/test/route-reference.test.ts fails while the file differs from what this writes):
 * - which routes a function serves: the `serve()` / `serveAdmin()` table of `cloudfunctions/<name>/index.ts`;
 * - each route's input schema, answer type and options: its `route(...)` / `adminRoute(...)` declaration, read with
 *   the TypeScript compiler;
 * - parameters, types and constraints: the schema in typings/ through zod's JSON Schema (`z.toJSONSchema`);
 * - what it does: the doc comments in typings/ (route name, input schema, fields);
 * - the codes it can refuse with: what `serve()` answers (VALIDATION, FORBIDDEN, INTERNAL) and every `ErrorCode.X` the
 *   route's code can reach (a static walk of the functions it references, so possibly a few more than it ever answers).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = path.join(root, 'docs', 'routes.md');
/** The typed route maps of the two clients: which functions each calls, and where its map is written. */
export interface RouteMapTarget {
  file: string;
  functions: (name: string) => boolean;
  /** What `call()` the map serves, for the header comment. */
  caller: string;
}
/** The mini-program calls every function but the back office and the timer. */
export const MINIPROGRAM_ROUTES: RouteMapTarget = {
  file: path.join(root, 'miniprogram', 'services', 'routes.ts'),
  functions: (name) => name !== 'admin' && name !== 'jobs',
  caller: 'services/call.ts',
};
/** The admin web page calls the back office only. */
export const ADMIN_ROUTES: RouteMapTarget = {
  file: path.join(root, 'admin', 'src', 'api', 'routes.ts'),
  functions: (name) => name === 'admin',
  caller: 'src/api/client.ts',
};
/** The order a newcomer meets the functions in (the shopper's path first); others follow by name. */
const FUNCTION_ORDER = ['product', 'cart', 'user', 'order', 'pay', 'coupon', 'member', 'flashsale', 'groupbuy', 'admin', 'jobs'];

export interface Parameter {
  /** Which alternative of a union of parameter sets it belongs to (1, 2, …); absent for a single set. */
  variant?: number;
  /** The key, with `[]` for an array's items and `.` for nested keys: `lines[].skuId`. */
  name: string;
  /** JSON Schema's words: string, integer, number, boolean, array, object, null, joined with ` | `. */
  type: string;
  required: boolean;
  constraints: string;
  doc: string;
}

export interface RouteEntry {
  route: string;
  /** The input schema's name in typings/. */
  input: string;
  /** The typings/ module that declares it (`order`, `order-after-sale`, …). */
  inputModule: string;
  /** The answer's type, as the route declares it. */
  answer: string;
  /** Answers callers without an openid. */
  public: boolean;
  /** The back-office permission it needs (admin). */
  permission?: string;
  /** Always needs a fresh second verification (二次验证, admin). */
  verify?: boolean;
  doc: string;
  parameters: Parameter[];
  errors: ErrorCode[];
}

export interface FunctionEntry {
  name: string;
  doc: string;
  /** Empty for a function the platform runs (a timer). */
  routes: RouteEntry[];
}

export interface RouteReference {
  functions: FunctionEntry[];
}

const ERROR_ORDER = Object.values(ErrorCode);

/** Reads every function's routes with the TypeScript compiler, and their schemas from typings/. */
export async function readRoutes(): Promise<RouteReference> {
  const functionsDir = path.join(root, 'cloudfunctions');
  const names = fs
    .readdirSync(functionsDir)
    .filter((n) => n !== 'shared' && n !== 'test' && fs.existsSync(path.join(functionsDir, n, 'index.ts')))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const entries = names.map((n) => path.join(functionsDir, n, 'index.ts'));
  const program = ts.createProgram(entries, { ...compilerOptions(), noEmit: true });
  const checker = program.getTypeChecker();
  const reader = new RouteReader(program, checker);
  const functions: FunctionEntry[] = [];
  for (const [i, name] of names.entries()) functions.push(await reader.readFunction(name, program.getSourceFile(entries[i]!)!));
  return { functions };
}

const rank = (name: string) => {
  const i = FUNCTION_ORDER.indexOf(name);
  return i === -1 ? FUNCTION_ORDER.length : i;
};

function compilerOptions(): ts.CompilerOptions {
  const file = path.join(root, 'tsconfig.json');
  const config = ts.readConfigFile(file, (f) => ts.sys.readFile(f));
  return ts.parseJsonConfigFileContent(config.config, ts.sys, root).options;
}

/** A node's doc comment (its JSDoc text, tags left out). */
function docOf(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join('\n')
    .trim();
}

const inProject = (file: ts.SourceFile) => !file.isDeclarationFile && !file.fileName.includes('/node_modules/');
const inTypings = (file: ts.SourceFile) => path.relative(root, file.fileName).startsWith(`typings${path.sep}`);

class RouteReader {
  constructor(
    private readonly program: ts.Program,
    private readonly checker: ts.TypeChecker,
  ) {}

  async readFunction(name: string, index: ts.SourceFile): Promise<FunctionEntry> {
    const table = findServeCall(index);
    if (!table) return { name, doc: this.mainDoc(index), routes: [] };
    const routes: RouteEntry[] = [];
    const docs = new Set<string>();
    for (const prop of this.tableEntries(name, table.routes)) {
      const key = prop.name;
      const routeName = ts.isComputedPropertyName(key)
        ? this.stringLiteral(key.expression)
        : ts.isStringLiteral(key) || ts.isIdentifier(key)
          ? key.text
          : undefined;
      if (!routeName) throw new Error(`${name}: cannot read a route name: ${key.getText()}`);
      // The route-name constant's own doc, and the doc of the object listing the route names (the function's doc).
      const nameDecl = ts.isComputedPropertyName(key) ? this.declarationOf(key.expression) : undefined;
      let routesObject: ts.Node | undefined = nameDecl?.parent;
      while (routesObject && !ts.isVariableDeclaration(routesObject) && !ts.isSourceFile(routesObject))
        routesObject = routesObject.parent;
      if (routesObject && ts.isVariableDeclaration(routesObject)) docs.add(docOf(routesObject));
      routes.push(await this.readRoute(name, routeName, prop.initializer, nameDecl ? docOf(nameDecl) : '', table.admin));
    }
    // What the entry does besides its routes (a timer, the platform's notifications).
    docs.add(this.mainDoc(index));
    return { name, doc: [...docs].filter(Boolean).join('\n\n'), routes };
  }

  /** The table's `name: route` entries, with those of `...otherTable` spreads (an object literal elsewhere) in place. */
  private tableEntries(fn: string, table: ts.ObjectLiteralExpression): ts.PropertyAssignment[] {
    return table.properties.flatMap((prop) => {
      if (ts.isPropertyAssignment(prop)) return [prop];
      if (ts.isSpreadAssignment(prop)) {
        const decl = this.declarationOf(prop.expression);
        if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.isObjectLiteralExpression(decl.initializer)) {
          return this.tableEntries(fn, decl.initializer);
        }
      }
      throw new Error(`${fn}: unexpected entry in the route table: ${prop.getText()}`);
    });
  }

  /** The doc comment of the entry's `main` function (an exported `main = serve(...)` says nothing the routes do not). */
  private mainDoc(index: ts.SourceFile): string {
    const main = index.statements.find((s) => ts.isFunctionDeclaration(s) && s.name?.text === 'main');
    return main ? docOf(main) : '';
  }

  private stringLiteral(expr: ts.Expression): string | undefined {
    const type = this.checker.getTypeAtLocation(expr);
    return type.isStringLiteral() ? type.value : undefined;
  }

  /** Where an identifier or `a.b` is declared, through imports. */
  private declarationOf(expr: ts.Node): ts.Declaration | undefined {
    let symbol = this.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(expr) ? expr.name : expr);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    return symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  }

  private async readRoute(
    fn: string,
    routeName: string,
    value: ts.Expression,
    nameDoc: string,
    admin: boolean,
  ): Promise<RouteEntry> {
    const decl = this.declarationOf(value);
    const call =
      decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.isCallExpression(decl.initializer)
        ? decl.initializer
        : undefined;
    const callee = call && ts.isIdentifier(call.expression) ? call.expression.text : undefined;
    if (!call || (callee !== 'route' && callee !== 'adminRoute')) {
      throw new Error(`${fn}.${routeName}: not declared as route(...) or adminRoute(...); teach scripts/route-reference.ts`);
    }
    const [schemaArg, runArg, optionsArg] = callee === 'adminRoute' ? call.arguments.slice(1) : call.arguments;
    const permission = callee === 'adminRoute' ? this.stringLiteral(call.arguments[0]!) : undefined;
    const schemaDecl = schemaArg && this.declarationOf(schemaArg);
    if (!schemaDecl || !ts.isVariableDeclaration(schemaDecl) || !inTypings(schemaDecl.getSourceFile())) {
      throw new Error(`${fn}.${routeName}: its input schema is not a named schema of typings/`);
    }
    const input = schemaDecl.name.getText();
    const option = (key: string) =>
      !!optionsArg &&
      ts.isObjectLiteralExpression(optionsArg) &&
      optionsArg.properties.some(
        (p) => ts.isPropertyAssignment(p) && p.name.getText() === key && p.initializer.kind === ts.SyntaxKind.TrueKeyword,
      );
    const isPublic = option('public');
    const verify = callee === 'adminRoute' && option('verify');

    const module = (await import(pathToFileURL(schemaDecl.getSourceFile().fileName).href)) as Record<string, unknown>;
    const schema = module[input];
    if (!(schema instanceof z.ZodType)) throw new Error(`${fn}.${routeName}: ${input} is not a zod schema`);
    const fieldDocs = new Map<string, string>();
    this.fieldDocs(schemaDecl.initializer!, '', fieldDocs, new Set());

    const found = new Set<ErrorCode>(['VALIDATION', 'INTERNAL']);
    if (!isPublic || admin) found.add('FORBIDDEN');
    if (verify) found.add('VERIFICATION_REQUIRED');
    if (runArg) this.errorCodes(runArg, found, new Set());
    return {
      route: routeName,
      input,
      inputModule: path.basename(schemaDecl.getSourceFile().fileName, '.ts'),
      answer: this.answerType(value),
      public: isPublic && !admin,
      ...(permission ? { permission } : {}),
      ...(verify ? { verify } : {}),
      doc: [nameDoc, docOf(schemaDecl)].filter(Boolean).join('\n\n'),
      parameters: parameters(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, fieldDocs),
      errors: ERROR_ORDER.filter((code) => found.has(code)),
    };
  }

  /** R of the route's `Route<S, R>`. */
  private answerType(value: ts.Expression): string {
    const type = this.checker.getTypeAtLocation(value);
    const args = type.flags & ts.TypeFlags.Object ? this.checker.getTypeArguments(type as ts.TypeReference) : [];
    const answer = args[1] ?? type.aliasTypeArguments?.[1];
    return answer ? this.checker.typeToString(answer, undefined, ts.TypeFormatFlags.NoTruncation) : 'unknown';
  }

  /**
   * The doc comments of a schema's fields, by parameter name: a property's own comment, then that of the named
   * building block it uses (`couponId: CouponChoice`), except the common ones of typings/common.ts (Id, Quantity, …),
   * which the page describes once.
   */
  private fieldDocs(expr: ts.Expression, prefix: string, out: Map<string, string>, seen: Set<ts.Node>): void {
    if (seen.has(expr)) return;
    seen.add(expr);
    if (ts.isIdentifier(expr)) {
      const decl = this.declarationOf(expr);
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && inProject(decl.getSourceFile())) {
        this.fieldDocs(decl.initializer, prefix, out, seen);
      }
      return;
    }
    if (!ts.isCallExpression(expr)) return;
    const callee = expr.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const onZ = ts.isIdentifier(callee.expression) && callee.expression.text === 'z';
      if (onZ && method === 'object' && expr.arguments[0] && ts.isObjectLiteralExpression(expr.arguments[0])) {
        this.objectFieldDocs(expr.arguments[0], prefix, out, seen);
      } else if (onZ && method === 'array' && expr.arguments[0]) {
        this.fieldDocs(expr.arguments[0], `${prefix}[]`, out, seen);
      } else if (onZ && (method === 'union' || method === 'discriminatedUnion')) {
        const options = expr.arguments.find(ts.isArrayLiteralExpression);
        for (const option of options?.elements ?? []) this.fieldDocs(option, prefix, out, seen);
      } else if (!onZ) {
        this.fieldDocs(callee.expression, prefix, out, seen); // .strict(), .optional(), .refine(…) on a schema
      }
    }
  }

  private objectFieldDocs(shape: ts.ObjectLiteralExpression, prefix: string, out: Map<string, string>, seen: Set<ts.Node>): void {
    for (const prop of shape.properties) {
      if (ts.isSpreadAssignment(prop)) {
        const decl = this.declarationOf(prop.expression);
        if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.isObjectLiteralExpression(decl.initializer)) {
          this.objectFieldDocs(decl.initializer, prefix, out, seen);
        }
        continue;
      }
      if (!ts.isPropertyAssignment(prop)) continue;
      const name = `${prefix ? `${prefix}.` : ''}${prop.name.getText()}`;
      const doc = [docOf(prop), this.buildingBlockDoc(prop.initializer)].filter(Boolean).join(' ');
      if (doc) out.set(name, doc);
      this.fieldDocs(prop.initializer, name, out, seen);
    }
  }

  private buildingBlockDoc(expr: ts.Expression): string {
    let root: ts.Expression = expr;
    while (ts.isCallExpression(root) && ts.isPropertyAccessExpression(root.expression)) root = root.expression.expression;
    if (!ts.isIdentifier(root)) return '';
    const decl = this.declarationOf(root);
    if (!decl || !inTypings(decl.getSourceFile()) || path.basename(decl.getSourceFile().fileName) === 'common.ts') return '';
    return docOf(decl);
  }

  /** Every `ErrorCode.X` reachable from `node` through the project's functions, methods and constants it references. */
  private errorCodes(node: ts.Node, found: Set<ErrorCode>, seen: Set<ts.Node>): void {
    if (seen.has(node)) return;
    seen.add(node);
    const visit = (n: ts.Node): void => {
      if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'ErrorCode') {
        const code = n.name.text as ErrorCode;
        if (ERROR_ORDER.includes(code)) found.add(code);
        return;
      }
      if (
        ts.isIdentifier(n) &&
        !(ts.isPropertyAccessExpression(n.parent) && n.parent.expression === n && n.text === 'ErrorCode')
      ) {
        const decl = this.declarationOf(n);
        if (decl && inProject(decl.getSourceFile()) && !inTypings(decl.getSourceFile()) && decl !== n.parent) {
          const body = walkable(decl);
          if (body) this.errorCodes(body, found, seen);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
  }
}

/** The part of a declaration whose code runs: a function's body, a constant's value, a class. */
function walkable(decl: ts.Declaration): ts.Node | undefined {
  if (ts.isVariableDeclaration(decl)) return decl.initializer;
  if (
    ts.isFunctionDeclaration(decl) ||
    ts.isMethodDeclaration(decl) ||
    ts.isGetAccessorDeclaration(decl) ||
    ts.isConstructorDeclaration(decl) ||
    ts.isArrowFunction(decl) ||
    ts.isFunctionExpression(decl)
  ) {
    return decl.body;
  }
  if (ts.isPropertyAssignment(decl) || ts.isPropertyDeclaration(decl)) return decl.initializer;
  if (ts.isClassDeclaration(decl)) return decl;
  return undefined;
}

/** The object literal of `serve({...})` or `serveAdmin({...})` in a function's entry. */
function findServeCall(index: ts.SourceFile): { routes: ts.ObjectLiteralExpression; admin: boolean } | undefined {
  let found: { routes: ts.ObjectLiteralExpression; admin: boolean } | undefined;
  const visit = (n: ts.Node): void => {
    if (
      ts.isCallExpression(n) &&
      ts.isIdentifier(n.expression) &&
      (n.expression.text === 'serve' || n.expression.text === 'serveAdmin') &&
      n.arguments[0] &&
      ts.isObjectLiteralExpression(n.arguments[0])
    ) {
      found = { routes: n.arguments[0], admin: n.expression.text === 'serveAdmin' };
    }
    if (!found) ts.forEachChild(n, visit);
  };
  visit(index);
  return found;
}

// ---- parameters from JSON Schema -----------------------------------------------------------------------------------

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
}

function parameters(schema: JsonSchema, docs: Map<string, string>): Parameter[] {
  const options = schema.anyOf ?? schema.oneOf;
  if (options && !schema.properties) {
    return options.flatMap((option, i) => objectRows(option, '', docs).map((row) => ({ variant: i + 1, ...row })));
  }
  return objectRows(schema, '', docs);
}

function objectRows(schema: JsonSchema, prefix: string, docs: Map<string, string>): Parameter[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, value]) =>
    rows(`${prefix}${key}`, value, (schema.required ?? []).includes(key), docs),
  );
}

function rows(name: string, schema: JsonSchema, required: boolean, docs: Map<string, string>): Parameter[] {
  const here: Parameter = { name, type: typeOf(schema), required, constraints: constraintsOf(schema), doc: docs.get(name) ?? '' };
  const solid = (schema.anyOf ?? schema.oneOf)?.find((s) => s.type !== 'null') ?? schema;
  const nested =
    solid.type === 'array' && solid.items
      ? solid.items.properties
        ? objectRows(solid.items, `${name}[].`, docs)
        : rows(`${name}[]`, solid.items, true, docs)
      : solid.type === 'object'
        ? objectRows(solid, `${name}.`, docs)
        : [];
  return [here, ...nested];
}

function typeOf(schema: JsonSchema): string {
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return [...new Set(options.map(typeOf))].join(' | ');
  return schema.type ?? 'any';
}

const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

function range(min: number | undefined, max: number | undefined, unit: string): string | undefined {
  const u = unit ? ` ${unit}` : '';
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${min}${u}` : `${min}–${max}${u}`;
  if (max !== undefined) return unit ? `at most ${max}${u}` : `≤ ${max}`;
  if (min !== undefined) return unit ? `at least ${min}${u}` : `≥ ${min}`;
  return undefined;
}

function constraintsOf(schema: JsonSchema): string {
  const options = schema.anyOf ?? schema.oneOf;
  const solid = options?.find((s) => s.type !== 'null') ?? schema;
  const parts = [
    range(solid.minLength, solid.maxLength, 'characters'),
    solid.pattern !== undefined ? `matches ${code(solid.pattern)}` : undefined,
    solid.format === 'date-time' ? 'ISO 8601 date-time with an offset' : solid.format ? `format ${solid.format}` : undefined,
    range(solid.minimum, solid.maximum, ''),
    solid.exclusiveMinimum !== undefined ? `> ${solid.exclusiveMinimum}` : undefined,
    solid.exclusiveMaximum !== undefined ? `< ${solid.exclusiveMaximum}` : undefined,
    range(solid.minItems, solid.maxItems, 'items'),
    solid.enum ? `one of ${solid.enum.map(code).join(', ')}` : undefined,
    solid.const !== undefined ? `must be ${code(solid.const)}` : undefined,
    schema.default !== undefined
      ? `default ${code(schema.default)}`
      : solid.default !== undefined
        ? `default ${code(solid.default)}`
        : undefined,
  ];
  return parts.filter(Boolean).join(', ');
}

// ---- markdown ------------------------------------------------------------------------------------------------------

const ERROR_MEANINGS: Record<ErrorCode, string> = {
  VALIDATION: 'the parameters are refused (unknown key, wrong type, out of range); nothing ran',
  NOT_FOUND: "it does not exist, or is not the caller's (the same answer either way)",
  OUT_OF_STOCK: 'not enough stock, units or seats left',
  FORBIDDEN: 'no signed-in caller, or not a merchant with the permission',
  CONFLICT: 'a concurrent change or a reused idempotency key; read again and retry',
  INVALID_STATE: 'not allowed in the current state (an order already paid, a sale not started, …)',
  UNKNOWN_ROUTE: 'the function has no route of that `$url`',
  INTERNAL: 'an unexpected failure, logged; try again later',
  UNAUTHENTICATED: 'back office: no session, or it ended; sign in again',
  VERIFICATION_REQUIRED: 'back office: a sensitive action; give a fresh TOTP code to `auth.verify` first (二次验证)',
  ACCOUNT_LOCKED: 'back office: too many failed sign-ins; the account opens again after a while',
};

/** A table cell: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');

/** Doc comment text as markdown: wrapped lines joined, list items and paragraphs kept. */
function prose(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.replace(/\n(?!\s*(?:[-*]|\d+\.) )\s*/g, ' '))
    .join('\n\n');
}

const anchor = (fn: string, route: string) => `${fn}-${route}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');

export function renderMarkdown(reference: RouteReference): string {
  const out: string[] = [
    '# Route reference',
    '',
    "<!-- Generated by `npm run docs:routes` (scripts/route-reference.ts) from typings/ and the functions' route tables. Do not edit. -->",
    '',
    "Every cloud function's routes, as the mini-program and the admin page call them:",
    "`wx.cloud.callFunction({ name: '<function>', data: { $url: '<route>', ...parameters } })` (offline: `POST",
    '/functions/<function>` with `data` as the body and the caller in the header `x-wx-openid`; see the README, "First',
    'purchase"). Each answers `{ok: true, data}` with the answer type named below (in `typings/<function>.ts`), or',
    '`{ok: false, code, message}` with a Chinese `message` to show as it is. Money is integer fen, dates ISO 8601.',
    '',
    'Parameters are checked before anything runs: unknown keys, wrong types and values out of range answer `VALIDATION`.',
    'Ids (`orderId`, `skuId`, …) are 1–64 characters of `A-Z a-z 0-9 _ -`; `cursor` is the `nextCursor` of the previous',
    'page. Refusals list the codes a route can answer: the ones every route has, and those its code can reach.',
    '',
    '| code | meaning |',
    '|---|---|',
    ...ERROR_ORDER.map((c) => `| \`${c}\` | ${ERROR_MEANINGS[c]} |`),
    '',
  ];
  for (const fn of reference.functions) {
    out.push(`## ${fn.name}`, '');
    if (fn.doc) out.push(prose(fn.doc), '');
    if (!fn.routes.length) {
      out.push('No routes: only the platform runs it.', '');
      continue;
    }
    out.push('| route | parameters | answer | refusals |', '|---|---|---|---|');
    for (const r of fn.routes) {
      const params = [...new Set(r.parameters.filter((p) => !p.name.includes('.') && !p.name.includes('[]')).map((p) => p.name))];
      const link = `[\`${r.route}\`](#${anchor(fn.name, r.route)})`;
      out.push(`| ${link} | ${params.map((p) => `\`${p}\``).join(', ') || '—'} | \`${cell(r.answer)}\` | ${specificErrors(r)} |`);
    }
    out.push('');
    for (const r of fn.routes) {
      out.push(`<a id="${anchor(fn.name, r.route)}"></a>`, '', `### ${fn.name} · ${r.route}`, '');
      const facts = [
        `\`${r.input}\` → \`${r.answer}\``,
        r.public ? 'public: callers without an openid are answered too' : 'signed-in callers only',
        ...(r.permission ? [`permission \`${r.permission}\``] : []),
        ...(r.verify ? ['second verification (二次验证)'] : []),
      ];
      out.push(facts.join(' · '), '');
      if (r.doc) out.push(prose(r.doc), '');
      if (r.parameters.length) {
        const variants = [...new Set(r.parameters.map((p) => p.variant))];
        for (const variant of variants) {
          if (variant !== undefined) out.push(`One of these parameter sets (${variant} of ${variants.length}):`, '');
          out.push('| parameter | type | required | constraints | what |', '|---|---|---|---|---|');
          for (const p of r.parameters.filter((x) => x.variant === variant)) {
            out.push(
              `| \`${p.name}\` | ${cell(p.type)} | ${p.required ? 'yes' : 'no'} | ${cell(p.constraints)} | ${cell(p.doc)} |`,
            );
          }
          out.push('');
        }
      } else {
        out.push('No parameters.', '');
      }
      out.push(`Refusals: ${r.errors.map((e) => `\`${e}\``).join(', ')}.`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The codes beyond VALIDATION and INTERNAL, which every route can answer. */
function specificErrors(r: RouteEntry): string {
  return (
    r.errors
      .filter((e) => e !== 'VALIDATION' && e !== 'INTERNAL')
      .map((e) => `\`${e}\``)
      .join(', ') || '—'
  );
}

export async function renderRouteReference(reference?: RouteReference): Promise<string> {
  return renderMarkdown(reference ?? (await readRoutes()));
}

/** The typings/ modules that export each name (a name such as `ListInput` may be exported by more than one). */
function typingsExports(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const dir = path.join(root, 'typings');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/^export (?:interface|type|const|enum|class) ([A-Za-z0-9_]+)/gm)) {
      found.set(m[1]!, [...(found.get(m[1]!) ?? []), file.replace(/\.ts$/, '')]);
    }
  }
  return found;
}

/** TypeScript's own names an answer type may use without an import. */
const GLOBAL_TYPES = new Set(['Record', 'Array', 'Partial', 'Readonly', 'Pick', 'Omit', 'Exclude', 'Promise']);

/** `order-after-sale` → `orderAfterSale`: a typings module imported as a namespace. */
const namespaceOf = (module: string) => module.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * A client's route map (miniprogram/services/routes.ts, admin/src/api/routes.ts): every route it calls as
 * `[parameters, answer]`, the parameters being the input schema's input type (what a caller may send, defaults
 * optional), the answer the type the route declares. Written by `npm run docs:routes` with docs/routes.md, so the
 * clients' calls are typed by the very contract the functions validate. Each typings module is imported as a
 * namespace, so two modules may export the same name (`ListInput`).
 */
export async function renderRouteMap(reference: RouteReference, target: RouteMapTarget): Promise<string> {
  const typingsDir = path.relative(path.dirname(target.file), path.join(root, 'typings')).split(path.sep).join('/');
  const exported = typingsExports();
  const modules = new Set<string>();
  /** `Name` as `module.Name`: the route's own module when it exports the name, else the one module that does. */
  const qualify = (name: string, preferred: string, where: string) => {
    const candidates = exported.get(name) ?? [];
    const module = candidates.includes(preferred) ? preferred : candidates.length === 1 ? candidates[0] : undefined;
    if (!module) {
      throw new Error(
        `${where}: ${name} is ${candidates.length ? `exported by ${candidates.join(' and ')}` : 'not exported by typings/'}` +
          ' (the clients import only from there, one module per name)',
      );
    }
    modules.add(module);
    return `${namespaceOf(module)}.${name}`;
  };
  const body: string[] = [];
  for (const fn of reference.functions.filter((f) => f.routes.length && target.functions(f.name))) {
    body.push(`  ${fn.name}: {`);
    for (const r of fn.routes) {
      const where = `${fn.name}.${r.route}`;
      const input = qualify(r.input, r.inputModule, where);
      const answer = r.answer.replace(/\b[A-Z][A-Za-z0-9_]*\b/g, (name) =>
        GLOBAL_TYPES.has(name) ? name : qualify(name, r.inputModule, where),
      );
      const key = /^[A-Za-z_$][\w$]*$/.test(r.route) ? r.route : `'${r.route}'`;
      body.push(`    ${key}: [z.input<typeof ${input}>, ${answer}];`);
    }
    body.push('  };');
  }
  const importLines = [...modules]
    .sort()
    .map((module) => `import type * as ${namespaceOf(module)} from '${typingsDir}/${module}';`);
  const text = [
    '// Generated by `npm run docs:routes` (scripts/route-reference.ts) from the functions and typings/: do not edit.',
    "import type { z } from 'zod';",
    ...importLines,
    '',
    '/**',
    " * Every route this client may call, by function, as `[parameters, answer]`: the parameters are what the route's",
    ` * input schema accepts (defaults may be left out), the answer the type the route declares. \`call()\` (${target.caller})`,
    ' * takes its types from here; docs/routes.md describes each route.',
    ' */',
    'export interface Routes {',
    ...body,
    '}',
    '',
    'export type FunctionName = keyof Routes;',
    'export type RouteName<N extends FunctionName> = keyof Routes[N] & string;',
    'export type ParamsOf<N extends FunctionName, R extends RouteName<N>> = Routes[N][R] extends [infer P, unknown] ? P : never;',
    'export type AnswerOf<N extends FunctionName, R extends RouteName<N>> = Routes[N][R] extends [unknown, infer A] ? A : never;',
    '',
  ].join('\n');
  return prettier.format(text, { ...(await prettier.resolveConfig(target.file)), filepath: target.file });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const reference = await readRoutes();
  fs.writeFileSync(OUTPUT, await renderRouteReference(reference));
  for (const target of [MINIPROGRAM_ROUTES, ADMIN_ROUTES]) {
    fs.mkdirSync(path.dirname(target.file), { recursive: true });
    fs.writeFileSync(target.file, await renderRouteMap(reference, target));
  }
  console.log(`wrote ${[OUTPUT, MINIPROGRAM_ROUTES.file, ADMIN_ROUTES.file].map((f) => path.relative(root, f)).join(', ')}`);
}
