/**
 * The only error the binary decoder throws (or rejects with) on malformed input.
 *
 * @example
 * try { decodeBatchSync(bytes); } catch (e) { if (e instanceof ProtocolError) console.log(e.offset, e.message); }
 */
export class ProtocolError extends Error {
  /**
   * Byte offset of the fault, counted as if the body were uncompressed: the
   * 4 header bytes, then payload bytes after inflation (docs/protocol.md §4).
   */
  readonly offset: number;

  /** @param offset where the fault is; @param reason what is wrong, without the offset. */
  constructor(offset: number, reason: string) {
    super(`pagepace protocol: at byte ${offset}: ${reason}`);
    this.name = 'ProtocolError';
    this.offset = offset;
  }
}
