/** The resource attributes that describe this kodelet process (service, host, OS, runtime). */
import type { TracingConfig } from "../config/mod.ts";
import { VERSION } from "../version.ts";
import { PROCESS, RESOURCE } from "./attributes.ts";

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
    [RESOURCE.OS_TYPE]: Deno.build.os,
    [RESOURCE.HOST_ARCH]: Deno.build.arch,
    [PROCESS.PID]: Deno.pid,
    [PROCESS.EXECUTABLE_NAME]: executableName(),
    [PROCESS.RUNTIME_NAME]: "deno",
    [PROCESS.RUNTIME_VERSION]: Deno.version.deno,
    [RESOURCE.TELEMETRY_SDK_LANGUAGE]: "js",
  };
  const hostName = tryRead(() => Deno.hostname());
  if (hostName !== undefined) detected[RESOURCE.HOST_NAME] = hostName;
  const osVersion = tryRead(() => Deno.osRelease());
  if (osVersion !== undefined) detected[RESOURCE.OS_VERSION] = osVersion;
  return {
    ...detected,
    ...config.resourceAttributes,
    [RESOURCE.SERVICE_NAME]: config.serviceName,
    [RESOURCE.SERVICE_VERSION]: VERSION,
  };
}
