import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../lambda/shared/settings';
import {
  FUNCTION_DEFAULTS,
  SOURCE_MAPS_ENVIRONMENT,
} from './function-defaults';
import { lambdaEntry } from './lambda-entry';
import { loggingRole } from './queue-pipeline';
import type { SmsConnectBridge } from './sms-connect-bridge';
import { CONNECT_INSTANCE_ARN } from './validation';

/**
 * How often the sweep runs: the longest an opted-out customer's chat stays
 * open, for an opt-out list of up to 1,000 end-user entries.
 */
export const SWEEP_INTERVAL = Duration.minutes(1);
/**
 * Under the interval, so a run is over before the next one starts. The
 * function stops starting work with 15 seconds left (MIN_REMAINING_MS).
 */
export const SWEEP_TIMEOUT = Duration.seconds(50);

export interface OptOutSweepProps {
  /**
   * The bridge whose chats the sweep ends: it reads the bridge's opt-out
   * list, numbers and subtype, keeps its cursor in the bridge's idempotency
   * table, and with participant delivery ends the chats of its sessions.
   */
  readonly bridge: SmsConnectBridge;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Ends the chats of customers End User Messaging opted out itself. With
 * AWS-managed opt-outs (the default) a STOP never reaches the topic: it
 * only adds the customer to the opt-out list. Every minute, a function
 * reads the list's new end-user entries and ends each customer's chat
 * with each of the bridge's numbers, the way a STOP text would.
 */
export class OptOutSweep extends Construct {
  public readonly handler: nodejs.NodejsFunction;
  public readonly logGroup: logs.LogGroup;
  /** Invokes the function every minute. */
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: OptOutSweepProps) {
    super(scope, id);
    const { bridge } = props;
    const sessionTable = bridge.participant?.sessionTable;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    const role = loggingRole(
      this,
      'FunctionRole',
      this.logGroup,
      'Runs the SMS bridge opt-out sweep'
    );
    this.handler = new nodejs.NodejsFunction(this, 'Function', {
      role,
      description:
        'Ends the Amazon Connect chats of customers on the opt-out list',
      entry: lambdaEntry(
        'opt-out-sweep',
        sessionTable ? 'participant-handler.ts' : 'handler.ts'
      ),
      handler: 'handler',
      ...FUNCTION_DEFAULTS,
      memorySize: 256,
      timeout: SWEEP_TIMEOUT,
      logGroup: this.logGroup,
      // The next run, a minute later, redoes a failed one; a retry by
      // Lambda would only overlap it, and an event that waited a minute
      // has been overtaken by the next one.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
      environment: {
        ...SOURCE_MAPS_ENVIRONMENT,
        POWERTOOLS_SERVICE_NAME: 'sms-connect-bridge-opt-out-sweep',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'SmsConnectBridge',
        [ENV.optOutListName]: bridge.optOutListName,
        [ENV.phoneNumbers]: JSON.stringify(bridge.phoneNumbers),
        [ENV.subtype]: bridge.subtype,
        [ENV.stateTableName]: bridge.idempotencyTable.tableName,
        ...(sessionTable === undefined
          ? {}
          : { [ENV.sessionTableName]: sessionTable.tableName }),
      },
    });
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Runs the SMS bridge opt-out sweep',
      schedule: events.Schedule.rate(SWEEP_INTERVAL),
      targets: [
        new targets.LambdaFunction(this.handler, {
          retryAttempts: 2,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });
    this.grant(bridge, sessionTable);
    this.acknowledgeNagFindings(sessionTable !== undefined);
  }

  private grant(
    bridge: SmsConnectBridge,
    sessionTable: dynamodb.ITable | undefined
  ): void {
    const fn = this.handler;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheOptOutList',
        actions: ['sms-voice:DescribeOptedOutNumbers'],
        resources: [
          Stack.of(this).formatArn({
            service: 'sms-voice',
            resource: 'opt-out-list',
            resourceName: bridge.optOutListName,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      })
    );
    // The cursor (read, then updated under its version) and the markers
    // (a conditional put, then an update); never a delete.
    bridge.idempotencyTable.grant(
      fn,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem'
    );
    // Both tables are encrypted with the bridge's key.
    bridge.key.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey');
    if (sessionTable !== undefined) {
      // A session is read, removed when its chat ends, and its contact
      // marked ended; the sweep never writes a new one.
      sessionTable.grant(
        fn,
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem'
      );
      return;
    }
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DisconnectOptedOutCustomers',
        actions: ['connect:SendChatIntegrationEvent'],
        // No resource type: IAM accepts only "*"; the region condition
        // keeps it to the instance's region, as for the inbound function.
        resources: ['*'],
        conditions: {
          StringEquals: {
            'aws:RequestedRegion':
              CONNECT_INSTANCE_ARN.exec(bridge.connectInstanceArn)?.[1] ??
              Stack.of(this).region,
          },
        },
      })
    );
  }

  /** Each acknowledged cdk-nag finding, with the reason it stands. */
  private acknowledgeNagFindings(participant: boolean): void {
    Validations.of(this.handler).acknowledge(
      {
        id: 'Serverless::Serverless-LambdaDLQ',
        reason:
          'Only the schedule invokes it, and its event carries nothing: ' +
          'a failed run is redone by the next one a minute later, and the ' +
          'error alarm says so. A dead-letter queue would hold empty events.',
      },
      {
        id: 'Serverless::Serverless-LambdaAsyncFailureDestination',
        reason:
          'As for a dead-letter queue: a failed scheduled event holds ' +
          'nothing to replay; the next run redoes the work.',
      },
      {
        id: 'Serverless::Serverless-LambdaTracing',
        reason:
          'Each run logs what it swept, by masked number and contact id; ' +
          'X-Ray would add cost and a wildcard xray:PutTraceSegments grant.',
      }
    );
    Validations.of(this.schedule).acknowledge({
      id: 'Serverless::Serverless-EventBusDLQ',
      reason:
        'A scheduled event EventBridge cannot deliver carries nothing to ' +
        'redeliver: the next one comes a minute later, and the ' +
        'FailedInvocations alarm reports the failure.',
    });
    if (!participant) {
      Validations.of(this.handler.role as iam.IRole).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'connect:SendChatIntegrationEvent has no resource type, so IAM ' +
          'only accepts "*"; the statement is limited by aws:RequestedRegion.',
      });
    }
  }
}
