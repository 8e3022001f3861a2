import type { Reader } from './reader';

/**
 * A running count of characters the decoder builds or hands out, checked as it
 * grows: a small input that describes huge strings (one template rebuilt by
 * thousands of entries, one long string named by thousands of attributes) is
 * refused once the count passes the limit, before the rest is built.
 */
export class CharBudget {
  /** Characters charged so far. */
  used = 0;

  /**
   * @param limit the most characters allowed
   * @param what how the error names the limit, e.g. `decoded batch`
   * @param reason the tail of the error message, e.g. `exceeds the limit of 100 characters`
   */
  constructor(
    readonly limit: number,
    private readonly what: string,
    private readonly reason: (limit: number) => string,
  ) {}

  /** Adds `n` characters; throws a ProtocolError at `at` when the total passes the limit. */
  charge(r: Reader, n: number, at: number): void {
    this.used += n;
    if (this.used > this.limit) r.fail(`${this.what} ${this.reason(this.limit)}`, at);
  }
}
