import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  BUNDLING_STACKS,
  SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY,
} from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { KeywordReplies } from '../../lib/keyword-replies';
import { SmsConnectBridge } from '../../lib/sms-connect-bridge';
import { TwoWayWiring, type TwoWayWiringProps } from '../../lib/two-way-wiring';

const PREFIX = 'arn:aws:sms-voice:us-east-1:111122223333';
const NUMBER_A = `${PREFIX}:phone-number/phone-0123456789abcdef0123456789abcdef`;
const NUMBER_B = `${PREFIX}:phone-number/phone-fedcba9876543210fedcba9876543210`;
const POOL = `${PREFIX}:pool/pool-00112233445566778899aabbccddeeff`;

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

/** Self-managed opt-outs: a bridge on that opt-out list, answering keywords. */
interface OptOuts {
  readonly optOutListName?: string;
}

const keywordRepliesIn = (stack: Stack, { optOutListName }: OptOuts) => {
  const bridge = new SmsConnectBridge(stack, 'Bridge', {
    connectInstanceArn:
      'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555',
    phoneNumbers: { '+12065550100': NUMBER_A },
    ...(optOutListName === undefined ? {} : { optOutListName }),
  });
  return new KeywordReplies(stack, 'KeywordReplies', { bridge });
};

const build = (props: Partial<TwoWayWiringProps> = {}, optOuts?: OptOuts) => {
  const app = new App({
    context: {
      // The bridge of the self-managed cases needs it.
      [SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY]: true,
      [BUNDLING_STACKS]: [],
    },
  });
  const stack = new Stack(app, 'Test', {
    env: { account: '111122223333', region: 'us-east-1' },
  });
  const topic = new sns.Topic(stack, 'Topic');
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('sms-voice.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
    })
  );
  const wiring = new TwoWayWiring(stack, 'TwoWay', {
    phoneNumbers: [NUMBER_A, NUMBER_B],
    inboundTopic: topic,
    ...(optOuts === undefined
      ? {}
      : { selfManagedOptOuts: keywordRepliesIn(stack, optOuts) }),
    ...props,
  });
  return { stack, topic, wiring, template: Template.fromStack(stack) };
};

const statements = (template: Template): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } })
        .Properties.PolicyDocument.Statement
  );

const actionsOf = (statement: Statement): string[] => [statement.Action].flat();

