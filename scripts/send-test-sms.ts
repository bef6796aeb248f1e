// `npm run send-test-sms`: a made-up inbound SMS to the deployed bridge's
// topic, so a chat appears in the agent workspace without a phone.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  CloudFormationClient,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import { maskPhoneNumber } from '../lambda/shared/mask';
import {
  E164,
  isTextMessage,
  MAX_TEXT_MESSAGE_CHARACTERS,
} from '../lambda/shared/settings';

export const USAGE = `Usage: npm run send-test-sms -- --to <our number> --from <E.164> --body "<text>"
         [--stack SmsConnectBridge] [--region <region>]
Publishes an inbound SMS, in End User Messaging's format, to the deployed
stack's InboundTopicArn output (docs/opt-outs-and-two-way.md).`;

// Messages name the rule, never the value: a number may be a real person's, mistyped.
const given = z.string({ error: 'is required' });
const e164 = given.regex(
  E164,
  'must be an E.164 number: +, country code, number, no spaces'
);
const name = z.string().refine((v) => v.trim() !== '', 'must not be empty');
const TestSmsOptions = z.object({
  to: e164,
  from: e164,
  body: given.refine(
    isTextMessage,
    `must hold 1 to ${MAX_TEXT_MESSAGE_CHARACTERS} characters and not only spaces`
  ),
  stack: name.default('SmsConnectBridge'),
  region: name.optional(),
});

const text = { type: 'string' } as const;
const OPTIONS = {
  ...{ to: text, from: text, body: text, stack: text, region: text },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The command-line mistake `error` reports, if it is one. */
const mistakeIn = (error: unknown): string | undefined => {
  if (error instanceof z.ZodError) {
    const [issue] = error.issues;
    return `--${String(issue?.path[0])} ${issue?.message}`;
  }
  const { code, message } = error as { code?: unknown; message: string };
  return String(code).startsWith('ERR_PARSE_ARGS_') ? message : undefined;
};

/** Publishes the text; resolves to the exit code, 2 for a mistake in the command line. */
export const sendTestSms = async (argv: readonly string[]): Promise<number> => {
  try {
    const { values } = parseArgs({ args: [...argv], options: OPTIONS });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const { to, from, body, stack, region } = TestSmsOptions.parse(values);
    const { Stacks } = await new CloudFormationClient({ region }).send(
      new DescribeStacksCommand({ StackName: stack })
    );
    const topicArn = Stacks?.[0]?.Outputs?.find(
      (output) => output.OutputKey === 'InboundTopicArn'
    )?.OutputValue;
    if (!topicArn) {
      throw new Error(
        `Stack ${stack} has no output InboundTopicArn; is it the bridge's stack, deployed?`
      );
    }
    // End User Messaging's payload for a text that matched no registered keyword
    // and answers no message of ours (no `previousPublishedMessageId`).
    const inboundMessageId = randomUUID();
    const payload = {
      originationNumber: from,
      destinationNumber: to,
      messageKeyword: `keyword_${topicArn.split(':')[4]}`,
      messageBody: body,
      inboundMessageId,
    };
    const { MessageId } = await new SNSClient({ region }).send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify(payload),
      })
    );
    console.log(
      `Published inbound SMS ${inboundMessageId} (SNS message ${MessageId}) ` +
        `from ${maskPhoneNumber(from)} to ${maskPhoneNumber(to)} on ${topicArn}`
    );
    return 0;
  } catch (error) {
    const mistake = mistakeIn(error);
    const { name, message } = error as Error;
    console.error(
      mistake === undefined
        ? `send-test-sms failed: ${name}: ${message} (check --stack and --region)`
        : `${mistake}\n\n${USAGE}`
    );
    return mistake === undefined ? 1 : 2;
  }
};

if (require.main === module) {
  sendTestSms(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
