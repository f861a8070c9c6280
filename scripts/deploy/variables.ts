import { DEVELOPMENT_DATA_KEY } from '../local-env.js';

/**
 * The environment variables the shop's functions read, as deploy knows them. Each function gets exactly the declared
 * variables its built bundle reads (`process.env.NAME` in `build/functions/<name>/index.js`), so a key only reaches
 * the functions that use it. Values come from the deployer's environment or `.env.deploy`; a value already set on the
 * deployed functions is kept when the deployer does not give one (a redeploy needs no secrets). Every variable holds
 * one value for the whole environment.
 */
export type Need = 'required' | 'recommended' | 'optional';

export interface VariableSpec {
  /** A name, or a pattern for a family of names (`TEMPLATE_*`). */
  name: string | RegExp;
  need: Need;
  /** Never printed, not even in part. */
  secret?: boolean;
  /** Once set on the deployed functions it must not change (data written with it would become unreadable). */
  pinned?: boolean;
  /** A pinned value may change when the deployer keeps the deployed one in another variable (a data key rotated out). */
  keptBy?: (deployed: string, given: Record<string, string | undefined>) => boolean;
  format?: RegExp;
  /** Values that must never reach a real environment: the offline defaults. */
  forbidden?: Record<string, string>;
  hint: string;
}

/** The development key of `npm start` and the tests (public in this repository). */
const DEV_DATA_KEY = DEVELOPMENT_DATA_KEY;
const KEY_ID = '[A-Za-z0-9_-]{1,32}';
const OLD_KEY = `${KEY_ID}:[0-9a-fA-F]{64}`;

/** The keys listed in a SHOP_DATA_OLD_KEYS value, lower-case hex. */
function oldDataKeys(value: string | undefined): string[] {
  return (value ?? '').split(',').map((entry) => (entry.split(':')[1] ?? '').trim().toLowerCase());
}

export const VARIABLES: VariableSpec[] = [
  {
    name: 'SHOP_DATA_KEY',
    need: 'required',
    secret: true,
    pinned: true,
    format: /^[0-9a-fA-F]{64}$/,
    forbidden: { [DEV_DATA_KEY]: 'this is the public development key of npm start and the tests' },
    keptBy: (deployed, given) => oldDataKeys(given.SHOP_DATA_OLD_KEYS).includes(deployed.toLowerCase()),
    hint:
      "64 hex characters (`openssl rand -hex 32`); encrypts shoppers' phone numbers and addresses. Keep it safe: it changes " +
      'only by rotation, the deployed key kept in SHOP_DATA_OLD_KEYS (docs/platform.md, "Personal data at rest").',
  },
  {
    name: 'SHOP_DATA_KEY_ID',
    need: 'optional',
    format: new RegExp(`^${KEY_ID}$`),
    hint: 'the id of SHOP_DATA_KEY written into every encrypted value (default k1); a rotated key gets a new id',
  },
  {
    name: 'SHOP_DATA_OLD_KEYS',
    need: 'optional',
    secret: true,
    format: new RegExp(`^(none|${OLD_KEY}(,${OLD_KEY})*)$`),
    hint: 'keys rotated out, kept for reading until the jobs timer has re-encrypted their data: id:hex,id:hex, or none',
  },
  {
    name: 'PAY_SUB_MCH_ID',
    need: 'required',
    format: /^\d{6,20}$/,
    forbidden: { '1900000109': 'this is the sandbox sub-merchant id the code falls back to offline' },
    hint: 'the WeChat Pay sub-merchant id (子商户号) bound to the environment for cloudPay',
  },
  {
    name: /^TEMPLATE_[A-Z0-9_]+$/,
    need: 'recommended',
    format: /^[A-Za-z0-9_-]{1,128}$/,
    hint: 'a subscribe-message template id (订阅消息模板 ID) from the mini-program admin console; without it WeChat rejects the message',
  },
  {
    name: 'AUTO_CONFIRM_DAYS',
    need: 'optional',
    format: /^\d{1,3}$/,
    hint: 'days after shipping before receipt is confirmed automatically (the code has a default)',
  },
  {
    name: 'MINIPROGRAM_STATE',
    need: 'optional',
    format: /^(formal|developer|trial)$/,
    hint: 'which mini-program version subscribe messages open: formal (default), developer or trial',
  },
  {
    name: 'ORDER_PAYMENT_MINUTES',
    need: 'optional',
    format: /^\d{1,4}$/,
    hint: 'minutes a new order waits for payment (the code has a default)',
  },
];

/** Set by the platform or read by bundled libraries: never deploy's business. */
const PLATFORM = /^(TCB_|SCF_|TENCENTCLOUD|WX_|_SCF|NODE_|TZ$|HOME$|PATH$|DEBUG$)/;

export function variableSpec(name: string): VariableSpec | undefined {
  return VARIABLES.find((v) => (typeof v.name === 'string' ? v.name === name : v.name.test(name)));
}

export function isPlatformVariable(name: string): boolean {
  return PLATFORM.test(name);
}

/** What is wrong with a value the deployer gave, or undefined. Never echoes a secret. */
export function checkValue(name: string, value: string): string | undefined {
  const spec = variableSpec(name);
  if (!spec) return undefined;
  const reason = spec.forbidden?.[value];
  if (reason) return `${name} must not be ${spec.secret ? 'that value' : `"${value}"`}: ${reason}`;
  if (spec.format && !spec.format.test(value)) return `${name} is not valid: ${spec.hint}`;
  return undefined;
}
