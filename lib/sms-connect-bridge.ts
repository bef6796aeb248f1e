import * as path from 'node:path';
import {
  Annotations,
  Duration,
  FeatureFlags,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY as SNS_SQS_DECRYPTION } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import {
  BridgeAlarms,
  type PipelineAlarms,
  type ScheduleAlarms,
} from './bridge-alarms';
import {
  BridgeDashboard,
  INBOUND_SERVICE,
  METRICS_NAMESPACE,
} from './bridge-dashboard';
import {
  FUNCTION_DEFAULTS,
  SOURCE_MAPS_ENVIRONMENT,
} from './function-defaults';
import { checkEnvironmentSize } from './function-environment';
import {
  allowKeywordReplies,
  KEYWORD_REPLY_SETTINGS,
  type KeywordReplyProps,
  keywordReplySettings,
  optOutListNameOf,
} from './keyword-replies';
import {
  type NumberAttributeProps,
  numberAttributeBytes,
  numberAttributesOf,
} from './number-attributes';
import { OptOutSweep } from './opt-out-sweep';
import {
  OUTBOUND_TEXT_SETTINGS,
  type OutboundTextProps,
  outboundNotices,
  ParticipantDelivery,
  participantInboundEnvironment,
} from './participant-delivery';
import {
  type PhoneNumberSetting,
  participantPhoneNumbers,
  phoneNumberArns,
} from './phone-numbers';
import {
  checkQueueLimits,
  createQueues,
  DEFAULT_MAX_RECEIVE_COUNT,
  feedFromQueue,
  loggingRole,
  QUEUE_FUNCTION_TIMEOUT,
} from './queue-pipeline';
import { TwoWayWiring } from './two-way-wiring';
import {
  CONNECT_INSTANCE_ARN,
  checkConnectInstanceArn,
  checkContactAttributes,
  checkContentTypes,
  checkDisconnectKeywords,
  checkDisplayName,
  checkEmail,
  checkPhoneNumbers,
  checkStreamingEndpointArn,
  checkSubtype,
  fail,
} from './validation';

/** End User Messaging's opt-out keywords (its user guide, "Opt-out keywords"). */
export const DEFAULT_DISCONNECT_KEYWORDS = [
  'ARRET',
  'CANCEL',
  'END',
  'OPT-OUT',
  'OPTOUT',
  'QUIT',
  'REMOVE',
  'STOP',
  'TD',
  'UNSUBSCRIBE',
] as const;

export {
  DEFAULT_HELP_KEYWORDS,
  DEFAULT_HELP_TEXT,
  DEFAULT_OPT_OUT_CONFIRMATION_TEXT,
  DEFAULT_OPT_OUT_LIST_NAME,
} from './keyword-replies';
export {
  DEFAULT_CUSTOMER_NUMBER_ATTRIBUTE,
  DEFAULT_SYSTEM_NUMBER_ATTRIBUTE,
} from './number-attributes';

/** The id of the synth warning that the integration-event API is restricted. */
export const INTEGRATION_EVENT_RESTRICTED =
  'sms-connect-bridge:integration-event-restricted';

export type ChatSubtype = 'connect:sms' | 'connect:WhatsApp';

/**
 * How texts reach Connect: `SendChatIntegrationEvent` (restricted by AWS to
 * End User Messaging), or the public chat and participant APIs, which also
 * text agent replies back to the customer.
 */
export type DeliveryMode = 'integration-event' | 'participant';
export const DELIVERY_MODES: readonly DeliveryMode[] = [
  'integration-event',
  'participant',
];

/**
 * Which texts match a keyword (`disconnectKeywords`, and `helpKeywords`
 * with self-managed opt-outs): `whole-message`, the industry's convention,
 * when the text is the keyword alone, in any case, with whitespace,
 * punctuation and symbols around it ignored; `begins-with`, End User
 * Messaging's own rule, when the text begins with the keyword as a whole
 * word (so "Cancel my appointment" ends the chat).
 */
