import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { arnFor, partsOf } from './arns';
import { callsInBundle, callsInProviderFramework, type SdkCall } from './calls';
import { type Deployment, referencedId } from './deployment';
import { identityPolicies, keyOf, type NamedPolicy } from './policies';
import type { AuthorizationRequest } from './simulate';

/** A function of the deployed stack, as its role and environment show it. */
export interface DeployedFunction {
  readonly id: string;
  readonly roleId: string;
  readonly roleArn: string;
  readonly policies: readonly NamedPolicy[];
  readonly environment: Readonly<Record<string, string>>;
  readonly calls: readonly SdkCall[];
  readonly logGroupName?: string;
  /** Where Lambda sends failed asynchronous invocations, by logical ID. */
  readonly deadLetterQueueId?: string;
}

export const deployedFunctions = (deployment: Deployment): DeployedFunction[] =>
  deployment.idsOf('AWS::Lambda::Function').map((id) => {
    const properties = deployment.resources[id]?.Properties ?? {};
    const roleId = referencedId(properties.Role);
    const code = properties.Code as { S3Key: string };
    const bundleDir = path.join(
      deployment.assemblyDir,
      `asset.${code.S3Key.replace(/\.zip$/, '')}`
    );
    const environment = deployment.resolve(
      (properties.Environment as { Variables?: unknown } | undefined)
        ?.Variables ?? {}
    ) as Record<string, string>;
    const logGroup = (properties.LoggingConfig as { LogGroup?: unknown })
      ?.LogGroup;
    const deadLetter = (properties.DeadLetterConfig as { TargetArn?: unknown })
      ?.TargetArn;
    return {
      id,
      roleId,
      roleArn: deployment.arnOf(roleId),
      policies: identityPolicies(deployment, roleId),
      environment,
      calls: existsSync(path.join(bundleDir, 'index.js.map'))
        ? callsInBundle(bundleDir)
        : callsInProviderFramework(bundleDir),
      ...(logGroup === undefined
        ? {}
        : { logGroupName: deployment.resolveString(logGroup) }),
      ...(deadLetter === undefined
        ? {}
        : { deadLetterQueueId: referencedId(deadLetter) }),
    };
  });

/**
 * A call the function can make, as IAM sees it: the requests IAM
 * authorizes, or why IAM does not authorize it, or why this configuration
 * never makes it.
 */
export type CallPlan =
  | { readonly kind: 'iam'; readonly requests: AuthorizationRequest[] }
  | { readonly kind: 'bearer-token'; readonly why: string }
  | { readonly kind: 'not-made'; readonly why: string };

const BEARER_TOKEN =
  "The Connect participant service authorizes with the chat's " +
  'participant and connection tokens, not with IAM (its API reference: ' +
  'the ConnectionToken / X-Amz-Bearer header); no IAM action exists for it.';

/** The numbers the bridge texts from: the inbound function's map. */
const phoneNumberArns = (functions: readonly DeployedFunction[]): string[] => {
  const inbound = functions.find((fn) => fn.environment.PHONE_NUMBERS);
  if (inbound === undefined) throw new Error('no inbound function');
  return [
    ...new Set(
      Object.values(
        JSON.parse(inbound.environment.PHONE_NUMBERS ?? '{}') as Record<
          string,
          string
        >
      )
    ),
  ];
};

const tableNames = (fn: DeployedFunction): string[] =>
  ['IDEMPOTENCY_TABLE_NAME', 'SESSION_TABLE_NAME']
    .map((name) => fn.environment[name])
    .filter((name): name is string => name !== undefined);

/**
 * The tables a DynamoDB call of the function reaches. The opt-out sweep
 * (the function told SWEEP_STATE_TABLE_NAME) uses its two tables apart:
 * its cursor and markers are read, put and updated (SweepStore), and in
 * participant mode sessions are read, updated and deleted (SessionStore
 * through disconnectCustomer). SessionStore's put methods are bundled
 * with it but never called by it, so they are checked on no table.
 */
const tablesFor = (fn: DeployedFunction, operation: string): string[] => {
  const state = fn.environment.SWEEP_STATE_TABLE_NAME;
  if (state === undefined) return tableNames(fn);
  const sessions = fn.environment.SESSION_TABLE_NAME;
  return [
    ...(['GetItem', 'PutItem', 'UpdateItem'].includes(operation)
      ? [state]
      : []),
    ...(sessions !== undefined &&
    ['GetItem', 'UpdateItem', 'DeleteItem'].includes(operation)
      ? [sessions]
      : []),
  ];
};

