/** The one version constant: the CLI, the resource's service.version and the release tags read it. */
export const VERSION = "0.1.0";
