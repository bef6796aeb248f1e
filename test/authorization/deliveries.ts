import { arnFor, partsOf } from './arns';
import { type Deployment, referencedId } from './deployment';
import { type DeployedFunction, planCall, queueKeyRequests } from './functions';
import { keyOf, resourcePolicy } from './policies';
import type { AuthorizationRequest } from './simulate';

/** What a service sends to KMS when it publishes to an encrypted topic. */
export type KeyContext = 'source' | 'encryption-context';

/**
 * A service that publishes to a topic of the stack, with the condition keys
 * it sends. `keyContext` says what reaches KMS when SNS asks for a data key
 * on its behalf: End User Messaging documents aws:SourceAccount and
 * aws:SourceArn on its key policy (two-way-sms-iam-policy-auto); Connect
 * (chat-message-streaming) and CloudWatch (Knowledge Center
 * cloudwatch-configure-alarm-sns) document key policies without
 * conditions, so only SNS's own encryption context is assumed to reach KMS.
 */
export interface Publisher {
  readonly service: string;
  readonly topicId: string;
  /** Each aws:SourceArn the service can send. */
  readonly sourceArns: readonly string[];
  readonly keyContext: KeyContext;
}

const serviceRequest = (
  deployment: Deployment,
  what: string,
  principal: string,
  action: string,
  resourceId: string,
  context: Record<string, string>
): AuthorizationRequest => {
  const policy = resourcePolicy(deployment, resourceId);
  return {
    what,
    principal,
    action,
    resource:
      deployment.resources[resourceId]?.Type === 'AWS::KMS::Key'
        ? `arn:${deployment.partition}:kms:${deployment.region}:${deployment.account}:key/${resourceId}`
        : deployment.arnOf(resourceId),
    resourceAccount: deployment.account,
    context,
    identityPolicies: [],
    ...(policy === undefined ? {} : { resourcePolicy: policy }),
  };
};

/** A service publishes to a topic, and SNS encrypts with the topic's key. */
export const publishRequests = (
  deployment: Deployment,
  publisher: Publisher
): AuthorizationRequest[] => {
  const topicArn = deployment.arnOf(publisher.topicId);
  const keyId = keyOf(deployment, publisher.topicId);
  return publisher.sourceArns.flatMap((sourceArn) => {
    const source = {
      'aws:SourceAccount': deployment.account,
      'aws:SourceArn': sourceArn,
    };
    const what = `${publisher.service} publishes to ${publisher.topicId} for ${sourceArn}`;
    return [
      serviceRequest(
        deployment,
        what,
        publisher.service,
        'sns:Publish',
        publisher.topicId,
        source
      ),
      ...(keyId === undefined
        ? []
        : ['kms:GenerateDataKey', 'kms:Decrypt'].map((action) =>
            serviceRequest(deployment, what, publisher.service, action, keyId, {
              ...(publisher.keyContext === 'source' ? source : {}),
              'kms:EncryptionContext:aws:sns:topicArn': topicArn,
            })
          )),
    ];
  });
};

/**
 * SNS delivers each subscription's messages to its queue, and what it can't
 * deliver to the subscription's dead-letter queue; SQS encrypts with the
 * queue's key on SNS's behalf.
 */
export const subscriptionRequests = (
  deployment: Deployment
): AuthorizationRequest[] =>
  deployment.idsOf('AWS::SNS::Subscription').flatMap((id) => {
    const properties = deployment.resources[id]?.Properties ?? {};
    if (properties.Protocol !== 'sqs') return [];
    const topicArn = deployment.resolveString(properties.TopicArn);
    const redrive = properties.RedrivePolicy as
      | { deadLetterTargetArn?: unknown }
      | undefined;
    const queueIds = [
      referencedId(properties.Endpoint),
      ...(redrive?.deadLetterTargetArn === undefined
        ? []
        : [referencedId(redrive.deadLetterTargetArn)]),
    ];
    return queueIds.flatMap((queueId) => {
      const what = `SNS delivers ${topicArn} to ${queueId}`;
      const source = {
        'aws:SourceAccount': deployment.account,
        'aws:SourceArn': topicArn,
      };
      const keyId = keyOf(deployment, queueId);
      return [
        serviceRequest(
          deployment,
          what,
          'sns.amazonaws.com',
          'sqs:SendMessage',
          queueId,
          source
        ),
        ...(keyId === undefined
          ? []
          : ['kms:GenerateDataKey', 'kms:Decrypt'].map((action) =>
              serviceRequest(
                deployment,
                what,
                'sns.amazonaws.com',
                action,
                keyId,
                {
                  ...source,
                  'kms:EncryptionContext:aws:sqs:arn':
                    deployment.arnOf(queueId),
                }
              )
            )),
      ];
    });
  });

/**
 * What Lambda does with each function's role: an SQS event source reads,
 * deletes and hides messages of its queue; failed asynchronous invocations
 * go to the function's dead-letter queue; the runtime writes the function's
 * log group.
 */
