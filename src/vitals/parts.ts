/**
 * The parts web-vitals' attribution build splits a vital into (they sum to its value), as
 * `attribution.<part>` attrs: LCP = time to first byte + resource load delay + resource load
 * duration + element render delay; INP = input delay + processing duration + presentation delay.
 * `summary()` has an entry per part under these names, and budgets may name them.
 */
export const PARTS: readonly string[] =
  'LCP.timeToFirstByte LCP.resourceLoadDelay LCP.resourceLoadDuration LCP.elementRenderDelay INP.inputDelay INP.processingDuration INP.presentationDelay'.split(' ');

/** A vital's parts that its attrs carry, as [`LCP.timeToFirstByte`, value] pairs; none for other kinds. */
export function partsOf(e: { kind: string; name: string; attrs?: Readonly<Record<string, unknown>> }): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const p of PARTS) {
    const v = e.kind == 'vital' && p.startsWith(`${e.name}.`) && e.attrs?.[`attribution${p.slice(3)}`];
    if (typeof v == 'number') out.push([p, v]);
  }
  return out;
}
