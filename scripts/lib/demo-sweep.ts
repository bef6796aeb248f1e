import type { LocalBridge } from '../../tools/harness/local-bridge';
import {
  loadLocalSweep,
  OPT_OUT_SWEEP_FUNCTION_PATH,
} from '../../tools/harness/local-sweep';
import { readInboundFunction } from '../../tools/harness/synth';
import { startLocalEndpoint } from '../../tools/local-aws/endpoint';
import { smsVoiceResponder } from '../../tools/local-aws/sms-voice';
import { BRUNO, bold, dim, print, summarizeLog, verify } from './demo-output';

/**
 * The opt-out sweep, on the demo's open bridge: Bruno texts STOP, End User
 * Messaging answers it itself (AWS-managed opt-outs) and only puts him on
 * the opt-out list; the sweep bundle reads the list and ends his chat.
 * Returns the sweep's log lines, for the privacy check.
 */
export const runSweepStep = async (
  bridge: LocalBridge,
  assemblyDir: string,
  number: number
): Promise<readonly string[]> => {
  const smsVoice = smsVoiceResponder();
  const endpoint = await startLocalEndpoint(smsVoice.respond);
  try {
    const sweep = await loadLocalSweep({
      fn: readInboundFunction(assemblyDir, OPT_OUT_SWEEP_FUNCTION_PATH),
      endpoints: {
        CONNECT: bridge.connect.url,
        DYNAMODB: bridge.dynamoDbUrl,
        PINPOINT_SMS_VOICE_V2: endpoint.url,
      },
      otherServices: bridge.otherServices.url,
      tables: { state: bridge.tableName },
      logs: { forward: false },
    });
    smsVoice.endUserOptOut(BRUNO);
    const connectBefore = bridge.connect.exchanges.length;

    await sweep.run();
    const calls = bridge.connect.exchanges.slice(connectBefore);
    print();
    print(
      bold(
        `${number}. Bruno texts STOP; End User Messaging answers it and opts him out; the opt-out sweep ends his chat`
      )
    );
    for (const request of endpoint.requests) {
      const target = String(request.headers['x-amz-target'] ?? '');
      print(`   End User Messaging  ${target.split('.').pop()}`);
      print(`     │ ${JSON.stringify(request.json)}`);
    }
    for (const { request, reply } of calls) {
      print('   Amazon Connect  POST /chat-integration-event');
      print(
        `     │ Event: ${JSON.stringify((request.json as { Event: unknown }).Event)}`
      );
      print(
        `     └ ${'status' in reply ? reply.status : 0} ${JSON.stringify('body' in reply ? reply.body : undefined)}`
      );
    }
    for (const { line } of sweep.logs) {
      print(dim(`   bundle log  ${summarizeLog(line)}`));
    }
    const [disconnect] = calls;
    const event = disconnect?.request.json as
      | { Event?: { Type?: string } }
      | undefined;
    const reply =
      disconnect !== undefined && 'body' in disconnect.reply
        ? (disconnect.reply.body as { InitialContactId?: string })
        : {};
    verify(
      calls.length === 1 &&
        event?.Event?.Type === 'DISCONNECT' &&
        reply.InitialContactId !== undefined,
      "the sweep did not end Bruno's chat"
    );

    await sweep.run();
    print('   The next run, a minute later: no Amazon Connect call');
    verify(
      bridge.connect.exchanges.length === connectBefore + 1,
      'a second sweep ended the chat again'
    );
    return sweep.logs.map(({ line }) => line);
  } finally {
    await endpoint.close();
  }
};
