import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { loadConfig } from '../../../lambda/inbound-sms/config';
import type { Deliver } from '../../../lambda/inbound-sms/delivery';
import type { answerKeywords as AnswerKeywords } from '../../../lambda/inbound-sms/keyword-replies-loader';
import { ENV } from '../../../lambda/shared/settings';
import { minimalBridgeEnv } from '../../support/fixtures/bridge-env';

/** How often the End User Messaging SDK was loaded since the last reset. */
let mockSdkLoads = 0;
jest.mock('@aws-sdk/client-pinpoint-sms-voice-v2', () => {
  mockSdkLoads += 1;
  return jest.requireActual('@aws-sdk/client-pinpoint-sms-voice-v2');
});

const SELF_MANAGED = {
  [ENV.selfManagedOptOuts]: 'true',
  [ENV.optOutListName]: 'Default',
  [ENV.optOutConfirmationText]: 'You are unsubscribed.',
  [ENV.helpKeywords]: '["HELP"]',
  [ENV.helpText]: 'Text us your question.',
};

const options = () => ({
  logger: new Logger({ logLevel: 'SILENT' }),
  metrics: new Metrics({ namespace: 'SmsConnectBridge' }),
  idempotencyConfig: new IdempotencyConfig({}),
});

/** Lets pending imports settle. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('answerKeywords', () => {
  let answerKeywords: typeof AnswerKeywords;
  const deliver: Deliver = async () => ({
    eventType: 'MESSAGE',
    newChat: true,
  });

  beforeEach(() => {
    jest.resetModules();
    mockSdkLoads = 0;
    ({
      answerKeywords,
    } = require('../../../lambda/inbound-sms/keyword-replies-loader'));
  });

  it('returns the delivery itself without self-managed opt-outs', () => {
    // Prepare
    const config = loadConfig(minimalBridgeEnv());

    // Act
    const wrapped = answerKeywords(deliver, config, options());

    // Assess
    expect(wrapped).toBe(deliver);
  });

  it('never loads the End User Messaging client without self-managed opt-outs', async () => {
    // Prepare
    const config = loadConfig(minimalBridgeEnv());

    // Act
    answerKeywords(deliver, config, options());
    await settled();

    // Assess
    expect(mockSdkLoads).toBe(0);
  });

  it('does not load the client at start-up with self-managed opt-outs', async () => {
    // Prepare
    const config = loadConfig({ ...minimalBridgeEnv(), ...SELF_MANAGED });

    // Act
    answerKeywords(deliver, config, options());
    await settled();

    // Assess
    expect(mockSdkLoads).toBe(0);
  });

  it('passes other texts on to the delivery', async () => {
    // Prepare
    const config = loadConfig({ ...minimalBridgeEnv(), ...SELF_MANAGED });
    const wrapped = answerKeywords(deliver, config, options());

    // Act
    const delivered = await wrapped({
      originationNumber: '+14255550182',
      destinationNumber: '+12125550101',
      messageBody: 'Where is parcel 4711?',
      inboundMessageId: 'a6f1c1d0-3b0a-4c55-9a43-8f0d1f4a9e01',
    });

    // Assess
    expect(delivered).toEqual({ eventType: 'MESSAGE', newChat: true });
  });

  it('does not load the client for a text that is no keyword', async () => {
    // Prepare
    const config = loadConfig({ ...minimalBridgeEnv(), ...SELF_MANAGED });
    const wrapped = answerKeywords(deliver, config, options());

    // Act
    await wrapped({
      originationNumber: '+14255550182',
      destinationNumber: '+12125550101',
      messageBody: 'Where is parcel 4711?',
      inboundMessageId: 'a6f1c1d0-3b0a-4c55-9a43-8f0d1f4a9e01',
    });

    // Assess
    expect(mockSdkLoads).toBe(0);
  });

  it('loads the client once, with the first keyword text, and answers it', async () => {
    // Prepare: HELP to a number with no ARN fails before any call is made
    const config = loadConfig({ ...minimalBridgeEnv(), ...SELF_MANAGED });
    const wrapped = answerKeywords(deliver, config, options());
    const help = (inboundMessageId: string) =>
      wrapped({
        originationNumber: '+14255550182',
        destinationNumber: '+12065550177',
        messageBody: 'HELP',
        inboundMessageId,
      });

    // Act
    const failures = await Promise.all(
      ['help-1', 'help-2'].map((id) => help(id).catch((error) => error))
    );

    // Assess
    expect(mockSdkLoads).toBe(1);
    expect(failures).toEqual([
      expect.objectContaining({ reason: 'unknown-destination' }),
      expect.objectContaining({ reason: 'unknown-destination' }),
    ]);
  });
});