/**
 * The requests IAM evaluates when a function's code makes `call`, built
 * from the values the request carries in this deployment.
 */
export const planCall = async (
  deployment: Deployment,
  functions: readonly DeployedFunction[],
  fn: DeployedFunction,
  call: SdkCall
): Promise<CallPlan> => {
  const request = (
    action: string,
    resource: string,
    context: Record<string, string | string[]> = {}
  ): AuthorizationRequest => ({
    what: `${fn.id} calls ${call.client} ${call.operation}`,
    principal: fn.roleArn,
    action,
    resource,
    resourceAccount: deployment.account,
    context: { 'aws:RequestedRegion': deployment.region, ...context },
    identityPolicies: fn.policies,
  });
  const iam = (requests: AuthorizationRequest[]): CallPlan => ({
    kind: 'iam',
    requests,
  });
  const env = fn.environment;
  const key = `${call.client}:${call.operation}`;
  switch (key) {
    case 'client-connect:SendChatIntegrationEvent':
      // No resource type in the reference: IAM evaluates "*".
      return iam([request('connect:SendChatIntegrationEvent', '*')]);
    case 'client-connect:StartChatContact': {
      const flows = Object.values(
        JSON.parse(env.CONTACT_FLOW_IDS ?? '{}') as Record<string, string>
      );
      const instanceId = env.CONNECT_INSTANCE_ID ?? '';
      return iam(
        await Promise.all(
          [...new Set(flows)].map(async (flowId) =>
            request(
              'connect:StartChatContact',
              await arnFor(deployment, 'connect', 'contact-flow', {
                InstanceId: instanceId,
                ContactFlowId: flowId,
              }),
              { 'connect:InstanceId': instanceId }
            )
          )
        )
      );
    }
    case 'client-connect:StartContactStreaming':
      return iam([
        request(
          'connect:StartContactStreaming',
          await arnFor(deployment, 'connect', 'instance', {
            InstanceId: env.CONNECT_INSTANCE_ID ?? '',
          })
        ),
      ]);
    case 'client-connectparticipant:CreateParticipantConnection':
    case 'client-connectparticipant:SendMessage':
    case 'client-connectparticipant:DisconnectParticipant':
    case 'client-connectparticipant:GetTranscript':
      return { kind: 'bearer-token', why: BEARER_TOKEN };
    case 'client-dynamodb:GetItem':
    case 'client-dynamodb:PutItem':
    case 'client-dynamodb:UpdateItem':
    case 'client-dynamodb:DeleteItem':
      return iam(
        await Promise.all(
          tablesFor(fn, call.operation).map(async (TableName) =>
            request(
              `dynamodb:${call.operation}`,
              await arnFor(deployment, 'dynamodb', 'table', { TableName })
            )
          )
        )
      );
    case 'client-sqs:SendMessage': {
      const url = env.DEAD_LETTER_QUEUE_URL;
      if (url === undefined) throw new Error(`${fn.id} has no DLQ URL`);
      const queueArn = await arnFor(deployment, 'sqs', 'queue', {
        QueueName: url.split('/').pop() ?? '',
      });
      return iam([
        request('sqs:SendMessage', queueArn),
        ...(await queueKeyRequests(deployment, fn, queueArn, 'send')),
      ]);
    }
    case 'client-sqs:ChangeMessageVisibilityBatch': {
      // A failed text waits seconds rather than the visibility timeout, on
      // the queue that feeds the function. No KMS: no message is read or
      // written.
      const url = env.QUEUE_URL;
      if (url === undefined) throw new Error(`${fn.id} has no QUEUE_URL`);
      return iam([
        request(
          'sqs:ChangeMessageVisibility',
          await arnFor(deployment, 'sqs', 'queue', {
            QueueName: url.split('/').pop() ?? '',
          })
        ),
      ]);
    }
    case 'client-pinpoint-sms-voice-v2:SendTextMessage':
      // The inbound function texts keyword replies (with self-managed
      // opt-outs) and, in participant mode, what a flow said before
      // streaming started; in integration-event mode without self-managed
      // opt-outs it texts nothing.
      if (
        fn.environment.PHONE_NUMBERS &&
        !env.SELF_MANAGED_OPT_OUTS &&
        env.CONTACT_FLOW_IDS === undefined
      ) {
        return {
          kind: 'not-made',
          why: 'in integration-event mode, keyword replies are sent only with selfManagedOptOuts',
        };
      }
      return iam(
        await Promise.all(
          phoneNumberArns(functions).map(async (arn) =>
            request(
              'sms-voice:SendTextMessage',
              await arnFor(
                deployment,
                'sms-voice',
                'PhoneNumber',
                await partsOf('sms-voice', 'PhoneNumber', arn)
              )
            )
          )
        )
      );
    case 'client-pinpoint-sms-voice-v2:PutOptedOutNumber':
      if (!env.SELF_MANAGED_OPT_OUTS) {
        return {
          kind: 'not-made',
          why: 'opt-outs are recorded only with selfManagedOptOuts',
        };
      }
      return iam([
        request(
          'sms-voice:PutOptedOutNumber',
          await arnFor(deployment, 'sms-voice', 'OptOutList', {
            OptOutListName: env.OPT_OUT_LIST_NAME ?? '',
          })
        ),
      ]);
    case 'client-pinpoint-sms-voice-v2:DescribeOptedOutNumbers':
      // The opt-out sweep reads its one list; the reference's resource
      // type is OptOutList (required).
      return iam([
        request(
          'sms-voice:DescribeOptedOutNumbers',
          await arnFor(deployment, 'sms-voice', 'OptOutList', {
            OptOutListName: env.OPT_OUT_LIST_NAME ?? '',
          })
        ),
      ]);
    case 'client-pinpoint-sms-voice-v2:DescribePhoneNumbers':
    case 'client-pinpoint-sms-voice-v2:UpdatePhoneNumber':
      return iam(
        await Promise.all(
          twoWayTargets(deployment, 'Custom::TwoWayPhoneNumber').map(
            async (arn) =>
              request(
                `sms-voice:${call.operation}`,
                await arnFor(
                  deployment,
                  'sms-voice',
                  'PhoneNumber',
                  await partsOf('sms-voice', 'PhoneNumber', arn)
                )
              )
          )
        )
      );
    case 'client-pinpoint-sms-voice-v2:DescribePools':
    case 'client-pinpoint-sms-voice-v2:UpdatePool':
      return iam(
        await Promise.all(
          twoWayTargets(deployment, 'Custom::TwoWayPool').map(async (arn) =>
            request(
              `sms-voice:${call.operation}`,
              await arnFor(
                deployment,
                'sms-voice',
                'Pool',
                await partsOf('sms-voice', 'Pool', arn)
              )
            )
          )
        )
      );
    case 'client-lambda:Invoke':
    case 'client-lambda:GetFunction': {
      const arn = env.USER_ON_EVENT_FUNCTION_ARN ?? '';
      const action =
        call.operation === 'Invoke'
          ? 'lambda:InvokeFunction'
          : 'lambda:GetFunction';
      return iam([
        request(
          action,
          await arnFor(
            deployment,
            'lambda',
            'function',
            await partsOf('lambda', 'function', arn)
          )
        ),
      ]);
    }
    default:
      throw new Error(
        `${fn.id} can call ${key}, which this suite does not map to IAM yet: add it`
      );
  }
};

