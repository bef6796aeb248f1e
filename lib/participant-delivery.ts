import {
  ArnFormat,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONTACT_FLOW_ID, ENV, type EnvName } from '../lambda/shared/settings';
import { METRICS_NAMESPACE, OUTBOUND_SERVICE } from './bridge-dashboard';
import {
  FUNCTION_DEFAULTS,
  SOURCE_MAPS_ENVIRONMENT,
} from './function-defaults';
import { checkEnvironmentSize } from './function-environment';
import { lambdaEntry } from './lambda-entry';
import {
  checkQueueLimits,
  createQueues,
  feedFromQueue,
  loggingRole,
  QUEUE_FUNCTION_TIMEOUT,
} from './queue-pipeline';
import { createServiceTopic } from './service-topic';
import {
  CONNECT_INSTANCE_ARN,
  checkConnectInstanceArn,
  checkPattern,
  checkPhoneNumbers,
  checkTextMessage,
  fail,
} from './validation';

/** A number customers text, as participant mode needs it. */
export interface ParticipantPhoneNumber {
  /** Its End User Messaging phone-number ARN; replies are sent from it. */
  readonly arn: string;
  /** The contact flow that chats with this number start in. */
  readonly contactFlowId: string;
}

/** What the customer is texted for an attachment the agent sent. */
export const DEFAULT_ATTACHMENT_NOTICE =
  "The agent sent an attachment, which can't be shown by text message.";
/** What the customer is texted for an interactive message that cannot be shown. */
export const DEFAULT_UNSUPPORTED_MESSAGE_NOTICE =
  "The agent sent a message that can't be shown by text message.";
/** The settings of the agent -> customer direction (participant mode only). */
export const OUTBOUND_TEXT_SETTINGS = [
  'attachmentNotice',
  'unsupportedMessageNotice',
] as const;

/** What the outbound function texts in place of what SMS cannot carry. */
export interface OutboundTextProps {
  /**
   * Texted to the customer when the agent sends an attachment, which SMS
   * cannot carry (1 to 1600 characters).
   * @default DEFAULT_ATTACHMENT_NOTICE
   */
  readonly attachmentNotice?: string;
  /**
   * Texted to the customer in place of an interactive message whose
   * template the bridge cannot render as text (1 to 1600 characters).
   * @default DEFAULT_UNSUPPORTED_MESSAGE_NOTICE
   */
  readonly unsupportedMessageNotice?: string;
}

export interface ParticipantDeliveryProps extends OutboundTextProps {
  /** The bridge's key: encrypts the session table and the outbound queues. */
  readonly key: kms.IKey;
  /** The Connect instance the chats belong to. */
  readonly connectInstanceArn: string;
  /** Each End User Messaging number customers text, in E.164. */
  readonly phoneNumbers: Readonly<Record<string, ParticipantPhoneNumber>>;
  /**
   * The bridge's inbound function, running `participant-handler.ts`: it is
   * given the permissions and environment variables this mode needs.
   */
  readonly inboundFunction: lambda.Function;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * How often a streamed item is tried before it moves to the outbound
   * dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How many outbound function instances may read the queue at once
   * (2 to 1000); it bounds the rate of texts sent.
   * @default 2
   */
  readonly maxConcurrency?: number;
}

/** The notices as set, or their defaults. */
export const outboundNotices = (
  props: OutboundTextProps
): Required<OutboundTextProps> => ({
  attachmentNotice: props.attachmentNotice ?? DEFAULT_ATTACHMENT_NOTICE,
  unsupportedMessageNotice:
    props.unsupportedMessageNotice ?? DEFAULT_UNSUPPORTED_MESSAGE_NOTICE,
});

/** Each number's contact flow id. */
const contactFlowIdsOf = (
  numbers: Readonly<Record<string, ParticipantPhoneNumber>>
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(numbers).map(([number, { contactFlowId }]) => [
      number,
      contactFlowId,
    ])
  );

/** What participant mode adds to the inbound function's environment. */
const participantInboundEnvironment = (
  numbers: Readonly<Record<string, ParticipantPhoneNumber>>,
  values: {
    readonly instanceId: string;
    readonly sessionTableName: string;
    readonly streamingTopicArn: string;
    /** The key prefix of the sent-part markers both functions share. */
    readonly outboundFunctionName: string;
    /**
     * What a flow's messages that SMS cannot carry are texted as, the same
     * as the outbound function texts for an agent's.
     */
    readonly notices: Required<OutboundTextProps>;
  }
): Partial<Record<EnvName, string>> => ({
  [ENV.instanceId]: values.instanceId,
  [ENV.contactFlowIds]: JSON.stringify(contactFlowIdsOf(numbers)),
  [ENV.sessionTableName]: values.sessionTableName,
  [ENV.chatStreamingTopicArn]: values.streamingTopicArn,
  [ENV.sentPartKeyPrefix]: values.outboundFunctionName,
  [ENV.attachmentNotice]: values.notices.attachmentNotice,
  [ENV.unsupportedMessageNotice]: values.notices.unsupportedMessageNotice,
});

