/** Personal data masked for display, once decrypted: enough of a phone number or street to recognise it. */

/** 13812345678 → 138****5678. */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/** Keeps the first few characters (at most 6, at most half) and a fixed-width mask, so the length is not revealed either. */
export function maskDetail(text: string): string {
  const chars = Array.from(text);
  const keep = Math.min(6, Math.floor(chars.length / 2));
  return `${chars.slice(0, keep).join('')}****`;
}
