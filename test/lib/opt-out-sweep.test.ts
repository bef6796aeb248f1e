import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  ACCOUNT,
  NUMBER,
  PHONE_NUMBER_ARN,
  propertiesOf,
  REGION,
  REQUIRED_CONTEXT,
  type SynthesizedBridge,
  synthBridge,
  templateOf,
} from '../support/bridge-app';
import { roleStatements, type Statement } from '../support/policy';

const PARTICIPANT_CONTEXT = {
  ...REQUIRED_CONTEXT,
  deliveryMode: 'participant',
  contactFlowId: '22222222-3333-4444-5555-666666666666',
};
const LIST_ARN = (name: string) =>
  `arn:aws:sms-voice:${REGION}:${ACCOUNT}:opt-out-list/${name}`;

const sweepOf = ({ stack }: SynthesizedBridge) => stack.optOutSweep.handler;

const sweepAlarmsOf = ({ stack }: SynthesizedBridge) => {
  if (stack.alarms.optOutSweep === undefined) {
    throw new Error("the stack's alarms do not watch the sweep");
  }
  return stack.alarms.optOutSweep;
};

const variablesOf = (synthesized: SynthesizedBridge) =>
  (
    propertiesOf(synthesized.template, sweepOf(synthesized)).Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;

const statementsOf = (synthesized: SynthesizedBridge, fn: IFunction) => {
  if (fn.role === undefined) throw new Error('the function has no role');
  return roleStatements(synthesized.template, synthesized.stack, fn.role);
};

/** Each action the statements allow, with what it is allowed on. */
const grantsOf = (statements: readonly Statement[]) =>
  statements
    .flatMap(({ actions, resources, condition }) =>
      actions.map((action) => ({
        action,
        resources,
        ...(condition === undefined ? {} : { condition }),
      }))
    )
    .sort((a, b) => a.action.localeCompare(b.action));

describe('the opt-out sweep in the stack', () => {
  let bridge: SynthesizedBridge;
  let participant: SynthesizedBridge;

  beforeAll(() => {
    bridge = synthBridge(REQUIRED_CONTEXT, { account: ACCOUNT });
    participant = synthBridge(PARTICIPANT_CONTEXT);
  });

  describe('the schedule', () => {
    it('runs the sweep every minute', () => {
      // Prepare
      const { template, stack } = bridge;

      // Assess
      templateOf(
        template,
        bridge.stack.optOutSweep.schedule
      ).hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [
          {
            Arn: stack.resolve(sweepOf(bridge).functionArn),
            RetryPolicy: { MaximumEventAgeInSeconds: 60 },
          },
        ],
      });
    });

    it('is the only one that may invoke the function', () => {
      // Prepare
      const { template, stack } = bridge;

      // Act
      const permissions = Object.values(
        template.findResources('AWS::Lambda::Permission', {
          Properties: {
            FunctionName: stack.resolve(sweepOf(bridge).functionArn),
          },
        })
      ).map(({ Properties }) => Properties);

      // Assess
      expect(permissions).toEqual([
        {
          Action: 'lambda:InvokeFunction',
          FunctionName: stack.resolve(sweepOf(bridge).functionArn),
          Principal: 'events.amazonaws.com',
          SourceArn: stack.resolve(bridge.stack.optOutSweep.schedule.ruleArn),
        },
      ]);
    });
  });

  describe('the function', () => {
    it('runs on Node.js 24, arm64, with its own log group, within the minute', () => {
      // Prepare
      const { template, stack } = bridge;

      // Assess
      templateOf(template, sweepOf(bridge)).hasResourceProperties(
        'AWS::Lambda::Function',
        {
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          MemorySize: 256,
          Timeout: 50,
          LoggingConfig: {
            LogGroup: stack.resolve(
              bridge.stack.optOutSweep.logGroup.logGroupName
            ),
          },
        }
      );
      expect(bridge.stack.optOutSweep.logGroup).not.toBe(
        bridge.bridge.logGroup
      );
    });

    it('is not retried by Lambda: the next run redoes a failed one', () => {
      // Prepare
      const { template, stack } = bridge;

      // Assess
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: stack.resolve(sweepOf(bridge).functionName),
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 60,
      });
    });

    it('is told the opt-out list, the numbers, the subtype and its state table', () => {
      // Act
      const variables = variablesOf(bridge);

      // Assess
      const { OPT_OUT_LIST_NAME, PHONE_NUMBERS, CHAT_SUBTYPE } = variables;
      expect({ OPT_OUT_LIST_NAME, PHONE_NUMBERS, CHAT_SUBTYPE }).toEqual({
        OPT_OUT_LIST_NAME: 'Default',
        PHONE_NUMBERS: JSON.stringify({ [NUMBER]: PHONE_NUMBER_ARN }),
        CHAT_SUBTYPE: 'connect:sms',
      });
      expect(variables.SWEEP_STATE_TABLE_NAME).toEqual(
        bridge.stack.resolve(bridge.bridge.idempotencyTable.tableName)
      );
      expect(variables).not.toHaveProperty('SESSION_TABLE_NAME');
    });

    it('reads the optOutListName given, without self-managed opt-outs', () => {
      // Act
      const variables = variablesOf(
        synthBridge({ ...REQUIRED_CONTEXT, optOutListName: 'Support-OptOuts' })
      );

      // Assess
      expect(variables.OPT_OUT_LIST_NAME).toBe('Support-OptOuts');
    });

    it('is told the session table in participant mode', () => {
      // Act
      const variables = variablesOf(participant);

      // Assess
      expect(variables.SESSION_TABLE_NAME).toEqual(
        participant.stack.resolve(
          participant.bridge.participant?.sessionTable.tableName
        )
      );
    });
  });

  describe('its role', () => {
    const logs = (synthesized: SynthesizedBridge) =>
      grantsOf(statementsOf(synthesized, sweepOf(synthesized))).filter(
        ({ action }) => action.startsWith('logs:')
      );
    const grantsBeyondLogs = (synthesized: SynthesizedBridge) =>
      grantsOf(statementsOf(synthesized, sweepOf(synthesized))).filter(
        ({ action }) => !action.startsWith('logs:')
      );

    it('writes only to its own log group', () => {
      // Act
      const resources = logs(bridge).map(({ resources }) => resources);

      // Assess
      const own = bridge.stack.resolve(
        bridge.stack.optOutSweep.logGroup.logGroupArn
      );
      expect(resources).toEqual([[own], [own]]);
    });

    it('may read the one opt-out list, its state and key, and disconnect chats in the region', () => {
      // Prepare
      const { stack } = bridge;
      const table = stack.resolve(bridge.bridge.idempotencyTable.tableArn);
      const key = stack.resolve(bridge.bridge.key.keyArn);

      // Act
      const grants = grantsBeyondLogs(bridge);

      // Assess
      expect(grants).toEqual([
        {
          action: 'connect:SendChatIntegrationEvent',
          resources: ['*'],
          condition: { StringEquals: { 'aws:RequestedRegion': REGION } },
        },
        { action: 'dynamodb:GetItem', resources: [table] },
        { action: 'dynamodb:PutItem', resources: [table] },
        { action: 'dynamodb:UpdateItem', resources: [table] },
        { action: 'kms:Decrypt', resources: [key] },
        { action: 'kms:GenerateDataKey', resources: [key] },
        {
          action: 'sms-voice:DescribeOptedOutNumbers',
          resources: [LIST_ARN('Default')],
        },
      ]);
    });

    it('may read, update and remove sessions in participant mode, and call no Connect API', () => {
      // Prepare
      const { stack } = participant;
      const sessions = stack.resolve(
        participant.bridge.participant?.sessionTable.tableArn
      );

      // Act
      const grants = grantsBeyondLogs(participant);

      // Assess
      expect(
        grants
          .filter(
            ({ resources }) =>
              JSON.stringify(resources) === JSON.stringify([sessions])
          )
          .map(({ action }) => action)
      ).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
      ]);
      expect(grants.some(({ action }) => action.startsWith('connect:'))).toBe(
        false
      );
    });
  });

  describe('its alarms', () => {
    it('alarm on any failed run, on the alarm topic', () => {
      // Prepare
      const { template, stack } = bridge;
      const topic = stack.resolve(bridge.stack.alarms.topic.topicArn);

      // Assess
      templateOf(
        template,
        sweepAlarmsOf(bridge).functionErrors
      ).hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [
          {
            Name: 'FunctionName',
            Value: stack.resolve(sweepOf(bridge).functionName),
          },
        ],
        Statistic: 'Sum',
        Period: 60,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
        OKActions: [topic],
      });
    });

    it('alarm when EventBridge cannot invoke the function', () => {
      // Prepare
      const { template, stack } = bridge;

      // Assess
      templateOf(
        template,
        sweepAlarmsOf(bridge).failedInvocations
      ).hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Events',
        MetricName: 'FailedInvocations',
        Dimensions: [
          {
            Name: 'RuleName',
            Value: stack.resolve(bridge.stack.optOutSweep.schedule.ruleName),
          },
        ],
        Threshold: 1,
        AlarmActions: [stack.resolve(bridge.stack.alarms.topic.topicArn)],
      });
    });
  });
});
