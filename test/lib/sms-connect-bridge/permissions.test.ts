import type { IRole } from 'aws-cdk-lib/aws-iam';
import {
  ACCOUNT,
  propertiesOf,
  REQUIRED_CONTEXT,
  type SynthesizedBridge,
  synthBridge,
  templateOf,
} from '../../support/bridge-app';
import { roleStatements, type Statement } from '../../support/policy';

/** Everything the function may do. */
const GRANTED_ACTIONS = [
  'connect:SendChatIntegrationEvent',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'kms:Decrypt',
  'kms:GenerateDataKey',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
  'sqs:SendMessage',
];
const CONSUME_ACTIONS = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];

const roleOf = ({ bridge }: SynthesizedBridge): IRole => {
  const { role } = bridge.handler;
  if (role === undefined) throw new Error('the function has no role');
  return role;
};

/** The resources each statement naming the action grants it on. */
const resourcesFor = (statements: Statement[], action: string): unknown[] =>
  statements
    .filter((statement) => statement.actions.includes(action))
    .flatMap((statement) => statement.resources);

describe("the function's permissions", () => {
  let synthesized: SynthesizedBridge;
  let statements: Statement[];

  beforeAll(() => {
    synthesized = synthBridge(REQUIRED_CONTEXT, { account: ACCOUNT });
    statements = roleStatements(
      synthesized.template,
      synthesized.stack,
      roleOf(synthesized)
    );
  });

  it('runs the function with the role its policy is attached to', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;
    const role = roleOf(synthesized);

    // Act
    const function_ = templateOf(template, bridge.handler);

    // Assess
    function_.hasResourceProperties('AWS::Lambda::Function', {
      Role: stack.resolve(role.roleArn),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [stack.resolve(role.roleName)],
    });
  });

  it('lets only Lambda assume the role', () => {
    // Prepare
    const { template } = synthesized;

    // Act
    const trust = propertiesOf(template, roleOf(synthesized))
      .AssumeRolePolicyDocument as { Statement: unknown[] };

    // Assess
    expect(trust.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
      },
    ]);
  });

  it('has no managed policy, so every grant is visible here', () => {
    // Prepare
    const { template } = synthesized;

    // Act
    const managed = propertiesOf(
      template,
      roleOf(synthesized)
    ).ManagedPolicyArns;

    // Assess
    expect(managed ?? []).toEqual([]);
  });

  it.each(['logs:CreateLogStream', 'logs:PutLogEvents'])(
    'may use %s only on its own log group',
    (action) => {
      // Prepare
      const { stack, bridge } = synthesized;

      // Act
      const resources = resourcesFor(statements, action);

      // Assess
      expect(resources).toEqual([stack.resolve(bridge.logGroup.logGroupArn)]);
    }
  );

  it.each([
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
  ])('may use %s only on the idempotency table', (action) => {
    // Prepare
    const { stack, bridge } = synthesized;

    // Act
    const resources = resourcesFor(statements, action);

    // Assess
    expect(resources).toEqual([
      stack.resolve(bridge.idempotencyTable.tableArn),
    ]);
  });

  it('grants only the actions the bridge needs', () => {
    // Prepare
    const granted = new Set(statements.flatMap((s) => s.actions));

    // Act
    const actions = [...granted].toSorted();

    // Assess
    expect(actions).toEqual(GRANTED_ACTIONS);
  });

  it('grants no wildcard action', () => {
    // Prepare
    const actions = statements.flatMap((s) => s.actions);

    // Act
    const wildcards = actions.filter((action) => action.includes('*'));

    // Assess
    expect(wildcards).toEqual([]);
  });

  it('only allows, never denies, so nothing is granted by omission', () => {
    // Prepare
    const effects = statements.map((s) => s.effect);

    // Act
    const others = effects.filter((effect) => effect !== 'Allow');

    // Assess
    expect(others).toEqual([]);
  });

  it('may call SendChatIntegrationEvent only in the instance region', () => {
    // Prepare
    const action = 'connect:SendChatIntegrationEvent';

    // Act
    const granting = statements.filter((s) => s.actions.includes(action));

    // Assess
    // The action has no resource type, so IAM accepts only "*"; the region
    // condition is the tightest scope available.
    expect(granting).toEqual([
      {
        effect: 'Allow',
        actions: [action],
        resources: ['*'],
        condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      },
    ]);
  });

  it('may send only to the dead-letter queue', () => {
    // Prepare
    const { stack, bridge } = synthesized;

    // Act
    const resources = resourcesFor(statements, 'sqs:SendMessage');

    // Assess
    expect(resources).toEqual([stack.resolve(bridge.deadLetterQueue.queueArn)]);
  });

  it.each(CONSUME_ACTIONS)('may use %s only on the queue', (action) => {
    // Prepare
    const { stack, bridge } = synthesized;

    // Act
    const resources = resourcesFor(statements, action);

    // Assess
    expect(resources).toEqual([stack.resolve(bridge.queue.queueArn)]);
  });

  it.each(['kms:Decrypt', 'kms:GenerateDataKey'])(
    'may use %s only with the queue key',
    (action) => {
      // Prepare
      const { stack, bridge } = synthesized;

      // Act
      const resources = resourcesFor(statements, action);

      // Assess
      expect(resources).toEqual([stack.resolve(bridge.key.keyArn)]);
    }
  );
});

describe("the function's permissions in another region", () => {
  it('may call SendChatIntegrationEvent only in that region', () => {
    // Prepare
    const context = {
      connectInstanceArn:
        'arn:aws:connect:eu-west-2:111122223333:instance/11111111-2222-3333-4444-555555555555',
      phoneNumbers: JSON.stringify({
        '+447700900123':
          'arn:aws:sms-voice:eu-west-2:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef',
      }),
    };

    // Act
    const synthesized = synthBridge(context);

    // Assess
    const statements = roleStatements(
      synthesized.template,
      synthesized.stack,
      roleOf(synthesized)
    );
    expect(
      statements
        .filter((s) => s.actions.includes('connect:SendChatIntegrationEvent'))
        .map((s) => s.condition)
    ).toEqual([{ StringEquals: { 'aws:RequestedRegion': 'eu-west-2' } }]);
  });
});
