import { shallowRef, watch, type ShallowRef } from 'vue';
import { imageUrls } from '../../api/images';

/**
 * URLs for the cloud file ids a page shows (order lines, after-sale and review photos), asked in one batch whenever
 * the ids change, instead of one request per thumbnail.
 */
export function useImageUrls(ids: () => string[]): ShallowRef<Map<string, string>> {
  const urls = shallowRef(new Map<string, string>());
  watch(
    ids,
    async (list) => {
      if (!list.length) return;
      try {
        urls.value = await imageUrls(list);
      } catch {
        // A thumbnail without its URL stays blank; the page's own content has loaded.
      }
    },
    { immediate: true },
  );
  return urls;
}
