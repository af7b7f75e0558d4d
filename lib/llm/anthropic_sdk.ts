/**
 * The official Anthropic SDK's client with the Messages API only. The full `Anthropic` class also
 * builds the beta, files, models, skills and organization resources that kodelet never calls; the
 * bundle the binary runs leaves them out (the SDK is side-effect free), which is two thirds of the
 * SDK's code to load. Requests, retries, errors and streaming are the SDK's own (BaseAnthropic).
 */
import { BaseAnthropic } from "@anthropic-ai/sdk/client";
import { Messages } from "@anthropic-ai/sdk/resources/messages/messages";

/** An Anthropic client that speaks the Messages API. */
export class AnthropicMessagesClient extends BaseAnthropic {
  readonly messages: Messages = new Messages(this);
}
