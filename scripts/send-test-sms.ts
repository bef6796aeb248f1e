/**
 * `npm run send-test-sms`: publishes a made-up inbound SMS to the deployed
 * bridge's topic, so a chat appears in the agent workspace without a phone.
 * Uses the caller's AWS credentials; it needs cloudformation:DescribeStacks
 * on the stack, sns:Publish on the topic and kms:GenerateDataKey on the
 * topic's key.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  CloudFormationClient,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { maskPhoneNumber } from '../lambda/shared/mask';
import {
  E164,
  isTextMessage,
  MAX_TEXT_MESSAGE_CHARACTERS,
} from '../lambda/shared/settings';

export const USAGE = `Usage: npm run send-test-sms -- --to <our number> --from <E.164> --body "<text>"
         [--stack SmsConnectBridge] [--region <region>] [--keyword <keyword>]
Publishes an inbound SMS, in End User Messaging's format, to the deployed
stack's InboundTopicArn output (docs/opt-outs-and-two-way.md).`;

/** A mistake in the command line; the script prints it with the usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface TestSmsOptions {
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly stack: string;
  readonly region?: string;
  readonly keyword?: string;
}

const text = { type: 'string' } as const;
const E164_RULE = 'must be an E.164 number: +, country code, number, no spaces';
const BODY_RULE = `must hold 1 to ${MAX_TEXT_MESSAGE_CHARACTERS} characters and not only spaces`;

/** The options, or `undefined` when `--help` asks for the usage only. */
export const parseTestSmsArgs = (
  argv: readonly string[]
): TestSmsOptions | undefined => {
  let values: Partial<Record<keyof TestSmsOptions, string>> & {
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        ...{ to: text, from: text, body: text, stack: text },
        ...{ region: text, keyword: text },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { help, to, from, body, stack = 'SmsConnectBridge', ...rest } = values;
  if (help) return undefined;
  const rules: [string, string | undefined, (v: string) => boolean, string][] =
    [
      // The numbers are not echoed: one may be a real person's, mistyped.
      ['--to', to, (v) => E164.test(v), E164_RULE],
      ['--from', from, (v) => E164.test(v), E164_RULE],
      ['--body', body, isTextMessage, BODY_RULE],
    ];
  for (const [flag, value, ok, rule] of rules) {
    if (value === undefined) throw new UsageError(`${flag} is required`);
    if (!ok(value)) throw new UsageError(`${flag} ${rule}`);
  }
  for (const [name, value] of Object.entries({ stack, ...rest })) {
    if (value?.trim() === '')
      throw new UsageError(`--${name} must not be empty`);
  }
  return { to, from, body, stack, ...rest } as TestSmsOptions;
};

/**
 * The message End User Messaging publishes for an inbound SMS: the
 * customer's number as origination, ours as destination, and no
 * `previousPublishedMessageId` (the text answers no message of ours).
 */
export const buildInboundSmsPayload = (
  options: Pick<TestSmsOptions, 'to' | 'from' | 'body' | 'keyword'>,
  context: { readonly inboundMessageId: string; readonly topicArn: string }
) => ({
  originationNumber: options.from,
  destinationNumber: options.to,
  messageKeyword:
    options.keyword ??
    `keyword_${/^arn:[^:]+:sns:[^:]*:(\d{12}):/.exec(context.topicArn)?.[1] ?? 'unknown'}`,
  messageBody: options.body,
  inboundMessageId: context.inboundMessageId,
});

/** The inbound topic's ARN among a stack's outputs. */
export const inboundTopicArnFrom = (
  stack: string,
  outputs: readonly { OutputKey?: string; OutputValue?: string }[] = []
): string => {
  const arn = outputs.find(
    (o) => o.OutputKey === 'InboundTopicArn'
  )?.OutputValue;
  if (!arn) {
    throw new Error(
      `Stack ${stack} has no output InboundTopicArn; is it the bridge's stack, deployed?`
    );
  }
  return arn;
};

const main = async (options: TestSmsOptions) => {
  const config = { region: options.region };
  const { Stacks } = await new CloudFormationClient(config).send(
    new DescribeStacksCommand({ StackName: options.stack })
  );
  const topicArn = inboundTopicArnFrom(options.stack, Stacks?.[0]?.Outputs);
  const payload = buildInboundSmsPayload(options, {
    inboundMessageId: randomUUID(),
    topicArn,
  });
  const { MessageId } = await new SNSClient(config).send(
    new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(payload) })
  );
  console.log(
    `Published inbound SMS ${payload.inboundMessageId} (SNS message ${MessageId}) ` +
      `from ${maskPhoneNumber(options.from)} to ${maskPhoneNumber(options.to)} on ${topicArn}`
  );
};

if (require.main === module) {
  try {
    const options = parseTestSmsArgs(process.argv.slice(2));
    if (options === undefined) console.log(USAGE);
    else
      main(options).catch((error: Error) => {
        console.error(
          `send-test-sms failed: ${error.name}: ${error.message} (check --stack and --region)`
        );
        process.exitCode = 1;
      });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  }
}
