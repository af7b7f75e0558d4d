/** server.address and server.port of a base URL, for the chat span. */
export function serverOf(baseUrl: string): { address: string; port: number } {
  const url = new URL(baseUrl);
  const port = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { address: url.hostname, port };
}
