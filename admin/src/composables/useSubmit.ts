import { ref, watch, type Ref, type WatchSource } from 'vue';
import { messageOf } from '../api/client';

export interface Submitting {
  /** True while an action runs: the confirm button shows it loading. */
  busy: Ref<boolean>;
  /** The Chinese message of the last failure, or of a check the form made before sending. */
  error: Ref<string | undefined>;
  /** Runs the action (the call and what follows its success); false, with `error` set, when it threw. */
  submit: (action: () => Promise<unknown>) => Promise<boolean>;
  /** As submit, for a form whose check answers its params or what is wrong: a complaint goes to `error` unsent. */
  submitChecked: <T extends object>(checked: T | string, send: (params: T) => Promise<unknown>) => Promise<boolean>;
}

/** A form's send: busy while the action runs, and what went wrong kept in `error` for the form to show. */
export function useSubmit(): Submitting {
  const busy = ref(false);
  const error = ref<string>();
  async function submit(action: () => Promise<unknown>): Promise<boolean> {
    busy.value = true;
    error.value = undefined;
    try {
      await action();
      return true;
    } catch (err) {
      error.value = messageOf(err);
      return false;
    } finally {
      busy.value = false;
    }
  }
  function submitChecked<T extends object>(checked: T | string, send: (params: T) => Promise<unknown>): Promise<boolean> {
    if (typeof checked !== 'string') return submit(() => send(checked));
    error.value = checked;
    return Promise.resolve(false);
  }
  return { busy, error, submit, submitChecked };
}

/** A dialog's send: as useSubmit, and each time the dialog opens the last error goes and `reset` fills the form afresh. */
export function useDialogSubmit(open: WatchSource<boolean>, reset?: () => void): Submitting {
  const submitting = useSubmit();
  watch(open, (opened) => {
    if (!opened) return;
    submitting.error.value = undefined;
    reset?.();
  });
  return submitting;
}
