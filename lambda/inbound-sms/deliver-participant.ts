import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
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
import {
  type ConnectionDependencies,
  connectionExpiryOf,
  withConnection,
} from '../participant/chat-connection';
import { disconnectCustomer, forgetChat } from '../participant/chat-ending';
import { classifyChatError, isChatGone } from '../participant/chat-failures';
import {
  type ChatMessagePart,
  connectionRequest,
  sendMessageRequest,
} from '../participant/chat-requests';
import type { FlowMessageSender } from '../participant/flow-messages';
import {
  CHAT_LIFETIME_SECONDS,
  isBeingOpened,
  type Session,
  type SessionStore,
  type StartedSession,
  sessionKeyOf,
  startedChatConnection,
} from '../participant/session-store';
import { maskPhoneNumber } from '../shared/mask';
import { httpStatusOf, UndeliverableError } from '../shared/undeliverable';
import {
  messageParts,
  startChatRequest,
  streamingRequests,
} from './chat-start-requests';
import { type Deliver, type Delivered, markTextInChat } from './delivery';
import type { ParticipantConfig } from './participant-config';
import type { InboundSms } from './schema';
import { chatMessageParts, type SendParts } from './text-parts';

export interface ParticipantDeliveryDependencies {
  readonly connect: ConnectClient;
  readonly participant: ConnectParticipantClient;
  readonly sessions: SessionStore;
  readonly config: ParticipantConfig;
  readonly logger: {
    info(message: string, fields: Record<string, unknown>): void;
    warn(message: string, fields: Record<string, unknown>): void;
  };
  readonly metrics: Pick<Metrics, 'addMetric'>;
  /**
   * Texts what a new chat's flow said before streaming started; loaded
   * with the first new chat (`flow-messages.ts`).
   */
  readonly flowMessages: () => Promise<FlowMessageSender>;
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

/**
 * What one part of a text came to; kept as the part's marker, so JSON.
 */
interface PartDelivered extends Delivered {
  /** The flow ended the chat at once: later parts have no chat to go to. */
  readonly chatEndedByFlow?: boolean;
  /** Not sent: the flow ended the chat that an earlier part opened. */
  readonly notSent?: boolean;
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
  const connections: ConnectionDependencies = {
    participant: deps.participant,
    sessions: deps.sessions,
    onRenewed: (contactId, reason) => {
      deps.metrics.addMetric('ConnectionsRenewed', MetricUnit.Count, 1);
      deps.logger.info(
        'The connection was renewed with the participant token; the chat goes on',
        { contactId, reason }
      );
    },
  };

  /**
   * The session, once no other invocation is busy opening it. A claim of
   * `claimant` itself (its own earlier attempt) is not waited for.
   */
  const settledSession = async (
    sessionKey: string,
    claimant?: string
  ): Promise<Session | undefined> => {
    for (let poll = 0; ; poll++) {
      const session = await deps.sessions.getSession(sessionKey);
      if (!isBeingOpened(session, claimant)) return session;
      if (poll >= maxPolls) throw new ChatStartingElsewhereError();
      await sleep(pollIntervalMs);
    }
  };

  /**
   * The flow ended the chat before the customer could connect, or right
   * after: an outcome of the text, not a failure. The text is in the chat,
   * so it is acknowledged; the chat is forgotten and counted.
   */
  const chatEndedByFlow = async (
    target: Target,
    contactId: string,
    flowMessagesTexted: number
  ): Promise<PartDelivered> => {
    await forgetChat(
      deps.sessions,
      { sessionKey: target.sessionKey, contactId },
      false
    );
    deps.metrics.addMetric('ChatsEndedByFlow', MetricUnit.Count, 1);
    deps.logger.info(
      flowMessagesTexted > 0
        ? "The contact flow ended the chat at once; the customer got the flow's messages"
        : "The contact flow ended the chat at once; the flow's messages could not be read, so the customer got none",
      {
        inboundMessageId: target.sms.inboundMessageId,
        contactId,
        outcome: 'chat-ended-by-flow',
        flowMessagesTexted,
      }
    );
    return {
      eventType: 'MESSAGE',
      contactId,
      newChat: true,
      chatEndedByFlow: true,
    };
  };

