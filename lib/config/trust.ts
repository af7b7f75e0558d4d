/**
 * Trusted project directories: a repository's ./kodelet-config.yaml may set keys that redirect
 * credentials, data or files (endpoints, base URLs, headers, file paths) only when the user trusted
 * that directory. The list lives in the user's kodelet directory (never in the project), in a file
 * only the user can read or write, so that a project cannot trust itself.
 */
import { dirname, join, resolve } from "node:path";
import { UserFacingError } from "../errors.ts";

/** The file that lists the trusted directories, inside the user's kodelet directory. */
export const TRUST_FILE_NAME = "trusted_projects.json";

interface TrustFile {
  version: 1;
  directories: string[];
}

/** The trust file of a kodelet directory (~/.kodelet unless KODELET_BASE_PATH says otherwise). */
export function trustFilePath(kodeletDir: string): string {
  return join(kodeletDir, TRUST_FILE_NAME);
}

/** A directory's canonical name: symlinks resolved, so two paths to one directory are one entry. */
export async function canonicalDirectory(dir: string): Promise<string> {
  const absolute = resolve(dir);
  try {
    return await Deno.realPath(absolute);
  } catch {
    return absolute;
  }
}

/** The trusted directories; an absent file means none, a broken one is reported. */
export async function readTrustedDirectories(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new UserFacingError(`Cannot read ${file}: ${reason(error)}`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<TrustFile>;
    if (!Array.isArray(parsed.directories)) throw new Error("no directories list");
    return parsed.directories.filter((item): item is string => typeof item === "string");
  } catch (error) {
    throw new UserFacingError(
      `Cannot read ${file}: ${reason(error)} (fix it, or delete it and trust your projects again)`,
    );
  }
}

/** Whether a directory is trusted. */
export async function isTrusted(file: string, dir: string): Promise<boolean> {
  const canonical = await canonicalDirectory(dir);
  return (await readTrustedDirectories(file)).includes(canonical);
}

async function writeTrusted(file: string, directories: string[]): Promise<void> {
  const body: TrustFile = { version: 1, directories: [...new Set(directories)].sort() };
  try {
    await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
    // Written beside the file and renamed over it: a crash never leaves half a list.
    const temporary = `${file}.${Deno.pid}.tmp`;
    await Deno.writeTextFile(temporary, JSON.stringify(body, null, 2) + "\n", { mode: 0o600 });
    await Deno.chmod(temporary, 0o600);
    await Deno.rename(temporary, file);
  } catch (error) {
    throw new UserFacingError(`Cannot write ${file}: ${reason(error)}`);
  }
}

/** Trusts a directory; returns its canonical name. */
export async function trustDirectory(file: string, dir: string): Promise<string> {
  const canonical = await canonicalDirectory(dir);
  const current = await readTrustedDirectories(file);
  if (!current.includes(canonical)) await writeTrusted(file, [...current, canonical]);
  return canonical;
}

/** Revokes trust in a directory; returns its canonical name and whether it was trusted. */
export async function revokeDirectory(file: string, dir: string): Promise<{ dir: string; was: boolean }> {
  const canonical = await canonicalDirectory(dir);
  // A directory that no longer exists cannot be resolved: match the name as the list has it, too.
  const names = new Set([canonical, resolve(dir)]);
  const current = await readTrustedDirectories(file);
  const kept = current.filter((item) => !names.has(item));
  if (kept.length !== current.length) await writeTrusted(file, kept);
  return { dir: canonical, was: kept.length !== current.length };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
