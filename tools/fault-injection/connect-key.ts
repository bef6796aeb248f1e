/**
 * What identifies one inbound SMS in a `SendChatIntegrationEvent` request:
 * the text itself (each generated text is unique), or for a disconnect,
 * the chat it ends (each customer opts out at most once). The request
 * carries no `inboundMessageId`, so this is how Connect's accepted events
 * are counted per message.
 */
export const connectKeyOfRequest = (request: unknown): string => {
  const body = request as {
    SourceId?: unknown;
    DestinationId?: unknown;
    Event?: { Type?: unknown; Content?: unknown };
  } | null;
  if (body?.Event?.Type === 'DISCONNECT') {
    return disconnectKey(String(body.SourceId), String(body.DestinationId));
  }
  return messageKey(String(body?.Event?.Content));
};

export const messageKey = (content: string): string => `MESSAGE ${content}`;

export const disconnectKey = (customer: string, destinationId: string) =>
  `DISCONNECT ${customer} ${destinationId}`;