  /**
   * Texts the customer what the flow said before streaming started. Only
   * a failure a retry can get past is thrown: the queue then delivers the
   * text again, and the retry only does this again (`openedBy`).
   */
  const textFlowMessages = async (
    target: Target,
    chat: { readonly contactId: string; readonly connectionToken: string }
  ): Promise<PartDelivered> => {
    const send = await deps.flowMessages();
    const outcome = await send({
      ...chat,
      route: {
        to: target.sms.originationNumber,
        fromArn: target.phoneNumberArn,
      },
    });
    const delivered: Delivered = {
      eventType: 'MESSAGE',
      contactId: chat.contactId,
      newChat: true,
    };
    const fields = {
      inboundMessageId: target.sms.inboundMessageId,
      contactId: chat.contactId,
    };
    switch (outcome.kind) {
      case 'chat-gone':
        return chatEndedByFlow(target, chat.contactId, 0);
      case 'texted':
        if (outcome.sent > 0) {
          deps.metrics.addMetric(
            'FlowMessagesSent',
            MetricUnit.Count,
            outcome.sent
          );
        }
        if (outcome.truncated) {
          deps.logger.warn(
            'The transcript is longer than the bridge reads; its oldest messages were not texted',
            fields
          );
        }
        return outcome.chatOver
          ? chatEndedByFlow(target, chat.contactId, outcome.sent)
          : delivered;
      case 'opted-out':
        deps.metrics.addMetric('FlowMessagesNotSent', MetricUnit.Count, 1);
        deps.logger.warn(
          "The customer has opted out of SMS; the flow's messages are not texted",
          { ...fields, outcome: 'opted-out' }
        );
        return delivered;
      case 'failed':
        deps.metrics.addMetric('FlowMessagesNotSent', MetricUnit.Count, 1);
        deps.logger.warn(
          "The flow's messages could not be texted; the text itself is in the chat",
          {
            ...fields,
            outcome: 'flow-messages-failed',
            errorName: outcome.errorName,
            httpStatusCode: outcome.httpStatusCode,
          }
        );
        return delivered;
    }
  };

  /**
   * Streams a chat that `StartChatContact` opened and connects its
   * customer, then makes it the active session: for the text that opened
   * it, or for any later text when that one failed half-way (the chat is
   * resumed, never opened twice). The streams' client tokens are those of
   * the text that opened the chat, so a retry starts no stream twice. On
   * failure the claim is let go and the chat stays in the session for the
   * next text to finish. `gone`: the participant token was refused, the
   * flow (or an agent) ended the chat already.
   */
  const finishChat = async (
    target: Target,
    chat: StartedSession,
    claimant: string
  ): Promise<
    | {
        readonly kind: 'opened';
        readonly contactId: string;
        readonly connectionToken: string;
      }
    | { readonly kind: 'gone'; readonly contactId: string }
  > => {
    const { sms, sessionKey } = target;
    const { contactId, participantToken } = chat;
    try {
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
      for (const request of streamingRequests(
        contactId,
        chat.openedBy,
        deps.config
      )) {
        await deps.connect.send(new StartContactStreamingCommand(request));
      }
      const connection = await deps.participant
        .send(
          new CreateParticipantConnectionCommand(
            connectionRequest(participantToken)
          )
        )
        .catch((error: unknown) => {
          // The participant is gone already: the flow ended the chat.
          if (isChatGone(error)) return undefined;
          throw error;
        });
      if (connection === undefined) return { kind: 'gone', contactId };
      const credentials = connection.ConnectionCredentials;
      const connectionToken = required(
        credentials?.ConnectionToken,
        'ConnectionToken'
      );
      // The session lives as long as the chat; the connection token, a
      // day, is renewed with the participant token when it expires.
      const activated = await deps.sessions.activate(sessionKey, claimant, {
        contactId,
        connectionToken,
        connectionExpiresAt: connectionExpiryOf(
          credentials?.Expiry,
          Math.floor(Date.now() / 1000)
        ),
        participantToken,
        chatEndsAt: chatEnds,
        openedBy: chat.openedBy,
      });
      if (!activated) {
        throw new Error('the claim on the session was taken over');
      }
      return { kind: 'opened', contactId, connectionToken };
    } catch (error) {
      await deps.sessions.letGo(sessionKey, claimant);
      throw classifyChatError(error);
    }
  };

