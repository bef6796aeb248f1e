import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  type LocalEndpoint,
  startLocalEndpoint,
} from '../../tools/local-aws/endpoint';
import {
  type SmsVoiceResponder,
  smsVoiceResponder,
} from '../../tools/local-aws/sms-voice';

type Handler = (event: CloudFormationCustomResourceEvent) => Promise<{
  PhysicalResourceId: string;
  Data?: Readonly<Record<string, string>>;
}>;

/**
 * A local End User Messaging endpoint, fresh state per test, and the
 * custom resource's handler loaded after the endpoint URL is set (its SDK
 * client is created when the module loads).
 */
export const useLocalSmsVoice = () => {
  const context = {} as {
    endpoint: LocalEndpoint;
    smsVoice: SmsVoiceResponder;
    handler: Handler;
  };
  beforeAll(async () => {
    context.endpoint = await startLocalEndpoint((request) =>
      context.smsVoice.respond(request)
    );
    process.env.AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2 = context.endpoint.url;
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'AKIDLOCAL';
    process.env.AWS_SECRET_ACCESS_KEY = 'local-secret';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    ({ handler: context.handler } = await import(
      '../../lambda/two-way-config/handler'
    ));
  });
  beforeEach(() => {
    context.smsVoice = smsVoiceResponder();
    context.endpoint.requests.length = 0;
  });
  afterAll(async () => {
    await context.endpoint.close();
  });
  return context;
};
