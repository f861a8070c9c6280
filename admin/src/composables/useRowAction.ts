import { MessagePlugin } from 'tdesign-vue-next';
import { ref } from 'vue';
import { messageOf } from '../api/client';

/**
 * A change made from a list row's link (pause, end early…): the row's links are disabled while it runs, the outcome
 * is a message, and the list is loaded again either way, since a refusal often means the row changed meanwhile.
 */
export function useRowAction(reload: () => Promise<void>) {
  const busyId = ref<string>();
  /** Runs `action` for the row `id`; what it answers is shown as the success message. */
  async function run(id: string, action: () => Promise<string>): Promise<void> {
    busyId.value = id;
    try {
      void MessagePlugin.success(await action());
    } catch (err) {
      void MessagePlugin.error(messageOf(err));
    } finally {
      busyId.value = undefined;
      await reload();
    }
  }
  return { busyId, run };
}
