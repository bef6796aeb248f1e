import {
  Duration,
  FeatureFlags,
  RemovalPolicy,
  Stack,
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
  type ChatSubtype,
  ENV,
  type EnvName,
  KEYWORD_MATCHES,
  type KeywordMatch,
} from '../lambda/shared/settings';
import { INBOUND_SERVICE, METRICS_NAMESPACE } from './bridge-dashboard';
import { Delivery } from './delivery';
import {
  FUNCTION_DEFAULTS,
  SOURCE_MAPS_ENVIRONMENT,
} from './function-defaults';
import { checkEnvironmentSize } from './function-environment';
import { optOutListNameOf } from './keyword-replies';
import { lambdaEntry } from './lambda-entry';
import {
  type NumberAttributeProps,
  numberAttributeNames,
  numberAttributesOf,
} from './number-attributes';
import type { ParticipantDelivery } from './participant-delivery';
import {
  checkQueueLimits,
  createQueues,
  DEFAULT_MAX_RECEIVE_COUNT,
  feedFromQueue,
  loggingRole,
  QUEUE_FUNCTION_TIMEOUT,
} from './queue-pipeline';
import {
  checkConnectInstanceArn,
  checkContactAttributes,
  checkContentTypes,
  checkDisconnectKeywords,
  checkDisplayName,
  checkPhoneNumbers,
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

export type { ChatSubtype, KeywordMatch };

export interface SmsConnectBridgeProps extends NumberAttributeProps {
  /** The Connect instance the chats belong to. */
  readonly connectInstanceArn: string;
  /**
   * Each End User Messaging number customers text, in E.164, mapped to its
   * phone-number ARN (the chat's `DestinationId`).
   */
  readonly phoneNumbers: Readonly<Record<string, string>>;
  /** How texts reach Connect. @default Delivery.integrationEvent() */
  readonly delivery?: Delivery;
  /** @default 'connect:sms' */
  readonly subtype?: ChatSubtype;
  /**
   * A text that matches one of these words (see `keywordMatch`) ends the
   * chat.
   * @default - End User Messaging's opt-out keywords (DEFAULT_DISCONNECT_KEYWORDS)
   */
  readonly disconnectKeywords?: readonly string[];
  /**
   * How texts are matched against `disconnectKeywords` and help keywords.
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
  /** The SNS topic that new chats stream to. @default - no streaming */
  readonly streamingEndpoint?: sns.ITopic;
  /**
   * An existing two-way SMS topic to read from.
   * @default - a new topic, encrypted with a key of its own
   */
  readonly inboundTopic?: sns.ITopic;
  /**
   * The opt-out list (its name) the numbers use: `OptOutSweep` reads it,
   * and `KeywordReplies` adds a customer who opts out to it.
   * @default 'Default' - End User Messaging's list for new numbers
   */
  readonly optOutListName?: string;
  /**
   * How many function instances may read the queue at once (2 to 1000).
   * This, times the batch's calls, bounds the rate at which Connect is called.
   * @default 2
   */
  readonly maxConcurrency?: number;
  /**
   * How often a message is tried before it moves to the dead-letter queue.
   * A failed text waits seconds before its next try, growing with each (see
   * docs/capacity.md), so 43 tries span at least 5,355 s: a burst of 10,000
   * texts at 2 Connect calls/s drains before throttling alone could exhaust
   * them.
   * @default 43
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
}

/**
 * Inbound SMS from End User Messaging to Amazon Connect chat:
 * two-way topic -> encrypted queue (with dead-letter queue) -> function ->
 * Connect, by the `delivery` chosen. Compose `TwoWayWiring`,
 * `KeywordReplies`, `OptOutSweep`, `BridgeAlarms` and `BridgeDashboard`
 * with it as needed.
 */
export class SmsConnectBridge extends Construct {
  /** Encrypts the queues and tables. */
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
  /** Present with `Delivery.participant()`: sessions, streaming and replies. */
  public readonly participant?: ParticipantDelivery;
  public readonly connectInstanceArn: string;
  /** Each number customers text, in E.164 -> its phone-number ARN. */
  public readonly phoneNumbers: Readonly<Record<string, string>>;
  public readonly subtype: ChatSubtype;
  public readonly disconnectKeywords: readonly string[];
  public readonly optOutListName: string;
  /** What the inbound function's environment holds, and the settings that fill it. */
  private readonly environment: Record<string, string>;
  private readonly environmentSettings: string[];

  constructor(scope: Construct, id: string, props: SmsConnectBridgeProps) {
    super(scope, id);
    this.connectInstanceArn = props.connectInstanceArn;
    this.phoneNumbers = props.phoneNumbers;
    this.subtype = props.subtype ?? 'connect:sms';
    this.disconnectKeywords =
      props.disconnectKeywords ?? DEFAULT_DISCONNECT_KEYWORDS;
    this.optOutListName = optOutListNameOf(props.optOutListName);
    const contactAttributes = props.contactAttributes ?? {};
    const contentTypes = props.supportedMessagingContentTypes ?? ['text/plain'];
    const maxConcurrency = props.maxConcurrency ?? 2;
    const maxReceiveCount = props.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
    const deduplicationWindow = props.deduplicationWindow ?? Duration.days(4);
    const delivery = props.delivery ?? Delivery.integrationEvent();
    const keywordMatch = props.keywordMatch ?? 'whole-message';
    if (!(KEYWORD_MATCHES as readonly string[]).includes(keywordMatch)) {
      fail(
        'keywordMatch',
        `must be one of ${KEYWORD_MATCHES.join(', ')}`,
        keywordMatch
      );
    }

    checkConnectInstanceArn(props.connectInstanceArn);
    checkPhoneNumbers(this.phoneNumbers, props.connectInstanceArn);
    checkSubtype(this.subtype);
    checkDisconnectKeywords(this.disconnectKeywords);
    if (props.displayName !== undefined) checkDisplayName(props.displayName);
    const numberAttributes = numberAttributesOf(props, contactAttributes);
    checkContactAttributes(
      contactAttributes,
      numberAttributeNames(numberAttributes)
    );
    checkContentTypes(contentTypes);
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
    Validations.of(this.idempotencyTable).acknowledge({
      id: 'AwsSolutions::AwsSolutions-DDB3',
      reason:
        'The table only holds duplicate markers that expire within days; ' +
        'nothing in it needs restoring.',
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    const settings: Partial<Record<EnvName, string>> = {
      [ENV.phoneNumbers]: JSON.stringify(this.phoneNumbers),
      [ENV.subtype]: this.subtype,
      [ENV.disconnectKeywords]: JSON.stringify(this.disconnectKeywords),
      [ENV.keywordMatch]: keywordMatch,
      [ENV.contactAttributes]: JSON.stringify(contactAttributes),
      [ENV.numberAttributes]: JSON.stringify(numberAttributes),
      [ENV.supportedContentTypes]: JSON.stringify(contentTypes),
      [ENV.deadLetterQueueUrl]: this.deadLetterQueue.queueUrl,
      [ENV.queueUrl]: this.queue.queueUrl,
      [ENV.idempotencyTableName]: this.idempotencyTable.tableName,
      [ENV.deduplicationWindowSeconds]: String(deduplicationWindow.toSeconds()),
      // The function assumes the default when it is not told.
      ...(maxReceiveCount === DEFAULT_MAX_RECEIVE_COUNT
        ? {}
        : { [ENV.maxReceiveCount]: String(maxReceiveCount) }),
      ...(props.displayName === undefined
        ? {}
        : { [ENV.displayName]: props.displayName }),
      ...(props.streamingEndpoint === undefined
        ? {}
        : { [ENV.streamingEndpointArn]: props.streamingEndpoint.topicArn }),
    };
    this.environment = {
      ...SOURCE_MAPS_ENVIRONMENT,
      POWERTOOLS_SERVICE_NAME: INBOUND_SERVICE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      ...settings,
    };
    this.environmentSettings = ['phoneNumbers', 'contactAttributes'];
    this.checkEnvironment();

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
      entry: lambdaEntry('inbound-sms', delivery.handlerFile),
      handler: 'handler',
      ...FUNCTION_DEFAULTS,
      memorySize: 256,
      timeout: QUEUE_FUNCTION_TIMEOUT,
      logGroup: this.logGroup,
      environment: { ...this.environment },
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
    this.participant = delivery.bind({
      scope: this,
      key: this.key,
      connectInstanceArn: props.connectInstanceArn,
      phoneNumbers: this.phoneNumbers,
      inboundFunction: this.handler,
      maxConcurrency,
      ...(props.logRetention === undefined
        ? {}
        : { logRetention: props.logRetention }),
    });
    if (this.participant) {
      // The inbound function texts what a flow said with them, too.
      this.recordEnvironment(this.participant.inboundEnvironment, [
        'attachmentNotice',
        'unsupportedMessageNotice',
      ]);
    }
  }

  /**
   * Adds variables to the inbound function's environment, for a construct
   * that extends what the function does (such as `KeywordReplies`).
   * `settings` name what fills them, for the error if Lambda's 4 KB limit
   * is passed.
   */
  public addInboundEnvironment(
    variables: Readonly<Record<string, string>>,
    settings: readonly string[]
  ): void {
    this.recordEnvironment(variables, settings);
    for (const [name, value] of Object.entries(variables)) {
      this.handler.addEnvironment(name, value);
    }
  }

  private recordEnvironment(
    variables: Readonly<Record<string, string>>,
    settings: readonly string[]
  ): void {
    Object.assign(this.environment, variables);
    this.environmentSettings.push(...settings);
    this.checkEnvironment();
  }

  private checkEnvironment(): void {
    checkEnvironmentSize(this.environment, listOf(this.environmentSettings));
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
