import { loadParticipantConfig } from '../../../lambda/inbound-sms/participant-config';
import { loadOutboundConfig } from '../../../lambda/outbound-sms/config';
import { ENV } from '../../../lambda/shared/settings';

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
  [ENV.instanceId]: '11111111-2222-3333-4444-555555555555',
  [ENV.contactFlowIds]: JSON.stringify({ [NUMBER]: 'flow-1' }),
  [ENV.sessionTableName]: 'sessions',
  [ENV.chatStreamingTopicArn]: 'arn:aws:sns:us-east-1:111122223333:streaming',
  [ENV.sentPartKeyPrefix]: 'SmsConnectBridge-OutboundFunction',
  [ENV.attachmentNotice]: 'Attachments cannot be texted.',
  [ENV.unsupportedMessageNotice]: 'This cannot be texted.',
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
    ENV.instanceId,
    ENV.contactFlowIds,
    ENV.sessionTableName,
    ENV.chatStreamingTopicArn,
    ENV.sentPartKeyPrefix,
    ENV.attachmentNotice,
    ENV.unsupportedMessageNotice,
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
    const env = { ...participantEnv, [ENV.contactFlowIds]: value };

    // Act
    const act = () => loadParticipantConfig(env);

    // Assess
    expect(act).toThrow(ENV.contactFlowIds);
  });
});

describe('loadOutboundConfig', () => {
  const outboundEnv = {
    [ENV.sessionTableName]: 'sessions',
    [ENV.deadLetterQueueUrl]: 'https://sqs/1/dlq',
    [ENV.attachmentNotice]: 'Attachments cannot be texted. ',
    [ENV.unsupportedMessageNotice]: 'This cannot be texted.',
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

  it.each([
    ENV.sessionTableName,
    ENV.deadLetterQueueUrl,
    ENV.attachmentNotice,
    ENV.unsupportedMessageNotice,
  ])('fails naming %s when it is missing', (name) => {
    // Prepare
    const env = { ...outboundEnv, [name]: undefined };

    // Act
    const act = () => loadOutboundConfig(env);

    // Assess
    expect(act).toThrow(name);
  });

  it.each([
    ['blank', ' \n '],
    ['over 1,600 characters', 'x'.repeat(1601)],
  ])('fails naming a notice that is %s', (_, value) => {
    // Prepare
    const env = { ...outboundEnv, [ENV.attachmentNotice]: value };

    // Act
    const act = () => loadOutboundConfig(env);

    // Assess
    expect(act).toThrow(ENV.attachmentNotice);
  });
});
