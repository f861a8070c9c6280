import { DialogPlugin, type DialogOptions } from 'tdesign-vue-next';

/** Asks first; once confirmed the dialog closes and `action` runs (it shows its own outcome). */
export function confirmThen(
  options: Pick<DialogOptions, 'header' | 'body' | 'confirmBtn' | 'theme'>,
  action: () => Promise<void>,
): void {
  const dialog = DialogPlugin.confirm({
    ...options,
    onConfirm: () => {
      dialog.hide();
      void action();
    },
  });
}
