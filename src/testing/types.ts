/** One run of a page: flat metrics by name, plus pagepace's own stats when the page runs it. */
export interface RunResult {
  /** 0-based run number. */
  run: number;
  /**
   * Metrics by name. Vitals `LCP`, `FCP`, `TTFB`, `INP` (ms) and `CLS`; `TBT` (total blocking
   * time after FCP, ms), `longTasks` (count), `longTaskMs`; `transferBytes`, `requests`; and the
   * navigation phases `nav.redirect`, `nav.dns`, `nav.connect`, `nav.tls`, `nav.request`,
   * `nav.response`, `nav.dom` (ms). A metric the page did not produce is absent.
   */
  metrics: Record<string, number>;
  /** `PagePace.instance.stats()` at the end of the run, when the page uses pagepace's script tag. */
  pagepace?: Record<string, unknown>;
}

/** What `measure` returns: plain data, JSON-serialisable, usable as a baseline. */
export interface Results {
  url: string;
  /** The throttling profile's name(s), or `none`. */
  profile: string;
  /** ISO date of the measurement. */
  at: string;
  runs: RunResult[];
}
