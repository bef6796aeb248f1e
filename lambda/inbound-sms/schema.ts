import { en } from 'zod/locales';
import {
  catch as catchValue,
  config,
  type infer as Infer,
  object,
  optional,
  refine,
  regex,
  string,
} from 'zod/mini';
import { E164 } from '../shared/settings';

// zod/mini through named imports: esbuild keeps only what these schemas
// use, where `zod` bundles all of it (a third of the bundle, parsed at every
// cold start). zod/mini loads no messages itself: English, as `zod` does.
config(en());

/**
 * The most a text may hold. Not Connect's limit any more (it takes chat
 * text in parts of at most 1,024 characters, see `text-parts.ts`): a bound
 * on what one payload can make the bridge send, about 16 parts. An SMS
 * stays far below it (1,600 characters, at most 6,400 bytes); a bigger body
 * is not one, and goes to the dead-letter queue as `invalid-payload`.
 */
export const MAX_BODY_BYTES = 16_384;

/** End User Messaging sends UUIDs; this allows more, but no "+" or spaces. */
export const INBOUND_MESSAGE_ID = /^[\w.:/=-]{1,256}$/;

const phoneNumber = string().check(regex(E164, 'must be an E.164 number'));

/** Unused by the bridge: a malformed one is dropped, not the whole text. */
const unused = catchValue(optional(string()), undefined);

/**
 * The inbound SMS that End User Messaging publishes to the two-way topic.
 * Unknown fields are dropped; `messageKeyword` is not trusted for opt-out
 * detection (see `keyword-match.ts`), so it is only kept for completeness.
 */
export const InboundSmsSchema = object({
  originationNumber: phoneNumber,
  destinationNumber: phoneNumber,
  messageBody: string().check(
    refine((body: string) => body.isWellFormed(), 'must be well-formed UTF-16'),
    refine(
      (body: string) => Buffer.byteLength(body, 'utf8') <= MAX_BODY_BYTES,
      `must be at most ${MAX_BODY_BYTES} UTF-8 bytes`
    )
  ),
  // Logged and used as a token: an id's characters only, so a payload can
  // never pass a phone number or text into logs through it.
  inboundMessageId: string().check(
    regex(INBOUND_MESSAGE_ID, 'must be an id (letters, digits, _ - . : / =)')
  ),
  messageKeyword: unused,
  previousPublishedMessageId: unused,
});

export type InboundSms = Infer<typeof InboundSmsSchema>;
