/** Max events held in memory waiting for delivery; beyond it new events are dropped and counted. */
export const MAX_QUEUE = 1000;
