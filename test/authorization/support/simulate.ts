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
        contextVariables: {
          // Every call the bridge and AWS make is over TLS.
          'aws:SecureTransport': 'true',
          ...request.context,
        },
      },
      identityPolicies: [...request.identityPolicies],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy === undefined
        ? {}
        : { resourcePolicy: request.resourcePolicy }),
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
