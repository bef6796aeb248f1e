import {
  type CfnResource,
  CustomResource,
  Duration,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  FUNCTION_DEFAULTS,
  SOURCE_MAPS_ENVIRONMENT,
} from './function-defaults';
import type { KeywordReplies } from './keyword-replies';
import { lambdaEntry } from './lambda-entry';
import { loggingRole } from './queue-pipeline';
import { checkPattern, fail, PHONE_NUMBER_ARN } from './validation';

const PHONE_NUMBER_ID = /^phone-[0-9a-fA-F]{32}$/;
const POOL_ARN =
  /^arn:aws[a-z-]*:sms-voice:([a-z0-9-]+):(\d{12}):pool\/pool-[0-9a-fA-F]{32}$/;
const POOL_ID = /^pool-[0-9a-fA-F]{32}$/;

export interface TwoWayWiringProps {
  /**
   * End User Messaging phone numbers whose two-way channel becomes the
   * inbound topic: phone-number ARNs, or ids (`phone-<32 hex>`) in the
   * stack's account and region. A number that belongs to one of `pools` is
   * left to its pool; a number in any other pool fails the deployment.
   */
  readonly phoneNumbers: readonly string[];
  /** The topic End User Messaging publishes inbound messages to. */
  readonly inboundTopic: sns.ITopic;
  /**
   * Also turn on self-managed opt-outs, answered by these keyword replies.
   * End User Messaging then no longer answers HELP and STOP, no longer adds
   * senders of STOP to the opt-out list, and publishes those messages to
   * the topic instead: honouring them becomes the bridge's duty, and the
   * account owner's under carrier rules such as the US CTIA guidelines.
   * Each number and pool must use the replies' opt-out list (End User
   * Messaging checks a number's own list before it sends), so a number or
   * pool on another list fails the deployment, as does a US toll-free
   * number (not eligible for self-managed opt-outs).
   * @default - End User Messaging handles opt-outs itself
   */
  readonly selfManagedOptOuts?: KeywordReplies;
  /**
   * Pools, by ARN or id (`pool-<32 hex>`), whose two-way channel becomes the
   * inbound topic (set with UpdatePool, as pools take two-way settings for
   * all their numbers).
   * @default - no pools
   */
  readonly pools?: readonly string[];
  /**
   * A role End User Messaging assumes to publish to the topic (its
   * `TwoWayChannelRole`). Needed only when the topic's policy does not let
   * `sms-voice.amazonaws.com` publish, such as an imported topic.
   * @default - no role: the topic's policy grants End User Messaging, as
   * the bridge's own topic does
   */
  readonly channelRole?: iam.IRole;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Sets the two-way channel of End User Messaging phone numbers and pools to
 * the inbound topic, through one custom resource per number or pool. Each
 * records the settings it found and puts them back when it is deleted.
 *
 * No role is created for End User Messaging by default: the bridge's topic
 * policy already lets the service publish, with `aws:SourceAccount` and
 * `aws:SourceArn` conditions, and the API cannot remove a role from a
 * number once set, so restoring a number that had none would leave a role
 * the stack deletes.
 */
export class TwoWayWiring extends Construct {
  public readonly handler: nodejs.NodejsFunction;
  public readonly logGroup: logs.LogGroup;
  public readonly provider: cr.Provider;
  /** One custom resource per phone number, then one per pool. */
  public readonly resources: readonly CustomResource[];

