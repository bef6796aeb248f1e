import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  ACCOUNT,
  propertiesOf,
  REQUIRED_CONTEXT,
  type SynthesizedBridge,
  synthBridge,
} from '../../support/bridge-app';
import { type Statement, statementsOf } from '../../support/policy';

const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:existing-two-way`;

const keyStatements = (
  { template }: SynthesizedBridge,
  key: IKey | undefined
): Statement[] => {
  if (key === undefined) throw new Error('the bridge created no such key');
  return statementsOf(propertiesOf(template, key).KeyPolicy);
};

const grantsTo = (statements: Statement[], service: string): Statement[] =>
  statements.filter((statement) =>
    JSON.stringify(statement.principal).includes(`"${service}"`)
  );

describe('the bridge keys', () => {
  let synthesized: SynthesizedBridge;

  beforeAll(() => {
    synthesized = synthBridge(REQUIRED_CONTEXT, { account: ACCOUNT });
  });

  it.each([
    ['queue key', (s: SynthesizedBridge) => s.bridge.key],
    ['topic key', (s: SynthesizedBridge) => s.bridge.topicKey],
  ])('rotates the %s', (_name, keyOf) => {
    // Prepare
    const key = keyOf(synthesized);
    if (key === undefined) throw new Error('the bridge created no such key');

    // Act
    const properties = propertiesOf(synthesized.template, key);

    // Assess
    expect(properties.EnableKeyRotation).toBe(true);
  });

  it('lets End User Messaging encrypt with the topic key only for its own account', () => {
    // Prepare
    const statements = keyStatements(synthesized, synthesized.bridge.topicKey);

    // Act
    const smsVoice = grantsTo(statements, 'sms-voice.amazonaws.com');

    // Assess
    expect(smsVoice).toEqual([
      {
        effect: 'Allow',
        principal: { Service: 'sms-voice.amazonaws.com' },
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        condition: {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          ArnLike: {
            'aws:SourceArn': `arn:aws:sms-voice:us-east-1:${ACCOUNT}:*`,
          },
        },
      },
    ]);
  });

  it('conditions the topic key grant on the deploying account and the instance region in an offline synth', () => {
    // Prepare
    const context = {
      connectInstanceArn:
        'arn:aws:connect:eu-west-2:444455556666:instance/11111111-2222-3333-4444-555555555555',
      phoneNumbers: JSON.stringify({
        '+447700900123':
          'arn:aws:sms-voice:eu-west-2:444455556666:phone-number/phone-0123456789abcdef0123456789abcdef',
      }),
    };

    // Act
    const offline = synthBridge(context);

    // Assess
    const [statement] = grantsTo(
      keyStatements(offline, offline.bridge.topicKey),
      'sms-voice.amazonaws.com'
    );
    expect(statement?.condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': [
            '',
            ['arn:aws:sms-voice:eu-west-2:', { Ref: 'AWS::AccountId' }, ':*'],
          ],
        },
      },
    });
  });

  it("uses the instance's partition in the End User Messaging source ARN", () => {
    // Prepare
    const context = {
      connectInstanceArn: `arn:aws-us-gov:connect:us-gov-west-1:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555`,
      phoneNumbers: JSON.stringify({
        '+12065550100': `arn:aws-us-gov:sms-voice:us-gov-west-1:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef`,
      }),
    };

    // Act
    const govCloud = synthBridge(context, { account: ACCOUNT });

    // Assess
    const [statement] = grantsTo(
      keyStatements(govCloud, govCloud.bridge.topicKey),
      'sms-voice.amazonaws.com'
    );
    expect(statement?.condition).toEqual({
      StringEquals: { 'aws:SourceAccount': ACCOUNT },
      ArnLike: {
        'aws:SourceArn': `arn:aws-us-gov:sms-voice:us-gov-west-1:${ACCOUNT}:*`,
      },
    });
  });

  it('lets SNS use the queue key only for messages from the inbound topic', () => {
    // Prepare
    const { stack, bridge } = synthesized;
    const statements = keyStatements(synthesized, bridge.key);

    // Act
    const sns = grantsTo(statements, 'sns.amazonaws.com');

    // Assess
    expect(sns).toEqual([
      {
        effect: 'Allow',
        principal: { Service: 'sns.amazonaws.com' },
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        condition: {
          ArnEquals: {
            'aws:SourceArn': stack.resolve(bridge.inboundTopic.topicArn),
          },
        },
      },
    ]);
  });

  it('gives End User Messaging no use of the queue key', () => {
    // Prepare
    const statements = keyStatements(synthesized, synthesized.bridge.key);

    // Act
    const smsVoice = grantsTo(statements, 'sms-voice.amazonaws.com');

    // Assess
    expect(smsVoice).toEqual([]);
  });

  it('lets SNS use the queue key only for the given topic when inboundTopicArn is set', () => {
    // Prepare
    const context = { ...REQUIRED_CONTEXT, inboundTopicArn: TOPIC_ARN };

    // Act
    const existing = synthBridge(context, { account: ACCOUNT });

    // Assess
    expect(
      grantsTo(
        keyStatements(existing, existing.bridge.key),
        'sns.amazonaws.com'
      ).map((statement) => statement.condition)
    ).toEqual([{ ArnEquals: { 'aws:SourceArn': TOPIC_ARN } }]);
  });

  it('creates no topic key when inboundTopicArn is set', () => {
    // Prepare
    const context = { ...REQUIRED_CONTEXT, inboundTopicArn: TOPIC_ARN };

    // Act
    const existing = synthBridge(context, { account: ACCOUNT });

    // Assess
    expect(existing.bridge.topicKey).toBeUndefined();
    const keys = Object.values(
      existing.template.findResources('AWS::KMS::Key')
    );
    expect(
      keys.flatMap((key) =>
        grantsTo(
          statementsOf(key.Properties.KeyPolicy),
          'sms-voice.amazonaws.com'
        )
      )
    ).toEqual([]);
  });
});
