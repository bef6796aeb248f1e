import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { BridgeAlarms } from './bridge-alarms';
import { BridgeDashboard } from './bridge-dashboard';
import type { BridgeSettings } from './context';
import { Delivery } from './delivery';
import { KeywordReplies } from './keyword-replies';
import { OptOutSweep } from './opt-out-sweep';
import { participantPhoneNumbers, phoneNumberArns } from './phone-numbers';
import { SmsConnectBridge } from './sms-connect-bridge';
import { TwoWayWiring } from './two-way-wiring';

export interface SmsConnectBridgeStackProps extends StackProps {
  readonly bridge: BridgeSettings;
}

/**
 * Deploys one bridge with everything the app's settings ask for, and prints
 * what an operator needs to wire it up.
 */
export class SmsConnectBridgeStack extends Stack {
  public readonly bridge: SmsConnectBridge;
  /** Present with `selfManagedOptOuts`. */
  public readonly keywordReplies?: KeywordReplies;
  /** Present with `configureTwoWay`. */
  public readonly twoWayWiring?: TwoWayWiring;
  public readonly optOutSweep: OptOutSweep;
  public readonly alarms: BridgeAlarms;
  public readonly dashboard: BridgeDashboard;

  constructor(scope: Construct, id: string, props: SmsConnectBridgeStackProps) {
    super(scope, id, props);
    const {
      inboundTopicArn,
      streamingEndpointArn,
      phoneNumbers,
      deliveryMode,
      contactFlowId,
      attachmentNotice,
      unsupportedMessageNotice,
      alarmEmail,
      configureTwoWay,
      selfManagedOptOuts,
      pools,
      optOutConfirmationText,
      helpKeywords,
      helpText,
      ...bridgeProps
    } = props.bridge;
    const logRetention =
      bridgeProps.logRetention === undefined
        ? {}
        : { logRetention: bridgeProps.logRetention };
    const numberArns = phoneNumberArns(phoneNumbers);
    const delivery =
      deliveryMode === 'participant'
        ? Delivery.participant({
            contactFlows: Object.fromEntries(
              Object.entries(
                participantPhoneNumbers(phoneNumbers, contactFlowId)
              ).map(([number, setting]) => [number, setting.contactFlowId])
            ),
            ...defined({
              attachmentNotice,
              unsupportedMessageNotice,
              // One setting for both queues, as the app has always read it.
              maxReceiveCount: bridgeProps.maxReceiveCount,
            }),
          })
        : Delivery.integrationEvent();
    this.bridge = new SmsConnectBridge(this, 'Bridge', {
      ...bridgeProps,
      phoneNumbers: numberArns,
      delivery,
      ...(inboundTopicArn === undefined
        ? {}
        : {
            inboundTopic: sns.Topic.fromTopicArn(
              this,
              'InboundTopic',
              inboundTopicArn
            ),
          }),
      ...(streamingEndpointArn === undefined
        ? {}
        : {
            streamingEndpoint: sns.Topic.fromTopicArn(
              this,
              'StreamingEndpoint',
              streamingEndpointArn
            ),
          }),
    });

    // The parts are composed inside the bridge's scope, where earlier
    // versions of the app created them, so that their logical IDs stay:
    // a new ID would replace the two-way custom resources, and deleting the
    // old ones puts the numbers' previous two-way settings back.
    const parts = this.bridge;
    if (selfManagedOptOuts) {
      this.keywordReplies = new KeywordReplies(parts, 'KeywordReplies', {
        bridge: this.bridge,
        ...defined({ optOutConfirmationText, helpKeywords, helpText }),
      });
    }
    if (configureTwoWay) {
      this.twoWayWiring = new TwoWayWiring(parts, 'TwoWay', {
        phoneNumbers: Object.values(numberArns),
        inboundTopic: this.bridge.inboundTopic,
        ...defined({ selfManagedOptOuts: this.keywordReplies, pools }),
        ...logRetention,
      });
    }
    this.optOutSweep = new OptOutSweep(parts, 'OptOutSweep', {
      bridge: this.bridge,
      ...logRetention,
    });
    this.alarms = new BridgeAlarms(parts, 'Alarms', {
      bridge: this.bridge,
      optOutSweep: this.optOutSweep,
      ...defined({ alarmEmail }),
    });
    this.dashboard = new BridgeDashboard(parts, 'Dashboard', {
      bridge: this.bridge,
    });
    this.addOutputs();
  }

  private addOutputs(): void {
    new CfnOutput(this, 'InboundTopicArn', {
      description: "Set as each number's two-way channel",
      value: this.bridge.inboundTopic.topicArn,
    });
    new CfnOutput(this, 'QueueUrl', { value: this.bridge.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.bridge.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'FunctionName', {
      value: this.bridge.handler.functionName,
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'The CloudWatch dashboard of the bridge',
      value: this.dashboard.dashboard.dashboardName,
    });
    const participant = this.bridge.participant;
    if (participant) {
      new CfnOutput(this, 'StreamingTopicArn', {
        description: 'Connect streams the chats here (participant mode)',
        value: participant.streamingTopic.topicArn,
      });
      new CfnOutput(this, 'OutboundQueueUrl', {
        value: participant.outboundQueue.queueUrl,
      });
      new CfnOutput(this, 'OutboundDeadLetterQueueUrl', {
        value: participant.outboundDeadLetterQueue.queueUrl,
      });
      new CfnOutput(this, 'OutboundFunctionName', {
        value: participant.outboundFunction.functionName,
      });
    }
  }
}

/** The entries that are set: optional props take no explicit undefined. */
const defined = <T extends Record<string, unknown>>(
  values: T
): { [K in keyof T]?: Exclude<T[K], undefined> } =>
  Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined)
  ) as { [K in keyof T]?: Exclude<T[K], undefined> };
