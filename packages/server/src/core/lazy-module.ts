/**
 * A library loaded on first use instead of at start. For the heavy ones that
 * only a few requests need (spreadsheets, image decoding): each costs 10–30 MB
 * of resident memory once loaded, which an idle server should not carry.
 */
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((err: unknown) => {
      // A failed load (a missing native part) is tried again by the next caller.
      loading = undefined;
      throw err;
    });
    return loading;
  };
}
