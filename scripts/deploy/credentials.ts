import fs from 'node:fs';
import path from 'node:path';

/**
 * Tencent Cloud API credentials: TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY (and TENCENTCLOUD_SESSIONTOKEN for
 * temporary keys) from the environment or `.env.deploy`, the names manager-node and the tcb CLI use; otherwise the
 * cloudbase CLI's login (`tcb login`), which @cloudbase/toolbox keeps in ~/.config/.cloudbase/auth.json as
 * `credential` {secretId|tmpSecretId, secretKey|tmpSecretKey, token|tmpToken, accessTokenExpired|tmpExpired}.
 */
export interface Credentials {
  secretId: string;
  secretKey: string;
  token?: string;
  source: string;
}

export type CredentialResult = { credentials: Credentials } | { error: string };

const HOW = [
  'Give deploy Tencent Cloud API credentials in one of these ways:',
  '  - set TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (an API key of an account that may manage the environment,',
  '    console.cloud.tencent.com/cam/capi) in your environment or in .env.deploy (git-ignored); or',
  '  - log in with the CloudBase CLI: npm i -g @cloudbase/cli && tcb login',
].join('\n');

export function resolveCredentials(vars: Record<string, string | undefined>, home: string, now = Date.now()): CredentialResult {
  const secretId = vars.TENCENTCLOUD_SECRETID?.trim();
  const secretKey = vars.TENCENTCLOUD_SECRETKEY?.trim();
  if (secretId && secretKey) {
    return {
      credentials: {
        secretId,
        secretKey,
        token: vars.TENCENTCLOUD_SESSIONTOKEN?.trim() || undefined,
        source: 'TENCENTCLOUD_SECRETID/TENCENTCLOUD_SECRETKEY',
      },
    };
  }
  if (secretId || secretKey) {
    return {
      error:
        `Only ${secretId ? 'TENCENTCLOUD_SECRETID' : 'TENCENTCLOUD_SECRETKEY'} is set: ` +
        'deploy needs both TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY.',
    };
  }
  const authFile = path.join(home, '.config', '.cloudbase', 'auth.json');
  if (fs.existsSync(authFile)) {
    let stored: Record<string, unknown> = {};
    try {
      stored = (JSON.parse(fs.readFileSync(authFile, 'utf8')) as { credential?: Record<string, unknown> }).credential ?? {};
    } catch {
      return { error: `The CloudBase CLI login in ${authFile} cannot be read. Run \`tcb login\` again.\n${HOW}` };
    }
    const str = (...keys: string[]) => keys.map((k) => stored[k]).find((v): v is string => typeof v === 'string' && v !== '');
    const id = str('secretId', 'tmpSecretId');
    const key = str('secretKey', 'tmpSecretKey');
    const token = str('token', 'tmpToken');
    const expires = Number(stored.accessTokenExpired ?? stored.tmpExpired ?? 0);
    if (id && key) {
      // Temporary keys of `tcb login` last a few hours; the CLI refreshes them when it runs.
      if (token && expires && expires < now + 60_000) {
        return {
          error:
            'The CloudBase CLI login has expired. Run any tcb command to refresh it (for example `tcb env list`) or `tcb login`, then deploy again.',
        };
      }
      return { credentials: { secretId: id, secretKey: key, token, source: `tcb login (${authFile})` } };
    }
  }
  return { error: `No Tencent Cloud credentials found.\n${HOW}` };
}
