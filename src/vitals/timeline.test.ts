import { describe, expect, it } from 'vitest';
import { largestWindow } from './timeline';

const shift = (startTime: number, value: number, hadRecentInput = false) => ({ startTime, value, hadRecentInput }) as unknown as PerformanceEntry & { value: number };

describe('CLS from buffered layout shifts, for a page hidden before web-vitals came', () => {
  it('is 0 with no shifts', () => {
    expect(largestWindow([])).toBe(0);
  });

  it('sums shifts under 1 s apart into one window', () => {
    expect(largestWindow([shift(100, 0.1), shift(900, 0.05), shift(1800, 0.02)])).toBeCloseTo(0.17);
  });

  it('starts a new window after a gap of 1 s or more, and reports the largest', () => {
    expect(largestWindow([shift(100, 0.1), shift(1200, 0.05), shift(1500, 0.08)])).toBeCloseTo(0.13);
  });

  it('closes a window at 5 s however close its shifts', () => {
    const steady = Array.from({ length: 12 }, (_, i) => shift(i * 500, 0.01)); // 0 … 5,500 ms
    expect(largestWindow(steady)).toBeCloseTo(0.1); // 0 … 4,500 ms: ten shifts
  });

  it('leaves out shifts just after an input, as web-vitals does', () => {
    expect(largestWindow([shift(100, 0.1), shift(200, 0.3, true)])).toBeCloseTo(0.1);
  });
});
