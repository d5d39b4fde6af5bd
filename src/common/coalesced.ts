/**
 * Reads asked for in the same turn of the event loop share one read of all
 * their keys: the jobs of one fetch start side by side (see Jobs), so eight
 * messages make one query instead of eight. Each caller gets, in the order
 * `readAll` returned them, the rows of its own keys; if the shared read
 * fails, every caller of it gets the error.
 */
export function coalesced<K, R>(readAll: (keys: K[]) => Promise<R[]>, keyOf: (row: R) => K): (keys: K[]) => Promise<R[]> {
  let waiting: { keys: K[]; resolve: (rows: R[]) => void; reject: (error: unknown) => void }[] | null = null;

  const flush = async (): Promise<void> => {
    const callers = waiting!;
    waiting = null;
    try {
      const rows = await readAll([...new Set(callers.flatMap((caller) => caller.keys))]);
      for (const caller of callers) {
        const own = new Set(caller.keys);
        caller.resolve(rows.filter((row) => own.has(keyOf(row))));
      }
    } catch (error) {
      for (const caller of callers) caller.reject(error);
    }
  };

  return (keys) =>
    new Promise<R[]>((resolve, reject) => {
      if (waiting === null) {
        waiting = [];
        process.nextTick(() => void flush());
      }
      waiting.push({ keys, resolve, reject });
    });
}
