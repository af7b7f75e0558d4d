/** Loading a provider SDK on demand, without an unhandled rejection when no request is ever made. */

/**
 * Starts `load()` now and returns its promise. A failure surfaces at the first request that awaits
 * the promise; until then it is held, not reported as an unhandled rejection that ends the process.
 */
export function loadSdk<T>(load: () => Promise<T>): Promise<T> {
  const loading = load();
  loading.catch(() => {});
  return loading;
}
