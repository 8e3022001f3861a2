/** What a component module gives: a mount function, as its default export or as itself. */
export type ComponentMount = (el: HTMLElement) => unknown;

/** Loads a component's code, typically `() => import('./chart.js')`. */
export type ComponentLoader = () => Promise<{ default: ComponentMount } | ComponentMount>;

/** The registry of `[data-lazy-component]` loaders. */
export interface ComponentRegistry {
  /** Registers (or replaces) the loader of `name`; elements that were waiting for it load now. */
  register: (name: string, loader: ComponentLoader) => void;
  /** Loads and mounts the component of `el`; waits for its loader when it is not registered yet. */
  mount(el: HTMLElement, done: (ok: boolean) => void): void;
}

/** Creates a registry; `initial` maps names to loaders. */
export function createRegistry(initial: Record<string, ComponentLoader> = {}): ComponentRegistry {
  const loaders = new Map(Object.entries(initial));
  const waiting = new Map<string, Array<[HTMLElement, (ok: boolean) => void]>>();
  const run = (loader: ComponentLoader, el: HTMLElement, done: (ok: boolean) => void) => {
    Promise.resolve()
      .then(loader)
      .then((m) => (typeof m == 'function' ? m : m.default)(el))
      .then(() => done(true), () => done(false));
  };
  return {
    register(name, loader) {
      if (typeof loader != 'function') throw new TypeError(`pagepace: registerComponent("${name}") needs a loader function such as () => import("./${name}.js")`);
      loaders.set(name, loader);
      for (const [el, done] of waiting.get(name) ?? []) run(loader, el, done);
      waiting.delete(name);
    },
    mount(el, done) {
      const name = el.getAttribute('data-lazy-component') ?? '';
      const loader = loaders.get(name);
      if (loader) run(loader, el, done);
      else waiting.set(name, [...(waiting.get(name) ?? []), [el, done]]);
    },
  };
}
