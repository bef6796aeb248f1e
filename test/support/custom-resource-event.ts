import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

const SERVICE_TOKEN =
  'arn:aws:lambda:us-east-1:111122223333:function:TwoWayProvider';
const common = {
  ServiceToken: SERVICE_TOKEN,
  ResponseURL: 'https://cloudformation-custom-resource-response.invalid/',
  StackId:
    'arn:aws:cloudformation:us-east-1:111122223333:stack/SmsConnectBridge/1',
  RequestId: 'request-1',
  LogicalResourceId: 'TwoWayPhoneNumber',
  ResourceType: 'Custom::TwoWayPhoneNumber',
};

/** Properties as CloudFormation hands them over: scalars as strings. */
export type Properties = Record<string, string | string[]>;

const withToken = (properties: Properties) => ({
  ServiceToken: SERVICE_TOKEN,
  ...properties,
});

export const createEvent = (
  properties: Properties
): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Create',
  ResourceProperties: withToken(properties),
});

export const updateEvent = (
  physicalResourceId: string,
  properties: Properties,
  oldProperties: Properties
): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Update',
  PhysicalResourceId: physicalResourceId,
  ResourceProperties: withToken(properties),
  OldResourceProperties: withToken(oldProperties),
});

export const deleteEvent = (
  physicalResourceId: string,
  properties: Properties
): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Delete',
  PhysicalResourceId: physicalResourceId,
  ResourceProperties: withToken(properties),
});
