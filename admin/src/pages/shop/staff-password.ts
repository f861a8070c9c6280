/** A password the owner can hand over: 16 characters without look-alikes (0 O 1 l I), from the browser's CSPRNG. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function randomPassword(length = 16): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  // 256 is not a multiple of the alphabet's size; the slight bias does not matter for a password changed at will.
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** The server's rule (typings/admin-access.ts `Password`), checked before sending. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 10) return '密码至少 10 位';
  if (password.length > 128) return '密码最多 128 位';
  return undefined;
}
