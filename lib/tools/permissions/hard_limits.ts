/**
 * The limits that hold in every mode, yolo included: no writes outside the working directory and
 * the system temp directory, no web_fetch to loopback, link-local (cloud metadata) or private
 * addresses unless a rule names the host, and none of the catastrophic commands.
 */
import ipaddr from "ipaddr.js";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { ParsedCommand } from "./bash_parts.ts";
import { catastrophicReason, isHarmlessDevice } from "./catastrophic.ts";

/** A refusal by a hard limit: a fixed word for the span, and the reason for the model. */
export interface HardLimit {
  limit: "outside_workdir" | "private_network" | "catastrophic_command";
  reason: string;
}

/** Looks up the addresses of a host name; tests pass their own. */
export type HostResolver = (host: string) => Promise<string[]>;

/** The system's resolver: A and AAAA records; a name that does not resolve has no addresses. */
export const resolveHost: HostResolver = async (host) => {
  const lookups = await Promise.allSettled([Deno.resolveDns(host, "A"), Deno.resolveDns(host, "AAAA")]);
  return lookups.flatMap((lookup) => (lookup.status === "fulfilled" ? lookup.value : []));
};

/** The path with symlinks of its existing part resolved, so a link inside cwd cannot point outside. */
async function realPathOf(path: string): Promise<string> {
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = await Deno.realPath(existing);
      return rest.length === 0 ? real : join(real, ...rest.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return path;
      rest.push(existing.slice(parent.length).replace(/^[/\\]+/, ""));
      existing = parent;
    }
  }
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** Whether an absolute path is inside one of the roots (after following symlinks on both sides). */
export async function isInsideRoots(path: string, roots: readonly string[]): Promise<boolean> {
  const real = await realPathOf(resolve(path));
  for (const root of roots) {
    if (isInside(real, await realPathOf(resolve(root)))) return true;
  }
  return false;
}

/** Refuses a file change outside the working directory and the temp directory. */
export async function writeLimit(path: string, cwd: string, tmpDir: string): Promise<HardLimit | undefined> {
  if (await isInsideRoots(path, [cwd, tmpDir])) return undefined;
  return {
    limit: "outside_workdir",
    reason: `${path} is outside the working directory (${cwd}) and the temp directory (${tmpDir}); ` +
      "kodelet never writes there, in any mode",
  };
}

/** Refuses a command line that is catastrophic or redirects output outside the allowed directories. */
export async function commandLimit(
  parsed: ParsedCommand,
  command: string,
  places: { cwd: string; tmpDir: string; home: string },
): Promise<HardLimit | undefined> {
  const catastrophe = catastrophicReason(parsed, command, places.home);
  if (catastrophe) {
    return { limit: "catastrophic_command", reason: `${catastrophe} is never run by kodelet, in any mode` };
  }
  for (const write of parsed.writes) {
    if (write.target === undefined || isHarmlessDevice(write.target)) continue;
    const target = write.target.replace(/^~(?=\/|$)/, places.home);
    const limit = await writeLimit(resolve(places.cwd, target), places.cwd, places.tmpDir);
    if (limit) return { ...limit, reason: `the redirection "${write.text}": ${limit.reason}` };
  }
  return undefined;
}

/** Address ranges web_fetch stays out of: the machine itself, its link and the private networks. */
const PRIVATE_RANGES = new Set([
  "loopback",
  "linkLocal",
  "private",
  "uniqueLocal",
  "unspecified",
  "carrierGradeNat",
]);

/** Whether an IP address is loopback, link-local (169.254/16, fe80::/10) or private. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  if (!ipaddr.isValid(bare)) return false;
  return PRIVATE_RANGES.has(ipaddr.process(bare).range());
}

/**
 * Refuses a URL whose host is, or resolves to, a loopback, link-local or private address. A host
 * that does not resolve is let through: the fetch will fail on its own.
 */
export async function networkLimit(host: string, resolver: HostResolver): Promise<HardLimit | undefined> {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  let addresses: string[];
  if (ipaddr.isValid(name)) addresses = [name];
  else if (name === "localhost" || name.endsWith(".localhost")) addresses = ["127.0.0.1"];
  else addresses = await resolver(name).catch(() => []);
  const hit = addresses.find(isPrivateAddress);
  if (hit === undefined) return undefined;
  return {
    limit: "private_network",
    reason: `${host} is a loopback, link-local or private address (${hit}); kodelet fetches it only when ` +
      `a rule names that host: --allow 'web_fetch(domain:${name})'`,
  };
}
