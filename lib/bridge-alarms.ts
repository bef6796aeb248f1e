import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface BridgeAlarmsProps {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly handler: lambda.IFunction;
  /** Encrypts the alarm topic. */
  readonly key: kms.IKey;
  /** Subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
  /** @default Duration.minutes(5) */
  readonly maxMessageAge?: Duration;
}

/**
 * The three signals an operator acts on: a message gave up (dead-letter
 * queue), the function itself fails, or texts wait too long in the queue.
 */
export class BridgeAlarms extends Construct {
  public readonly topic: sns.Topic;
  public readonly deadLetters: cloudwatch.Alarm;
  public readonly functionErrors: cloudwatch.Alarm;
  public readonly messageAge: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: BridgeAlarmsProps) {
    super(scope, id);
    const maxMessageAge = props.maxMessageAge ?? Duration.minutes(5);
    const period = Duration.minutes(1);

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'SMS bridge alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    const { account, region, partition } = Stack.of(this);
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToEncrypt',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: {
            'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*`,
          },
        },
      })
    );
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    }

    this.deadLetters = new cloudwatch.Alarm(this, 'DeadLetters', {
      alarmDescription:
        'Messages reached the dead-letter queue: read their failureReason ' +
        'attribute, fix the cause, then redrive (see the README).',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator:
        cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.functionErrors = new cloudwatch.Alarm(this, 'FunctionErrors', {
      alarmDescription:
        'The bridge function failed as a whole (bad configuration, timeout, ' +
        'crash): read its log group.',
      metric: props.handler.metricErrors({
        period,
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator:
        cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.messageAge = new cloudwatch.Alarm(this, 'MessageAge', {
      alarmDescription:
        `Texts have waited over ${maxMessageAge.toHumanString()} in the queue: ` +
        'Connect is throttling or failing, or the function cannot keep up.',
      metric: props.queue.metricApproximateAgeOfOldestMessage({
        period,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: maxMessageAge.toSeconds(),
      evaluationPeriods: 3,
      comparisonOperator:
        cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    for (const alarm of [
      this.deadLetters,
      this.functionErrors,
      this.messageAge,
    ]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}
