/**
 * What SQLite and the file system say when the conversation store cannot be used (a damaged or
 * truncated storage.db, a directory in its place, a read-only kodelet directory, a full disk), turned
 * into one line that names the file and says what to do. Nothing is deleted or moved for the user:
 * a damaged database may still be recoverable with the sqlite3 tool.
 */
import { basename, dirname } from "node:path";
import { UserFacingError } from "../errors.ts";

/** The store's failures: one line, exit code 1. */
export class StorageError extends UserFacingError {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The advice for a failure, from SQLite's and the OS's wording. */
function advice(path: string, reason: string): string {
  const name = basename(path);
  if (/not a database|malformed|corrupt|NOTADB|CORRUPT|disk image/i.test(reason)) {
    return `it is damaged: move it aside (mv ${path} ${path}.broken) and kodelet starts a new one; ` +
      `the old file may be recoverable with "sqlite3 ${name}.broken .recover"`;
  }
  if (/is a directory|EISDIR/i.test(reason)) {
    return `something else is in its place: move ${path} aside`;
  }
  if (/full|no space left|ENOSPC|SQLITE_FULL/i.test(reason)) {
    return `the disk is full: free some space on the disk that holds ${dirname(path)}`;
  }
  if (/readonly|read-only|permission denied|EACCES|EPERM|EROFS/i.test(reason)) {
    return `kodelet cannot write there: check the permissions of ${dirname(path)} and ${name} ` +
      `(or point KODELET_BASE_PATH elsewhere)`;
  }
  if (/unable to open/i.test(reason)) {
    return `check that ${
      dirname(path)
    } exists and is a writable directory (or point KODELET_BASE_PATH elsewhere)`;
  }
  return "check the file and its directory";
}

/** The one-line error for a failure with the store at path while doing `what`. */
export function storageError(path: string, what: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const reason = messageOf(error).split("\n")[0] ?? "";
  return new StorageError(`Cannot ${what} ${path}: ${reason}; ${advice(path, reason)}`, 1, { cause: error });
}
