/** A Grafana Cloud-like OTLP gateway for end-to-end tests: path prefix /otlp and Basic auth. */
import { type OtlpReceiver, type OtlpReceiverOptions, startOtlpReceiver } from "../support/otlp_receiver.ts";

export const USER = "123456";
// Chosen so that its base64 contains "+", which form-decoding would turn into a space.
export const PASSWORD = "s3cr3t>>?";
/** base64("123456:s3cr3t>>?") = "MTIzNDU2OnMzY3IzdD4+Pw==". */
export const CREDENTIAL = btoa(`${USER}:${PASSWORD}`);
/** The Authorization header the gateway expects, exactly. */
export const AUTHORIZATION = `Basic ${CREDENTIAL}`;

if (!CREDENTIAL.includes("+")) throw new Error("the test credential must contain a + to be worth anything");

/** Starts a gateway; `fault` etc. may be added. */
export function startGateway(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  return startOtlpReceiver({
    pathPrefix: "/otlp",
    basicAuth: { user: USER, password: PASSWORD },
    ...options,
  });
}

/** The two variables Grafana Cloud's docs tell a user to set, pointing at `endpoint`. */
export function grafanaEnv(endpoint: string): Record<string, string> {
  // As Grafana documents it: the space percent-encoded, the base64 left as it is (with its "+").
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Basic%20${CREDENTIAL}`,
  };
}