/** The numbers or pools a two-way custom resource of this type configures. */
const twoWayTargets = (deployment: Deployment, type: string): string[] =>
  deployment.idsOf(type).map((id) => {
    const properties = deployment.resources[id]?.Properties ?? {};
    return deployment.resolveString(
      properties.PhoneNumberId ?? properties.PoolId
    );
  });

/**
 * What SQS asks KMS on the caller's behalf for an encrypted queue: a data
 * key to send (and Decrypt, which the SQS developer guide lists for
 * producers), Decrypt to receive.
 */
export const queueKeyRequests = async (
  deployment: Deployment,
  fn: DeployedFunction,
  queueArn: string,
  use: 'send' | 'receive'
): Promise<AuthorizationRequest[]> => {
  const queueId = deployment.idOfArn(queueArn);
  const keyId = keyOf(deployment, queueId);
  if (keyId === undefined) return [];
  const actions =
    use === 'send' ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt'];
  return Promise.all(
    actions.map(async (action) => ({
      what: `SQS uses ${queueId}'s key for ${fn.id}`,
      principal: fn.roleArn,
      action,
      resource: await arnFor(deployment, 'kms', 'key', { KeyId: keyId }),
      resourceAccount: deployment.account,
      context: {
        'kms:ViaService': `sqs.${deployment.region}.amazonaws.com`,
        'kms:CallerAccount': deployment.account,
        'kms:EncryptionContext:aws:sqs:arn': queueArn,
      },
      identityPolicies: fn.policies,
      resourcePolicy: resourcePolicyOfKey(deployment, keyId),
    }))
  );
};

const resourcePolicyOfKey = (deployment: Deployment, keyId: string) =>
  deployment.resolve(
    deployment.resources[keyId]?.Properties?.KeyPolicy
  ) as Record<string, unknown>;