  /**
   * Opens the customer's chat with a text, or the part of a long text that
   * `part` is, as its initial message, then texts them what the flow said.
   * The part's client token claims the session and starts the streams: a
   * later part that opens a new chat must not get the streams of the chat
   * an earlier one did, and the session remembers which part opened it.
   * Once `StartChatContact` has answered, the chat is in the session
   * (`started`) before anything else is tried.
   */
  const startChat = async (
    target: Target,
    part: ChatMessagePart
  ): Promise<PartDelivered> => {
    const { sms, sessionKey } = target;
    const claimant = part.clientToken;
    let chat: StartedSession;
    try {
      const started = await deps.connect.send(
        new StartChatContactCommand(
          startChatRequest(sms, part, target.contactFlowId, deps.config)
        )
      );
      chat = {
        state: 'started',
        contactId: required(started.ContactId, 'ContactId'),
        participantToken: required(
          started.ParticipantToken,
          'ParticipantToken'
        ),
        openedBy: claimant,
        claimedBy: claimant,
        claimedAt: Date.now(),
      };
    } catch (error) {
      // A refusal opened nothing: the claim goes. Any other failure (a 5xx,
      // a dropped or timed-out call) may have opened the chat with this
      // client token: the claim stays, so that no other text opens a
      // second chat, until this text's retry finds that chat with the same
      // token, or the claim goes stale.
      if (openedNothing(error)) {
        await deps.sessions.release(sessionKey, claimant);
      }
      throw classifyChatError(error);
    }
    const chatEnds = Math.floor(Date.now() / 1000) + CHAT_LIFETIME_SECONDS;
    if (
      !(await deps.sessions.markStarted(sessionKey, claimant, {
        contactId: chat.contactId,
        participantToken: chat.participantToken,
        chatEndsAt: chatEnds,
      }))
    ) {
      throw new Error('the claim on the session was taken over');
    }
    try {
      const finished = await finishChat(target, chat, claimant);
      if (finished.kind === 'gone') {
        return chatEndedByFlow(target, finished.contactId, 0);
      }
      return await textFlowMessages(target, finished);
    } catch (error) {
      // The part is in the chat: StartChatContact carried it.
      if (typeof error === 'object' && error !== null) {
        partInChat.set(error, part.clientToken);
      }
      throw error;
    }
  };

  /**
   * Finishes a chat an earlier attempt opened but could not stream or
   * connect. For the text that opened it, that delivers it (it is the
   * initial message); any other text is sent to the chat afterwards.
   * `undefined` when there is still something to do for the part.
   */
  const resumeChat = async (
    target: Target,
    part: ChatMessagePart,
    chat: StartedSession
  ): Promise<PartDelivered | undefined> => {
    if (
      !(await deps.sessions.claimStarted(
        target.sessionKey,
        part.clientToken,
        chat.contactId
      ))
    ) {
      return undefined;
    }
    const ownChat = chat.openedBy === part.clientToken;
    deps.metrics.addMetric('ChatsResumed', MetricUnit.Count, 1);
    deps.logger.info(
      'An earlier attempt opened the chat but did not finish; the chat is resumed, not opened again',
      {
        inboundMessageId: target.sms.inboundMessageId,
        contactId: chat.contactId,
        openedByThisText: ownChat,
      }
    );
    const finished = await finishChat(target, chat, part.clientToken);
    if (finished.kind === 'gone') {
      if (ownChat) return chatEndedByFlow(target, finished.contactId, 0);
      // Not this text's chat: it opens a new one.
      await forgetChat(
        deps.sessions,
        { sessionKey: target.sessionKey, contactId: finished.contactId },
        false
      );
      return undefined;
    }
    const flow = await textFlowMessages(target, finished);
    // Another text's chat: this text is sent to it next, or opens a new
    // chat if the flow ended this one.
    return ownChat ? flow : undefined;
  };