export type KeywordMatch = 'whole-message' | 'begins-with';
export const KEYWORD_MATCHES: readonly KeywordMatch[] = [
  'whole-message',
  'begins-with',
];

export {
  DEFAULT_ATTACHMENT_NOTICE,
  DEFAULT_UNSUPPORTED_MESSAGE_NOTICE,
} from './participant-delivery';

export interface SmsConnectBridgeProps
  extends KeywordReplyProps,
    NumberAttributeProps,
    OutboundTextProps {
  /** The Connect instance the chats belong to. */
  readonly connectInstanceArn: string;
  /**
   * Each End User Messaging number customers text, in E.164, mapped to its
   * phone-number ARN (the chat's `DestinationId`), or in participant mode
   * to `{ arn, contactFlowId }`.
   */
  readonly phoneNumbers: Readonly<Record<string, PhoneNumberSetting>>;
  /** @default 'integration-event' */
  readonly deliveryMode?: DeliveryMode;
  /**
   * Participant mode: the contact flow for numbers that name none.
   * @default - each number must name its own
   */
  readonly contactFlowId?: string;
  /** @default 'connect:sms' */
  readonly subtype?: ChatSubtype;
  /**
   * A text that matches one of these words (see `keywordMatch`) ends the
   * chat.
   * @default - End User Messaging's opt-out keywords (DEFAULT_DISCONNECT_KEYWORDS)
   */
  readonly disconnectKeywords?: readonly string[];
  /**
   * How texts are matched against `disconnectKeywords` and `helpKeywords`.
   * @default 'whole-message' - the text is the keyword alone, so that a
   * sentence such as "Cancel my appointment" opts no one out
   */
  readonly keywordMatch?: KeywordMatch;
  /** @default - the customer's E.164 number */
  readonly displayName?: string;
  /**
   * String attributes added to every new chat, beside the phone-number
   * attributes (`customerNumberAttribute`, `systemNumberAttribute`).
   * @default - none
   */
  readonly contactAttributes?: Readonly<Record<string, string>>;
  /** Must contain 'text/plain'. @default ['text/plain'] */
  readonly supportedMessagingContentTypes?: readonly string[];
  /** SNS topic that new chats stream to. @default - no streaming */
  readonly streamingEndpointArn?: string;
  /**
   * An existing two-way SMS topic to read from.
   * @default - a new topic, encrypted with the bridge's key
   */
  readonly inboundTopic?: sns.ITopic;
  /**
   * How many function instances may read the queue at once (2 to 1000).
   * This, times the batch's calls, bounds the rate at which Connect is called.
   * @default 2
   */
  readonly maxConcurrency?: number;
  /**
   * How often a message is tried before it moves to the dead-letter queue.
   * A failed text waits seconds before its next try, growing with each (see
   * the README), so 13 tries span at least 855 s. Also the agent replies'
   * queue's setting in participant mode, where it defaults to 5 (180 s apart).
   * @default 13
   */
  readonly maxReceiveCount?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * How long a forwarded message's `inboundMessageId` is remembered, so a
   * repeated delivery of it is not forwarded again (1 hour to 14 days).
   * @default Duration.days(4) - as long as a message can wait in the queue
   */
  readonly deduplicationWindow?: Duration;
  /** An address to email when an alarm fires. @default - no subscription */
  readonly alarmEmail?: string;
  /**
   * Set each number's two-way channel to the inbound topic on deploy, and
   * put the previous settings back on delete.
   * @default false - point the numbers at the topic yourself
   */
  readonly configureTwoWay?: boolean;
  /**
   * With `configureTwoWay`, also turn on self-managed opt-outs: STOP and
   * HELP then reach the bridge, and honouring them becomes its duty.
   * @default false
   */
  readonly selfManagedOptOuts?: boolean;
  /**
   * With `configureTwoWay`, pools (ids or ARNs) to configure instead of
   * their numbers, which End User Messaging requires for pooled numbers.
   * @default - no pools
   */
  readonly pools?: readonly string[];
}

