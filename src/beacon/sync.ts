import { OUTBOX_SYNC_TAG } from '../shared/swContract';

export { OUTBOX_SYNC_TAG };

type SyncRegistration = ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } };

/**
 * Asks the controlling service worker (pagepace-sw.js) to replay the outbox once the browser is
 * back online, even if no page of the site is open then (Background Sync, where the browser has
 * it). Does nothing without a controlling worker; never throws.
 */
export function requestOutboxSync(): void {
  try {
    if (!navigator.serviceWorker?.controller) return;
    navigator.serviceWorker.ready.then((r) => (r as SyncRegistration).sync?.register(OUTBOX_SYNC_TAG)).catch(() => {});
  } catch {
    // No service worker support: the page's own replays cover it.
  }
}
