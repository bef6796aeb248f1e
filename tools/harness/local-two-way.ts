import type {
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
} from 'aws-lambda';
import { awsError, startLocalEndpoint } from '../local-aws/endpoint';
import { functionEnvironment, loadFunction, openBridge } from './bridge-start';
import { type CapturedLine, captureLogs } from './log-capture';
import { setEnvironment } from './node-realm';
import type { BridgeFunction, TemplateCustomResource } from './synth';

const ACCOUNT = '111122223333';
const FUNCTION_NAME = 'SmsConnectBridge-TwoWayFunction';

/** What `onEvent` of a CDK provider answers. */
export type OnEventResponse = Pick<
  CloudFormationCustomResourceResponse,
  'PhysicalResourceId' | 'Data'
>;

export interface LocalTwoWay {
  /** What the bundle wrote to stdout and stderr, line by line. */
  readonly logs: readonly CapturedLine[];
  /**
   * Runs the bundle on CloudFormation's create of `resource`, with its
   * properties as CloudFormation hands them over: references replaced by
   * the `references` given for the property, scalars as strings.
   */
  create(
    resource: TemplateCustomResource,
    references: Readonly<Record<string, string>>
  ): Promise<OnEventResponse>;
  close(): Promise<void>;
}

export interface LocalTwoWayOptions {
  /** The synthesized two-way function whose bundle runs. */
  readonly fn: BridgeFunction;
  /** The local End User Messaging (`AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2`). */
  readonly smsVoiceUrl: string;
}

/**
 * Loads the two-way custom resource's bundle afresh, pointed at a local
 * End User Messaging (every other service answers with an error), so a
 * deployment's create can be run against it. The environment is the
 * process's, so one may be open at a time, as for a local bridge.
 */
export const startLocalTwoWay = (
  options: LocalTwoWayOptions
): Promise<LocalTwoWay> =>
  openBridge(async (closers, close) => {
    const otherServices = await startLocalEndpoint(() =>
      awsError(400, 'UnrecognizedClientException', 'not a local service')
    );
    closers.push(otherServices.close);
    closers.push(
      setEnvironment(
        functionEnvironment(options.fn, FUNCTION_NAME, {
          otherServices: otherServices.url,
          endpoints: { PINPOINT_SMS_VOICE_V2: options.smsVoiceUrl },
        })
      )
    );
    const capture = captureLogs();
    const onEvent = await loadFunction<
      CloudFormationCustomResourceEvent,
      OnEventResponse
    >(options.fn, FUNCTION_NAME, capture.during);
    const { region } = options.fn;
    return {
      logs: capture.lines,
      create: (resource, references) =>
        onEvent({
          RequestType: 'Create',
          ServiceToken: `arn:aws:lambda:${region}:${ACCOUNT}:function:Provider`,
          ResponseURL: 'https://cloudformation-response.invalid/',
          StackId: `arn:aws:cloudformation:${region}:${ACCOUNT}:stack/SmsConnectBridge/1`,
          RequestId: 'request-1',
          LogicalResourceId: resource.logicalId,
          ResourceType: resource.type,
          ResourceProperties: asCloudFormationHandsThem(
            resource.properties,
            references
          ),
        } as CloudFormationCustomResourceEvent),
      close,
    };
  });

/**
 * CloudFormation hands a custom resource its properties resolved, with
 * every scalar as a string. A property that is a reference (an object)
 * takes its value from `references`, and one without fails.
 */
const asCloudFormationHandsThem = (
  properties: Readonly<Record<string, unknown>>,
  references: Readonly<Record<string, string>>
): { ServiceToken: string; [name: string]: unknown } => {
  const scalar = (name: string, value: unknown): unknown => {
    if (Array.isArray(value)) return value.map((v) => scalar(name, v));
    if (typeof value === 'object' && value !== null) {
      const local = references[name];
      if (local === undefined) {
        throw new Error(
          `${name} is ${JSON.stringify(value)} in the template; give a local value for it`
        );
      }
      return local;
    }
    return String(value);
  };
  return Object.fromEntries(
    Object.entries(properties).map(([name, value]) => [
      name,
      scalar(name, value),
    ])
  ) as { ServiceToken: string };
};
