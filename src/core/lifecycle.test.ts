import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLifecycle, subscribeHide } from './lifecycle';

/** A document and window as the lifecycle sees them: event targets, visibilitychange bubbling to window. */
function fakePage() {
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  vi.stubGlobal('window', win);
  vi.stubGlobal('document', doc);
  const order: string[] = [];
  return {
    order,
    hide() {
      doc.visibilityState = 'hidden';
      doc.dispatchEvent(new Event('visibilitychange'));
      win.dispatchEvent(new Event('visibilitychange')); // the bubble phase
    },
    show() {
      doc.visibilityState = 'visible';
      win.dispatchEvent(new Event('visibilitychange'));
    },
    pagehide: () => win.dispatchEvent(new Event('pagehide')),
    freeze: () => doc.dispatchEvent(new Event('freeze')),
    restore() {
      // A back/forward-cache restore makes the page visible again (HTML: "reactivate").
      doc.visibilityState = 'visible';
      win.dispatchEvent(new Event('visibilitychange'));
    },
  };
}

describe('the page lifecycle', () => {
  let page: ReturnType<typeof fakePage>;
  beforeEach(() => (page = fakePage()));
  afterEach(() => vi.unstubAllGlobals());

  it('runs every collect subscriber before any send subscriber, whatever the order they subscribed in', () => {
    const life = createLifecycle((fn) => fn);
    life.onHide(() => page.order.push('send'), 'send');
    life.onHide(() => page.order.push('lazy'));
    life.onHide(() => page.order.push('resources'));
    page.hide();
    expect(page.order).toEqual(['lazy', 'resources', 'send']);
  });

  it('one hide per hide: visibilitychange then pagehide collect once; the second only lets the sender send what is new', () => {
    const life = createLifecycle((fn) => fn);
    life.onHide(() => page.order.push('collect'));
    life.onHide((final) => page.order.push(`send:${final}`), 'send');
    page.hide();
    page.pagehide();
    expect(page.order).toEqual(['collect', 'send:false', 'send:true']);
  });

  it('leaving a visible page (pagehide, then its visibilitychange): collect once, the send told the visibilitychange is pending, then final', () => {
    const life = createLifecycle((fn) => fn);
    life.onHide(() => page.order.push('collect'));
    life.onHide((final, pending) => page.order.push(`send:${final}:${pending}`), 'send');
    page.pagehide(); // still visible: the browser updates the visibility after pagehide
    page.hide();
    expect(page.order).toEqual(['collect', 'send:true:true', 'send:true:false']);
  });

  it('a pagehide or freeze without a visibilitychange before it is a hide, and a final one', () => {
    const life = createLifecycle((fn) => fn);
    life.onHide((final) => page.order.push(`hide:${final}`), 'send');
    page.freeze();
    expect(page.order).toEqual(['hide:true']);
    expect(life.hidden).toBe(true);
  });

  it('after the page is shown again (or restored from the back/forward cache) the next hide collects again', () => {
    const life = createLifecycle((fn) => fn);
    let shows = 0;
    life.onShow(() => shows++);
    life.onHide(() => page.order.push('collect'));
    page.hide();
    page.show();
    page.hide();
    page.pagehide();
    page.restore();
    page.hide();
    expect(page.order).toEqual(['collect', 'collect', 'collect']);
    expect(shows).toBe(2);
  });

  it('a failing subscriber stays inside its wrapper; destroy() removes the listeners', () => {
    const failures: unknown[] = [];
    const life = createLifecycle((fn) => () => {
      try {
        fn();
      } catch (e) {
        failures.push(e);
      }
    });
    life.onHide(() => {
      throw new Error('boom');
    });
    page.hide();
    expect(failures).toHaveLength(1);
    life.destroy();
    page.show();
    page.hide();
    expect(failures).toHaveLength(1);
  });

  it('a part running alone (no lifecycle) listens for itself', () => {
    let hides = 0;
    const stop = subscribeHide(() => hides++);
    page.hide();
    stop();
    page.show();
    page.hide();
    expect(hides).toBe(1);
  });
});
