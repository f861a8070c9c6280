import { computed, ref, shallowRef, watch, type WatchSource } from 'vue';
import { messageOf } from '../api/client';

interface CursorPage<T> {
  items: T[];
  nextCursor?: string | null;
}

/**
 * A list the API pages with cursors (`{items, nextCursor}`), shown a page at a time with 上一页 / 下一页: the cursors
 * seen are kept, so going back needs no offset. A change of the filters (`watchSources`) starts again at page one.
 */
export function useCursorPages<T>(
  load: (cursor: string | undefined) => Promise<CursorPage<T>>,
  watchSources: WatchSource[] = [],
) {
  const items = shallowRef<T[]>([]);
  const loading = ref(false);
  const error = ref<string>();
  const cursors = ref<Array<string | undefined>>([undefined]);
  const index = ref(0);
  const next = ref<string>();
  let latest = 0;

  async function show(at: number): Promise<void> {
    const mine = ++latest;
    loading.value = true;
    error.value = undefined;
    try {
      const page = await load(cursors.value[at]);
      if (mine !== latest) return;
      items.value = page.items;
      index.value = at;
      next.value = page.nextCursor ?? undefined;
      if (next.value) cursors.value[at + 1] = next.value;
    } catch (err) {
      if (mine === latest) error.value = messageOf(err);
    } finally {
      if (mine === latest) loading.value = false;
    }
  }

  const restart = () => {
    cursors.value = [undefined];
    return show(0);
  };
  watch(watchSources, restart);

  return {
    items,
    loading,
    error,
    page: computed(() => index.value + 1),
    hasPrev: computed(() => index.value > 0),
    hasNext: computed(() => next.value !== undefined),
    prev: () => show(index.value - 1),
    next: () => show(index.value + 1),
    /** The page shown, again (after a change made on it). */
    reload: () => show(index.value),
    restart,
  };
}

export type CursorPages<T> = ReturnType<typeof useCursorPages<T>>;