/**
 * Inbound SMS from End User Messaging to Amazon Connect chat:
 * two-way topic -> encrypted queue (with dead-letter queue) -> function ->
 * `connect:SendChatIntegrationEvent`.
 */
export class SmsConnectBridge extends Construct {
  /** Encrypts the queues. */
  public readonly key: kms.Key;
  public readonly inboundTopic: sns.ITopic;
  /** Encrypts the inbound topic, when the bridge creates it. */
  public readonly topicKey?: kms.Key;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  /** Remembers forwarded messages (Powertools idempotency records). */
  public readonly idempotencyTable: dynamodb.Table;
  public readonly handler: nodejs.NodejsFunction;
  public readonly logGroup: logs.LogGroup;
  public readonly alarms: BridgeAlarms;
  /** Texts in and out, failures, backlog: one CloudWatch dashboard. */
  public readonly dashboard: BridgeDashboard;
  public readonly inboundAlarms: PipelineAlarms;
  /** Present when `configureTwoWay` is on. */
  public readonly twoWayWiring?: TwoWayWiring;
  /** Present in participant mode: sessions, streaming and replies. */
  public readonly participant?: ParticipantDelivery;
  /** Ends the chats of customers End User Messaging opted out itself. */
  public readonly optOutSweep: OptOutSweep;
  public readonly optOutSweepAlarms: ScheduleAlarms;

