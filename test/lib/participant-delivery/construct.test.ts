import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import {
  DEFAULT_ATTACHMENT_NOTICE,
  DEFAULT_UNSUPPORTED_MESSAGE_NOTICE,
} from '../../../lib/participant-delivery';
import { propertiesOf } from '../../support/bridge-app';
import {
  ACCOUNT,
  buildError,
  buildParticipantStack,
  FLOW_SALES,
  FLOW_SUPPORT,
  INSTANCE_ARN,
  type ParticipantStack,
  PHONE_ARNS,
  PHONE_NUMBERS,
} from '../../support/participant-stack';
import {
  namedTopicArn,
  roleStatements,
  type Statement,
  statementsOf,
} from '../../support/policy';

const CONNECT_CONDITIONS = {
  StringEquals: { 'aws:SourceAccount': ACCOUNT },
  ArnEquals: { 'aws:SourceArn': INSTANCE_ARN },
};

const roleOf = (fn: { role?: IRole }): IRole => {
  if (fn.role === undefined) throw new Error('the function has no role');
  return fn.role;
};

const actionsOf = (statements: Statement[]) =>
  [...new Set(statements.flatMap((s) => s.actions))].sort();

const resourcesFor = (statements: Statement[], action: string) =>
  statements
    .filter((s) => s.actions.includes(action))
    .flatMap((s) => s.resources);

