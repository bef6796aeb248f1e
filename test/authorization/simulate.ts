import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { NamedPolicy, PolicyDocument } from './policies';

/** One request as AWS authorizes it, with the policies that decide it. */
export interface AuthorizationRequest {
  /** What makes the request, in words, for a failing test's message. */
  readonly what: string;
  /** A role ARN, or a service principal such as `sns.amazonaws.com`. */
  readonly principal: string;
  readonly action: string;
  /** The resource ARN IAM evaluates, or `*` for actions without one. */
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  readonly context: Readonly<Record<string, string | string[]>>;
  /** The caller's identity policies (none for a service principal). */
  readonly identityPolicies: readonly NamedPolicy[];
  /** The topic, queue or key policy, when the resource has one. */
  readonly resourcePolicy?: PolicyDocument;
}

const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:(.+)$/i;

/**
 * iam-simulate matches a condition key with a variable part only after a
 * '/' (`aws:PrincipalTag/x`), so it drops `kms:EncryptionContext:<key>` from
 * a request, and a statement conditioned on it never matches. The suite
 * renames such keys, in the request and in the policy alike, to a '/'-style
 * string key the simulator keeps; the operators apply unchanged, and the
 * negative control shows a wrong topic ARN is still refused.
 */
const simulatable = (key: string): string => {
  const contextKey = ENCRYPTION_CONTEXT.exec(key)?.[1];
  return contextKey === undefined
    ? key
    : `aws:RequestTag/kms-encryption-context/${contextKey}`;
};

const renameConditionKeys = (policy: PolicyDocument): PolicyDocument => {
  const statements = policy.Statement;
  return {
    ...policy,
    Statement: (Array.isArray(statements) ? statements : [statements]).map(
      (statement: Record<string, unknown>) =>
        statement.Condition === undefined
          ? statement
          : {
              ...statement,
              Condition: Object.fromEntries(
                Object.entries(
                  statement.Condition as Record<string, Record<string, unknown>>
                ).map(([operator, keys]) => [
                  operator,
                  Object.fromEntries(
                    Object.entries(keys).map(([key, value]) => [
                      simulatable(key),
                      value,
                    ])
                  ),
                ])
              ),
            }
    ),
  };
};

/**
 * What IAM decides for a request: 'Allowed', 'ImplicitlyDenied' or
 * 'ExplicitlyDenied', as `@cloud-copilot/iam-simulate` evaluates AWS's
 * policy logic (KMS key policies included). Invalid input throws, so a
 * misspelt action or a resource of the wrong type never passes.
 */
export const decide = async (
  request: AuthorizationRequest
): Promise<string> => {
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: {
          resource: request.resource,
          accountId: request.resourceAccount,
        },
        contextVariables: Object.fromEntries(
          Object.entries({
            // Every call the bridge and AWS make is over TLS.
            'aws:SecureTransport': 'true',
            ...request.context,
          }).map(([key, value]) => [simulatable(key), value])
        ),
      },
      identityPolicies: request.identityPolicies.map(({ name, policy }) => ({
        name,
        policy: renameConditionKeys(policy),
      })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy === undefined
        ? {}
        : { resourcePolicy: renameConditionKeys(request.resourcePolicy) }),
    },
    {}
  );
  if (result.resultType === 'error') {
    throw new Error(
      `${request.what}: the simulator refused the request: ${JSON.stringify(result.errors)}`
    );
  }
  return result.overallResult;
};

/** `what: decision` for each request, to compare in one assertion. */
export const decisions = async (
  requests: readonly AuthorizationRequest[]
): Promise<Record<string, string>> => {
  const entries = await Promise.all(
    requests.map(async (request) => [
      `${request.what}: ${request.action} on ${request.resource}`,
      await decide(request),
    ])
  );
  return Object.fromEntries(entries);
};
