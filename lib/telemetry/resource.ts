/** The resource attributes that describe this kodelet process (service, host, OS, runtime). */
import type { TracingConfig } from "../config/mod.ts";
import { VERSION } from "../version.ts";

/** Reads a host fact that needs --allow-sys; a missing permission just leaves the attribute out. */
function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** The executable's base name: "kodelet" for the compiled binary, "deno" under `deno run`. */
export function executableName(): string {
  return Deno.execPath().split(/[\\/]/).pop() ?? "kodelet";
}

/** Resource attributes: detected facts, then OTEL_RESOURCE_ATTRIBUTES, then service name and version. */
export function resourceAttributes(config: TracingConfig): Record<string, string | number> {
  const detected: Record<string, string | number> = {
    "os.type": Deno.build.os,
    "host.arch": Deno.build.arch,
    "process.pid": Deno.pid,
    "process.executable.name": executableName(),
    "process.runtime.name": "deno",
    "process.runtime.version": Deno.version.deno,
    "telemetry.sdk.language": "js",
  };
  const hostName = tryRead(() => Deno.hostname());
  if (hostName !== undefined) detected["host.name"] = hostName;
  const osVersion = tryRead(() => Deno.osRelease());
  if (osVersion !== undefined) detected["os.version"] = osVersion;
  return {
    ...detected,
    ...config.resourceAttributes,
    "service.name": config.serviceName,
    "service.version": VERSION,
  };
}
