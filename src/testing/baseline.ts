import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Results } from './types';

/** Saves results as JSON (creating folders), to compare later runs against. */
export async function saveBaseline(file: string, results: Results): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(results, null, 2) + '\n');
}

/** Loads results saved by {@link saveBaseline}; `undefined` when the file does not exist yet. */
export async function loadBaseline(file: string): Promise<Results | undefined> {
  try {
    const r = JSON.parse(await readFile(file, 'utf8')) as Results;
    if (!r || !Array.isArray(r.runs)) throw new Error(`pagepace/playwright: ${file} is not a baseline saved by saveBaseline`);
    return r;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
