/** "20250102T100000123Z": sorts like the time it stands for, and is a valid file name on every OS. */
export function fileStamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, "");
}