/**
 * Participant delivery mode: the inbound function opens chats with
 * Connect's public chat APIs and keeps them in a session table; Connect
 * streams each chat to a topic of this construct, whose queue feeds the
 * outbound function that texts agent replies back to the customer.
 */
export class ParticipantDelivery extends Construct {
  /** One item per open chat (with its tokens) and per contact. */
  public readonly sessionTable: dynamodb.Table;
  /** Encrypts the streaming topic; Connect may use it, for this instance. */
  public readonly streamingTopicKey: kms.Key;
  /** Connect publishes every item of the bridge's chats here. */
  public readonly streamingTopic: sns.Topic;
  public readonly outboundQueue: sqs.Queue;
  public readonly outboundDeadLetterQueue: sqs.Queue;
  public readonly outboundFunction: nodejs.NodejsFunction;
  public readonly outboundLogGroup: logs.LogGroup;
  /** The variables this construct added to the inbound function. */
  public readonly inboundEnvironment: Readonly<
    Partial<Record<EnvName, string>>
  >;

  constructor(scope: Construct, id: string, props: ParticipantDeliveryProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    const maxConcurrency = props.maxConcurrency ?? 2;
    checkConnectInstanceArn(props.connectInstanceArn);
    checkNumbers(props.phoneNumbers, props.connectInstanceArn);
    checkQueueLimits({ maxReceiveCount, maxConcurrency });
    const notices = outboundNotices(props);
    for (const setting of OUTBOUND_TEXT_SETTINGS) {
      checkTextMessage(setting, notices[setting]);
    }
    const instance = instanceOf(this, props.connectInstanceArn);

    this.sessionTable = new dynamodb.Table(this, 'SessionTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      timeToLiveAttribute: 'expiration',
      // Sessions last as long as a chat (25 hours by default) and hold
      // credentials: nothing to keep.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // A key of its own: the queue key's policy names this topic (for SNS
    // to deliver to the queue), so one key for both would be a cycle.
    this.streamingTopicKey = new kms.Key(this, 'StreamingTopicKey', {
      description: 'Encrypts the SMS bridge chat streaming topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(30),
    });
    // The Connect admin guide (chat-message-streaming) conditions the topic
    // policy on the account and the instance.
    this.streamingTopic = createServiceTopic(this, 'StreamingTopic', {
      displayName: 'Amazon Connect chat streaming for the SMS bridge',
      key: this.streamingTopicKey,
      publisher: 'connect.amazonaws.com',
      statementId: 'ConnectChatStreaming',
      sourceConditions: {
        StringEquals: { 'aws:SourceAccount': instance.account },
        ArnEquals: { 'aws:SourceArn': instance.arn },
      },
    });

    ({
      queue: this.outboundQueue,
      deadLetterQueue: this.outboundDeadLetterQueue,
    } = createQueues(
      this,
      { queue: 'OutboundQueue', deadLetterQueue: 'OutboundDeadLetterQueue' },
      props.key,
      maxReceiveCount
    ));
    this.streamingTopic.addSubscription(
      new SqsSubscription(this.outboundQueue, {
        deadLetterQueue: this.outboundDeadLetterQueue,
      })
    );

    this.outboundLogGroup = new logs.LogGroup(this, 'OutboundLogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.outboundFunction = this.createOutboundFunction(props.key, notices);
    feedFromQueue(
      this.outboundFunction,
      this.outboundQueue,
      maxConcurrency,
      'contact and message ids'
    );
    this.outboundFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'TextRepliesFromTheBridgeNumbers',
        actions: ['sms-voice:SendTextMessage'],
        resources: unique(
          Object.values(props.phoneNumbers).map((number) => number.arn)
        ),
      })
    );

