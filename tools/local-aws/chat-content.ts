/**
 * Connect's limit on the content of a `text/plain` or `text/markdown` chat
 * message: 1 to 1,024 characters (the participant service's SendMessage,
 * Connect's ChatMessage; SendChatIntegrationEvent's ChatEvent.Content
 * refers to SendMessage's rules):
 * https://docs.aws.amazon.com/connect-participant/latest/APIReference/API_SendMessage.html
 * https://docs.aws.amazon.com/connect/latest/APIReference/API_ChatMessage.html
 * https://docs.aws.amazon.com/connect/latest/APIReference/API_ChatEvent.html
 */
export const MAX_CHAT_TEXT_LENGTH = 1024;

const TEXT_TYPES = ['text/plain', 'text/markdown'];

/**
 * Why Connect would refuse this chat message content, or `undefined` if it
 * would take it. AWS does not say whether its "characters" are UTF-16 code
 * units or code points; the stand-ins count code units, the stricter of
 * the two, so a bridge that passes here passes either way.
 */
export const chatTextProblem = (
  contentType: unknown,
  content: unknown
): string | undefined => {
  if (typeof content !== 'string' || content === '') {
    return 'Content is required';
  }
  if (
    TEXT_TYPES.includes(String(contentType)) &&
    content.length > MAX_CHAT_TEXT_LENGTH
  ) {
    return `Content of type ${String(contentType)} must be at most ${MAX_CHAT_TEXT_LENGTH} characters`;
  }
  return undefined;
};
