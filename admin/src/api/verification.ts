import { reactive } from 'vue';

/**
 * The 二次验证 dialog's state: a call refused with VERIFICATION_REQUIRED asks here, the dialog (VerifyDialog.vue)
 * shows, and the call goes on once a fresh TOTP code was accepted. Calls that need it at the same moment share one
 * dialog.
 */
export const verification = reactive<{ open: boolean }>({ open: false });

let pending: Promise<boolean> | undefined;
let settle: ((verified: boolean) => void) | undefined;

export function requestVerification(): Promise<boolean> {
  if (!pending) {
    pending = new Promise<boolean>((resolve) => (settle = resolve));
    verification.open = true;
  }
  return pending;
}

export function finishVerification(verified: boolean): void {
  verification.open = false;
  const done = settle;
  pending = undefined;
  settle = undefined;
  done?.(verified);
}
