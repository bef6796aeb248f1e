import { Match } from 'aws-cdk-lib/assertions';
import {
  REQUIRED_CONTEXT,
  type SynthesizedBridge,
  synthBridge,
} from '../support/bridge-app';

const PARTICIPANT_CONTEXT = {
  ...REQUIRED_CONTEXT,
  deliveryMode: 'participant',
  contactFlowId: '22222222-3333-4444-5555-666666666666',
};

/** The dashboard's body as CloudFormation will join it, references kept. */
const bodyOf = ({ template }: SynthesizedBridge): string =>
  JSON.stringify(
    Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]
      ?.Properties.DashboardBody
  );

describe('the bridge dashboard', () => {
  let synthesized: SynthesizedBridge;

  beforeAll(() => {
    synthesized = synthBridge(REQUIRED_CONTEXT);
  });

  it('names the dashboard in a stack output', () => {
    // Prepare
    const { template, stack } = synthesized;

    // Assess
    template.hasOutput('DashboardName', {
      Value: stack.resolve(stack.dashboard.dashboard.dashboardName),
    });
  });

  it.each([
    ['texts in', 'NumberOfMessagesSent'],
    ['texts forwarded', 'MessagesForwarded'],
    ['duplicates', 'DuplicatesSuppressed'],
    ['texts dead-lettered, by reason', 'MetricName=\\\\\\"DeadLettered\\\\\\"'],
    ['transient failures', 'TransientFailures'],
    ['throttles', 'Throttled'],
    ['the oldest message age', 'ApproximateAgeOfOldestMessage'],
    ['the dead-letter queue depth', 'ApproximateNumberOfMessagesVisible'],
  ])('graphs %s', (_what, metric) => {
    // Assess
    expect(bodyOf(synthesized)).toContain(metric);
  });

  it('graphs the queue and dead-letter queue of the bridge', () => {
    // Prepare
    const { stack, bridge } = synthesized;

    // Assess
    const body = bodyOf(synthesized);
    for (const queue of [bridge.queue, bridge.deadLetterQueue]) {
      expect(body).toContain(JSON.stringify(stack.resolve(queue.queueName)));
    }
  });

  it('graphs chats opened and replies texted in participant mode only', () => {
    // Act
    const participant = bodyOf(synthBridge(PARTICIPANT_CONTEXT));

    // Assess
    expect(participant).toContain('RepliesSent');
    expect(participant).toContain('NewChatsCreated');
    expect(bodyOf(synthesized)).not.toContain('RepliesSent');
  });

  it('makes one dashboard', () => {
    // Assess
    synthesized.template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Dashboard',
      Match.anyValue(),
      1
    );
  });
});
