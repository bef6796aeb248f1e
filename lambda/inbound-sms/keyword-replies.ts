import {
  type IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type PinpointSMSVoiceV2Client,
  PutOptedOutNumberCommand,
  SendTextMessageCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { classifySmsError } from '../participant/chat-failures';
import { checkKeyedOnArgument } from '../shared/idempotency-key';
import { maskPhoneNumber } from '../shared/mask';
import {
  errorNameOf,
  httpStatusOf,
  UndeliverableError,
} from '../shared/undeliverable';
import type { KeywordReplySettings } from './config';
import type { Deliver, Delivered } from './delivery';
import type { InboundSms } from './schema';

export interface KeywordReplyDependencies {
  readonly sms: PinpointSMSVoiceV2Client;
  readonly settings: KeywordReplySettings;
  readonly isOptOut: (body: string) => boolean;
  /** End User Messaging number in E.164 -> its phone-number ARN. */
  readonly phoneNumberArns: ReadonlyMap<string, string>;
  /**
   * Where a sent confirmation is marked, so that a retried opt-out does not
   * text it again, keyed on `inboundMessageId`. `config` must hash the key
   * argument as it is (no `eventKeyJmesPath`) and have the invocation's
   * context registered (the inbound function's own config does);
   * `persistenceStore` must not be the one the function's own records use,
   * as a store keeps the key prefix of its last call.
   */
  readonly confirmations: {
    readonly persistenceStore: BasePersistenceLayer;
    readonly config: IdempotencyConfig;
  };
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  readonly metrics: Pick<Metrics, 'addMetric'>;
}

/** Sets the confirmation markers apart from the function's own records. */
const CONFIRMATION_KEY_PREFIX = 'opt-out-confirmation';

/**
 * What End User Messaging does for numbers with AWS-managed opt-outs, done
 * by the bridge for numbers with self-managed ones, around a delivery:
 *
 * - an opt-out keyword texts the confirmation, adds the customer to the
 *   opt-out list and ends the chat. The confirmation goes first because
 *   End User Messaging refuses to text a number on the list. A failed step
 *   fails the whole text, so the queue retries it; the retry skips a
 *   confirmation already sent, and adding to the list again is harmless.
 * - a HELP keyword texts the help text and never reaches the chat.
 *
 * Replies go from the number the customer texted, as transactional texts.
 */
export const withKeywordReplies = (
  deliver: Deliver,
  deps: KeywordReplyDependencies
): Deliver => {
  const { settings, logger, metrics } = deps;
  checkKeyedOnArgument(deps.confirmations.config);

  const text = (to: string, fromArn: string, body: string) =>
    deps.sms.send(
      new SendTextMessageCommand({
        DestinationPhoneNumber: to,
        OriginationIdentity: fromArn,
        MessageBody: body,
        MessageType: 'TRANSACTIONAL',
      })
    );

  // Keyed on the id alone: the key `eventKeyJmesPath: 'inboundMessageId'`
  // gave, without a JMESPath search.
  const confirmOnce = makeIdempotent(
    async (_inboundMessageId: string, sms: InboundSms, fromArn: string) => {
      try {
        await text(
          sms.originationNumber,
          fromArn,
          settings.optOutConfirmationText
        );
      } catch (error) {
        // Already on the list (an earlier STOP): it was confirmed then.
        if (isOptedOutError(error)) return { sent: false };
        throw error;
      }
      metrics.addMetric('OptOutConfirmationsSent', MetricUnit.Count, 1);
      logger.info('Opt-out confirmation texted to the customer', {
        inboundMessageId: sms.inboundMessageId,
        outcome: 'confirmed',
      });
      return { sent: true };
    },
    {
      ...deps.confirmations,
      keyPrefix: CONFIRMATION_KEY_PREFIX,
      dataIndexArgument: 0,
    }
  );

  /** A refused confirmation does not hold up the opt-out itself. */
  const confirm = async (sms: InboundSms, fromArn: string | undefined) => {
    if (fromArn === undefined) {
      logger.warn(
        'Opt-out not confirmed: the number texted is not configured',
        {
          inboundMessageId: sms.inboundMessageId,
          bridgeNumber: maskPhoneNumber(sms.destinationNumber),
        }
      );
      return;
    }
    try {
      await confirmOnce(sms.inboundMessageId, sms, fromArn);
    } catch (error) {
      const failure = classifySmsError(error);
      if (!(failure instanceof UndeliverableError)) throw failure;
      metrics.addMetric('OptOutConfirmationsFailed', MetricUnit.Count, 1);
      logger.warn('End User Messaging refused the opt-out confirmation', {
        inboundMessageId: sms.inboundMessageId,
        errorName: errorNameOf(error),
        httpStatusCode: httpStatusOf(error),
      });
    }
  };

  const addToOptOutList = async (sms: InboundSms) => {
    await deps.sms
      .send(
        new PutOptedOutNumberCommand({
          OptOutListName: settings.optOutListName,
          OptedOutNumber: sms.originationNumber,
        })
      )
      .catch((error: unknown) => {
        throw refused('PutOptedOutNumber', error);
      });
    metrics.addMetric('OptOutsRecorded', MetricUnit.Count, 1);
    logger.info('Opt-out recorded on the opt-out list', {
      inboundMessageId: sms.inboundMessageId,
      optOutListName: settings.optOutListName,
      outcome: 'opted-out',
    });
  };

  const optOut = async (sms: InboundSms): Promise<Delivered> => {
    let optOutFailure: { readonly error: unknown } | undefined;
    try {
      await confirm(sms, deps.phoneNumberArns.get(sms.destinationNumber));
      await addToOptOutList(sms);
    } catch (error) {
      optOutFailure = { error };
    }
    // The chat ends even when the list could not be written, so that no
    // agent texts the customer in the meantime.
    let delivered: Delivered;
    try {
      delivered = await deliver(sms);
    } catch (error) {
      // A retry records the opt-out even when the chat cannot be ended.
      throw optOutFailure &&
        !(optOutFailure.error instanceof UndeliverableError)
        ? optOutFailure.error
        : error;
    }
    if (optOutFailure) throw optOutFailure.error;
    return delivered;
  };

  const help = async (sms: InboundSms): Promise<Delivered> => {
    const fromArn = deps.phoneNumberArns.get(sms.destinationNumber);
    if (fromArn === undefined) {
      throw new UndeliverableError(
        'unknown-destination',
        `no phone-number ARN is configured for ${maskPhoneNumber(sms.destinationNumber)}`
      );
    }
    try {
      await text(sms.originationNumber, fromArn, settings.helpText);
    } catch (error) {
      if (!isOptedOutError(error)) throw refused('SendTextMessage', error);
      logger.info('HELP not answered: the customer has opted out', {
        inboundMessageId: sms.inboundMessageId,
        outcome: 'opted-out',
      });
      return { eventType: 'HELP', newChat: false };
    }
    metrics.addMetric('HelpRepliesSent', MetricUnit.Count, 1);
    logger.info('HELP answered with the help text, not forwarded', {
      inboundMessageId: sms.inboundMessageId,
      outcome: 'help-sent',
    });
    return { eventType: 'HELP', newChat: false };
  };

  return async (sms) => {
    if (deps.isOptOut(sms.messageBody)) return optOut(sms);
    if (settings.isHelp(sms.messageBody)) return help(sms);
    return deliver(sms);
  };
};

/** End User Messaging refuses to text a number on the opt-out list. */
const isOptedOutError = (error: unknown): boolean =>
  errorNameOf(error) === 'ConflictException' &&
  (error as { Reason?: unknown }).Reason ===
    'DESTINATION_PHONE_NUMBER_OPTED_OUT';

/** Transient failures as they are; a refusal names the operation. */
const refused = (operation: string, error: unknown): unknown => {
  const failure = classifySmsError(error);
  return failure instanceof UndeliverableError
    ? new UndeliverableError(
        failure.reason,
        `End User Messaging ${operation}: ${failure.detail}`
      )
    : failure;
};
