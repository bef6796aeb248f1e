import { Annotations, App, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { createBridgeStack } from '../../lib/bridge-app';
import { INTEGRATION_EVENT_RESTRICTED } from '../../lib/delivery';
import {
  DEFAULT_HELP_TEXT,
  DEFAULT_OPT_OUT_CONFIRMATION_TEXT,
} from '../../lib/keyword-replies';
import { cdkFeatureFlags } from '../../tools/harness/synth';
import {
  ACCOUNT,
  type Context,
  NUMBER,
  PHONE_NUMBER_ARN,
  propertiesOf,
  REQUIRED_CONTEXT,
  type SynthesizedBridge,
  synthBridge,
} from '../support/bridge-app';
import { roleStatements, type Statement } from '../support/policy';

const OTHER_NUMBER = '+12065550101';
const OTHER_PHONE_NUMBER_ARN = PHONE_NUMBER_ARN.replace(/[0-9a-f]{4}$/, '1111');
const FLOW = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

/** Self-managed opt-outs on, with the two-way wiring they need. */
const SELF_MANAGED: Context = {
  ...REQUIRED_CONTEXT,
  configureTwoWay: 'true',
  selfManagedOptOuts: 'true',
};
const KEYWORD_VARIABLES = [
  'SELF_MANAGED_OPT_OUTS',
  'OPT_OUT_LIST_NAME',
  'OPT_OUT_CONFIRMATION_TEXT',
  'HELP_KEYWORDS',
  'HELP_TEXT',
];

const variablesOf = ({ template, bridge }: SynthesizedBridge) =>
  (
    propertiesOf(template, bridge.handler).Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;

const statementsOf = (synthesized: SynthesizedBridge): Statement[] => {
  const { role } = synthesized.bridge.handler;
  if (role === undefined) throw new Error('the function has no role');
  return roleStatements(synthesized.template, synthesized.stack, role);
};

/** The End User Messaging statements, resources in a stable order. */
const smsVoiceStatements = (synthesized: SynthesizedBridge) =>
  statementsOf(synthesized)
    .filter((statement) =>
      statement.actions.some((action) => action.startsWith('sms-voice:'))
    )
    .map((statement) => ({
      ...statement,
      resources: statement.resources.toSorted((a, b) =>
        JSON.stringify(a).localeCompare(JSON.stringify(b))
      ),
    }));

describe('self-managed opt-outs in the stack', () => {
  describe("the function's environment", () => {
    it('carries the keyword reply defaults when selfManagedOptOuts is true', () => {
      // Act
      const variables = variablesOf(synthBridge(SELF_MANAGED));

      // Assess
      expect(variables).toMatchObject({
        SELF_MANAGED_OPT_OUTS: 'true',
        OPT_OUT_LIST_NAME: 'Default',
        OPT_OUT_CONFIRMATION_TEXT: DEFAULT_OPT_OUT_CONFIRMATION_TEXT,
        HELP_KEYWORDS: '["HELP"]',
        HELP_TEXT: DEFAULT_HELP_TEXT,
      });
    });

    it('carries the settings given as context', () => {
      // Act
      const variables = variablesOf(
        synthBridge({
          ...SELF_MANAGED,
          optOutListName: 'Support-OptOuts',
          optOutConfirmationText: 'Acme: unsubscribed, no more texts.',
          helpKeywords: '["HELP","INFO"]',
          helpText: 'Acme support: text us your question.',
        })
      );

      // Assess
      expect(variables).toMatchObject({
        OPT_OUT_LIST_NAME: 'Support-OptOuts',
        OPT_OUT_CONFIRMATION_TEXT: 'Acme: unsubscribed, no more texts.',
        HELP_KEYWORDS: '["HELP","INFO"]',
        HELP_TEXT: 'Acme support: text us your question.',
      });
    });

    it('takes helpKeywords as a list from cdk.json', () => {
      // Act
      const variables = variablesOf(
        synthBridge({ ...SELF_MANAGED, helpKeywords: ['AIDE', 'HELP'] })
      );

      // Assess
      expect(variables.HELP_KEYWORDS).toBe('["AIDE","HELP"]');
    });

    it.each([
      ['selfManagedOptOuts is unset', REQUIRED_CONTEXT],
      [
        'only configureTwoWay is true',
        { ...REQUIRED_CONTEXT, configureTwoWay: 'true' },
      ],
      [
        'selfManagedOptOuts is false',
        { ...SELF_MANAGED, selfManagedOptOuts: 'false' },
      ],
    ])('carries none of the keyword settings when %s', (_when, context) => {
      // Act
      const variables = variablesOf(synthBridge(context));

      // Assess
      expect(KEYWORD_VARIABLES.filter((name) => name in variables)).toEqual([]);
      expect(variables).toHaveProperty('PHONE_NUMBERS');
    });
  });

  describe('the two-way wiring', () => {
    it('tells each number the opt-out list the function adds to, to check at deploy', () => {
      // Prepare
      const synthesized = synthBridge({
        ...SELF_MANAGED,
        optOutListName: 'Support-OptOuts',
      });

      // Act & Assess
      synthesized.template.hasResourceProperties('Custom::TwoWayPhoneNumber', {
        SelfManagedOptOutsEnabled: true,
        OptOutListName: 'Support-OptOuts',
      });
    });

    it("tells each number End User Messaging's Default list when none is set", () => {
      // Prepare
      const synthesized = synthBridge(SELF_MANAGED);

      // Act & Assess
      synthesized.template.hasResourceProperties('Custom::TwoWayPhoneNumber', {
        OptOutListName: 'Default',
      });
    });

    it('names no opt-out list without self-managed opt-outs', () => {
      // Prepare
      const synthesized = synthBridge({
        ...REQUIRED_CONTEXT,
        configureTwoWay: 'true',
      });

      // Act & Assess
      synthesized.template.hasResourceProperties('Custom::TwoWayPhoneNumber', {
        OptOutListName: Match.absent(),
      });
    });
  });

  describe("the function's permissions", () => {
    it('texts only from the configured numbers and writes only the configured list', () => {
      // Prepare
      const synthesized = synthBridge(
        {
          ...SELF_MANAGED,
          phoneNumbers: JSON.stringify({
            [NUMBER]: PHONE_NUMBER_ARN,
            [OTHER_NUMBER]: OTHER_PHONE_NUMBER_ARN,
          }),
          optOutListName: 'Support-OptOuts',
        },
        { account: ACCOUNT }
      );

      // Act
      const statements = smsVoiceStatements(synthesized);

      // Assess
      expect(statements).toEqual([
        {
          effect: 'Allow',
          actions: ['sms-voice:SendTextMessage'],
          resources: [OTHER_PHONE_NUMBER_ARN, PHONE_NUMBER_ARN],
        },
        {
          effect: 'Allow',
          actions: ['sms-voice:PutOptedOutNumber'],
          resources: [
            `arn:aws:sms-voice:us-east-1:${ACCOUNT}:opt-out-list/Support-OptOuts`,
          ],
        },
      ]);
    });

    it('names the default list in the deploying account when it is not known at synth', () => {
      // Prepare
      const synthesized = synthBridge(SELF_MANAGED);

      // Act
      const resources = smsVoiceStatements(synthesized)
        .filter((s) => s.actions.includes('sms-voice:PutOptedOutNumber'))
        .flatMap((s) => s.resources);

      // Assess
      expect(resources).toEqual([
        {
          'Fn::Join': [
            '',
            [
              'arn:aws:sms-voice:us-east-1:',
              { Ref: 'AWS::AccountId' },
              ':opt-out-list/Default',
            ],
          ],
        },
      ]);
    });

    it('grants no End User Messaging action without self-managed opt-outs', () => {
      // Act
      const statements = smsVoiceStatements(
        synthBridge({ ...REQUIRED_CONTEXT, configureTwoWay: 'true' })
      );

      // Assess
      expect(statements).toEqual([]);
    });

    it('grants the inbound function the same in participant mode', () => {
      // Prepare
      const synthesized = synthBridge(
        {
          ...SELF_MANAGED,
          deliveryMode: 'participant',
          contactFlowId: FLOW,
        },
        { account: ACCOUNT }
      );

      // Act
      const actions = smsVoiceStatements(synthesized).flatMap((s) => s.actions);

      // Assess
      expect(variablesOf(synthesized).SELF_MANAGED_OPT_OUTS).toBe('true');
      expect(actions).toEqual([
        'sms-voice:SendTextMessage',
        'sms-voice:PutOptedOutNumber',
      ]);
    });

    it('leaves no cdk-nag finding unacknowledged', () => {
      // Prepare: as bin/app.ts builds it, with cdk.json's feature flags
      const app = new App({
        context: {
          ...cdkFeatureFlags(),
          [BUNDLING_STACKS]: [],
          ...SELF_MANAGED,
        },
      });
      Validations.of(app).addPlugins(
        new AwsSolutionsChecks(app),
        new ServerlessChecks(app)
      );
      const stack = createBridgeStack(app, ACCOUNT);
      Annotations.of(stack.bridge).acknowledgeWarning(
        INTEGRATION_EVENT_RESTRICTED,
        'another test reads it'
      );

      // Act & Assess
      expect(() => app.synth()).not.toThrow();
    });
  });
});
