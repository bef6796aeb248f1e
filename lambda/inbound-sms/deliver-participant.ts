import {
  type ConnectClient,
  StartChatContactCommand,
  StartContactStreamingCommand,
} from '@aws-sdk/client-connect';
import {
  type ConnectParticipantClient,
  CreateParticipantConnectionCommand,
  SendMessageCommand,
} from '@aws-sdk/client-connectparticipant';
import { maskPhoneNumber } from '../shared/mask';
import { UndeliverableError } from '../shared/undeliverable';
import { disconnectCustomer, forgetChat } from './chat-ending';
import { classifyChatError, isChatGone } from './chat-failures';
import {
  type ChatMessagePart,
  connectionRequest,
  messageParts,
  sendMessageRequest,
  startChatRequest,
  streamingRequests,
} from './chat-requests';
import type { Deliver, Delivered } from './delivery';
import type { ParticipantConfig } from './participant-config';
import type { InboundSms } from './schema';
import {
  CHAT_LIFETIME_SECONDS,
  type Session,
  type SessionStore,
  STALE_CLAIM_MS,
  sessionKeyOf,
} from './session-store';
import { chatMessageParts, type SendParts } from './text-parts';

export interface ParticipantDeliveryDependencies {
  readonly connect: ConnectClient;
  readonly participant: ConnectParticipantClient;
  readonly sessions: SessionStore;
  readonly config: ParticipantConfig;
  readonly logger: {
    info(message: string, fields: Record<string, unknown>): void;
  };
  /** Sends a long text's parts, each once across retries. */
  readonly sendParts: SendParts;
  /** How long to wait between looks at a chat another text is opening. */
  readonly pollIntervalMs?: number;
  /** How many looks before giving up (the queue then redelivers the text). */
  readonly maxPolls?: number;
}

/** Another invocation is still opening this customer's chat. */
export class ChatStartingElsewhereError extends Error {
  constructor() {
    super("another text is still opening this customer's chat");
    this.name = 'ChatStartingElsewhereError';
  }
}

/** What one text needs to know about its chat. */
interface Target {
  readonly sms: InboundSms;
  readonly sessionKey: string;
  readonly phoneNumberArn: string;
  readonly contactFlowId: string;
}

/**
 * Delivers with Connect's public chat APIs: the first text of a customer
 * starts a chat (`StartChatContact`, streaming, a participant connection),
 * later texts go to it with the participant `SendMessage`. A text over
 * Connect's chat message limit goes as ordered parts, the first of which
 * may start the chat; each part is sent once across retries. An opt-out
 * keyword ends the chat and never starts one.
 */
