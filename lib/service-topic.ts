import { Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export interface ServiceTopicProps {
  readonly displayName: string;
  /** Encrypts the topic. */
  readonly key: kms.IKey;
  /** The AWS service that publishes, such as `connect.amazonaws.com`. */
  readonly publisher: string;
  /** The Sid stem of the two statements, such as `ConnectChatStreaming`. */
  readonly statementId: string;
  /**
   * The conditions the service documents for its topic policy, usually
   * `aws:SourceAccount` and `aws:SourceArn`.
   */
  readonly sourceConditions: Record<string, Record<string, unknown>>;
}

/**
 * Creates an encrypted topic one AWS service publishes to. The topic policy
 * admits the service on the source conditions it documents. The key admits
 * it only for this topic, through the encryption context SNS gives KMS
 * (`aws:sns:topicArn`, as in the GameLift FlexMatch SNS-SSE key policy):
 * Connect's and CloudWatch's documented key policies carry no
 * `aws:SourceArn`, and no AWS page says those keys reach KMS, so a key
 * statement conditioned on them could refuse every publish, silently.
 *
 * The topic is named, so that the key policy can name its ARN: a reference
 * to the topic from its own key's policy would be a dependency cycle.
 */
export const createServiceTopic = (
  scope: Construct,
  id: string,
  props: ServiceTopicProps
): sns.Topic => {
  const topic = new sns.Topic(scope, id, {
    displayName: props.displayName,
    masterKey: props.key,
    enforceSSL: true,
  });
  const topicName = Names.uniqueResourceName(topic, { maxLength: 256 });
  (topic.node.defaultChild as sns.CfnTopic).topicName = topicName;
  const topicArn = Stack.of(scope).formatArn({
    service: 'sns',
    resource: topicName,
  });
  const publisher = new iam.ServicePrincipal(props.publisher);
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `Allow${props.statementId}`,
      principals: [publisher],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: props.sourceConditions,
    })
  );
  props.key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `Allow${props.statementId}ToEncrypt`,
      principals: [publisher],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn },
      },
    })
  );
  return topic;
};
