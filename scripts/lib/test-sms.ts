import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run send-test-sms -- --to <our number> --from <E.164> --body "<text>"
         [--stack SmsConnectBridge] [--region <region>] [--keyword <keyword>]

Publishes an inbound SMS, in End User Messaging's format, to the deployed
bridge's inbound topic (the stack output InboundTopicArn).

  --to       the End User Messaging number the customer texts, in E.164
  --from     the customer's number, in E.164 (e.g. +12065550123)
  --body     the message text (1 to 1600 characters)
  --stack    the bridge's stack name (default SmsConnectBridge)
  --region   the stack's region (default: the AWS SDK's region settings)
  --keyword  messageKeyword (default keyword_<account id>, as End User
             Messaging sends when the text matches no registered keyword)`;

export const DEFAULT_STACK = 'SmsConnectBridge';
export const INBOUND_TOPIC_OUTPUT = 'InboundTopicArn';
/** End User Messaging's limit on a text message body. */
export const MAX_BODY_CHARACTERS = 1600;

const E164 = /^\+[1-9]\d{1,14}$/;

/** A mistake in the command line; the script prints it with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface TestSmsOptions {
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly stack: string;
  readonly region?: string;
  readonly keyword?: string;
}

/** `--help` asks for the usage and nothing else. */
export type ParsedArgs =
  | { readonly help: true }
  | { readonly help: false; readonly options: TestSmsOptions };

export const parseTestSmsArgs = (argv: readonly string[]): ParsedArgs => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        to: { type: 'string' },
        from: { type: 'string' },
        body: { type: 'string' },
        stack: { type: 'string' },
        region: { type: 'string' },
        keyword: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return { help: true };
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const to = phoneNumber('--to', text('to'));
  const from = phoneNumber('--from', text('from'));
  const body = text('body');
  if (body === undefined) throw new UsageError('--body is required');
  if (body.trim() === '' || [...body].length > MAX_BODY_CHARACTERS) {
    throw new UsageError(
      `--body must hold 1 to ${MAX_BODY_CHARACTERS} characters and not only spaces`
    );
  }
  const stack = nonEmpty('--stack', text('stack')) ?? DEFAULT_STACK;
  const region = nonEmpty('--region', text('region'));
  const keyword = nonEmpty('--keyword', text('keyword'));
  return {
    help: false,
    options: {
      to,
      from,
      body,
      stack,
      ...(region === undefined ? {} : { region }),
      ...(keyword === undefined ? {} : { keyword }),
    },
  };
};

const phoneNumber = (flag: string, value: string | undefined): string => {
  if (value === undefined) throw new UsageError(`${flag} is required`);
  if (!E164.test(value)) {
    // Not echoed: it may be a real person's number mistyped.
    throw new UsageError(
      `${flag} must be an E.164 number: +, country code, number, no spaces`
    );
  }
  return value;
};

const nonEmpty = (flag: string, value: string | undefined) => {
  if (value !== undefined && value.trim() === '') {
    throw new UsageError(`${flag} must not be empty`);
  }
  return value;
};

/** The message End User Messaging publishes for an inbound SMS. */
export interface InboundSmsPayload {
  readonly originationNumber: string;
  readonly destinationNumber: string;
  readonly messageKeyword: string;
  readonly messageBody: string;
  readonly inboundMessageId: string;
}

/**
 * Builds the payload as End User Messaging does: the customer's number as
 * origination, ours as destination, and no `previousPublishedMessageId`
 * (the text answers no message of ours).
 */
export const buildInboundSmsPayload = (
  options: Pick<TestSmsOptions, 'to' | 'from' | 'body' | 'keyword'>,
  context: { readonly inboundMessageId: string; readonly topicArn: string }
): InboundSmsPayload => ({
  originationNumber: options.from,
  destinationNumber: options.to,
  messageKeyword:
    options.keyword ?? `keyword_${accountOf(context.topicArn) ?? 'unknown'}`,
  messageBody: options.body,
  inboundMessageId: context.inboundMessageId,
});

const accountOf = (arn: string): string | undefined =>
  /^arn:[^:]+:sns:[^:]*:(\d{12}):/.exec(arn)?.[1];

interface StackOutput {
  readonly OutputKey?: string;
  readonly OutputValue?: string;
}

/** The inbound topic's ARN among a stack's outputs. */
export const inboundTopicArnFrom = (
  stack: string,
  outputs: readonly StackOutput[] | undefined
): string => {
  const value = outputs?.find(
    (output) => output.OutputKey === INBOUND_TOPIC_OUTPUT
  )?.OutputValue;
  if (!value) {
    throw new Error(
      `Stack ${stack} has no output ${INBOUND_TOPIC_OUTPUT}; is it the bridge's stack, deployed?`
    );
  }
  return value;
};