  constructor(scope: Construct, id: string, props: SmsConnectBridgeProps) {
    super(scope, id);
    const subtype = props.subtype ?? 'connect:sms';
    const disconnectKeywords =
      props.disconnectKeywords ?? DEFAULT_DISCONNECT_KEYWORDS;
    const contactAttributes = props.contactAttributes ?? {};
    const contentTypes = props.supportedMessagingContentTypes ?? ['text/plain'];
    const maxConcurrency = props.maxConcurrency ?? 2;
    const maxReceiveCount = props.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
    const deduplicationWindow = props.deduplicationWindow ?? Duration.days(4);
    const deliveryMode = props.deliveryMode ?? 'integration-event';
    if (!DELIVERY_MODES.includes(deliveryMode)) {
      fail(
        'deliveryMode',
        `must be one of ${DELIVERY_MODES.join(', ')}`,
        deliveryMode
      );
    }
    const keywordMatch = props.keywordMatch ?? 'whole-message';
    if (!KEYWORD_MATCHES.includes(keywordMatch)) {
      fail(
        'keywordMatch',
        `must be one of ${KEYWORD_MATCHES.join(', ')}`,
        keywordMatch
      );
    }
    const phoneNumbers = phoneNumberArns(props.phoneNumbers);
    const participantNumbers =
      deliveryMode === 'participant'
        ? participantPhoneNumbers(props.phoneNumbers, props.contactFlowId)
        : undefined;

    checkConnectInstanceArn(props.connectInstanceArn);
    checkPhoneNumbers(phoneNumbers, props.connectInstanceArn);
    checkSubtype(subtype);
    checkDisconnectKeywords(disconnectKeywords);
    if (props.displayName !== undefined) checkDisplayName(props.displayName);
    const numberAttributes = numberAttributesOf(props, contactAttributes);
    checkContactAttributes(
      contactAttributes,
      numberAttributeBytes(numberAttributes)
    );
    checkContentTypes(contentTypes);
    if (props.streamingEndpointArn !== undefined) {
      checkStreamingEndpointArn(props.streamingEndpointArn);
    }
    if (props.alarmEmail !== undefined) checkEmail(props.alarmEmail);
    if (!props.configureTwoWay) {
      for (const setting of ['selfManagedOptOuts', 'pools'] as const) {
        if (props[setting]) {
          fail(setting, 'needs configureTwoWay=true', props[setting]);
        }
      }
    }
    if (deliveryMode !== 'participant') {
      for (const setting of OUTBOUND_TEXT_SETTINGS) {
        if (props[setting] !== undefined) {
          fail(setting, 'needs deliveryMode=participant', props[setting]);
        }
      }
    }
    if (!props.selfManagedOptOuts) {
      for (const setting of KEYWORD_REPLY_SETTINGS) {
        if (props[setting] !== undefined) {
          fail(setting, 'needs selfManagedOptOuts=true', props[setting]);
        }
      }
    }
    const optOutListName = optOutListNameOf(props);
    const keywordReplies = props.selfManagedOptOuts
      ? keywordReplySettings(props, disconnectKeywords)
      : undefined;
    checkQueueLimits({ maxReceiveCount, maxConcurrency });
    const windowHours = deduplicationWindow.toHours({ integral: false });
    if (windowHours < 1 || windowHours > 24 * 14) {
      fail(
        'deduplicationWindowHours',
        'must be between 1 and 336',
        windowHours
      );
    }

    this.key = createKey(this, 'Key', 'Encrypts the SMS bridge queues');
    if (props.inboundTopic === undefined) {
      // A key of its own: the queue key's policy names the topic, so one key
      // for both would make the two depend on each other.
      this.topicKey = createKey(
        this,
        'TopicKey',
        'Encrypts the SMS bridge inbound topic'
      );
      this.inboundTopic = this.createInboundTopic(this.topicKey);
    } else {
      this.inboundTopic = props.inboundTopic;
    }

    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } =
      createQueues(
        this,
        { queue: 'Queue', deadLetterQueue: 'DeadLetterQueue' },
        this.key,
        maxReceiveCount
      ));
    // Without this flag, SqsSubscription lets SNS use the queue key for any
    // topic; the bridge's key policy must name the inbound topic.
    if (!FeatureFlags.of(this.inboundTopic).isEnabled(SNS_SQS_DECRYPTION)) {
      fail(
        `feature flag ${SNS_SQS_DECRYPTION}`,
        'must be true in cdk.json, so that SNS may use the queue key only for the inbound topic',
        FeatureFlags.of(this.inboundTopic).isEnabled(SNS_SQS_DECRYPTION)
      );
    }
    this.inboundTopic.addSubscription(
      new SqsSubscription(this.queue, { deadLetterQueue: this.deadLetterQueue })
    );

    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      timeToLiveAttribute: 'expiration',
      // Only short-lived duplicate markers live here.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    const environment: Record<string, string> = {
      ...SOURCE_MAPS_ENVIRONMENT,
      POWERTOOLS_SERVICE_NAME: INBOUND_SERVICE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      PHONE_NUMBERS: JSON.stringify(phoneNumbers),
      CHAT_SUBTYPE: subtype,
      DISCONNECT_KEYWORDS: JSON.stringify(disconnectKeywords),
      KEYWORD_MATCH: keywordMatch,
      CONTACT_ATTRIBUTES: JSON.stringify(contactAttributes),
      NUMBER_ATTRIBUTES: JSON.stringify(numberAttributes),
      SUPPORTED_CONTENT_TYPES: JSON.stringify(contentTypes),
      DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl,
      QUEUE_URL: this.queue.queueUrl,
      IDEMPOTENCY_TABLE_NAME: this.idempotencyTable.tableName,
      DEDUPLICATION_WINDOW_SECONDS: String(deduplicationWindow.toSeconds()),
      // The function assumes the default when it is not told.
      ...(maxReceiveCount === DEFAULT_MAX_RECEIVE_COUNT
        ? {}
        : { MAX_RECEIVE_COUNT: String(maxReceiveCount) }),
      ...(props.displayName === undefined
        ? {}
        : { DISPLAY_NAME: props.displayName }),
      ...(props.streamingEndpointArn === undefined
        ? {}
        : { STREAMING_ENDPOINT_ARN: props.streamingEndpointArn }),
      ...(keywordReplies && {
        SELF_MANAGED_OPT_OUTS: 'true',
        OPT_OUT_LIST_NAME: keywordReplies.optOutListName,
        OPT_OUT_CONFIRMATION_TEXT: keywordReplies.optOutConfirmationText,
        HELP_KEYWORDS: JSON.stringify(keywordReplies.helpKeywords),
        HELP_TEXT: keywordReplies.helpText,
      }),
    };
    checkEnvironmentSize(
      {
        ...environment,
        ...(participantNumbers &&
          participantInboundEnvironment(participantNumbers, {
            instanceId: '0'.repeat(36),
            sessionTableName: Token.asString({ Ref: 'SessionTable' }),
            streamingTopicArn: Token.asString({ Ref: 'StreamingTopic' }),
            outboundFunctionName: Token.asString({ Ref: 'OutboundFunction' }),
            notices: outboundNotices(props),
          })),
      },
      listOf([
        'phoneNumbers',
        'contactAttributes',
        ...(keywordReplies === undefined
          ? []
          : ['optOutConfirmationText', 'helpText']),
        // The inbound function texts what a flow said with them, too.
        ...(participantNumbers === undefined ? [] : OUTBOUND_TEXT_SETTINGS),
      ])
    );

    // A role of its own rather than the managed basic-execution policy: it
    // may write to its own log group and nowhere else.
    const role = loggingRole(
      this,
      'FunctionRole',
      this.logGroup,
      'Runs the inbound SMS bridge function'
    );

    this.handler = new nodejs.NodejsFunction(this, 'Function', {
      role,
      description: 'Forwards inbound SMS to Amazon Connect chat',
      entry: path.join(
        __dirname,
        '..',
        'lambda',
        'inbound-sms',
        deliveryMode === 'participant' ? 'participant-handler.ts' : 'handler.ts'
      ),
      handler: 'handler',
      ...FUNCTION_DEFAULTS,
      memorySize: 256,
      timeout: QUEUE_FUNCTION_TIMEOUT,
      logGroup: this.logGroup,
      environment,
      // Direct SNS invocations that keep failing land here too.
      deadLetterQueue: this.deadLetterQueue,
    });

    feedFromQueue(this.handler, this.queue, maxConcurrency, 'inboundMessageId');
    // Sending to the dead-letter queue (the deadLetterQueue prop grants
    // sqs:SendMessage) and writing idempotency records need a data key;
    // reading the queue and the table needs Decrypt.
    this.key.grant(this.handler, 'kms:GenerateDataKey');
    this.idempotencyTable.grant(
      this.handler,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem'
    );
    if (participantNumbers) {
      this.participant = new ParticipantDelivery(this, 'Participant', {
        key: this.key,
        connectInstanceArn: props.connectInstanceArn,
        phoneNumbers: participantNumbers,
        inboundFunction: this.handler,
        // Replies are not retried within seconds: their queue keeps its own
        // default unless told otherwise.
        ...(props.maxReceiveCount === undefined
          ? {}
          : { maxReceiveCount: props.maxReceiveCount }),
        maxConcurrency,
        ...(props.attachmentNotice === undefined
          ? {}
          : { attachmentNotice: props.attachmentNotice }),
        ...(props.unsupportedMessageNotice === undefined
          ? {}
          : { unsupportedMessageNotice: props.unsupportedMessageNotice }),
        ...(props.logRetention === undefined
          ? {}
          : { logRetention: props.logRetention }),
      });
    } else {
      this.handler.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'ForwardInboundSms',
          actions: ['connect:SendChatIntegrationEvent'],
          // The action has no resource type, so IAM accepts only "*"; the
          // region condition keeps the grant to the instance's region.
          resources: ['*'],
          conditions: {
            StringEquals: {
              'aws:RequestedRegion':
                CONNECT_INSTANCE_ARN.exec(props.connectInstanceArn)?.[1] ??
                Stack.of(this).region,
            },
          },
        })
      );
      Annotations.of(this).addWarningV2(
        INTEGRATION_EVENT_RESTRICTED,
        'connect:SendChatIntegrationEvent is documented as restricted to ' +
          'AWS End User Messaging: an account AWS has not enabled for it ' +
          'gets AccessDeniedException, and every text goes to the ' +
          'dead-letter queue with failureReason access-denied. If that ' +
          'happens, deploy with -c deliveryMode=participant (public chat ' +
          'APIs), then redrive the dead-letter queue.'
      );
      Validations.of(role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'connect:SendChatIntegrationEvent has no resource type, so IAM ' +
          'only accepts "*"; the statement is limited by aws:RequestedRegion.',
      });
    }

    if (keywordReplies) {
      allowKeywordReplies(
        this.handler,
        phoneNumbers,
        keywordReplies.optOutListName,
        // Participant mode lets it text from the numbers (flow messages).
        { textsFromTheNumbers: this.participant !== undefined }
      );
    }

    acknowledgeNagFindings(this);

    if (props.configureTwoWay) {
      this.twoWayWiring = new TwoWayWiring(this, 'TwoWay', {
        phoneNumbers: Object.values(phoneNumbers),
        inboundTopic: this.inboundTopic,
        selfManagedOptOuts: props.selfManagedOptOuts ?? false,
        ...(keywordReplies && {
          optOutListName: keywordReplies.optOutListName,
        }),
        ...(props.pools === undefined ? {} : { pools: props.pools }),
        ...(props.logRetention === undefined
          ? {}
          : { logRetention: props.logRetention }),
      });
    }

    this.alarms = new BridgeAlarms(this, 'Alarms', {
      key: this.key,
      ...(props.alarmEmail === undefined
        ? {}
        : { alarmEmail: props.alarmEmail }),
    });
    this.inboundAlarms = this.alarms.watch('Inbound', {
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      handler: this.handler,
      carries: 'Inbound SMS',
    });
    this.dashboard = new BridgeDashboard(this, 'Dashboard', {
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      participant: this.participant !== undefined,
    });
    if (this.participant) {
      this.alarms.watch('Outbound', {
        queue: this.participant.outboundQueue,
        deadLetterQueue: this.participant.outboundDeadLetterQueue,
        handler: this.participant.outboundFunction,
        carries: 'Agent replies',
      });
    }

    this.optOutSweep = new OptOutSweep(this, 'OptOutSweep', {
      key: this.key,
      stateTable: this.idempotencyTable,
      optOutListName,
      phoneNumbers,
      subtype,
      connectInstanceArn: props.connectInstanceArn,
      ...(this.participant === undefined
        ? {}
        : { sessionTable: this.participant.sessionTable }),
      ...(props.logRetention === undefined
        ? {}
        : { logRetention: props.logRetention }),
    });
    this.optOutSweepAlarms = this.alarms.watchSchedule('OptOutSweep', {
      rule: this.optOutSweep.schedule,
      handler: this.optOutSweep.handler,
      does: 'Opt-out sweep',
    });
  }

  private createInboundTopic(key: kms.Key): sns.Topic {
    const { account, region, partition } = Stack.of(this);
    const smsVoice = new iam.ServicePrincipal('sms-voice.amazonaws.com');
    const topic = new sns.Topic(this, 'InboundTopic', {
      displayName: 'Inbound SMS for Amazon Connect',
      masterKey: key,
      enforceSSL: true,
    });
    const conditions = {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: {
        'aws:SourceArn': `arn:${partition}:sms-voice:${region}:${account}:*`,
      },
    };
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEndUserMessagingTwoWay',
        principals: [smsVoice],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions,
      })
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEndUserMessagingToEncrypt',
        principals: [smsVoice],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions,
      })
    );
    return topic;
  }
}

/** Each acknowledged cdk-nag finding, with the reason it stands. */
const acknowledgeNagFindings = (bridge: SmsConnectBridge): void => {
  Validations.of(bridge.idempotencyTable).acknowledge({
    id: 'AwsSolutions::AwsSolutions-DDB3',
    reason:
      'The table only holds duplicate markers that expire within days; ' +
      'nothing in it needs restoring.',
  });
};

const createKey = (scope: Construct, id: string, description: string) =>
  new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(30),
  });

/** `a`, `a and b`, `a, b and c`: settings as an error message names them. */
const listOf = (names: readonly string[]): string =>
  names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
