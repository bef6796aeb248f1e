import { loadConfig } from '../../../lambda/inbound-sms/config';
import type { InboundSms } from '../../../lambda/inbound-sms/schema';
import {
  toChatIntegrationEvent,
  toChatIntegrationEvents,
} from '../../../lambda/inbound-sms/to-chat-event';
import { ENV } from '../../../lambda/shared/settings';
import { UndeliverableError } from '../../../lambda/shared/undeliverable';
import { chatIntegrationEventViolations } from '../../support/chat-integration-event-constraints';
import {
  fullBridgeEnv,
  minimalBridgeEnv,
  PHONE_NUMBER_ARNS,
} from '../../support/fixtures/bridge-env';
import docExample from '../../support/fixtures/inbound-sms/doc-example.json';

const smsWith = (fields: Partial<InboundSms> = {}): InboundSms => ({
  ...structuredClone(docExample),
  ...fields,
});

const undeliverableFrom = (sms: InboundSms, env = minimalBridgeEnv()) => {
  try {
    toChatIntegrationEvent(sms, loadConfig(env));
  } catch (error) {
    if (error instanceof UndeliverableError) return error;
    throw error;
  }
  throw new Error('expected an UndeliverableError');
};

describe('toChatIntegrationEvent', () => {
  describe('a message', () => {
    it('builds the exact request with the default settings', () => {
      // Prepare
      const sms = smsWith();
      const config = loadConfig(minimalBridgeEnv());

      // Act
      const request = toChatIntegrationEvent(sms, config);

      // Assess
      expect(request).toStrictEqual({
        SourceId: '+14255550182',
        DestinationId: PHONE_NUMBER_ARNS['+12125550101'],
        Subtype: 'connect:sms',
        Event: {
          Type: 'MESSAGE',
          ContentType: 'text/plain',
          Content: 'EXAMPLE',
        },
        NewSessionDetails: {
          SupportedMessagingContentTypes: ['text/plain'],
          ParticipantDetails: { DisplayName: '+14255550182' },
          Attributes: {
            customerPhoneNumber: '+14255550182',
            systemPhoneNumber: '+12125550101',
          },
        },
      });
      expect(chatIntegrationEventViolations(request)).toEqual([]);
    });

    it('builds the exact request with every setting given', () => {
      // Prepare
      const sms = smsWith({ destinationNumber: '+12065550199' });
      const config = loadConfig(fullBridgeEnv());

      // Act
      const request = toChatIntegrationEvent(sms, config);

      // Assess
      expect(request).toStrictEqual({
        SourceId: '+14255550182',
        DestinationId: PHONE_NUMBER_ARNS['+12065550199'],
        Subtype: 'connect:sms',
        Event: {
          Type: 'MESSAGE',
          ContentType: 'text/plain',
          Content: 'EXAMPLE',
        },
        NewSessionDetails: {
          SupportedMessagingContentTypes: ['text/plain', 'text/markdown'],
          ParticipantDetails: { DisplayName: 'SMS customer' },
          Attributes: {
            channel: 'sms',
            'queue-name': 'Support_EN',
            customerPhoneNumber: '+14255550182',
            systemPhoneNumber: '+12065550199',
          },
          StreamingConfiguration: {
            StreamingEndpointArn:
              'arn:aws:sns:us-east-1:111122223333:sms-connect-bridge-Streaming',
          },
        },
      });
      expect(chatIntegrationEventViolations(request)).toEqual([]);
    });

    it('names the phone numbers with the configured attributes', () => {
      // Prepare
      const env = {
        ...minimalBridgeEnv(),
        [ENV.numberAttributes]: JSON.stringify({
          customerNumber: 'caller',
          systemNumber: 'smsLine',
        }),
      };

      // Act
      const request = toChatIntegrationEvent(smsWith(), loadConfig(env));

      // Assess
      expect(request.NewSessionDetails?.Attributes).toEqual({
        caller: '+14255550182',
        smsLine: '+12125550101',
      });
    });

    it("leaves the customer's number out of the attributes when switched off", () => {
      // Prepare
      const env = {
        ...minimalBridgeEnv(),
        [ENV.numberAttributes]: JSON.stringify({
          customerNumber: null,
          systemNumber: 'systemPhoneNumber',
        }),
      };

      // Act
      const request = toChatIntegrationEvent(smsWith(), loadConfig(env));

      // Assess
      expect(request.NewSessionDetails?.Attributes).toEqual({
        systemPhoneNumber: '+12125550101',
      });
    });

    it('uses the configured subtype', () => {
      // Prepare
      const env = { ...minimalBridgeEnv(), [ENV.subtype]: 'connect:WhatsApp' };

      // Act
      const request = toChatIntegrationEvent(smsWith(), loadConfig(env));

      // Assess
      expect(request.Subtype).toBe('connect:WhatsApp');
    });

    it('leaves out the streaming configuration when none is set', () => {
      // Prepare
      const config = loadConfig(minimalBridgeEnv());

      // Act
      const request = toChatIntegrationEvent(smsWith(), config);

      // Assess
      expect(request.NewSessionDetails).not.toHaveProperty(
        'StreamingConfiguration'
      );
    });

    it.each([
      ['emoji', 'On my way 👋🏽🇨🇦'],
      ['accents', 'Café crème, ñandú, Zürich'],
      ['new lines', 'line 1\nline 2\r\nline 3'],
      ['surrounding spaces', '  padded  '],
      ['1,600 characters', 'é'.repeat(1_600)],
      ['a keyword later in the message', 'please stop'],
    ])('keeps a body with %s exactly as received', (_name, messageBody) => {
      // Prepare
      const config = loadConfig(minimalBridgeEnv());

      // Act
      const request = toChatIntegrationEvent(smsWith({ messageBody }), config);

      // Assess
      expect(request.Event).toEqual({
        Type: 'MESSAGE',
        ContentType: 'text/plain',
        Content: messageBody,
      });
    });

    it('gives each request its own copy of the configured attributes', () => {
      // Prepare
      const config = loadConfig(fullBridgeEnv());
      const first = toChatIntegrationEvent(smsWith(), config);

      // Act
      (first.NewSessionDetails?.Attributes as Record<string, string>).channel =
        'changed';
      const second = toChatIntegrationEvent(smsWith(), config);

      // Assess
      expect(second.NewSessionDetails?.Attributes?.channel).toBe('sms');
      expect(config.contactAttributes.channel).toBe('sms');
    });
  });

  describe('an opt-out', () => {
    it.each(['STOP', 'Stop.', 'stop!', 'unsubscribe', ' Opt-Out '])(
      'ends the chat on %j without new-chat details',
      (messageBody) => {
        // Prepare
        const config = loadConfig(fullBridgeEnv());

        // Act
        const request = toChatIntegrationEvent(
          smsWith({ messageBody }),
          config
        );

        // Assess
        expect(request).toStrictEqual({
          SourceId: '+14255550182',
          DestinationId: PHONE_NUMBER_ARNS['+12125550101'],
          Subtype: 'connect:sms',
          Event: { Type: 'DISCONNECT' },
        });
        expect(chatIntegrationEventViolations(request)).toEqual([]);
      }
    );

    it('follows the configured keywords rather than messageKeyword', () => {
      // Prepare
      const sms = smsWith({ messageBody: 'Goodbye', messageKeyword: 'STOP' });
      const env = {
        ...minimalBridgeEnv(),
        [ENV.disconnectKeywords]: JSON.stringify(['GOODBYE']),
      };

      // Act
      const request = toChatIntegrationEvent(sms, loadConfig(env));

      // Assess
      expect(request.Event).toEqual({ Type: 'DISCONNECT' });
    });
  });

  describe('an undeliverable message', () => {
    it('fails as unknown-destination when the number has no ARN', () => {
      // Prepare
      const sms = smsWith({ destinationNumber: '+13105550123' });

      // Act
      const error = undeliverableFrom(sms);

      // Assess
      expect(error.reason).toBe('unknown-destination');
      expect(error.detail).toBe(
        'no phone-number ARN is configured for ********0123'
      );
    });

    it('shows only the last four digits of the unknown number', () => {
      // Prepare
      const sms = smsWith({ destinationNumber: '+13105550123' });

      // Act
      const error = undeliverableFrom(sms);

      // Assess
      expect(error.detail).not.toMatch(/\d{5}/);
      expect(error.message).not.toContain('310555');
      expect(error.message).not.toContain(sms.originationNumber);
    });

    it.each([
      ['an empty body', ''],
      ['spaces', '   '],
      ['new lines and tabs', '\n\t\r\n'],
      ['non-breaking and ideographic spaces', '\u00a0\u3000'],
    ])('fails as empty-body when the body is %s', (_name, messageBody) => {
      // Prepare
      const sms = smsWith({ messageBody });

      // Act
      const error = undeliverableFrom(sms);

      // Assess
      expect(error.reason).toBe('empty-body');
      expect(error.detail).toBe('messageBody is empty');
    });
  });
});

