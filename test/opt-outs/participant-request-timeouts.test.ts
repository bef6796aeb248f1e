import { connectChatCalls } from '../../tools/local-aws/connect-chat';
import type { RecordedRequest } from '../../tools/local-aws/endpoint';
import { participantCalls } from '../../tools/local-aws/participant';
import {
  type LocalParticipantMode,
  startLocalParticipantMode,
} from '../participant/support/local-participant-mode';

/** Longer than the clients' 6 s request timeout. */
const HANG_MS = 7_000;

let nextCustomer = 70;
const newCustomer = () => `+1425555${String(nextCustomer++).padStart(4, '0')}`;

describe("participant mode's Connect clients", () => {
  let local: LocalParticipantMode;

  beforeAll(async () => {
    local = await startLocalParticipantMode();
  });

  afterAll(async () => {
    await local.close();
  });

  const newRequests = (endpoint: { requests: RecordedRequest[] }) => {
    const start = endpoint.requests.length;
    return () => endpoint.requests.slice(start);
  };

  it('retry a StartChatContact that hangs past the request timeout, in the same invocation', async () => {
    // Prepare: the first call gets no answer for longer than the client waits
    const requests = newRequests(local.connect);
    local.connect.queue({ status: 200, body: {}, delayMs: HANG_MS });

    // Act
    const result = await local.text({ from: newCustomer(), body: 'Hi there' });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(connectChatCalls(requests(), '/contact/chat')).toHaveLength(2);
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
    expect(participantCalls(requests(), '/participant/message')).toHaveLength(
      2
    );
  });
});