describe('TwoWayWiring', () => {
  it('creates one custom resource per phone number', () => {
    // Prepare
    const { template } = build();

    // Act
    const resources = template.findResources('Custom::TwoWayPhoneNumber');

    // Assess
    expect(
      Object.values(resources).map(
        (r) =>
          (r as { Properties: { PhoneNumberId: string } }).Properties
            .PhoneNumberId
      )
    ).toEqual([NUMBER_A, NUMBER_B]);
  });

  it('points each number at the inbound topic through the provider', () => {
    // Prepare
    const { stack, topic, wiring, template } = build();

    // Act & Assess
    template.hasResourceProperties('Custom::TwoWayPhoneNumber', {
      ServiceToken: stack.resolve(wiring.provider.serviceToken),
      PhoneNumberId: NUMBER_A,
      TwoWayChannelArn: stack.resolve(topic.topicArn),
      SelfManagedOptOutsEnabled: false,
      TwoWayChannelRole: Match.absent(),
    });
  });

  it('asks for self-managed opt-outs when given keyword replies', () => {
    // Prepare
    const { template } = build({}, {});

    // Act
    const resources = template.findResources('Custom::TwoWayPhoneNumber', {
      Properties: { SelfManagedOptOutsEnabled: true },
    });

    // Assess
    expect(Object.keys(resources)).toHaveLength(2);
  });

  it('names the opt-out list each number and pool must use with self-managed opt-outs', () => {
    // Prepare
    const { template } = build(
      { pools: [POOL] },
      { optOutListName: 'Support-OptOuts' }
    );

    // Act
    const resources = [
      ...Object.values(template.findResources('Custom::TwoWayPhoneNumber')),
      ...Object.values(template.findResources('Custom::TwoWayPool')),
    ].map((r) => (r as { Properties: { OptOutListName?: string } }).Properties);

    // Assess
    expect(resources.map((p) => p.OptOutListName)).toEqual([
      'Support-OptOuts',
      'Support-OptOuts',
      'Support-OptOuts',
    ]);
  });

  it('names no opt-out list without self-managed opt-outs', () => {
    // Prepare
    const { template } = build();

    // Act & Assess
    template.hasResourceProperties('Custom::TwoWayPhoneNumber', {
      OptOutListName: Match.absent(),
    });
  });

  it("turns a phone-number id into an ARN in the stack's account and region", () => {
    // Prepare
    const { template } = build({
      phoneNumbers: ['phone-0123456789abcdef0123456789abcdef'],
    });

    // Act & Assess
    template.hasResourceProperties('Custom::TwoWayPhoneNumber', {
      PhoneNumberId: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef',
          ],
        ],
      },
    });
  });

  it('waits for the topic policy before setting the channel', () => {
    // Prepare
    const { stack, topic, template } = build();
    const policy = topic.node.findChild('Policy').node
      .defaultChild as CfnElement;

    // Act
    const resources = template.findResources('Custom::TwoWayPhoneNumber');

    // Assess
    for (const resource of Object.values(resources)) {
      expect((resource as { DependsOn: string[] }).DependsOn).toContain(
        stack.getLogicalId(policy)
      );
    }
  });

  it('lets the function describe and update only the configured numbers', () => {
    // Prepare
    const { stack, wiring, template } = build();

    // Act & Assess
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [stack.resolve(wiring.handler.role?.roleName)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ConfigureTwoWayPhoneNumbers',
            Effect: 'Allow',
            Action: [
              'sms-voice:DescribePhoneNumbers',
              'sms-voice:UpdatePhoneNumber',
            ],
            Resource: [NUMBER_A, NUMBER_B],
          },
        ]),
      },
    });
  });

  it('grants no End User Messaging action on all resources', () => {
    // Prepare
    const { template } = build({ pools: [POOL] });

    // Act
    const wide = statements(template).filter(
      (s) =>
        actionsOf(s).some((a) => a.startsWith('sms-voice:')) &&
        [s.Resource].flat().includes('*')
    );

    // Assess
    expect(wide).toEqual([]);
  });

  it('grants iam:PassRole to nobody when no channel role is given', () => {
    // Prepare
    const { template } = build();

    // Act
    const passRole = statements(template).filter((s) =>
      actionsOf(s).includes('iam:PassRole')
    );

    // Assess
    expect(passRole).toEqual([]);
  });

  it('creates no role for End User Messaging, relying on the topic policy', () => {
    // Prepare
    const { template } = build();

    // Act
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'sms-voice.amazonaws.com' },
            }),
          ]),
        },
      },
    });

    // Assess
    expect(roles).toEqual({});
  });

  it('may pass only the given channel role, and only to End User Messaging', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Test', {
      env: { account: '111122223333', region: 'us-east-1' },
    });
    const role = new iam.Role(stack, 'ChannelRole', {
      assumedBy: new iam.ServicePrincipal('sms-voice.amazonaws.com'),
    });
    const wiring = new TwoWayWiring(stack, 'TwoWay', {
      phoneNumbers: [NUMBER_A],
      inboundTopic: new sns.Topic(stack, 'Topic'),
      channelRole: role,
    });

    // Act
    const template = Template.fromStack(stack);

    // Assess
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [stack.resolve(wiring.handler.role?.roleName)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'PassTwoWayChannelRole',
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: stack.resolve(role.roleArn),
            Condition: {
              StringEquals: {
                'iam:PassedToService': 'sms-voice.amazonaws.com',
              },
            },
          },
        ]),
      },
    });
  });

  it('sets the channel role on the numbers when one is given', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Test', {
      env: { account: '111122223333', region: 'us-east-1' },
    });
    const role = iam.Role.fromRoleArn(
      stack,
      'ChannelRole',
      'arn:aws:iam::111122223333:role/SmsVoiceTwoWay'
    );
    new TwoWayWiring(stack, 'TwoWay', {
      phoneNumbers: [NUMBER_A],
      inboundTopic: new sns.Topic(stack, 'Topic'),
      channelRole: role,
    });

    // Act
    const template = Template.fromStack(stack);

    // Assess
    template.hasResourceProperties('Custom::TwoWayPhoneNumber', {
      TwoWayChannelRole: 'arn:aws:iam::111122223333:role/SmsVoiceTwoWay',
    });
  });

  it('configures each pool with its own custom resource', () => {
    // Prepare
    const { stack, topic, template } = build({ pools: [POOL] });

    // Act & Assess
    template.hasResourceProperties('Custom::TwoWayPool', {
      PoolId: POOL,
      TwoWayChannelArn: stack.resolve(topic.topicArn),
    });
  });

  it('lets the function describe and update only the configured pools', () => {
    // Prepare
    const { template } = build({ pools: [POOL] });

    // Act & Assess
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ConfigureTwoWayPools',
            Effect: 'Allow',
            Action: ['sms-voice:DescribePools', 'sms-voice:UpdatePool'],
            Resource: POOL,
          },
        ]),
      },
    });
  });

  it('tells each number resource which pools the stack configures', () => {
    // Prepare
    const { template } = build({ pools: [POOL] });

    // Act & Assess
    template.hasResourceProperties('Custom::TwoWayPhoneNumber', {
      PhoneNumberId: NUMBER_A,
      Pools: [POOL],
    });
  });

  it('runs the handler on Node.js 24 on arm64 with an explicit log group', () => {
    // Prepare
    const { stack, wiring, template } = build();

    // Act & Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 120,
      LoggingConfig: { LogGroup: stack.resolve(wiring.logGroup.logGroupName) },
    });
  });

  it('keeps the logs of the handler and the provider for a month', () => {
    // Prepare
    const { template } = build();

    // Act
    const logGroups = template.findResources('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
    });

    // Assess
    expect(Object.keys(logGroups)).toHaveLength(2);
  });

  it('leaves no cdk-nag finding unacknowledged', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    Validations.of(app).addPlugins(
      new AwsSolutionsChecks(app),
      new ServerlessChecks(app)
    );
    const stack = new Stack(app, 'Test', {
      env: { account: '111122223333', region: 'us-east-1' },
    });
    new TwoWayWiring(stack, 'TwoWay', {
      phoneNumbers: [NUMBER_A],
      pools: [POOL],
      inboundTopic: new sns.Topic(stack, 'Topic', { enforceSSL: true }),
      channelRole: iam.Role.fromRoleArn(
        stack,
        'ChannelRole',
        'arn:aws:iam::111122223333:role/SmsVoiceTwoWay'
      ),
    });

    // Act & Assess
    expect(() => app.synth()).not.toThrow();
  });

  it('throws when there is no phone number and no pool', () => {
    // Prepare, Act & Assess
    expect(() => build({ phoneNumbers: [] })).toThrow(
      'phoneNumbers must name at least one phone number'
    );
  });

  it('throws naming the setting and value of a malformed phone number', () => {
    // Prepare, Act & Assess
    expect(() => build({ phoneNumbers: ['+12065550100'] })).toThrow(
      /^phoneNumbers entries must be End User Messaging phone-number ARNs or ids .*, got "\+12065550100"$/
    );
  });

  it("throws on a phone number outside the stack's region", () => {
    // Prepare
    const other = NUMBER_A.replace('us-east-1', 'eu-west-2');

    // Act & Assess
    expect(() => build({ phoneNumbers: [other] })).toThrow(
      "phoneNumbers entries must be in the stack's region (us-east-1)"
    );
  });

  it('throws when a phone number is named twice', () => {
    // Prepare, Act & Assess
    expect(() =>
      build({
        phoneNumbers: [NUMBER_A, 'phone-0123456789abcdef0123456789abcdef'],
      })
    ).toThrow('phoneNumbers must not name the same resource twice');
  });

  it('throws naming the setting of a malformed pool', () => {
    // Prepare, Act & Assess
    expect(() => build({ pools: ['my-pool'] })).toThrow(
      /^pools entries must be End User Messaging pool ARNs or ids/
    );
  });
});