describe('ParticipantDelivery', () => {
  let built: ParticipantStack;

  beforeAll(() => {
    built = buildParticipantStack();
  });

  const resolve = (value: unknown) => built.stack.resolve(value);

  describe('the session table', () => {
    it('is keyed by pk, on demand, with TTL on expiration', () => {
      // Act
      const table = propertiesOf(built.template, built.delivery.sessionTable);

      // Assess
      expect(table).toMatchObject({
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      });
    });

    it("is encrypted with the bridge's key", () => {
      // Act
      const table = propertiesOf(built.template, built.delivery.sessionTable);

      // Assess
      expect(table.SSESpecification).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: resolve(built.key.keyArn),
      });
    });
  });

  describe('the streaming topic', () => {
    it('is encrypted with a key of its own that rotates', () => {
      // Act
      const topic = propertiesOf(built.template, built.delivery.streamingTopic);
      const key = propertiesOf(
        built.template,
        built.delivery.streamingTopicKey
      );

      // Assess
      expect(topic.KmsMasterKeyId).toEqual(
        resolve(built.delivery.streamingTopicKey.keyArn)
      );
      expect(topic.KmsMasterKeyId).not.toEqual(resolve(built.key.keyArn));
      expect(key.EnableKeyRotation).toBe(true);
    });

    it('lets only Connect publish, for this account and instance', () => {
      // Act
      const policies = built.template.findResources('AWS::SNS::TopicPolicy', {
        Properties: {
          Topics: [resolve(built.delivery.streamingTopic.topicArn)],
        },
      });
      const statements = Object.values(policies).flatMap((policy) =>
        statementsOf(
          (policy as { Properties: { PolicyDocument: unknown } }).Properties
            .PolicyDocument
        )
      );

      // Assess
      expect(statements.filter((s) => s.effect === 'Allow')).toEqual([
        {
          effect: 'Allow',
          principal: { Service: 'connect.amazonaws.com' },
          actions: ['sns:Publish'],
          resources: [resolve(built.delivery.streamingTopic.topicArn)],
          condition: CONNECT_CONDITIONS,
        },
      ]);
    });

    it('refuses requests without TLS', () => {
      // Act
      const policies = built.template.findResources('AWS::SNS::TopicPolicy', {
        Properties: {
          Topics: [resolve(built.delivery.streamingTopic.topicArn)],
        },
      });

      // Assess
      expect(JSON.stringify(policies)).toContain(
        '"aws:SecureTransport":"false"'
      );
    });

    it('has a key that Connect may use only for this topic', () => {
      // Act
      const key = propertiesOf(
        built.template,
        built.delivery.streamingTopicKey
      );
      const connect = statementsOf(key.KeyPolicy).filter((s) =>
        JSON.stringify(s.principal ?? '').includes('connect.amazonaws.com')
      );

      // Assess
      expect(connect).toEqual([
        {
          effect: 'Allow',
          principal: { Service: 'connect.amazonaws.com' },
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          condition: {
            StringEquals: {
              'kms:EncryptionContext:aws:sns:topicArn': resolve(
                namedTopicArn(built.delivery.streamingTopic)
              ),
            },
          },
        },
      ]);
    });

    it('feeds the outbound queue, with failed deliveries to its dead-letter queue', () => {
      // Assess
      built.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        TopicArn: resolve(built.delivery.streamingTopic.topicArn),
        Endpoint: resolve(built.delivery.outboundQueue.queueArn),
        RedrivePolicy: {
          deadLetterTargetArn: resolve(
            built.delivery.outboundDeadLetterQueue.queueArn
          ),
        },
        RawMessageDelivery: Match.absent(),
      });
    });
  });

  describe('the outbound queues', () => {
    it("are encrypted with the bridge's key and refuse requests without TLS", () => {
      // Act
      const queues = [
        built.delivery.outboundQueue,
        built.delivery.outboundDeadLetterQueue,
      ].map((queue) => propertiesOf(built.template, queue));

      // Assess
      for (const queue of queues) {
        expect(queue.KmsMasterKeyId).toEqual(resolve(built.key.keyArn));
      }
      built.template.resourcePropertiesCountIs(
        'AWS::SQS::QueuePolicy',
        {
          Queues: [resolve(built.delivery.outboundQueue.queueUrl)],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        },
        1
      );
    });

    it('moves an item to the dead-letter queue after five tries', () => {
      // Act
      const queue = propertiesOf(built.template, built.delivery.outboundQueue);

      // Assess
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: resolve(
          built.delivery.outboundDeadLetterQueue.queueArn
        ),
        maxReceiveCount: 5,
      });
    });
  });

  describe('the outbound function', () => {
    it('runs the outbound handler on Node.js 24, arm64, with set memory and timeout', () => {
      // Act
      const fn = propertiesOf(built.template, built.delivery.outboundFunction);

      // Assess
      expect(fn).toEqual(
        expect.objectContaining({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          MemorySize: 256,
          Timeout: 30,
          Handler: 'index.handler',
          LoggingConfig: {
            LogGroup: resolve(built.delivery.outboundLogGroup.logGroupName),
          },
        })
      );
    });

    it('is told its session table and dead-letter queue', () => {
      // Act
      const fn = propertiesOf(built.template, built.delivery.outboundFunction);

      // Assess
      expect(fn.Environment).toEqual({
        Variables: expect.objectContaining({
          SESSION_TABLE_NAME: resolve(built.delivery.sessionTable.tableName),
          DEAD_LETTER_QUEUE_URL: resolve(
            built.delivery.outboundDeadLetterQueue.queueUrl
          ),
        }),
      });
    });

    it('keeps its logs for a month unless told otherwise', () => {
      // Act
      const retention = (stack: ParticipantStack) =>
        propertiesOf(stack.template, stack.delivery.outboundLogGroup)
          .RetentionInDays;

      // Assess
      expect(retention(built)).toBe(30);
      expect(
        retention(
          buildParticipantStack({ logRetention: logs.RetentionDays.ONE_WEEK })
        )
      ).toBe(7);
    });

    it('reads the outbound queue in batches with partial failures and bounded concurrency', () => {
      // Assess
      built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: resolve(built.delivery.outboundQueue.queueArn),
        FunctionName: resolve(built.delivery.outboundFunction.functionName),
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      });
    });

    it('may do nothing but its job', () => {
      // Act
      const statements = roleStatements(
        built.template,
        built.stack,
        roleOf(built.delivery.outboundFunction)
      );

      // Assess
      expect(actionsOf(statements)).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sms-voice:SendTextMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ]);
    });

    it('texts only from the configured phone numbers', () => {
      // Act
      const statements = roleStatements(
        built.template,
        built.stack,
        roleOf(built.delivery.outboundFunction)
      );

      // Assess
      expect(
        resourcesFor(statements, 'sms-voice:SendTextMessage').sort()
      ).toEqual(Object.values(PHONE_ARNS).sort());
    });

    it('reaches DynamoDB only on the session table', () => {
      // Act
      const statements = roleStatements(
        built.template,
        built.stack,
        roleOf(built.delivery.outboundFunction)
      );

      // Assess
      const table = resolve(built.delivery.sessionTable.tableArn);
      for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem']) {
        expect(resourcesFor(statements, action)).toEqual([table]);
      }
    });
  });

  describe("the inbound function's additions", () => {
    const inboundStatements = () =>
      roleStatements(built.template, built.stack, roleOf(built.inbound));

    it('may start chats only in the configured contact flows', () => {
      // Act
      const resources = resourcesFor(
        inboundStatements(),
        'connect:StartChatContact'
      );

      // Assess
      expect(resources.sort()).toEqual(
        [
          `${INSTANCE_ARN}/contact-flow/${FLOW_SALES}`,
          `${INSTANCE_ARN}/contact-flow/${FLOW_SUPPORT}`,
        ].sort()
      );
    });

    it('may start streaming only on the instance', () => {
      // Act
      const resources = resourcesFor(
        inboundStatements(),
        'connect:StartContactStreaming'
      );

      // Assess
      expect(resources).toEqual([INSTANCE_ARN]);
    });

    it('texts what a flow said only from the configured phone numbers', () => {
      // Act
      const resources = resourcesFor(
        inboundStatements(),
        'sms-voice:SendTextMessage'
      );

      // Assess
      expect(resources.sort()).toEqual(Object.values(PHONE_ARNS).sort());
    });

    it('gets no other Connect, participant or SMS permission', () => {
      // Act
      const actions = actionsOf(inboundStatements()).filter((action) =>
        /^(connect|connectparticipant|sms-voice):/.test(action)
      );

      // Assess
      expect(actions).toEqual([
        'connect:StartChatContact',
        'connect:StartContactStreaming',
        'sms-voice:SendTextMessage',
      ]);
    });

    it('reaches DynamoDB only on the session table', () => {
      // Act
      const statements = inboundStatements().filter((s) =>
        s.actions.some((action) => action.startsWith('dynamodb:'))
      );

      // Assess
      expect(statements.flatMap((s) => s.resources)).toEqual([
        resolve(built.delivery.sessionTable.tableArn),
      ]);
    });

    it("is told the instance, the flows, the session table, the topic, the outbound function's name and its notices", () => {
      // Act
      const fn = propertiesOf(built.template, built.inbound);

      // Assess
      expect(fn.Environment).toEqual({
        Variables: {
          CONNECT_INSTANCE_ID: '11111111-2222-3333-4444-555555555555',
          CONTACT_FLOW_IDS: JSON.stringify(
            Object.fromEntries(
              Object.entries(PHONE_NUMBERS).map(
                ([number, { contactFlowId }]) => [number, contactFlowId]
              )
            )
          ),
          SESSION_TABLE_NAME: resolve(built.delivery.sessionTable.tableName),
          CHAT_STREAMING_TOPIC_ARN: resolve(
            built.delivery.streamingTopic.topicArn
          ),
          SENT_PART_KEY_PREFIX: resolve(
            built.delivery.outboundFunction.functionName
          ),
          ATTACHMENT_NOTICE: DEFAULT_ATTACHMENT_NOTICE,
          UNSUPPORTED_MESSAGE_NOTICE: DEFAULT_UNSUPPORTED_MESSAGE_NOTICE,
        },
      });
    });
  });

  it('passes the cdk-nag rules the app runs', () => {
    // Prepare: the stand-in inbound function is not the construct's
    const nagged = buildParticipantStack({}, (app) =>
      Validations.of(app).addPlugins(
        new AwsSolutionsChecks(app),
        new ServerlessChecks(app)
      )
    );

    // Act
    const synth = () => nagged.app.synth();

    // Assess
    expect(synth).not.toThrow();
  });

  describe('settings it refuses', () => {
    it('names the number whose contact flow is missing', () => {
      // Act
      const message = buildError({
        phoneNumbers: {
          '+12065550100': {
            arn: PHONE_ARNS['+12065550100'],
            contactFlowId: '',
          },
        },
      });

      // Assess
      expect(message).toMatch(
        /^phoneNumbers\["\+12065550100"\]\.contactFlowId is required in participant mode/
      );
    });

    it('shows a contact flow id that is not one', () => {
      // Act
      const message = buildError({
        phoneNumbers: {
          '+12065550100': {
            arn: PHONE_ARNS['+12065550100'],
            contactFlowId: 'contact-flow/sales',
          },
        },
      });

      // Assess
      expect(message).toContain('phoneNumbers["+12065550100"].contactFlowId');
      expect(message).toContain('"contact-flow/sales"');
    });

    it('names a phone-number ARN that is not one', () => {
      // Act
      const message = buildError({
        phoneNumbers: {
          '+12065550100': { arn: 'phone-123', contactFlowId: FLOW_SALES },
        },
      });

      // Assess
      expect(message).toContain('phoneNumbers["+12065550100"]');
      expect(message).toContain('"phone-123"');
    });

    it('names a Connect instance ARN that is not one', () => {
      // Act
      const message = buildError({ connectInstanceArn: 'instance/abc' });

      // Assess
      expect(message).toMatch(/^connectInstanceArn .*"instance\/abc"/);
    });

    it('shows a concurrency below two', () => {
      // Act
      const message = buildError({ maxConcurrency: 1 });

      // Assess
      expect(message).toBe('maxConcurrency must be between 2 and 1000, got 1');
    });
  });
});
