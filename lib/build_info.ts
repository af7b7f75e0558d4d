/**
 * Facts stamped in by scripts/build.ts when it compiles a release binary; a source checkout reports
 * "dev". Kept apart from version.ts so that stamping never touches the version constant.
 */
export const BUILD_INFO = {
  commit: "dev",
  date: "",
  target: "",
} as const;
