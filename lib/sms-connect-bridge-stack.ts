import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { BridgeSettings } from './context';
import { SmsConnectBridge } from './sms-connect-bridge';

export interface SmsConnectBridgeStackProps extends StackProps {
  readonly bridge: BridgeSettings;
}

/** Deploys one bridge and prints what an operator needs to wire it up. */
export class SmsConnectBridgeStack extends Stack {
  public readonly bridge: SmsConnectBridge;

  constructor(scope: Construct, id: string, props: SmsConnectBridgeStackProps) {
    super(scope, id, props);
    const { inboundTopicArn, ...bridge } = props.bridge;
    this.bridge = new SmsConnectBridge(this, 'Bridge', {
      ...bridge,
      ...(inboundTopicArn === undefined
        ? {}
        : {
            inboundTopic: sns.Topic.fromTopicArn(
              this,
              'InboundTopic',
              inboundTopicArn
            ),
          }),
    });
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
      value: this.bridge.dashboard.dashboard.dashboardName,
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
