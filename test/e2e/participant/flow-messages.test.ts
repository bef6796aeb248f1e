import { captureLogs } from '../../../tools/harness/log-capture';
import { awsError, callsTo } from '../../../tools/local-aws/endpoint';
import {
  BRIDGE_NUMBER,
  CONTACT_FLOW_ID,
} from '../../support/local-participant-mode';
import {
  customerNumbers,
  newRequests,
  useLocalParticipantMode,
} from '../../support/local-participant-suite';

const newCustomer = customerNumbers('+1425555', 20);
const GREETING = 'Thanks for texting Example Co, an agent will reply soon.';

describe('participant mode, what the flow says before streaming starts (inbound)', () => {
  const local = useLocalParticipantMode();

  beforeEach(() => {
    local.chats.setFlow(CONTACT_FLOW_ID, { says: [{ content: GREETING }] });
  });
  afterEach(() => {
    local.chats.setFlow(CONTACT_FLOW_ID, undefined);
  });

  const textedTo = (customer: string) =>
    local.smsVoice.state.sentTextMessages
      .filter((sent) => sent.DestinationPhoneNumber === customer)
      .map((sent) => sent.MessageBody);

  it("texts the flow's messages when the text comes again after texting them failed", async () => {
    // Prepare: End User Messaging fails every attempt of the first delivery
    const customer = newCustomer();
    local.smsVoice.state.failNext(
      'SendTextMessage',
      awsError(500, 'InternalServerException'),
      3
    );
    const first = await local.text({
      from: customer,
      body: 'Where is my parcel?',
      id: 'flow-retry-1',
    });

    // Act: the queue delivers the text again
    const retry = await local.text({
      from: customer,
      body: 'Where is my parcel?',
      id: 'flow-retry-1',
    });

    // Assess
    expect(first?.batchItemFailures).toHaveLength(1);
    expect(retry).toEqual({ batchItemFailures: [] });
    expect(textedTo(customer)).toEqual([GREETING]);
  });

  it('puts the text in the chat once when it comes again to text the flow messages', async () => {
    // Prepare
    const customer = newCustomer();
    local.smsVoice.state.failNext(
      'SendTextMessage',
      awsError(500, 'InternalServerException'),
      3
    );
    await local.text({
      from: customer,
      body: 'Where is my parcel?',
      id: 'flow-retry-2',
    });
    const [chat] = local.chats.list().slice(-1);
    const chatsBefore = local.chats.list().length;
    const requests = newRequests(local.participant);

    // Act
    await local.text({
      from: customer,
      body: 'Where is my parcel?',
      id: 'flow-retry-2',
    });

    // Assess
    expect(local.chats.list()).toHaveLength(chatsBefore);
    expect(callsTo(requests(), '/participant/message')).toEqual([]);
    expect(chat?.messages.map((m) => m.Content)).toEqual([
      'Where is my parcel?',
    ]);
  });

  it("texts the flow's messages, then sends the rest of a long text, when it comes again", async () => {
    // Prepare: the first part opens the chat, then texting the flow's
    // messages fails every attempt of the first delivery
    const customer = newCustomer();
    const body = Array.from({ length: 150 }, (_, i) => `word${i}`).join(' ');
    local.smsVoice.state.failNext(
      'SendTextMessage',
      awsError(500, 'InternalServerException'),
      3
    );
    const first = await local.text({ from: customer, body, id: 'long-1' });
    const [chat] = local.chats.list().slice(-1);
    const requests = newRequests(local.participant);

    // Act
    const retry = await local.text({ from: customer, body, id: 'long-1' });

    // Assess: the first part opened the chat once, the rest went to it
    expect(first?.batchItemFailures).toHaveLength(1);
    expect(retry).toEqual({ batchItemFailures: [] });
    expect(textedTo(customer)).toEqual([GREETING]);
    expect(chat?.messages.map((m) => m.Content).join(' ')).toBe(body);
    expect(
      callsTo(requests(), '/participant/message').map(
        (call) => call.body.ClientToken
      )
    ).toEqual(['long-1-part-1']);
  });

  it('acknowledges the text of a customer on the opt-out list, texting nothing', async () => {
    // Prepare
    const customer = newCustomer();
    local.smsVoice.state.failNext(
      'SendTextMessage',
      awsError(400, 'ConflictException', 'opted out', {
        Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
      })
    );
    const deadLetters = local.inboundDeadLetters().length;

    // Act
    const result = await local.text({ from: customer, body: 'Hello?' });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(local.inboundDeadLetters()).toHaveLength(deadLetters);
    expect(textedTo(customer)).toEqual([]);
    expect(await local.session(customer)).toMatchObject({ state: 'active' });
  });

  it('acknowledges the text when End User Messaging refuses the flow messages for good', async () => {
    // Prepare
    const customer = newCustomer();
    local.smsVoice.state.failNext(
      'SendTextMessage',
      awsError(400, 'ValidationException', 'no')
    );
    const deadLetters = local.inboundDeadLetters().length;

    // Act
    const result = await local.text({ from: customer, body: 'Hello?' });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(local.inboundDeadLetters()).toHaveLength(deadLetters);
  });

  it("logs neither the flow's words nor the customer's number", async () => {
    // Prepare
    const customer = newCustomer();
    const capture = captureLogs();

    // Act
    await capture.during(() =>
      local.text({ from: customer, to: BRIDGE_NUMBER, body: 'Hello?' })
    );

    // Assess
    expect(capture.lines.length).toBeGreaterThan(0);
    expect(
      capture.lines.filter(
        ({ line }) =>
          line.includes(GREETING) ||
          line.includes(customer) ||
          line.includes(customer.slice(1))
      )
    ).toEqual([]);
  });
});
