import { callsTo } from '../../../tools/local-aws/endpoint';
import {
  customerNumbers,
  newRequests,
  useLocalParticipantMode,
} from '../../support/local-participant-suite';

/** Longer than the clients' 6 s request timeout. */
const HANG_MS = 7_000;

const newCustomer = customerNumbers('+1425555', 70);

describe("participant mode's Connect clients", () => {
  const local = useLocalParticipantMode();

  it('retry a StartChatContact that hangs past the request timeout, in the same invocation', async () => {
    // Prepare: the first call gets no answer for longer than the client waits
    const requests = newRequests(local.connect);
    local.connect.queue({ status: 200, body: {}, delayMs: HANG_MS });

    // Act
    const result = await local.text({ from: newCustomer(), body: 'Hi there' });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(callsTo(requests(), '/contact/chat')).toHaveLength(2);
  });

  it('retry a participant SendMessage that hangs past the request timeout, in the same invocation', async () => {
    // Prepare
    const customer = newCustomer();
    await local.text({ from: customer, body: 'Hi there' });
    const requests = newRequests(local.participant);
    local.participant.queue({ status: 200, body: {}, delayMs: HANG_MS });

    // Act
    const result = await local.text({ from: customer, body: 'Still there?' });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(callsTo(requests(), '/participant/message')).toHaveLength(2);
  });
});
