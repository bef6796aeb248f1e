import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  NUMBER,
  PHONE_NUMBER_ARN,
  propertiesOf,
  REQUIRED_CONTEXT,
  synthBridge,
  synthError,
} from '../../support/bridge-app';

const FLOW = '22222222-3333-4444-5555-666666666666';
const OTHER_FLOW = '33333333-4444-5555-6666-777777777777';
const PARTICIPANT = { deliveryMode: 'participant', contactFlowId: FLOW };

const allowedActions = (context: Record<string, unknown>): string[] => {
  const { template, bridge, stack } = synthBridge(context);
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: {
      Roles: Match.arrayWith([stack.resolve(bridge.handler.role?.roleName)]),
    },
  });
  return Object.values(policies).flatMap((policy) =>
    policy.Properties.PolicyDocument.Statement.flatMap(
      (statement: { Action: string | string[] }) => statement.Action
    )
  );
};

/** The restriction warnings of a synth, without CDK printing them. */
const restrictionWarnings = (context: Record<string, unknown>) => {
  const printed = jest.spyOn(console, 'error').mockImplementation(() => {});
  try {
    return Annotations.fromStack(
      synthBridge(context, { keepRestrictionWarning: true }).stack
    ).findWarning(
      '*',
      Match.stringLikeRegexp(
        'SendChatIntegrationEvent is documented as restricted'
      )
    );
  } finally {
    printed.mockRestore();
  }
};

describe('the delivery mode', () => {
  it('warns at synth that SendChatIntegrationEvent is restricted, and says what to do if refused', () => {
    // Act
    const [warning] = restrictionWarnings(REQUIRED_CONTEXT);

    // Assess
    expect(warning?.entry.data).toEqual(
      expect.stringContaining('deploy with -c deliveryMode=participant')
    );
  });

  it('gives no restriction warning in participant mode', () => {
    // Act
    const warnings = restrictionWarnings({
      ...REQUIRED_CONTEXT,
      ...PARTICIPANT,
    });

    // Assess
    expect(warnings).toEqual([]);
  });

  it('runs the integration-event handler by default', () => {
    // Act
    const { bridge } = synthBridge(REQUIRED_CONTEXT);

    // Assess
    expect(bridge.participant).toBeUndefined();
    expect(allowedActions(REQUIRED_CONTEXT)).toContain(
      'connect:SendChatIntegrationEvent'
    );
  });

  it('creates the participant resources in participant mode', () => {
    // Act
    const { template, bridge } = synthBridge({
      ...REQUIRED_CONTEXT,
      ...PARTICIPANT,
    });

    // Assess
    expect(bridge.participant).toBeDefined();
    // Inbound, outbound and the opt-out sweep.
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
  });

  it('does not grant SendChatIntegrationEvent in participant mode', () => {
    // Act
    const actions = allowedActions({ ...REQUIRED_CONTEXT, ...PARTICIPANT });

    // Assess
    expect(actions).not.toContain('connect:SendChatIntegrationEvent');
    expect(actions).toContain('connect:StartChatContact');
  });

  it("gives the inbound function each number's flow", () => {
    // Prepare
    const context = {
      connectInstanceArn: REQUIRED_CONTEXT.connectInstanceArn,
      phoneNumbers: JSON.stringify({
        [NUMBER]: { arn: PHONE_NUMBER_ARN, contactFlowId: OTHER_FLOW },
      }),
      ...PARTICIPANT,
    };

    // Act
    const { template, bridge } = synthBridge(context);

    // Assess
    const variables = (
      propertiesOf(template, bridge.handler).Environment as {
        Variables: Record<string, string>;
      }
    ).Variables;
    expect(JSON.parse(variables.CONTACT_FLOW_IDS ?? '{}')).toEqual({
      [NUMBER]: OTHER_FLOW,
    });
    expect(JSON.parse(variables.PHONE_NUMBERS ?? '{}')).toEqual({
      [NUMBER]: PHONE_NUMBER_ARN,
    });
  });

  it('outputs the streaming topic and the outbound queues in participant mode', () => {
    // Act
    const { template } = synthBridge({ ...REQUIRED_CONTEXT, ...PARTICIPANT });

    // Assess
    const outputs = Object.keys(template.toJSON().Outputs ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining([
        'StreamingTopicArn',
        'OutboundQueueUrl',
        'OutboundDeadLetterQueueUrl',
        'OutboundFunctionName',
      ])
    );
  });

  it('refuses a participant number without a contact flow', () => {
    // Act
    const message = synthError({
      ...REQUIRED_CONTEXT,
      deliveryMode: 'participant',
    });

    // Assess
    expect(message).toBe(
      `phoneNumbers["${NUMBER}"].contactFlowId is required in participant mode (or set a top-level contactFlowId), got "${PHONE_NUMBER_ARN}"`
    );
  });

  it('refuses an unknown delivery mode', () => {
    // Act
    const message = synthError({ ...REQUIRED_CONTEXT, deliveryMode: 'sms' });

    // Assess
    expect(message).toBe(
      'deliveryMode must be one of integration-event, participant, got "sms"'
    );
  });

  it('refuses a number setting that is neither an ARN nor an object with one', () => {
    // Act
    const message = synthError({
      ...REQUIRED_CONTEXT,
      phoneNumbers: JSON.stringify({ [NUMBER]: { contactFlowId: FLOW } }),
    });

    // Assess
    expect(message).toMatch(
      new RegExp(`^phoneNumbers\\["\\${NUMBER}"\\] must be a phone-number ARN`)
    );
  });
});
