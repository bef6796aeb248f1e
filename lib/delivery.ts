import { Annotations, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  type OutboundTextProps,
  ParticipantDelivery,
  type ParticipantPhoneNumber,
} from './participant-delivery';
import { CONNECT_INSTANCE_ARN, fail } from './validation';

/** The id of the synth warning that the integration-event API is restricted. */
export const INTEGRATION_EVENT_RESTRICTED =
  'sms-connect-bridge:integration-event-restricted';

/** What a delivery is given when the bridge's inbound function exists. */
export interface DeliveryContext {
  readonly scope: Construct;
  readonly key: kms.IKey;
  readonly connectInstanceArn: string;
  /** Each number customers text, in E.164 -> its phone-number ARN. */
  readonly phoneNumbers: Readonly<Record<string, string>>;
  readonly inboundFunction: lambda.Function;
  readonly maxConcurrency: number;
  readonly logRetention?: logs.RetentionDays;
}

export interface ParticipantOptions extends OutboundTextProps {
  /**
   * The contact flow chats start in, for the numbers `contactFlows` does
   * not name.
   * @default - `contactFlows` must name every number
   */
  readonly contactFlowId?: string;
  /**
   * Each number's own contact flow: E.164 number -> flow id (the last part
   * of the flow's ARN).
   * @default - every number uses `contactFlowId`
   */
  readonly contactFlows?: Readonly<Record<string, string>>;
  /**
   * How often an agent reply is tried before it moves to the outbound
   * dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
}

/**
 * How texts reach Connect. `Delivery.integrationEvent()` calls
 * `SendChatIntegrationEvent`, which AWS restricts to End User Messaging;
 * `Delivery.participant()` uses the public chat and participant APIs, and
 * also texts agent replies back to the customer.
 */
export abstract class Delivery {
  /** `connect:SendChatIntegrationEvent`, one call per text. */
  public static integrationEvent(): Delivery {
    return new IntegrationEventDelivery();
  }

  /** `StartChatContact` and the participant APIs, with agent replies texted back. */
  public static participant(options: ParticipantOptions): Delivery {
    return new ParticipantMode(options);
  }

  /** The inbound function's entry, under `lambda/inbound-sms/`. */
  public abstract readonly handlerFile: string;

  /**
   * Grants the inbound function what this delivery calls, and creates what
   * it needs beside the bridge. Called once, by the bridge.
   */
  public abstract bind(
    context: DeliveryContext
  ): ParticipantDelivery | undefined;
}

class IntegrationEventDelivery extends Delivery {
  public readonly handlerFile = 'handler.ts';

  public bind({
    scope,
    connectInstanceArn,
    inboundFunction,
  }: DeliveryContext): undefined {
    inboundFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ForwardInboundSms',
        actions: ['connect:SendChatIntegrationEvent'],
        // The action has no resource type, so IAM accepts only "*"; the
        // region condition keeps the grant to the instance's region.
        resources: ['*'],
        conditions: {
          StringEquals: {
            'aws:RequestedRegion':
              CONNECT_INSTANCE_ARN.exec(connectInstanceArn)?.[1] ??
              Stack.of(scope).region,
          },
        },
      })
    );
    Annotations.of(scope).addWarningV2(
      INTEGRATION_EVENT_RESTRICTED,
      'connect:SendChatIntegrationEvent is documented as restricted to ' +
        'AWS End User Messaging: an account AWS has not enabled for it ' +
        'gets AccessDeniedException, and every text goes to the ' +
        'dead-letter queue with failureReason access-denied. If that ' +
        'happens, deploy with -c deliveryMode=participant (public chat ' +
        'APIs; Delivery.participant() in code), then redrive the ' +
        'dead-letter queue.'
    );
    Validations.of(inboundFunction.role as iam.IRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'connect:SendChatIntegrationEvent has no resource type, so IAM ' +
        'only accepts "*"; the statement is limited by aws:RequestedRegion.',
    });
    return undefined;
  }
}

class ParticipantMode extends Delivery {
  public readonly handlerFile = 'participant-handler.ts';

  constructor(private readonly options: ParticipantOptions) {
    super();
  }

  public bind(context: DeliveryContext): ParticipantDelivery {
    const { contactFlowId, contactFlows = {}, ...options } = this.options;
    for (const number of Object.keys(contactFlows)) {
      if (!Object.hasOwn(context.phoneNumbers, number)) {
        fail(
          'contactFlows',
          "keys must be among the bridge's phoneNumbers",
          number
        );
      }
    }
    const phoneNumbers: Record<string, ParticipantPhoneNumber> =
      Object.fromEntries(
        Object.entries(context.phoneNumbers).map(([number, arn]) => {
          const flow = contactFlows[number] ?? contactFlowId;
          if (flow === undefined) {
            fail(
              `contactFlows["${number}"]`,
              'is required in participant mode (or set contactFlowId)',
              undefined
            );
          }
          return [number, { arn, contactFlowId: flow as string }];
        })
      );
    return new ParticipantDelivery(context.scope, 'Participant', {
      ...options,
      key: context.key,
      connectInstanceArn: context.connectInstanceArn,
      phoneNumbers,
      inboundFunction: context.inboundFunction,
      maxConcurrency: context.maxConcurrency,
      ...(context.logRetention === undefined
        ? {}
        : { logRetention: context.logRetention }),
    });
  }
}
