import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  checkKeywords,
  checkPattern,
  checkTextMessage,
  fail,
} from './validation';

/**
 * The opt-out list End User Messaging puts every new phone number on
 * (its user guide, "Change a phone number's opt-out list").
 */
export const DEFAULT_OPT_OUT_LIST_NAME = 'Default';
/** In the style carriers ask for: one message, no marketing, no further texts. */
export const DEFAULT_OPT_OUT_CONFIRMATION_TEXT =
  'You are unsubscribed and will receive no further messages from this number.';
export const DEFAULT_HELP_KEYWORDS = ['HELP'] as const;
/** Who answers, how to reach a person, how to opt out, what it may cost. */
export const DEFAULT_HELP_TEXT =
  'Customer support: send your question in a new message and an agent will ' +
  'reply. Reply STOP to unsubscribe. Msg & data rates may apply.';

/** End User Messaging's limit on `OptOutListName`. */
const OPT_OUT_LIST_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/**
 * The settings that only mean something with self-managed opt-outs
 * (`optOutListName` is read by the opt-out sweep in every configuration).
 */
export const KEYWORD_REPLY_SETTINGS = [
  'optOutConfirmationText',
  'helpKeywords',
  'helpText',
] as const;

/** The bridge's settings for answering keywords (self-managed opt-outs). */
export interface KeywordReplyProps {
  /**
   * The opt-out list (its name) the numbers use: the opt-out sweep reads
   * it, and with `selfManagedOptOuts` the bridge adds a customer who opts
   * out to it. It must be the list the numbers (or their pools) use: with
   * self-managed opt-outs the deployment reads each one's `OptOutListName`
   * and fails on another.
   * @default 'Default' - End User Messaging's list for new numbers
   */
  readonly optOutListName?: string;
  /**
   * With `selfManagedOptOuts`, what the bridge texts a customer who opts
   * out (1 to 1600 characters).
   * @default DEFAULT_OPT_OUT_CONFIRMATION_TEXT
   */
  readonly optOutConfirmationText?: string;
  /**
   * With `selfManagedOptOuts`, a text that matches one of these words (by
   * the bridge's `keywordMatch`) is answered with `helpText` and not
   * forwarded to the chat.
   * @default ['HELP']
   */
  readonly helpKeywords?: readonly string[];
  /**
   * With `selfManagedOptOuts`, the answer to a HELP keyword (1 to 1600
   * characters).
   * @default DEFAULT_HELP_TEXT
   */
  readonly helpText?: string;
}

/** The opt-out list's name with its default, checked. */
export const optOutListNameOf = (props: KeywordReplyProps): string => {
  const name = props.optOutListName ?? DEFAULT_OPT_OUT_LIST_NAME;
  checkPattern(
    'optOutListName',
    name,
    OPT_OUT_LIST_NAME,
    'must be an opt-out list name: 1 to 64 letters, digits, "_" or "-"'
  );
  return name;
};

/** The keyword reply settings with their defaults, checked. */
export const keywordReplySettings = (
  props: KeywordReplyProps,
  disconnectKeywords: readonly string[]
) => {
  const settings = {
    optOutListName: optOutListNameOf(props),
    optOutConfirmationText:
      props.optOutConfirmationText ?? DEFAULT_OPT_OUT_CONFIRMATION_TEXT,
    helpKeywords: props.helpKeywords ?? DEFAULT_HELP_KEYWORDS,
    helpText: props.helpText ?? DEFAULT_HELP_TEXT,
  };
  checkTextMessage('optOutConfirmationText', settings.optOutConfirmationText);
  checkTextMessage('helpText', settings.helpText);
  checkKeywords('helpKeywords', settings.helpKeywords, 'omit it for HELP');
  const optOutWords = new Set(disconnectKeywords.map((k) => k.toUpperCase()));
  for (const keyword of settings.helpKeywords) {
    if (optOutWords.has(keyword.toUpperCase())) {
      fail(
        'helpKeywords',
        'must not repeat a disconnectKeywords entry',
        keyword
      );
    }
  }
  return settings;
};

/**
 * Self-managed opt-outs: the function texts confirmations and HELP
 * answers from the bridge's numbers, and adds to the one opt-out list.
 * `textsFromTheNumbers`: the function may text from those numbers already
 * (participant mode grants it), so only the opt-out list is added.
 */
export const allowKeywordReplies = (
  handler: lambda.IFunction,
  phoneNumbers: Readonly<Record<string, string>>,
  optOutListName: string,
  { textsFromTheNumbers = false } = {}
): void => {
  if (!textsFromTheNumbers) {
    handler.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'AnswerKeywordsFromTheBridgeNumbers',
        actions: ['sms-voice:SendTextMessage'],
        resources: [...new Set(Object.values(phoneNumbers))],
      })
    );
  }
  handler.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'RecordOptOuts',
      actions: ['sms-voice:PutOptedOutNumber'],
      resources: [
        Stack.of(handler).formatArn({
          service: 'sms-voice',
          resource: 'opt-out-list',
          resourceName: optOutListName,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      ],
    })
  );
};
