import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { SmsConnectBridge } from './sms-connect-bridge';

/** The namespace and service names the functions' EMF metrics carry. */
export const METRICS_NAMESPACE = 'SmsConnectBridge';
export const INBOUND_SERVICE = 'sms-connect-bridge';
export const OUTBOUND_SERVICE = 'sms-connect-bridge-outbound';

export interface BridgeDashboardProps {
  /**
   * The bridge to show; with participant delivery, chats opened and
   * replies texted are shown too.
   */
  readonly bridge: SmsConnectBridge;
}

const PERIOD = Duration.minutes(1);

/** One of the functions' own metrics, summed per minute. */
const bridgeMetric = (
  metricName: string,
  service: string = INBOUND_SERVICE,
  label: string = metricName
): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service },
    statistic: cloudwatch.Stats.SUM,
    period: PERIOD,
    label,
  });

/**
 * One CloudWatch dashboard for the bridge: texts in and what became of
 * them, failures and throttles, the queue's backlog and, in participant
 * mode, chats opened and replies texted.
 */
export class BridgeDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: BridgeDashboardProps) {
    super(scope, id);
    const { queue, deadLetterQueue, participant } = props.bridge;
    const maximum = { period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM };
    const sum = { period: PERIOD, statistic: cloudwatch.Stats.SUM };
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Texts in, forwarded and duplicates',
        left: [
          queue.metricNumberOfMessagesSent({ ...sum, label: 'Texts in' }),
          bridgeMetric('MessagesForwarded', INBOUND_SERVICE, 'Forwarded'),
          bridgeMetric('DuplicatesSuppressed', INBOUND_SERVICE, 'Duplicates'),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-lettered, by reason',
        left: [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{${METRICS_NAMESPACE},reason,service} MetricName="DeadLettered" service="${INBOUND_SERVICE}"', 'Sum', 60)`,
            label: '',
            period: PERIOD,
          }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Transient failures and throttles',
        left: [
          bridgeMetric(
            'TransientFailures',
            INBOUND_SERVICE,
            'Transient failures'
          ),
          bridgeMetric('Throttled', INBOUND_SERVICE, 'Throttled by Connect'),
          bridgeMetric('HeldForOrder', INBOUND_SERVICE, 'Held for order'),
        ],
      })
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Oldest text waiting (seconds)',
        left: [
          queue.metricApproximateAgeOfOldestMessage({
            ...maximum,
            label: 'Oldest message age',
          }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depth',
        left: [
          deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            ...maximum,
            label: 'Messages in the dead-letter queue',
          }),
        ],
      }),
      ...(participant
        ? [
            new cloudwatch.GraphWidget({
              title: 'Chats opened and replies texted',
              left: [
                bridgeMetric(
                  'NewChatsCreated',
                  INBOUND_SERVICE,
                  'Chats opened'
                ),
                bridgeMetric('RepliesSent', OUTBOUND_SERVICE, 'Replies texted'),
              ],
            }),
          ]
        : [])
    );
  }
}