describe('toChatIntegrationEvents', () => {
  const config = loadConfig(minimalBridgeEnv());
  const contentsOf = (body: string) =>
    toChatIntegrationEvents(smsWith({ messageBody: body }), config).map(
      (request) => request.Event?.Content
    );

  it('sends a text of 1,024 characters as it is, in one request', () => {
    // Prepare
    const body = ` ${'a'.repeat(1022)} `;

    // Act
    const contents = contentsOf(body);

    // Assess
    expect(contents).toEqual([body]);
  });

  it('sends a text over 1,024 characters as one MESSAGE per part, in order', () => {
    // Prepare
    const first = 'a'.repeat(1000);
    const second = 'b'.repeat(100);
    const sms = smsWith({ messageBody: `${first} ${second}` });

    // Act
    const requests = toChatIntegrationEvents(sms, config);

    // Assess
    const single = toChatIntegrationEvent(sms, config);
    expect(requests).toEqual([
      { ...single, Event: { ...single.Event, Content: first } },
      { ...single, Event: { ...single.Event, Content: second } },
    ]);
    for (const request of requests) {
      expect(chatIntegrationEventViolations(request)).toEqual([]);
    }
  });

  it('counts UTF-16 code units, so 513 emoji make two parts', () => {
    // Prepare
    const body = '😀'.repeat(513);

    // Act
    const contents = contentsOf(body);

    // Assess
    expect(contents).toEqual(['😀'.repeat(512), '😀']);
  });

  it('ends a long text with one DISCONNECT when it begins with an opt-out keyword, by begins-with', () => {
    // Prepare: only End User Messaging's rule matches a sentence
    const beginsWith = loadConfig({
      ...minimalBridgeEnv(),
      [ENV.keywordMatch]: 'begins-with',
    });
    const sms = smsWith({ messageBody: `STOP ${'please '.repeat(300)}` });

    // Act
    const requests = toChatIntegrationEvents(sms, beginsWith);

    // Assess
    expect(requests.map((request) => request.Event)).toEqual([
      { Type: 'DISCONNECT' },
    ]);
  });

  it('forwards a long text that begins with an opt-out keyword, by whole-message', () => {
    // Prepare
    const sms = smsWith({ messageBody: `STOP ${'please '.repeat(300)}` });

    // Act
    const requests = toChatIntegrationEvents(sms, config);

    // Assess
    expect(requests.map((request) => request.Event?.Type)).toEqual([
      'MESSAGE',
      'MESSAGE',
      'MESSAGE',
    ]);
  });
});
