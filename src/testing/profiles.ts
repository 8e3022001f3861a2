import type { Page } from '@playwright/test';

/** Network conditions as CDP's `Network.emulateNetworkConditions` takes them. */
export interface NetworkConditions {
  /** Added round-trip latency, ms. */
  latency: number;
  /** Bytes per second. */
  downloadThroughput: number;
  uploadThroughput: number;
}

/** A throttling profile: network conditions, a CPU slowdown, or both. */
export interface Profile {
  network?: NetworkConditions;
  /** CPU slowdown factor (`Emulation.setCPUThrottlingRate`). */
  cpu?: number;
}

/**
 * Named profiles. Network figures are Chrome DevTools' presets (which apply a 3.75× latency and
 * 0.9× throughput factor to the nominal link): `slow-4g` is Lighthouse's mobile link (150 ms RTT,
 * 1.6 Mbps down, 750 kbps up), the same numbers DevTools called "Fast 3G" before Chrome 127.
 * CPU throttling at 4× was measured at about 3.1× on this project's machines.
 */
export const PROFILES: Readonly<Record<string, Profile>> = {
  none: {},
  'slow-3g': { network: { latency: 2000, downloadThroughput: 50_000, uploadThroughput: 50_000 } },
  'fast-3g': { network: { latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 } },
  'slow-4g': { network: { latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 } },
  'fast-4g': { network: { latency: 165, downloadThroughput: 1_012_500, uploadThroughput: 168_750 } },
  'cpu-2x': { cpu: 2 },
  'cpu-4x': { cpu: 4 },
  'cpu-6x': { cpu: 6 },
  mobile: { network: { latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 }, cpu: 4 },
};

/** A profile by name, several names combined (`['slow-4g', 'cpu-4x']`), or an explicit profile. */
export type ProfileInput = string | string[] | Profile;

/** Resolves a profile input to a profile and a display name. */
export function resolveProfile(input: ProfileInput | undefined): { name: string; profile: Profile } {
  if (input === undefined) return { name: 'none', profile: {} };
  if (typeof input === 'object' && !Array.isArray(input)) return { name: 'custom', profile: input };
  const names = Array.isArray(input) ? input : [input];
  const profile: Profile = {};
  for (const n of names) {
    const p = PROFILES[n];
    if (!p) throw new Error(`pagepace/playwright: profile must be one of ${Object.keys(PROFILES).join(', ')} (or an object { network, cpu }); received ${JSON.stringify(n)}`);
    Object.assign(profile, p);
  }
  return { name: names.join('+'), profile };
}

/**
 * Applies a profile to a page through the Chrome DevTools Protocol (Chromium only). CDP network
 * throttling does not reach a service worker's own fetches: use {@link withDelay} at the server.
 */
export async function applyProfile(page: Page, input: ProfileInput | undefined): Promise<void> {
  const { profile } = resolveProfile(input);
  if (!profile.network && !profile.cpu) return;
  const cdp = await page.context().newCDPSession(page);
  if (profile.network) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.network });
  }
  if (profile.cpu) await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
}
