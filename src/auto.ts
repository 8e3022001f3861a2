// Script-tag entry: the global `PagePace` is everything `pagepace` exports, plus `instance`.
import type { PagePace } from './index';
import { createPagePace } from './index';
import { configFromScript, scriptError } from './core/scriptConfig';

export * from './index';

/** The instance the script tag started from its `data-*` attributes, if it did. */
export let instance: PagePace | undefined;

const script = (globalThis as { document?: Document }).document?.currentScript;
// hasAttribute, not dataset: an absent dataset.endpoint would be read from Object.prototype.
if (script?.hasAttribute('data-endpoint')) {
  try {
    instance = createPagePace(configFromScript(script));
  } catch (err) {
    // A script tag cannot catch: report the misconfiguration clearly and leave the page alone.
    console.error((scriptError(err) as Error).message ?? err);
  }
}