  constructor(scope: Construct, id: string, props: TwoWayWiringProps) {
    super(scope, id);
    const pools = props.pools ?? [];
    if (props.phoneNumbers.length === 0 && pools.length === 0) {
      fail(
        'phoneNumbers',
        'must name at least one phone number (or pools one pool) to configure two-way SMS',
        props.phoneNumbers
      );
    }
    const stack = Stack.of(this);
    const phoneNumbers = props.phoneNumbers.map((value, index) =>
      originationOf(stack, 'phoneNumbers', value, index, {
        resource: 'phone-number',
        arn: PHONE_NUMBER_ARN,
        id: PHONE_NUMBER_ID,
      })
    );
    const poolOriginations = pools.map((value, index) =>
      originationOf(stack, 'pools', value, index, {
        resource: 'pool',
        arn: POOL_ARN,
        id: POOL_ID,
      })
    );
    checkUnique('phoneNumbers', phoneNumbers);
    checkUnique('pools', poolOriginations);

    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention });
    this.handler = new nodejs.NodejsFunction(this, 'Function', {
      role: loggingRole(this, 'FunctionRole', this.logGroup),
      description: 'Sets End User Messaging two-way SMS to the inbound topic',
      entry: lambdaEntry('two-way-config', 'handler.ts'),
      handler: 'handler',
      ...FUNCTION_DEFAULTS,
      memorySize: 256,
      timeout: Duration.minutes(2),
      logGroup: this.logGroup,
      environment: {
        ...SOURCE_MAPS_ENVIRONMENT,
        POWERTOOLS_SERVICE_NAME: 'sms-connect-bridge-two-way',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    });
    this.grant(phoneNumbers, poolOriginations, props.channelRole);

    const providerLogGroup = new logs.LogGroup(this, 'ProviderLogGroup', {
      retention,
    });
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.handler,
      logGroup: providerLogGroup,
      frameworkOnEventRole: loggingRole(this, 'ProviderRole', providerLogGroup),
    });
    this.acknowledgeNagFindings();

    const common = {
      TwoWayChannelArn: props.inboundTopic.topicArn,
      SelfManagedOptOutsEnabled: props.selfManagedOptOuts !== undefined,
      ...(props.selfManagedOptOuts === undefined
        ? {}
        : { OptOutListName: props.selfManagedOptOuts.optOutListName }),
      ...(props.channelRole === undefined
        ? {}
        : { TwoWayChannelRole: props.channelRole.roleArn }),
    };
    const managedPools = poolOriginations.map((pool) => pool.arn);
    const resource = (
      origination: Origination,
      type: 'PhoneNumber' | 'Pool',
      properties: Record<string, unknown>
    ) => {
      const resource = new CustomResource(this, origination.constructId, {
        serviceToken: this.provider.serviceToken,
        resourceType: `Custom::TwoWay${type}`,
        properties: { ...properties, ...common },
      });
      // The topic's policy (and the role, if any) must let End User
      // Messaging publish before the channel points at the topic.
      resource.node.addDependency(props.inboundTopic);
      if (props.channelRole) resource.node.addDependency(props.channelRole);
      return resource;
    };
    this.resources = [
      ...phoneNumbers.map((number) =>
        resource(number, 'PhoneNumber', {
          PhoneNumberId: number.arn,
          ...(managedPools.length === 0 ? {} : { Pools: managedPools }),
        })
      ),
      ...poolOriginations.map((pool) =>
        resource(pool, 'Pool', { PoolId: pool.arn })
      ),
    ];
  }

  /** Each acknowledged cdk-nag finding, with the reason it stands. */
  private acknowledgeNagFindings() {
    Validations.of(this.provider).acknowledge({
      id: 'Serverless::Serverless-LambdaDefaultMemorySize',
      reason:
        "The provider framework's function is aws-cdk-lib's; its memory is " +
        'set there.',
    });
    const functionId = Stack.of(this).getLogicalId(
      this.handler.node.defaultChild as CfnResource
    );
    Validations.of(this).acknowledge(
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
        reason:
          'The provider may invoke the handler and its versions; the ' +
          "wildcard is the version suffix of this one function's ARN.",
      },
      {
        id: 'Serverless::Serverless-LambdaDLQ',
        reason:
          'CloudFormation invokes the provider, which calls the handler ' +
          'synchronously and reports every failure back to CloudFormation; ' +
          'there is no event to keep.',
      },
      {
        id: 'Serverless::Serverless-LambdaTracing',
        reason:
          'Runs only during deployments; its logs and the CloudFormation ' +
          'events trace each call. X-Ray would add a wildcard grant.',
      }
    );
  }

  /** Only the configured numbers and pools, and only the role passed. */
  private grant(
    phoneNumbers: readonly Origination[],
    pools: readonly Origination[],
    channelRole: iam.IRole | undefined
  ) {
    if (phoneNumbers.length > 0) {
      this.handler.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'ConfigureTwoWayPhoneNumbers',
          actions: [
            'sms-voice:DescribePhoneNumbers',
            'sms-voice:UpdatePhoneNumber',
          ],
          resources: phoneNumbers.map((number) => number.arn),
        })
      );
    }
    if (pools.length > 0) {
      this.handler.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'ConfigureTwoWayPools',
          actions: ['sms-voice:DescribePools', 'sms-voice:UpdatePool'],
          resources: pools.map((pool) => pool.arn),
        })
      );
    }
    if (channelRole) {
      this.handler.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'PassTwoWayChannelRole',
          actions: ['iam:PassRole'],
          resources: [channelRole.roleArn],
          conditions: {
            StringEquals: { 'iam:PassedToService': 'sms-voice.amazonaws.com' },
          },
        })
      );
    }
  }
}

interface Origination {
  readonly arn: string;
  /** The phone-number or pool id, or the position when a token. */
  readonly constructId: string;
}

const originationOf = (
  stack: Stack,
  setting: string,
  value: string,
  index: number,
  kind: { resource: string; arn: RegExp; id: RegExp }
): Origination => {
  if (Token.isUnresolved(value)) {
    return { arn: value, constructId: `${kind.resource}-${index}` };
  }
  if (kind.id.test(value)) {
    return {
      arn: stack.formatArn({
        service: 'sms-voice',
        resource: kind.resource,
        resourceName: value,
      }),
      constructId: value,
    };
  }
  checkPattern(
    setting,
    value,
    kind.arn,
    `entries must be End User Messaging ${kind.resource} ARNs or ids (${kind.resource === 'pool' ? 'pool' : 'phone'}-<32 hex digits>)`
  );
  const region = kind.arn.exec(value)?.[1];
  if (!Token.isUnresolved(stack.region) && region !== stack.region) {
    fail(
      setting,
      `entries must be in the stack's region (${stack.region})`,
      value
    );
  }
  return { arn: value, constructId: value.slice(value.lastIndexOf('/') + 1) };
};

const checkUnique = (setting: string, originations: readonly Origination[]) => {
  const seen = new Set<string>();
  for (const { constructId } of originations) {
    if (seen.has(constructId)) {
      fail(setting, 'must not name the same resource twice', constructId);
    }
    seen.add(constructId);
  }
};
