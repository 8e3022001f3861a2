/** What `within` resolves to when the promise took longer than allowed. */
export const LATE: unique symbol = Symbol('late');

/**
 * `p`'s value, or `LATE` once `ms` have passed; the timer is cleared either way, so nothing
 * outlives the race (a destroy() must leave no timer behind).
 */
export async function within<T>(p: T | PromiseLike<T>, ms: number): Promise<T | typeof LATE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<typeof LATE>((resolve) => (timer = setTimeout(resolve, ms, LATE)))]);
  } finally {
    clearTimeout(timer);
  }
}
