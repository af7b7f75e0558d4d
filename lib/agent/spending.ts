/**
 * The one record of what a session spent: every finished turn and every subagent run, in order. A
 * run's figure and the session's are two views of the same entries, so they cannot drift apart.
 */
import { addCost, addUsage, type Usage, zeroUsage } from "../llm/mod.ts";

/** Tokens and cost; the cost is unknown only when no request had a price. */
export interface Spent {
  usage: Usage;
  costUsd: number | undefined;
}

/** What a session spent, entry by entry. */
export class Spending {
  readonly #entries: Spent[] = [];

  /** Records what one turn or one subagent run cost. */
  add(usage: Usage, costUsd: number | undefined): void {
    this.#entries.push({ usage, costUsd });
  }

  /** A position in the record, to sum from later (the start of a run). */
  mark(): number {
    return this.#entries.length;
  }

  /** The sum of everything recorded since `mark` (0: the whole session). */
  since(mark: number): Spent {
    let usage = zeroUsage();
    let costUsd: number | undefined;
    for (const entry of this.#entries.slice(mark)) {
      usage = addUsage(usage, entry.usage);
      costUsd = addCost(costUsd, entry.costUsd);
    }
    return { usage, costUsd };
  }
}