export const deliverByParticipant = (
  deps: ParticipantDeliveryDependencies
): Deliver => {
  const pollIntervalMs = deps.pollIntervalMs ?? 250;
  const maxPolls = deps.maxPolls ?? 12;

  /** The session, once no other invocation is busy opening it. */
  const settledSession = async (
    sessionKey: string
  ): Promise<Session | undefined> => {
    for (let poll = 0; ; poll++) {
      const session = await deps.sessions.getSession(sessionKey);
      const opening =
        session?.state === 'starting' &&
        Date.now() - session.claimedAt < STALE_CLAIM_MS;
      if (!opening) return session;
      if (poll >= maxPolls) throw new ChatStartingElsewhereError();
      await sleep(pollIntervalMs);
    }
  };

  const startChat = async (
    target: Target,
    part: ChatMessagePart
  ): Promise<Delivered> => {
    const { sms, sessionKey } = target;
    const claimant = sms.inboundMessageId;
    try {
      const started = await deps.connect.send(
        new StartChatContactCommand(
          startChatRequest(sms, part, target.contactFlowId, deps.config)
        )
      );
      const contactId = required(started.ContactId, 'ContactId');
      const participantToken = required(
        started.ParticipantToken,
        'ParticipantToken'
      );
      const chatEnds = Math.floor(Date.now() / 1000) + CHAT_LIFETIME_SECONDS;
      await deps.sessions.saveContact(
        {
          contactId,
          sessionKey,
          customerNumber: sms.originationNumber,
          replyFromArn: target.phoneNumberArn,
        },
        chatEnds
      );
      // The part's token, not the claimant's: a later part that opens a
      // new chat must not get the streams of the chat an earlier one did.
      for (const request of streamingRequests(
        contactId,
        part.clientToken,
        deps.config
      )) {
        await deps.connect.send(new StartContactStreamingCommand(request));
      }
      const connection = await deps.participant.send(
        new CreateParticipantConnectionCommand(
          connectionRequest(participantToken)
        )
      );
      const credentials = connection.ConnectionCredentials;
      const tokenExpires = Date.parse(credentials?.Expiry ?? '') / 1000;
      const activated = await deps.sessions.activate(sessionKey, claimant, {
        contactId,
        connectionToken: required(
          credentials?.ConnectionToken,
          'ConnectionToken'
        ),
        expiresAt: Number.isFinite(tokenExpires)
          ? Math.min(Math.floor(tokenExpires), chatEnds)
          : chatEnds,
      });
      if (!activated) {
        throw new Error('the claim on the session was taken over');
      }
      return { eventType: 'MESSAGE', contactId, newChat: true };
    } catch (error) {
      await deps.sessions.release(sessionKey, claimant);
      throw classifyChatError(error);
    }
  };

  const sendPart = async (
    target: Target,
    part: ChatMessagePart
  ): Promise<Delivered> => {
    // Bounded: each pass either delivers, or found the chat over and
    // removed it, or lost a race to open the next one.
    for (let pass = 0; pass < 3; pass++) {
      const session = await settledSession(target.sessionKey);
      if (session?.state === 'active') {
        const sent = await deps.participant
          .send(
            new SendMessageCommand(
              sendMessageRequest(session.connectionToken, part)
            )
          )
          .then(
            () => true,
            (error: unknown) => {
              if (isChatGone(error)) return false;
              throw classifyChatError(error);
            }
          );
        if (sent) {
          return {
            eventType: 'MESSAGE',
            contactId: session.contactId,
            newChat: false,
          };
        }
        deps.logger.info('The chat is over; the text opens a new one', {
          inboundMessageId: target.sms.inboundMessageId,
          previousContactId: session.contactId,
        });
        await forgetChat(
          deps.sessions,
          { sessionKey: target.sessionKey, contactId: session.contactId },
          false
        );
        continue;
      }
      if (
        await deps.sessions.claim(
          target.sessionKey,
          target.sms.inboundMessageId
        )
      ) {
        return startChat(target, part);
      }
    }
    throw new ChatStartingElsewhereError();
  };

  const endChat = async (target: Target): Promise<Delivered> => {
    const session = await settledSession(target.sessionKey);
    if (session?.state !== 'active') {
      return { eventType: 'DISCONNECT', newChat: false };
    }
    await disconnectCustomer(
      deps,
      { sessionKey: target.sessionKey, ...session },
      { clientToken: target.sms.inboundMessageId, optedOut: true }
    );
    return {
      eventType: 'DISCONNECT',
      contactId: session.contactId,
      newChat: false,
    };
  };

  return async (sms) => {
    const phoneNumberArn = deps.config.phoneNumberArns.get(
      sms.destinationNumber
    );
    const contactFlowId = deps.config.contactFlowIds.get(sms.destinationNumber);
    if (phoneNumberArn === undefined || contactFlowId === undefined) {
      throw new UndeliverableError(
        'unknown-destination',
        `no phone-number ARN or contact flow is configured for ${maskPhoneNumber(sms.destinationNumber)}`
      );
    }
    const target: Target = {
      sms,
      sessionKey: sessionKeyOf({
        customerNumber: sms.originationNumber,
        bridgeNumber: sms.destinationNumber,
        subtype: deps.config.subtype,
      }),
      phoneNumberArn,
      contactFlowId,
    };
    if (deps.config.isOptOut(sms.messageBody)) return endChat(target);
    if (sms.messageBody.trim() === '') {
      throw new UndeliverableError('empty-body', 'messageBody is empty');
    }
    const { inboundMessageId } = sms;
    const parts = messageParts(
      inboundMessageId,
      chatMessageParts(sms.messageBody)
    );
    const sent = await deps.sendParts(inboundMessageId, parts, (part) =>
      sendPart(target, part)
    );
    const last = sent.at(-1);
    return {
      eventType: 'MESSAGE',
      ...(last?.contactId === undefined ? {} : { contactId: last.contactId }),
      newChat: sent.some((part) => part.newChat),
      ...(parts.length > 1 ? { parts: parts.length } : {}),
    };
  };
};

const required = (value: string | undefined, name: string): string => {
  if (!value) throw new Error(`Amazon Connect returned no ${name}`);
  return value;
};

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));
