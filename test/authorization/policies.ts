import { isDeepStrictEqual } from 'node:util';
import { type Deployment, referencedId } from './deployment';

/** A policy document as IAM evaluates it, every reference resolved. */
export type PolicyDocument = Record<string, unknown>;

export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Every policy that applies to a role: its inline policies and each
 * AWS::IAM::Policy attached to it. Managed policies would need AWS's copy of
 * their text, so a role with one fails here rather than passing unchecked.
 */
export const identityPolicies = (
  deployment: Deployment,
  roleId: string
): NamedPolicy[] => {
  const role = deployment.resources[roleId]?.Properties ?? {};
  if (list(role.ManagedPolicyArns).length > 0) {
    throw new Error(
      `${roleId} has managed policies, which this suite cannot read`
    );
  }
  const inline = list(role.Policies).map((policy) => {
    const { PolicyName, PolicyDocument } = policy as Record<string, unknown>;
    return {
      name: String(PolicyName),
      policy: deployment.resolve(PolicyDocument) as PolicyDocument,
    };
  });
  const attached = deployment
    .idsOf('AWS::IAM::Policy')
    .filter((id) =>
      list(deployment.resources[id]?.Properties?.Roles).some((ref) =>
        isDeepStrictEqual(ref, { Ref: roleId })
      )
    )
    .map((id) => ({
      name: id,
      policy: deployment.resolve(
        deployment.resources[id]?.Properties?.PolicyDocument
      ) as PolicyDocument,
    }));
  return [...inline, ...attached];
};

/**
 * The resource policy of a topic or queue (the statements of every
 * AWS::SNS::TopicPolicy or AWS::SQS::QueuePolicy that names it), or a key's
 * key policy. `undefined` when it has none: SNS then applies its default.
 */
export const resourcePolicy = (
  deployment: Deployment,
  resourceId: string
): PolicyDocument | undefined => {
  const resource = deployment.resources[resourceId];
  if (resource?.Type === 'AWS::KMS::Key') {
    return deployment.resolve(resource.Properties?.KeyPolicy) as PolicyDocument;
  }
  const [policyType, listKey] =
    resource?.Type === 'AWS::SNS::Topic'
      ? ['AWS::SNS::TopicPolicy', 'Topics']
      : ['AWS::SQS::QueuePolicy', 'Queues'];
  const statements = deployment
    .idsOf(policyType)
    .map((id) => deployment.resources[id]?.Properties ?? {})
    .filter((properties) =>
      list(properties[listKey]).some((ref) => referencedId(ref) === resourceId)
    )
    .flatMap((properties) =>
      list(
        (deployment.resolve(properties.PolicyDocument) as PolicyDocument)
          .Statement
      )
    );
  return statements.length === 0
    ? undefined
    : { Version: '2012-10-17', Statement: statements };
};

/** The key a topic or queue is encrypted with, by logical ID. */
export const keyOf = (
  deployment: Deployment,
  resourceId: string
): string | undefined => {
  const properties = deployment.resources[resourceId]?.Properties ?? {};
  const key = properties.KmsMasterKeyId ?? properties.SSESpecification;
  if (key === undefined) return undefined;
  const id = (key as { KMSMasterKeyId?: unknown }).KMSMasterKeyId ?? key;
  return referencedId(id);
};