    this.inboundEnvironment = this.equipInboundFunction(
      props,
      instance,
      notices
    );
    this.acknowledgeNagFindings();
  }

  private createOutboundFunction(
    key: kms.IKey,
    notices: Required<OutboundTextProps>
  ): nodejs.NodejsFunction {
    const role = loggingRole(
      this,
      'OutboundFunctionRole',
      this.outboundLogGroup,
      'Runs the SMS bridge outbound (agent to customer) function'
    );
    const environment: Record<string, string> = {
      ...SOURCE_MAPS_ENVIRONMENT,
      POWERTOOLS_SERVICE_NAME: OUTBOUND_SERVICE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      [ENV.sessionTableName]: this.sessionTable.tableName,
      [ENV.deadLetterQueueUrl]: this.outboundDeadLetterQueue.queueUrl,
      [ENV.attachmentNotice]: notices.attachmentNotice,
      [ENV.unsupportedMessageNotice]: notices.unsupportedMessageNotice,
    };
    checkEnvironmentSize(environment, OUTBOUND_TEXT_SETTINGS.join(' and '));
    const fn = new nodejs.NodejsFunction(this, 'OutboundFunction', {
      role,
      description: 'Texts Amazon Connect agent replies to the customer',
      entry: lambdaEntry('outbound-sms', 'handler.ts'),
      handler: 'handler',
      ...FUNCTION_DEFAULTS,
      memorySize: 256,
      timeout: QUEUE_FUNCTION_TIMEOUT,
      logGroup: this.outboundLogGroup,
      // Only SQS invokes it; asynchronous invocations (there should be
      // none) that keep failing land here too.
      deadLetterQueue: this.outboundDeadLetterQueue,
      environment,
    });
    // Sending to the dead-letter queue (the deadLetterQueue prop grants
    // sqs:SendMessage) and writing sent-part markers need a data key;
    // reading the queue grants Decrypt.
    key.grant(fn, 'kms:GenerateDataKey');
    this.sessionTable.grant(
      fn,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem'
    );
    return fn;
  }

  private equipInboundFunction(
    props: ParticipantDeliveryProps,
    instance: Instance,
    notices: Required<OutboundTextProps>
  ): Partial<Record<EnvName, string>> {
    const fn = props.inboundFunction;
    const environment = participantInboundEnvironment(props.phoneNumbers, {
      instanceId: instance.id,
      sessionTableName: this.sessionTable.tableName,
      streamingTopicArn: this.streamingTopic.topicArn,
      outboundFunctionName: this.outboundFunction.functionName,
      notices,
    });
    for (const [name, value] of Object.entries(environment)) {
      if (value !== undefined) fn.addEnvironment(name, value);
    }
    const contactFlowIds = contactFlowIdsOf(props.phoneNumbers);
    props.key.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey');
    this.sessionTable.grant(
      fn,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem'
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'StartChatsInTheConfiguredFlows',
        actions: ['connect:StartChatContact'],
        resources: unique(Object.values(contactFlowIds)).map(
          (flowId) => `${instance.arn}/contact-flow/${flowId}`
        ),
      })
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'StreamTheInstanceChats',
        actions: ['connect:StartContactStreaming'],
        // Its one resource type in the Service Authorization Reference is
        // the instance: IAM evaluates the instance ARN, not the contact's.
        resources: [instance.arn],
      })
    );
    // What a flow says before streaming starts is read from the transcript
    // and texted from the number the customer texted.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'TextFlowMessagesFromTheBridgeNumbers',
        actions: ['sms-voice:SendTextMessage'],
        resources: unique(
          Object.values(props.phoneNumbers).map((number) => number.arn)
        ),
      })
    );
    // The participant service (CreateParticipantConnection, SendMessage,
    // DisconnectParticipant, GetTranscript) authorizes with the chat's own
    // tokens, not IAM.
    return environment;
  }

  /** Each acknowledged cdk-nag finding, with the reason it stands. */
  private acknowledgeNagFindings(): void {
    Validations.of(this.sessionTable).acknowledge({
      id: 'AwsSolutions::AwsSolutions-DDB3',
      reason:
        'The table holds chat sessions that end within 25 hours and their ' +
        'tokens; restoring them would revive credentials, not data.',
    });
  }
}

interface Instance {
  readonly arn: string;
  readonly id: string;
  readonly account: string;
}

const instanceOf = (scope: Construct, arn: string): Instance => {
  const stack = Stack.of(scope);
  const parts = stack.splitArn(arn, ArnFormat.SLASH_RESOURCE_NAME);
  return {
    arn,
    id:
      parts.resourceName ??
      fail('connectInstanceArn', 'names no instance id', arn),
    account: CONNECT_INSTANCE_ARN.exec(arn)?.[2] ?? stack.account,
  };
};

const checkNumbers = (
  numbers: Readonly<Record<string, ParticipantPhoneNumber>>,
  connectInstanceArn: string
): void => {
  checkPhoneNumbers(
    Object.fromEntries(
      Object.entries(numbers).map(([number, { arn }]) => [number, arn])
    ),
    connectInstanceArn
  );
  for (const [number, { contactFlowId }] of Object.entries(numbers)) {
    const setting = `phoneNumbers["${number}"].contactFlowId`;
    if (contactFlowId === undefined || contactFlowId === '') {
      fail(
        setting,
        'is required in participant mode: give the number a contactFlowId, or set the top-level contactFlowId',
        contactFlowId
      );
    }
    checkPattern(
      setting,
      contactFlowId,
      CONTACT_FLOW_ID,
      'must be a contact flow id (a UUID, the last part of the flow ARN)'
    );
  }
};

const unique = (values: readonly string[]): string[] => [...new Set(values)];
