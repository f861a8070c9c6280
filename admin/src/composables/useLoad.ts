import { onMounted, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { messageOf } from '../api/client';

export interface Loaded<T> {
  data: ShallowRef<T | undefined>;
  loading: Ref<boolean>;
  error: Ref<string | undefined>;
  /** Loads again (after a change, or the 重试 button); a newer load wins over an older one still running. */
  reload: () => Promise<void>;
}

/** A page's data: loading, error and the data itself, loaded on mount unless `immediate` is false. */
export function useLoad<T>(load: () => Promise<T>, options: { immediate?: boolean } = {}): Loaded<T> {
  const data = shallowRef<T>();
  const loading = ref(false);
  const error = ref<string>();
  let latest = 0;
  async function reload(): Promise<void> {
    const mine = ++latest;
    loading.value = true;
    error.value = undefined;
    try {
      const value = await load();
      if (mine === latest) data.value = value;
    } catch (err) {
      if (mine === latest) error.value = messageOf(err);
    } finally {
      if (mine === latest) loading.value = false;
    }
  }
  if (options.immediate !== false) onMounted(reload);
  return { data, loading, error, reload };
}
