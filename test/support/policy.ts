import { isDeepStrictEqual } from 'node:util';
import { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { CfnTopic, ITopic } from 'aws-cdk-lib/aws-sns';
import { propertiesOf } from './bridge-app';

/**
 * A policy statement in one shape, so tests can compare whole statements
 * without caring whether CDK rendered a list or a single value, or in which
 * order it sorted the actions. The Sid is left out: it names, it grants
 * nothing.
 */
export interface Statement {
  readonly effect: string;
  readonly principal?: unknown;
  readonly actions: readonly string[];
  readonly resources: readonly unknown[];
  readonly condition?: unknown;
}

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const normalize = (raw: Record<string, unknown>): Statement => {
  for (const inverted of ['NotAction', 'NotResource', 'NotPrincipal']) {
    // Inverted elements grant what they do not name; none belong here.
    if (inverted in raw) {
      throw new Error(`statement uses ${inverted}: ${JSON.stringify(raw)}`);
    }
  }
  return {
    effect: String(raw.Effect),
    ...(raw.Principal === undefined ? {} : { principal: raw.Principal }),
    actions: (list(raw.Action) as string[]).toSorted(),
    resources: list(raw.Resource),
    ...(raw.Condition === undefined ? {} : { condition: raw.Condition }),
  };
};

/** The statements of a policy document (a key, topic, queue or IAM policy). */
export const statementsOf = (document: unknown): Statement[] =>
  list((document as { Statement?: unknown }).Statement).map((statement) =>
    normalize(statement as Record<string, unknown>)
  );

type Resources = Record<string, { Properties?: Record<string, unknown> }>;

const attachedTo = (roleRef: unknown, properties: Record<string, unknown>) =>
  list(properties.Roles).some((ref) => isDeepStrictEqual(ref, roleRef));

/**
 * Every statement that applies to a role: its inline policies and the
 * policies and customer-managed policies attached to it.
 */
export const roleStatements = (
  template: Template,
  stack: Stack,
  role: IRole
): Statement[] => {
  const roleRef = stack.resolve(role.roleName);
  const inline = list(propertiesOf(template, role).Policies).flatMap((policy) =>
    statementsOf((policy as { PolicyDocument: unknown }).PolicyDocument)
  );
  const attached = [
    ...Object.values(template.findResources('AWS::IAM::Policy') as Resources),
    ...Object.values(
      template.findResources('AWS::IAM::ManagedPolicy') as Resources
    ),
  ]
    .map((resource) => resource.Properties ?? {})
    .filter((properties) => attachedTo(roleRef, properties))
    .flatMap((properties) => statementsOf(properties.PolicyDocument));
  return [...inline, ...attached];
};

/**
 * The ARN of a topic with a name of its own, spelt from that name, as a key
 * policy must spell it (a reference to the topic would be a cycle).
 */
export const namedTopicArn = (topic: ITopic): string => {
  const { topicName } = topic.node.defaultChild as CfnTopic;
  if (topicName === undefined) throw new Error('the topic has no name');
  return Stack.of(topic).formatArn({ service: 'sns', resource: topicName });
};
