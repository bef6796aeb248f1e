import type { SendChatIntegrationEventCommandInput } from '@aws-sdk/client-connect';

/**
 * Every documented constraint of a `SendChatIntegrationEvent` request
 * (domain.md section 4.2), checked on what the mapping built. Returns the
 * broken ones, so a failing test says which.
 */
export const chatIntegrationEventViolations = (
  request: SendChatIntegrationEventCommandInput
): string[] => {
  const violations: string[] = [];
  const check = (ok: boolean, rule: string) => {
    if (!ok) violations.push(rule);
  };
  const { Event: event, NewSessionDetails: session } = request;

  check(isLength(request.SourceId, 1, 255), 'SourceId is 1-255 characters');
  check(
    isLength(request.DestinationId, 1, 255),
    'DestinationId is 1-255 characters'
  );
  check(
    request.Subtype === undefined || isLength(request.Subtype, 1, 100),
    'Subtype is 1-100 characters'
  );
  check(event !== undefined, 'Event is present');
  check(
    ['DISCONNECT', 'MESSAGE', 'EVENT'].includes(String(event?.Type)),
    'Event.Type is DISCONNECT, MESSAGE or EVENT'
  );
  if (event?.Type === 'MESSAGE' || event?.Type === 'EVENT') {
    check(
      isLength(event.ContentType, 1, 100),
      'Event.ContentType is 1-100 characters for MESSAGE and EVENT'
    );
  }
  if (event?.Type === 'MESSAGE') {
    check(
      isLength(event.Content, 1, 16_384) &&
        Buffer.byteLength(event.Content ?? '', 'utf8') <= 16_384,
      'Event.Content is 1-16,384 characters (and UTF-8 bytes) for MESSAGE'
    );
    check(
      event.Content?.isWellFormed() === true,
      'Event.Content is well-formed UTF-16'
    );
    if (['text/plain', 'text/markdown'].includes(String(event.ContentType))) {
      check(
        isLength(event.Content, 1, 1024),
        'Event.Content is 1-1,024 characters for text/plain and text/markdown (SendMessage)'
      );
    }
  }
  if (event?.Content !== undefined) {
    check(
      isLength(event.Content, 1, 16_384),
      'Event.Content is 1-16,384 characters'
    );
  }
  if (session === undefined) return violations;

  const types = session.SupportedMessagingContentTypes;
  if (types !== undefined) {
    check(
      types.every((type) => isLength(type, 1, 100)),
      'SupportedMessagingContentTypes entries are 1-100 characters'
    );
    check(
      types.includes('text/plain'),
      'SupportedMessagingContentTypes contains text/plain'
    );
  }
  if (session.ParticipantDetails !== undefined) {
    check(
      isLength(session.ParticipantDetails.DisplayName, 1, 256),
      'ParticipantDetails.DisplayName is 1-256 characters'
    );
  }
  if (session.Attributes !== undefined) {
    const entries = Object.entries(session.Attributes);
    check(
      entries.every(([key]) => /^[A-Za-z0-9_-]{1,32767}$/.test(key)),
      'Attributes keys are 1-32,767 letters, digits, "-" or "_"'
    );
    check(
      entries.every(
        ([, value]) => typeof value === 'string' && value.length <= 32_767
      ),
      'Attributes values are strings of at most 32,767 characters'
    );
    check(
      entries.reduce(
        (bytes, [key, value]) =>
          bytes + Buffer.byteLength(key) + Buffer.byteLength(value),
        0
      ) <= 32_768,
      'Attributes hold at most 32,768 UTF-8 bytes in all'
    );
  }
  if (session.StreamingConfiguration !== undefined) {
    check(
      isLength(session.StreamingConfiguration.StreamingEndpointArn, 1, 350),
      'StreamingConfiguration.StreamingEndpointArn is 1-350 characters'
    );
  }
  return violations;
};

/** Counted both in UTF-16 code units and in code points, the stricter wins. */
const isLength = (value: unknown, min: number, max: number): boolean =>
  typeof value === 'string' && [...value].length >= min && value.length <= max;
