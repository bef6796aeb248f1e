import type { RecordedRequest } from '../../../tools/local-aws/endpoint';
import { awsError, callsTo } from '../../../tools/local-aws/endpoint';
import {
  BRIDGE_NUMBER,
  OTHER_BRIDGE_NUMBER,
  streamedRecord,
} from '../../support/local-participant-mode';
import {
  customerNumbers,
  newRequests,
  useLocalParticipantMode,
} from '../../support/local-participant-suite';

const CONFIRMATION = 'Acme Support: you are unsubscribed. No more texts.';
const HELP = 'Acme Support: text us your question. Reply STOP to opt out.';
const OPT_OUT_LIST = 'Support-OptOuts';

/** What the construct adds to the function with selfManagedOptOuts on. */
const KEYWORD_ENVIRONMENT = {
  SELF_MANAGED_OPT_OUTS: 'true',
  OPT_OUT_LIST_NAME: OPT_OUT_LIST,
  OPT_OUT_CONFIRMATION_TEXT: CONFIRMATION,
  HELP_KEYWORDS: JSON.stringify(['HELP', 'INFO']),
  HELP_TEXT: HELP,
};

const newCustomer = customerNumbers('+1425555', 40);

describe('keyword replies in participant mode', () => {
  const local = useLocalParticipantMode({ environment: KEYWORD_ENVIRONMENT });

  beforeAll(() => {
    local.smsVoice.state.addOptOutList(OPT_OUT_LIST);
  });
  const smsCalls = (
    requests: readonly RecordedRequest[],
    operation: 'SendTextMessage' | 'PutOptedOutNumber'
  ) => callsTo(requests, operation).map(({ body }) => body);
  const optedOut = (customer: string) =>
    local.smsVoice.state
      .optedOutNumbers()
      .filter(({ OptedOutNumber }) => OptedOutNumber === customer);

  describe('an opt-out keyword', () => {
    it('ends the open chat as the customer', async () => {
      // Prepare
      const customer = newCustomer();
      await local.text({ from: customer, body: 'Hello there' });
      const [chat] = local.chats.list().slice(-1);

      // Act
      const result = await local.text({ from: customer, body: 'STOP' });

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(chat?.customerDisconnected).toBe(true);
      expect(await local.session(customer)).toBeUndefined();
    });

    it('texts the confirmation from the number texted, then adds the customer to the list', async () => {
      // Prepare
      const customer = newCustomer();
      const requests = newRequests(local.smsVoice);

      // Act
      await local.text({
        from: customer,
        to: OTHER_BRIDGE_NUMBER,
        body: 'quit',
      });

      // Assess
      expect(requests().map(({ headers }) => headers['x-amz-target'])).toEqual([
        'PinpointSMSVoiceV2.SendTextMessage',
        'PinpointSMSVoiceV2.PutOptedOutNumber',
      ]);
      expect(smsCalls(requests(), 'SendTextMessage')).toEqual([
        {
          DestinationPhoneNumber: customer,
          OriginationIdentity: local.numberArns[OTHER_BRIDGE_NUMBER],
          MessageBody: CONFIRMATION,
          MessageType: 'TRANSACTIONAL',
        },
      ]);
      expect(optedOut(customer)).toEqual([
        { OptOutListName: OPT_OUT_LIST, OptedOutNumber: customer },
      ]);
    });

    it('opts out on the retry after a failed list update, with one confirmation', async () => {
      // Prepare
      const customer = newCustomer();
      const requests = newRequests(local.smsVoice);
      local.smsVoice.state.failNext(
        'PutOptedOutNumber',
        awsError(500, 'InternalServerException', 'internal error'),
        3
      );
      const first = await local.text({
        from: customer,
        body: 'STOP',
        id: 'stop-retried-1',
      });

      // Act
      const second = await local.text({
        from: customer,
        body: 'STOP',
        id: 'stop-retried-1',
      });

      // Assess
      expect(first?.batchItemFailures).toHaveLength(1);
      expect(second).toEqual({ batchItemFailures: [] });
      expect(smsCalls(requests(), 'SendTextMessage')).toHaveLength(1);
      expect(optedOut(customer)).toHaveLength(1);
    });

    it('leaves a later agent reply unsent', async () => {
      // Prepare
      const customer = newCustomer();
      await local.text({ from: customer, body: 'Hello there' });
      const [chat] = local.chats.list().slice(-1);
      await local.text({ from: customer, body: 'STOP' });
      const requests = newRequests(local.smsVoice);

      // Act
      const result = await local.stream(
        streamedRecord({
          contactId: chat?.contactId ?? '',
          role: 'AGENT',
          content: 'Are you still there?',
        })
      );

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(requests()).toEqual([]);
    });
  });

  describe('a HELP keyword', () => {
    it.each(['HELP', 'info?'])(
      'answers %j with the help text and opens no chat',
      async (body) => {
        // Prepare
        const customer = newCustomer();
        const connect = newRequests(local.connect);
        const participant = newRequests(local.participant);
        const requests = newRequests(local.smsVoice);

        // Act
        const result = await local.text({ from: customer, body });

        // Assess
        expect(result).toEqual({ batchItemFailures: [] });
        expect(connect()).toEqual([]);
        expect(participant()).toEqual([]);
        expect(smsCalls(requests(), 'SendTextMessage')).toEqual([
          {
            DestinationPhoneNumber: customer,
            OriginationIdentity: local.numberArns[BRIDGE_NUMBER],
            MessageBody: HELP,
            MessageType: 'TRANSACTIONAL',
          },
        ]);
      }
    );

    it('keeps HELP out of an open chat', async () => {
      // Prepare
      const customer = newCustomer();
      await local.text({ from: customer, body: 'Hello there' });
      const participant = newRequests(local.participant);

      // Act
      await local.text({ from: customer, body: 'HELP' });

      // Assess
      expect(callsTo(participant(), '/participant/message')).toEqual([]);
    });
  });

  it('opens a chat for any other text and texts nothing', async () => {
    // Prepare
    const connect = newRequests(local.connect);
    const requests = newRequests(local.smsVoice);

    // Act
    await local.text({ from: newCustomer(), body: 'Can you help me?' });

    // Assess
    expect(callsTo(connect(), '/contact/chat')).toHaveLength(1);
    expect(requests()).toEqual([]);
  });
});
