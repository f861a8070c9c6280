import test from 'ava';
import {
  DEFAULT_KEY_ID,
  UNREADABLE_FIELD,
  addressBinding,
  decryptField,
  encryptField,
  isUnderCurrentKey,
  orderAddressBinding,
  readField,
  rebindField,
  reencryptField,
  reencryptableValues,
} from './field-crypto.js';

/**
 * The pure cases of field encryption: no emulator, only process.env. Tests run serially because they set the keys in
 * process.env, which every case reads.
 */

const KEY_A = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const KEY_B = 'b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf';
const PHONE = '13812345678';
const DETAIL = '文三路 478 号';
/** Written by the v1 code (no binding, no key id) under KEY_A: what existing databases hold. */
const V1_PHONE = 'v1:0MwI0fTJpacFYTi5:ahMflMPokZbXVmxuAxb2IA:QImKvaG2qt0MVUc';
const V1_DETAIL = 'v1:kin9RWHZBZqV7n3M:agyULQ_pQdXmJN_xHVGWKQ:Frrk7ivuN3TUsD2YJesZpfg';

function useKeys(current: string | undefined, currentId?: string, oldKeys?: string): void {
  for (const [name, value] of [
    ['SHOP_DATA_KEY', current],
    ['SHOP_DATA_KEY_ID', currentId],
    ['SHOP_DATA_OLD_KEYS', oldKeys],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
test.afterEach.always(() => useKeys(undefined));

const home = (field: 'phone' | 'detail') => addressBinding('addr-home', field);
const office = (field: 'phone' | 'detail') => addressBinding('addr-office', field);

test.serial('a value round-trips under its binding: v2, the key id, a random IV each time', (t) => {
  useKeys(KEY_A);
  const a = encryptField(PHONE, home('phone'));
  t.regex(a, new RegExp(`^v2:${DEFAULT_KEY_ID}:[\\w-]{16}:[\\w-]{22}:[\\w-]+$`));
  t.not(encryptField(PHONE, home('phone')), a, 'a random IV per encryption');
  t.is(decryptField(a, home('phone')), PHONE);
  t.is(decryptField(encryptField(DETAIL, home('detail')), home('detail')), DETAIL);
  t.true(isUnderCurrentKey(a));
  t.is(home('phone'), 'addresses/addr-home/phone');
  t.is(orderAddressBinding('20240101000000123', 'detail'), 'orders/20240101000000123/address.detail');
});

test.serial("a value copied to another record or another field is refused: another shopper's phone, a phone as a street", (t) => {
  useKeys(KEY_A);
  const phone = encryptField(PHONE, home('phone'));
  for (const wrong of [
    office('phone'),
    home('detail'),
    orderAddressBinding('addr-home', 'phone'),
    'addresses/addr-home/phone ',
  ]) {
    t.throws(() => decryptField(phone, wrong), { message: /does not decrypt/ }, wrong);
  }
  t.throws(() => rebindField(phone, office('phone'), orderAddressBinding('o1', 'phone')), { message: /does not decrypt/ });
  t.throws(() => addressBinding('a/b', 'phone'), { message: /record id/ }, 'a record id cannot imitate another binding');
  t.throws(() => addressBinding('', 'phone'), { message: /record id/ });
});

test.serial('an order re-encrypts the address under its own binding; the address binding no longer opens it', (t) => {
  useKeys(KEY_A);
  const inBook = encryptField(PHONE, home('phone'));
  const inOrder = rebindField(inBook, home('phone'), orderAddressBinding('o1', 'phone'));
  t.not(inOrder, inBook);
  t.is(decryptField(inOrder, orderAddressBinding('o1', 'phone')), PHONE);
  t.throws(() => decryptField(inOrder, home('phone')));
  t.throws(() => decryptField(inOrder, orderAddressBinding('o2', 'phone')), undefined, "another order's binding");
  t.throws(() => decryptField(inOrder, orderAddressBinding('o1', 'detail')));
});

test.serial('tampering is refused: the ciphertext, the tag, the key id, the version; plain text is not a value', (t) => {
  useKeys(KEY_B, 'kB', `kA:${KEY_A}`);
  const value = encryptField(PHONE, home('phone'));
  const [v, id, iv, tag, body] = value.split(':') as [string, string, string, string, string];
  const flip = (s: string) => (s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`);
  for (const forged of [
    [v, id, iv, tag, flip(body)],
    [v, id, iv, flip(tag), body],
    [v, id, flip(iv), tag, body],
    [v, 'kA', iv, tag, body],
    ['v1', iv, tag, body],
  ]) {
    t.throws(() => decryptField(forged.join(':'), home('phone')), undefined, forged.join(':'));
  }
  t.throws(() => decryptField(PHONE, home('phone')), { message: /not an encrypted field/ });
  t.throws(() => decryptField(`${value}:x`, home('phone')), { message: /not an encrypted field/ });
  t.throws(() => decryptField(`v2:kZ:${iv}:${tag}:${body}`, home('phone')), { message: /unknown key id "kZ"/ });
});

test.serial('bad key settings are refused with a message that never shows a key', (t) => {
  const refusals: Array<[string | undefined, string | undefined, string | undefined, RegExp]> = [
    [undefined, undefined, undefined, /SHOP_DATA_KEY is not set/],
    ['abc', undefined, undefined, /SHOP_DATA_KEY must be exactly 64 hex/],
    [KEY_A, 'has space', undefined, /SHOP_DATA_KEY_ID must be 1-32 characters/],
    [KEY_A, 'a:b', undefined, /SHOP_DATA_KEY_ID must be 1-32 characters/],
    [KEY_B, 'kB', `kA:${KEY_A.slice(2)}`, /SHOP_DATA_OLD_KEYS: entry 1 must be <id>:<64 hex characters>/],
    [KEY_B, 'kB', `${KEY_A}`, /SHOP_DATA_OLD_KEYS: entry 1 must be/],
    [KEY_B, 'kB', `kA:${KEY_A},kA:${KEY_A}`, /SHOP_DATA_OLD_KEYS: key id "kA" appears twice/],
    [KEY_B, 'kB', `kB:${KEY_A}`, /SHOP_DATA_OLD_KEYS: key id "kB" is the current key's id/],
  ];
  for (const [key, id, old, message] of refusals) {
    useKeys(key, id, old);
    const err = t.throws(() => encryptField(PHONE, home('phone')), { message }, String(message));
    t.false(err.message.includes(KEY_A.slice(2, 40)) || err.message.includes(KEY_B.slice(0, 40)), 'no key in the message');
    t.throws(() => decryptField(V1_PHONE, home('phone')), { message }, 'reading needs valid settings too');
  }
  useKeys(KEY_B, 'kB', ` kA:${KEY_A} , , old-2:${KEY_A.toUpperCase()} `);
  t.is(decryptField(V1_PHONE, home('phone')), PHONE, 'spaces and empty entries are ignored, hex in any case');
  useKeys(KEY_B, 'kB', 'none');
  t.true(isUnderCurrentKey(encryptField(PHONE, home('phone'))), '"none": no old keys');
  t.throws(() => decryptField(V1_PHONE, home('phone')));
});

test.serial('rotation: written under A, rotated to B with A kept, re-encrypted under B, then A dropped', (t) => {
  useKeys(KEY_A, 'kA');
  const phone = encryptField(PHONE, home('phone'));
  const detail = encryptField(DETAIL, home('detail'));

  useKeys(KEY_B, 'kB', `kA:${KEY_A}`);
  t.is(decryptField(phone, home('phone')), PHONE, 'A still reads');
  t.false(isUnderCurrentKey(phone));
  const phoneB = reencryptField(phone, home('phone'));
  const detailB = reencryptField(detail, home('detail'));
  t.regex(phoneB, /^v2:kB:/);
  t.true(isUnderCurrentKey(phoneB));
  t.is(reencryptField(phoneB, home('phone')).split(':')[1], 'kB', 'idempotent: stays under B');
  t.throws(() => reencryptField(phone, office('phone')), undefined, 're-encryption checks the binding too');
  const encryptedNew = encryptField(PHONE, home('phone'));
  t.regex(encryptedNew, /^v2:kB:/, 'new values are written under B');

  useKeys(KEY_B, 'kB');
  t.is(decryptField(phoneB, home('phone')), PHONE);
  t.is(decryptField(detailB, home('detail')), DETAIL);
  t.throws(() => decryptField(phone, home('phone')), { message: /unknown key id "kA"/ }, 'what was left under A is lost');
});

test.serial('v1 values (no binding, no key id) are still read, under the current or an old key, and move to v2', (t) => {
  useKeys(KEY_A);
  t.is(decryptField(V1_PHONE, home('phone')), PHONE);
  t.is(decryptField(V1_DETAIL, home('detail')), DETAIL);
  t.false(isUnderCurrentKey(V1_PHONE), 'a v1 value is always due for re-encryption');
  const moved = reencryptField(V1_PHONE, home('phone'));
  t.regex(moved, new RegExp(`^v2:${DEFAULT_KEY_ID}:`));
  t.is(decryptField(moved, home('phone')), PHONE);
  t.throws(() => decryptField(moved, office('phone')), undefined, 'once moved it is bound');

  useKeys(KEY_B, 'k2', `${DEFAULT_KEY_ID}:${KEY_A}`);
  t.is(decryptField(V1_PHONE, home('phone')), PHONE, 'the key v1 was written with is now an old key');
  useKeys(KEY_B, 'k2');
  t.throws(() => decryptField(V1_PHONE, home('phone')), { message: /does not decrypt under any configured key/ });
});

test.serial('reencryptableValues matches what the job can move: v1 and v2 under an old key, not current or unknown ids', (t) => {
  useKeys(KEY_B, 'kB', `kA:${KEY_A},k-0:${KEY_A}`);
  const due = reencryptableValues();
  const underA = (() => {
    useKeys(KEY_A, 'kA');
    return encryptField(PHONE, home('phone'));
  })();
  useKeys(KEY_B, 'kB', `kA:${KEY_A},k-0:${KEY_A}`);
  const underB = encryptField(PHONE, home('phone'));
  t.true(due.test(V1_PHONE));
  t.true(due.test(underA));
  t.true(due.test(underA.replace(':kA:', ':k-0:')));
  t.false(due.test(underB));
  t.false(due.test(underA.replace(':kA:', ':kAB:')), 'a key id is matched whole');
  t.false(due.test(underA.replace(':kA:', ':kZ:')), 'an unknown key cannot be re-encrypted');
  t.false(due.test(PHONE));
});

test.serial('readField answers a placeholder, never throws, for a value that does not decrypt', (t) => {
  useKeys(KEY_A);
  const phone = encryptField(PHONE, home('phone'));
  const errors: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  try {
    t.is(
      readField(phone, home('phone'), (p) => `${p.slice(0, 3)}****`),
      '138****',
    );
    t.is(
      readField(phone, office('phone'), (p) => `${p.slice(0, 3)}****`),
      UNREADABLE_FIELD,
    );
    t.is(readField('garbage', home('phone')), UNREADABLE_FIELD);
  } finally {
    console.error = original;
  }
  t.is(errors.length, 2, 'each failure is logged');
  t.true(String(errors[0]![0]).includes('addresses/addr-office/phone'), 'naming the binding');
  t.false(JSON.stringify(errors).includes(PHONE));
});
