import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { OptOutSweep } from './opt-out-sweep';
import { createServiceTopic } from './service-topic';
import type { SmsConnectBridge } from './sms-connect-bridge';
import { checkEmail } from './validation';

export interface BridgeAlarmsProps {
  /**
   * The bridge to watch: its inbound pipeline and, with participant
   * delivery, its agent replies. Its key encrypts the alarm topic.
   */
  readonly bridge: SmsConnectBridge;
  /** Also watch this sweep's runs. @default - no sweep alarms */
  readonly optOutSweep?: OptOutSweep;
  /** Subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
  /** @default Duration.minutes(5) */
  readonly maxMessageAge?: Duration;
}

/** A queue, its dead-letter queue and the function that reads it. */
export interface Pipeline {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly handler: lambda.IFunction;
  /** What the pipeline carries, for the alarm descriptions. */
  readonly carries: string;
}

/** The three signals an operator acts on, for one pipeline. */
export interface PipelineAlarms {
  /** A message gave up: it is in the dead-letter queue. */
  readonly deadLetters: cloudwatch.Alarm;
  /** The function failed as a whole. */
  readonly functionErrors: cloudwatch.Alarm;
  /** Messages wait too long in the queue. */
  readonly messageAge: cloudwatch.Alarm;
}

/** A function a schedule runs, and the rule that runs it. */
export interface ScheduledFunction {
  readonly rule: events.IRule;
  readonly handler: lambda.IFunction;
  /** What the function does, for the alarm descriptions. */
  readonly does: string;
}

/** The signals of a scheduled function. */
export interface ScheduleAlarms {
  /** A run failed: its work waits for the next run. */
  readonly functionErrors: cloudwatch.Alarm;
  /** EventBridge could not invoke the function. */
  readonly failedInvocations: cloudwatch.Alarm;
}

const PERIOD = Duration.minutes(1);

/**
 * An alarm topic (optionally emailed) and the alarms of the bridge's
 * pipelines and sweep; `watch` and `watchSchedule` add more.
 */
export class BridgeAlarms extends Construct {
  public readonly topic: sns.Topic;
  public readonly inbound: PipelineAlarms;
  /** Present with participant delivery. */
  public readonly outbound?: PipelineAlarms;
  /** Present when `optOutSweep` is given. */
  public readonly optOutSweep?: ScheduleAlarms;
  private readonly maxMessageAge: Duration;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: BridgeAlarmsProps) {
    super(scope, id);
    const { bridge } = props;
    if (props.alarmEmail !== undefined) checkEmail(props.alarmEmail);
    this.maxMessageAge = props.maxMessageAge ?? Duration.minutes(5);
    const { account, region, partition } = Stack.of(this);
    // Its policy replaces SNS's default one (enforceSSL adds a Deny), so
    // CloudWatch must be let in by name (Knowledge Center
    // "cloudwatch-receive-sns-for-alarm-trigger").
    this.topic = createServiceTopic(this, 'Topic', {
      displayName: 'SMS bridge alarms',
      key: bridge.key,
      publisher: 'cloudwatch.amazonaws.com',
      statementId: 'CloudWatchAlarms',
      sourceConditions: {
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: {
          'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*`,
        },
      },
    });
    if (props.alarmEmail !== undefined) {
      const subscription = this.topic.addSubscription(
        new EmailSubscription(props.alarmEmail)
      );
      Validations.of(subscription).acknowledge({
        id: 'Serverless::Serverless-SNSRedrivePolicy',
        reason:
          'An alarm email SNS cannot deliver is not worth a queue: the ' +
          'alarm stays in its state in CloudWatch until someone looks.',
      });
    }
    this.action = new SnsAction(this.topic);

    this.inbound = this.watch('Inbound', {
      queue: bridge.queue,
      deadLetterQueue: bridge.deadLetterQueue,
      handler: bridge.handler,
      carries: 'Inbound SMS',
    });
    if (bridge.participant) {
      this.outbound = this.watch('Outbound', {
        queue: bridge.participant.outboundQueue,
        deadLetterQueue: bridge.participant.outboundDeadLetterQueue,
        handler: bridge.participant.outboundFunction,
        carries: 'Agent replies',
      });
    }
    if (props.optOutSweep) {
      this.optOutSweep = this.watchSchedule('OptOutSweep', {
        rule: props.optOutSweep.schedule,
        handler: props.optOutSweep.handler,
        does: 'Opt-out sweep',
      });
    }
  }

  /**
   * Adds the alarms of a scheduled function: any failed run, and any
   * event EventBridge could not deliver (which the function's own metrics
   * would never show). `id` prefixes their ids.
   */
  public watchSchedule(
    id: string,
    scheduled: ScheduledFunction
  ): ScheduleAlarms {
    const sum = { period: PERIOD, statistic: cloudwatch.Stats.SUM };
    return {
      functionErrors: this.alarmAtLeast(
        `${id}FunctionErrors`,
        scheduled.handler.metricErrors(sum),
        1,
        1,
        `${scheduled.does}: a run failed (a chat it could not end, a ` +
          'throttled or failing API, bad configuration). The next run ' +
          'retries; read the function log group.'
      ),
      failedInvocations: this.alarmAtLeast(
        `${id}FailedInvocations`,
        new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName: 'FailedInvocations',
          dimensionsMap: { RuleName: scheduled.rule.ruleName },
          ...sum,
        }),
        1,
        1,
        `${scheduled.does}: EventBridge could not invoke the function, so ` +
          "it did not run. Check the function's resource policy and " +
          'concurrency.'
      ),
    };
  }

  /** An alarm at `threshold` or more, that notifies when it fires and clears. */
  private alarmAtLeast(
    alarmId: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    evaluationPeriods: number,
    alarmDescription: string
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, alarmId, {
      alarmDescription,
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator:
        cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }

  /** Adds the three alarms of a pipeline; `id` prefixes their ids. */
  public watch(id: string, pipeline: Pipeline): PipelineAlarms {
    const atLeast = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      evaluationPeriods: number,
      alarmDescription: string
    ) =>
      this.alarmAtLeast(
        `${id}${alarmId}`,
        metric,
        threshold,
        evaluationPeriods,
        alarmDescription
      );
    const maximum = { period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM };
    return {
      deadLetters: atLeast(
        'DeadLetters',
        pipeline.deadLetterQueue.metricApproximateNumberOfMessagesVisible(
          maximum
        ),
        1,
        1,
        `${pipeline.carries}: messages reached the dead-letter queue. Read ` +
          'their failureReason attribute, fix the cause, then redrive ' +
          '(see docs/operations.md).'
      ),
      functionErrors: atLeast(
        'FunctionErrors',
        pipeline.handler.metricErrors({
          period: PERIOD,
          statistic: cloudwatch.Stats.SUM,
        }),
        1,
        1,
        `${pipeline.carries}: the function failed as a whole (bad ` +
          'configuration, timeout, crash). Read its log group.'
      ),
      messageAge: atLeast(
        'MessageAge',
        pipeline.queue.metricApproximateAgeOfOldestMessage(maximum),
        this.maxMessageAge.toSeconds(),
        3,
        `${pipeline.carries}: messages have waited over ` +
          `${this.maxMessageAge.toHumanString()} in the queue. The API is ` +
          'throttling or failing, or the function cannot keep up.'
      ),
    };
  }
}
