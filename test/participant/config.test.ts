import {
  loadParticipantConfig,
  PARTICIPANT_ENV,
} from '../../lambda/inbound-sms/participant-config';
import {
  loadOutboundConfig,
  OUTBOUND_ENV,
} from '../../lambda/outbound-sms/config';

const NUMBER = '+12065550100';
const bridgeEnv = {
  PHONE_NUMBERS: JSON.stringify({
    [NUMBER]:
      'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef',
  }),
  CHAT_SUBTYPE: 'connect:sms',
  DISCONNECT_KEYWORDS: JSON.stringify(['STOP']),
  KEYWORD_MATCH: 'whole-message',
  NUMBER_ATTRIBUTES: JSON.stringify({
    customerNumber: 'customerPhoneNumber',
    systemNumber: 'systemPhoneNumber',
  }),
  DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/dlq',
  QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/queue',
  IDEMPOTENCY_TABLE_NAME: 'idempotency',
  DEDUPLICATION_WINDOW_SECONDS: '3600',
};
const participantEnv = {
  ...bridgeEnv,
  [PARTICIPANT_ENV.instanceId]: '11111111-2222-3333-4444-555555555555',
  [PARTICIPANT_ENV.contactFlowIds]: JSON.stringify({ [NUMBER]: 'flow-1' }),
  [PARTICIPANT_ENV.sessionTableName]: 'sessions',
  [PARTICIPANT_ENV.chatStreamingTopicArn]:
    'arn:aws:sns:us-east-1:111122223333:streaming',
  [PARTICIPANT_ENV.sentPartKeyPrefix]: 'SmsConnectBridge-OutboundFunction',
  [OUTBOUND_ENV.attachmentNotice]: 'Attachments cannot be texted.',
  [OUTBOUND_ENV.unsupportedMessageNotice]: 'This cannot be texted.',
};

describe('loadParticipantConfig', () => {
  it("reads the instance, the flows, the table, the topic and the outbound function's name", () => {
    // Act
    const config = loadParticipantConfig(participantEnv);

    // Assess
    expect(config).toMatchObject({
      instanceId: '11111111-2222-3333-4444-555555555555',
      contactFlowIds: new Map([[NUMBER, 'flow-1']]),
      sessionTableName: 'sessions',
      chatStreamingTopicArn: 'arn:aws:sns:us-east-1:111122223333:streaming',
      sentPartKeyPrefix: 'SmsConnectBridge-OutboundFunction',
      notices: {
        attachment: 'Attachments cannot be texted.',
        unsupportedMessage: 'This cannot be texted.',
      },
      subtype: 'connect:sms',
    });
  });

  it.each([
    PARTICIPANT_ENV.instanceId,
    PARTICIPANT_ENV.contactFlowIds,
    PARTICIPANT_ENV.sessionTableName,
    PARTICIPANT_ENV.chatStreamingTopicArn,
    PARTICIPANT_ENV.sentPartKeyPrefix,
    OUTBOUND_ENV.attachmentNotice,
    OUTBOUND_ENV.unsupportedMessageNotice,
  ])('fails naming %s when it is missing', (name) => {
    // Prepare
    const env = { ...participantEnv, [name]: undefined };

    // Act
    const act = () => loadParticipantConfig(env);

    // Assess
    expect(act).toThrow(name);
  });

  it.each([
    ['not JSON', '{'],
    ['a list', '["flow-1"]'],
    ['an empty flow id', JSON.stringify({ [NUMBER]: '' })],
    ['no flow for a configured number', JSON.stringify({ '+1999': 'flow' })],
  ])('fails on a contact flow map that is %s', (_, value) => {
    // Prepare
    const env = { ...participantEnv, [PARTICIPANT_ENV.contactFlowIds]: value };

    // Act
    const act = () => loadParticipantConfig(env);

    // Assess
    expect(act).toThrow(PARTICIPANT_ENV.contactFlowIds);
  });
});

describe('loadOutboundConfig', () => {
  const outboundEnv = {
    [OUTBOUND_ENV.sessionTableName]: 'sessions',
    [OUTBOUND_ENV.deadLetterQueueUrl]: 'https://sqs/1/dlq',
    [OUTBOUND_ENV.attachmentNotice]: 'Attachments cannot be texted. ',
    [OUTBOUND_ENV.unsupportedMessageNotice]: 'This cannot be texted.',
  };

  it('reads the session table, the dead-letter queue and the notices as written', () => {
    // Act
    const config = loadOutboundConfig(outboundEnv);

    // Assess
    expect(config).toEqual({
      sessionTableName: 'sessions',
      deadLetterQueueUrl: 'https://sqs/1/dlq',
      notices: {
        attachment: 'Attachments cannot be texted. ',
        unsupportedMessage: 'This cannot be texted.',
      },
    });
  });

  it.each(Object.values(OUTBOUND_ENV))(
    'fails naming %s when it is missing',
    (name) => {
      // Prepare
      const env = { ...outboundEnv, [name]: undefined };

      // Act
      const act = () => loadOutboundConfig(env);

      // Assess
      expect(act).toThrow(name);
    }
  );

  it.each([
    ['blank', ' \n '],
    ['over 1,600 characters', 'x'.repeat(1601)],
  ])('fails naming a notice that is %s', (_, value) => {
    // Prepare
    const env = { ...outboundEnv, [OUTBOUND_ENV.attachmentNotice]: value };

    // Act
    const act = () => loadOutboundConfig(env);

    // Assess
    expect(act).toThrow(OUTBOUND_ENV.attachmentNotice);
  });
});
