/**
 * "Did you mean ...?" for a mistyped command, flag or configuration key: the nearest known name by
 * edit distance (fastest-levenshtein), offered only when it is close enough to be a plausible typo.
 */
import { distance } from "fastest-levenshtein";

/** The known name nearest to `input`, or undefined when none is close enough to be a typo. */
export function nearest(input: string, known: Iterable<string>): string | undefined {
  const typed = input.toLowerCase();
  // One edit per three characters typed (rounded up, at most three): "rn" finds "run", "modle" "model"
  // (a swap is two edits), "xyz" nothing.
  const allowed = Math.min(3, Math.ceil(typed.length / 3));
  let best: { name: string; cost: number } | undefined;
  for (const name of known) {
    const cost = distance(typed, name.toLowerCase());
    if (cost <= allowed && (!best || cost < best.cost)) best = { name, cost };
  }
  return best?.name;
}
