import { randomUUID } from 'node:crypto';
import {
  CloudFormationClient,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { maskPhoneNumber } from '../lambda/shared/mask';
import {
  buildInboundSmsPayload,
  inboundTopicArnFrom,
  parseTestSmsArgs,
  USAGE,
  UsageError,
} from './lib/test-sms';

/**
 * Publishes a made-up inbound SMS to the deployed bridge's topic, so a chat
 * appears in the agent workspace without a phone. Uses the caller's AWS
 * credentials; it needs cloudformation:DescribeStacks on the stack,
 * sns:Publish on the topic and kms:GenerateDataKey on the topic's key.
 */
const main = async (argv: readonly string[]): Promise<number> => {
  let parsed: ReturnType<typeof parseTestSmsArgs>;
  try {
    parsed = parseTestSmsArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  const { options } = parsed;
  const clientConfig =
    options.region === undefined ? {} : { region: options.region };
  const cloudFormation = new CloudFormationClient(clientConfig);
  const sns = new SNSClient(clientConfig);

  const { Stacks } = await cloudFormation.send(
    new DescribeStacksCommand({ StackName: options.stack })
  );
  const topicArn = inboundTopicArnFrom(options.stack, Stacks?.[0]?.Outputs);
  const payload = buildInboundSmsPayload(options, {
    inboundMessageId: randomUUID(),
    topicArn,
  });
  const { MessageId } = await sns.send(
    new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(payload) })
  );
  console.log(
    `Published inbound SMS ${payload.inboundMessageId} (SNS message ${MessageId}) ` +
      `from ${maskPhoneNumber(options.from)} to ${maskPhoneNumber(options.to)} ` +
      `on ${topicArn}`
  );
  return 0;
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const name = (error as Error).name;
    const message = (error as Error).message;
    const hint =
      name === 'ValidationError'
        ? ' (is the stack name and --region right?)'
        : /region/i.test(message)
          ? ' (pass --region or set AWS_REGION)'
          : '';
    console.error(`send-test-sms failed: ${name}: ${message}${hint}`);
    process.exitCode = 1;
  }
);