  const sendPart = async (
    target: Target,
    part: ChatMessagePart
  ): Promise<PartDelivered> => {
    // Bounded: each pass either delivers, or found the chat over and
    // removed it, or lost a race to open the next one.
    for (let pass = 0; pass < 4; pass++) {
      const session = await settledSession(target.sessionKey, part.clientToken);
      if (session?.state === 'started') {
        const resumed = await resumeChat(target, part, session);
        if (resumed !== undefined) return resumed;
        continue;
      }
      if (
        session?.state === 'active' &&
        session.openedBy === part.clientToken
      ) {
        // This part opened the chat, and texting the flow's messages
        // failed: only that is left to do.
        const catchUp = await withConnection(
          connections,
          { sessionKey: target.sessionKey, ...session },
          async (connectionToken) => connectionToken
        );
        if (!catchUp.chatGone) {
          return textFlowMessages(target, {
            contactId: session.contactId,
            connectionToken: catchUp.value,
          });
        }
        return chatEndedByFlow(target, session.contactId, 0);
      }
      if (session?.state === 'active') {
        const sent = await withConnection(
          connections,
          { sessionKey: target.sessionKey, ...session },
          (connectionToken) =>
            deps.participant.send(
              new SendMessageCommand(sendMessageRequest(connectionToken, part))
            )
        );
        if (!sent.chatGone) {
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
      if (await deps.sessions.claim(target.sessionKey, part.clientToken)) {
        return startChat(target, part);
      }
    }
    throw new ChatStartingElsewhereError();
  };

  const endChat = async (target: Target): Promise<Delivered> => {
    const session = await settledSession(target.sessionKey);
    if (session?.state === 'started') {
      // A chat opened half-way: the customer is connected and leaves it.
      await disconnectCustomer(
        connections,
        { sessionKey: target.sessionKey, ...startedChatConnection(session) },
        { clientToken: target.sms.inboundMessageId, optedOut: true }
      );
      return {
        eventType: 'DISCONNECT',
        contactId: session.contactId,
        newChat: false,
      };
    }
    if (session?.state !== 'active') {
      return { eventType: 'DISCONNECT', newChat: false };
    }
    await disconnectCustomer(
      connections,
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
    // A flow that ends the chat at once ends it for the rest of the text
    // too: opening a chat per part would only repeat what the flow said.
    let chatEndedByFlow = false;
    const sent = await deps.sendParts(
      inboundMessageId,
      parts,
      async (part): Promise<PartDelivered> => {
        if (chatEndedByFlow) {
          return { eventType: 'MESSAGE', newChat: false, notSent: true };
        }
        try {
          const delivered = await sendPart(target, part);
          chatEndedByFlow = delivered.chatEndedByFlow === true;
          return delivered;
        } catch (error) {
          // Only the last part in the chat puts the whole text there.
          if (
            typeof error === 'object' &&
            error !== null &&
            partInChat.get(error) === parts.at(-1)?.clientToken
          ) {
            markTextInChat(error);
          }
          throw error;
        }
      }
    );
    const contactId = sent.findLast(
      (part) => part.contactId !== undefined
    )?.contactId;
    const notSent = sent.filter((part) => part.notSent === true).length;
    if (notSent > 0) {
      deps.logger.warn(
        'The contact flow ended the chat at once; the rest of the text was not sent',
        {
          inboundMessageId,
          contactId,
          outcome: 'chat-ended-by-flow',
          parts: parts.length,
          partsNotSent: notSent,
        }
      );
    }
    return {
      eventType: 'MESSAGE',
      ...(contactId === undefined ? {} : { contactId }),
      newChat: sent.some((part) => part.newChat),
      ...(parts.length > 1 ? { parts: parts.length } : {}),
    };
  };
};

/** Failures that came after a part went into a new chat, by its token. */
const partInChat = new WeakMap<object, string>();

const required = (value: string | undefined, name: string): string => {
  if (!value) throw new Error(`Amazon Connect returned no ${name}`);
  return value;
};

/**
 * Whether a failed call certainly changed nothing: a 4xx answer (a
 * refusal or a throttle) other than a timeout. A 5xx, a dropped
 * connection or a timed-out call may come after the service acted.
 */
const openedNothing = (error: unknown): boolean => {
  const status = httpStatusOf(error);
  return (
    status !== undefined && status >= 400 && status < 500 && status !== 408
  );
};

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));
