import tcb from '@cloudbase/node-sdk';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveCredentials } from '../deploy/credentials.js';
import { readEnvFile } from '../deploy/declarations.js';
import { DEVELOPMENT_DATA_KEY } from '../local-env.js';
import { AccountExistsError, createAccount, terminalQr } from './owner-account.js';

/**
 * `npm run admin:create-owner -- --env <envId> --username <name>`: the first owner of the admin web page. There is no
 * default account in production; this writes one (a random password, a new TOTP secret) straight into the
 * environment's database with server credentials, and prints the password once and the TOTP as a QR code to scan.
 * `--local [url]` does the same on the emulator of `npm start`.
 */
const USAGE = `Usage: npm run admin:create-owner -- --env <envId> --username <name> [options]
       npm run admin:create-owner -- --local [http://127.0.0.1:8787] --username <name>

  --username <name>    3–32 lowercase letters, digits, . _ -
  --name <name>        the name shown in the back office and the audit trail (default 店主)
  --env <envId>        the CloudBase environment (or ENV_ID in the environment / .env.deploy)
  --region <region>    the environment's region (default TENCENTCLOUD_REGION, ap-shanghai)
  --vars-file <file>   variables file (default .env.deploy): SHOP_DATA_KEY, credentials
  --local [url]        the local emulator instead (default http://127.0.0.1:8787)
  -h, --help           this help

The TOTP secret is stored encrypted with SHOP_DATA_KEY: it must be the key the functions were deployed with.
Credentials: TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY, or the CloudBase CLI's \`tcb login\` (as for deploy).
`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  home: string;
}

export async function createOwner(argv: string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        username: { type: 'string' },
        name: { type: 'string', default: '店主' },
        env: { type: 'string' },
        region: { type: 'string' },
        'vars-file': { type: 'string' },
        local: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
    }).values;
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 1;
  }
  const positionals = argv.filter((a) => !a.startsWith('-') && !Object.values(args).includes(a));
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  if (!args.username) {
    io.err(`Which username? Pass --username <name>.\n\n${USAGE}`);
    return 1;
  }

  let app: ReturnType<typeof tcb.init>;
  let where: string;
  if (args.local) {
    const url = (positionals[0] ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
    let envId: string;
    try {
      envId = ((await (await fetch(`${url}/__emulator/status`)).json()) as { envId: string }).envId;
    } catch {
      io.err(`No emulator answers at ${url}: start it with npm start.\n`);
      return 1;
    }
    process.env.TENCENTCLOUD = 'true'; // node-sdk outside SCF: no cloud metadata probe
    app = tcb.init({ env: envId, serviceUrl: `${url}/admin`, secretId: 'local', secretKey: 'local' });
    process.env.SHOP_DATA_KEY = DEVELOPMENT_DATA_KEY;
    where = `本地模拟器 ${url}`;
  } else {
    const vars = { ...readEnvFile(path.resolve(args['vars-file'] ?? path.join(root, '.env.deploy'))), ...io.env };
    const envId = (args.env ?? vars.ENV_ID ?? '').trim();
    if (!envId) {
      io.err(`Which environment? Pass --env <envId>, or --local for the emulator.\n\n${USAGE}`);
      return 1;
    }
    const key = vars.SHOP_DATA_KEY?.trim();
    if (!key || !/^[0-9a-f]{64}$/i.test(key) || key === DEVELOPMENT_DATA_KEY) {
      io.err(
        'SHOP_DATA_KEY (64 hex characters, the functions’ own key) is needed to seal the TOTP secret: set it in .env.deploy.\n',
      );
      return 1;
    }
    const found = resolveCredentials(vars, io.home);
    if ('error' in found) {
      io.err(`${found.error}\n`);
      return 1;
    }
    process.env.SHOP_DATA_KEY = key;
    if (vars.SHOP_DATA_KEY_ID) process.env.SHOP_DATA_KEY_ID = vars.SHOP_DATA_KEY_ID;
    const { secretId, secretKey, token } = found.credentials;
    app = tcb.init({
      env: envId,
      secretId,
      secretKey,
      ...(token ? { sessionToken: token } : {}),
      region: args.region ?? vars.TENCENTCLOUD_REGION ?? 'ap-shanghai',
    });
    where = `云开发环境 ${envId}`;
  }

  try {
    const created = await createAccount(app, { username: args.username, name: args.name, role: 'owner' });
    io.out(
      [
        `已在${where}创建店主账号（后台登录：用户名 + 密码 + 身份验证器验证码）`,
        `  用户名     ${created.username}`,
        `  密码       ${created.password}    （只显示这一次，请妥善保存；登录后可修改）`,
        `  TOTP 密钥  ${created.totpSecret}`,
        `  TOTP 链接  ${created.otpauthUrl}`,
        '',
        '用身份验证器（如腾讯身份验证器、Google Authenticator）扫描下面的二维码：',
        await terminalQr(created.otpauthUrl),
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    if (e instanceof AccountExistsError) {
      io.err(`${e.message}：换一个用户名，或由店主在后台“员工与权限”中重置。\n`);
      return 1;
    }
    if (e instanceof Error && e.name === 'ZodError') {
      io.err('用户名为 3–32 位小写字母、数字、点、下划线或连字符\n');
      return 1;
    }
    io.err(`Could not create the account: ${(e as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await createOwner(process.argv.slice(2), {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t),
    env: process.env,
    home: os.homedir(),
  });
}