export const lambdaServiceRequests = async (
  deployment: Deployment,
  functions: readonly DeployedFunction[]
): Promise<AuthorizationRequest[]> => {
  const requests: AuthorizationRequest[] = [];
  const asRole = (
    fn: DeployedFunction,
    what: string,
    action: string,
    resource: string
  ): AuthorizationRequest => ({
    what,
    principal: fn.roleArn,
    action,
    resource,
    resourceAccount: deployment.account,
    context: { 'aws:RequestedRegion': deployment.region },
    identityPolicies: fn.policies,
  });
  for (const id of deployment.idsOf('AWS::Lambda::EventSourceMapping')) {
    const properties = deployment.resources[id]?.Properties ?? {};
    const fn = functions.find(
      (candidate) => candidate.id === referencedId(properties.FunctionName)
    );
    if (fn === undefined) throw new Error(`${id} feeds no function`);
    const queueArn = await arnFor(
      deployment,
      'sqs',
      'queue',
      await partsOf(
        'sqs',
        'queue',
        deployment.resolveString(properties.EventSourceArn)
      )
    );
    const what = `Lambda reads ${queueArn} for ${fn.id}`;
    for (const action of [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueAttributes',
    ]) {
      requests.push(asRole(fn, what, action, queueArn));
    }
    requests.push(
      ...(await queueKeyRequests(deployment, fn, queueArn, 'receive'))
    );
  }
  for (const fn of functions) {
    if (fn.deadLetterQueueId !== undefined) {
      const queueArn = await arnFor(
        deployment,
        'sqs',
        'queue',
        await partsOf('sqs', 'queue', deployment.arnOf(fn.deadLetterQueueId))
      );
      requests.push(
        asRole(
          fn,
          `Lambda sends ${fn.id}'s failed events to its dead-letter queue`,
          'sqs:SendMessage',
          queueArn
        ),
        ...(await queueKeyRequests(deployment, fn, queueArn, 'send'))
      );
    }
    if (fn.logGroupName !== undefined) {
      const stream = await arnFor(deployment, 'logs', 'log-stream', {
        LogGroupName: fn.logGroupName,
        LogStreamName: '2026/11/28/[$LATEST]0123456789abcdef',
      });
      for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
        requests.push(
          asRole(fn, `Lambda writes ${fn.id}'s logs`, action, stream)
        );
      }
    }
  }
  return requests;
};

/**
 * DynamoDB encrypts and decrypts items with the table's key for the caller
 * (kms:ViaService). Checked as if the caller's own permission is needed,
 * the stricter reading.
 */
export const tableKeyRequests = async (
  deployment: Deployment,
  functions: readonly DeployedFunction[]
): Promise<AuthorizationRequest[]> => {
  const requests: AuthorizationRequest[] = [];
  for (const fn of functions) {
    for (const call of fn.calls.filter((c) => c.client === 'client-dynamodb')) {
      const plan = await planCall(deployment, functions, fn, call);
      if (plan.kind !== 'iam') continue;
      for (const tableRequest of plan.requests) {
        const tableId = deployment.idOfArn(tableRequest.resource);
        const keyId = keyOf(deployment, tableId);
        if (keyId === undefined) continue;
        const action =
          call.operation === 'GetItem' ? 'kms:Decrypt' : 'kms:GenerateDataKey';
        requests.push({
          what: `DynamoDB uses ${tableId}'s key for ${fn.id} (${call.operation})`,
          principal: fn.roleArn,
          action,
          resource: await arnFor(deployment, 'kms', 'key', { KeyId: keyId }),
          resourceAccount: deployment.account,
          context: {
            'kms:ViaService': `dynamodb.${deployment.region}.amazonaws.com`,
            'kms:CallerAccount': deployment.account,
          },
          identityPolicies: fn.policies,
          resourcePolicy: resourcePolicy(deployment, keyId) ?? {},
        });
      }
    }
  }
  return requests;
};

/**
 * A function's resource policy as Lambda builds it from its
 * AWS::Lambda::Permission resources: each grants the principal the action
 * on the function, under `AWS:SourceArn` (ArnLike) and `AWS:SourceAccount`
 * when the permission names them.
 */
export const functionPolicy = (
  deployment: Deployment,
  functionId: string
): Record<string, unknown> => ({
  Version: '2012-10-17',
  Statement: deployment
    .idsOf('AWS::Lambda::Permission')
    .map((id) => deployment.resources[id]?.Properties ?? {})
    .filter(
      (properties) => referencedId(properties.FunctionName) === functionId
    )
    .map((properties) => ({
      Effect: 'Allow',
      Principal: { Service: deployment.resolveString(properties.Principal) },
      Action: deployment.resolveString(properties.Action),
      Resource: deployment.arnOf(functionId),
      Condition: {
        ...(properties.SourceArn === undefined
          ? {}
          : {
              ArnLike: {
                'AWS:SourceArn': deployment.resolveString(properties.SourceArn),
              },
            }),
        ...(properties.SourceAccount === undefined
          ? {}
          : {
              StringEquals: {
                'AWS:SourceAccount': deployment.resolveString(
                  properties.SourceAccount
                ),
              },
            }),
      },
    })),
});

/**
 * EventBridge invokes each scheduled rule's Lambda targets, as the
 * service principal, with the rule as aws:SourceArn; only the function's
 * resource policy can allow it.
 */
export const scheduleRequests = (
  deployment: Deployment,
  ruleArn: (ruleId: string) => string = (id) => deployment.arnOf(id)
): AuthorizationRequest[] =>
  deployment.idsOf('AWS::Events::Rule').flatMap((ruleId) => {
    const targets =
      (deployment.resources[ruleId]?.Properties?.Targets as
        | { Arn: unknown }[]
        | undefined) ?? [];
    return targets.map(({ Arn }) => {
      const functionId = referencedId(Arn);
      return {
        what: `EventBridge rule ${ruleId} invokes ${functionId}`,
        principal: 'events.amazonaws.com',
        action: 'lambda:InvokeFunction',
        resource: deployment.arnOf(functionId),
        resourceAccount: deployment.account,
        context: {
          'aws:SourceAccount': deployment.account,
          'aws:SourceArn': ruleArn(ruleId),
        },
        identityPolicies: [],
        resourcePolicy: functionPolicy(deployment, functionId),
      };
    });
  });
