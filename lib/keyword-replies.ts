import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV, OPT_OUT_LIST_NAME } from '../lambda/shared/settings';
import type { SmsConnectBridge } from './sms-connect-bridge';
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

export interface KeywordRepliesProps {
  /** The bridge whose function answers the keywords. */
  readonly bridge: SmsConnectBridge;
  /**
   * What the bridge texts a customer who opts out (1 to 1600 characters).
   * @default DEFAULT_OPT_OUT_CONFIRMATION_TEXT
   */
  readonly optOutConfirmationText?: string;
  /**
   * A text that matches one of these words (by the bridge's
   * `keywordMatch`) is answered with `helpText` and not forwarded to the
   * chat.
   * @default ['HELP']
   */
  readonly helpKeywords?: readonly string[];
  /**
   * The answer to a help keyword (1 to 1600 characters).
   * @default DEFAULT_HELP_TEXT
   */
  readonly helpText?: string;
}

/** The opt-out list's name with its default, checked. */
export const optOutListNameOf = (
  name: string = DEFAULT_OPT_OUT_LIST_NAME
): string => {
  checkPattern(
    'optOutListName',
    name,
    OPT_OUT_LIST_NAME,
    'must be an opt-out list name: 1 to 64 letters, digits, "_" or "-"'
  );
  return name;
};

/**
 * Self-managed opt-outs, the bridge's side: its function adds a customer
 * who texts an opt-out keyword to the bridge's opt-out list and confirms
 * it, and answers the help keywords, from the number the customer texted.
 * End User Messaging sends those keywords on only when a number's
 * self-managed opt-outs are on: give this construct to `TwoWayWiring` to
 * turn them on, or turn them on yourself.
 */
export class KeywordReplies extends Construct {
  /** The list opt-outs are added to: the bridge's `optOutListName`. */
  public readonly optOutListName: string;
  public readonly optOutConfirmationText: string;
  public readonly helpKeywords: readonly string[];
  public readonly helpText: string;

  constructor(scope: Construct, id: string, props: KeywordRepliesProps) {
    super(scope, id);
    const { bridge } = props;
    this.optOutListName = bridge.optOutListName;
    this.optOutConfirmationText =
      props.optOutConfirmationText ?? DEFAULT_OPT_OUT_CONFIRMATION_TEXT;
    this.helpKeywords = props.helpKeywords ?? DEFAULT_HELP_KEYWORDS;
    this.helpText = props.helpText ?? DEFAULT_HELP_TEXT;
    checkTextMessage('optOutConfirmationText', this.optOutConfirmationText);
    checkTextMessage('helpText', this.helpText);
    checkKeywords('helpKeywords', this.helpKeywords, 'omit it for HELP');
    const optOutWords = new Set(
      bridge.disconnectKeywords.map((k) => k.toUpperCase())
    );
    for (const keyword of this.helpKeywords) {
      if (optOutWords.has(keyword.toUpperCase())) {
        fail(
          'helpKeywords',
          'must not repeat a disconnectKeywords entry',
          keyword
        );
      }
    }

    bridge.addInboundEnvironment(
      {
        [ENV.selfManagedOptOuts]: 'true',
        [ENV.optOutListName]: this.optOutListName,
        [ENV.optOutConfirmationText]: this.optOutConfirmationText,
        [ENV.helpKeywords]: JSON.stringify(this.helpKeywords),
        [ENV.helpText]: this.helpText,
      },
      ['optOutConfirmationText', 'helpText']
    );
    const handler = bridge.handler;
    // With participant delivery the function texts from the numbers already.
    if (bridge.participant === undefined) {
      handler.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'AnswerKeywordsFromTheBridgeNumbers',
          actions: ['sms-voice:SendTextMessage'],
          resources: [...new Set(Object.values(bridge.phoneNumbers))],
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
            resourceName: this.optOutListName,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      })
    );
  }
}
