import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * A synthesized stack as an account would hold it once deployed: every
 * intrinsic function resolved, with each resource's physical name set to
 * its logical ID, so that the ARNs a request carries and the ARNs a policy
 * names come out of the template the same way.
 */
export interface Deployment {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  /** The cloud assembly folder the template and the bundles are in. */
  readonly assemblyDir: string;
  readonly resources: Readonly<Record<string, CfnResource>>;
  /** Resolves an intrinsic function (`Ref`, `Fn::GetAtt`, `Fn::Join`, ...). */
  resolve(value: unknown): unknown;
  /** Resolves a value that must come out as a string. */
  resolveString(value: unknown): string;
  /** The logical IDs of the resources of a type. */
  idsOf(type: string): string[];
  /** The ARN of a resource, by logical ID. */
  arnOf(logicalId: string): string;
  /** The logical ID of the stack's resource with this ARN. */
  idOfArn(arn: string): string;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

const URL_SUFFIX = 'amazonaws.com';
const NAME_PROPERTIES = [
  'TopicName',
  'QueueName',
  'TableName',
  'FunctionName',
  'RoleName',
  'LogGroupName',
  'AlarmName',
];

/** Reads `<stackName>.template.json` from an assembly folder. */
export const loadDeployment = (
  assemblyDir: string,
  stackName: string,
  env: { readonly account: string; readonly region: string }
): Deployment => {
  const template = JSON.parse(
    readFileSync(path.join(assemblyDir, `${stackName}.template.json`), 'utf8')
  ) as { Resources: Record<string, CfnResource> };
  const { account, region } = env;
  const partition = 'aws';
  const resources = template.Resources;

  const typeOf = (id: string): string => {
    const resource = resources[id];
    if (resource === undefined) throw new Error(`no resource ${id}`);
    return resource.Type;
  };
  /** A resource's name: the one the template gives, or its logical ID. */
  const nameOf = (id: string): string => {
    const properties = resources[id]?.Properties ?? {};
    const given = NAME_PROPERTIES.map((name) => properties[name]).find(
      (value) => value !== undefined
    );
    return given === undefined ? id : String(resolve(given));
  };
  const arnOf = (logicalId: string): string => {
    const at = `${partition}:`;
    const id = nameOf(logicalId);
    switch (typeOf(logicalId)) {
      case 'AWS::SNS::Topic':
        return `arn:${at}sns:${region}:${account}:${id}`;
      case 'AWS::SQS::Queue':
        return `arn:${at}sqs:${region}:${account}:${id}`;
      case 'AWS::KMS::Key':
        return `arn:${at}kms:${region}:${account}:key/${id}`;
      case 'AWS::DynamoDB::Table':
        return `arn:${at}dynamodb:${region}:${account}:table/${id}`;
      case 'AWS::IAM::Role':
        return `arn:${at}iam::${account}:role/${id}`;
      case 'AWS::Lambda::Function':
        return `arn:${at}lambda:${region}:${account}:function:${id}`;
      case 'AWS::Logs::LogGroup':
        return `arn:${at}logs:${region}:${account}:log-group:${id}:*`;
      case 'AWS::CloudWatch::Alarm':
        return `arn:${at}cloudwatch:${region}:${account}:alarm:${id}`;
      case 'AWS::Events::Rule':
        return `arn:${at}events:${region}:${account}:rule/${id}`;
      default:
        throw new Error(`no ARN format for ${typeOf(logicalId)} (${id})`);
    }
  };
  const ref = (id: string): string => {
    switch (id) {
      case 'AWS::AccountId':
        return account;
      case 'AWS::Region':
        return region;
      case 'AWS::Partition':
        return partition;
      case 'AWS::URLSuffix':
        return URL_SUFFIX;
    }
    switch (typeOf(id)) {
      case 'AWS::SNS::Topic':
        return arnOf(id);
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.${URL_SUFFIX}/${account}/${nameOf(id)}`;
      default:
        // Keys, tables, functions, roles, log groups: their name or id.
        return nameOf(id);
    }
  };
  const getAtt = (id: string, attribute: string): string => {
    switch (attribute) {
      case 'Arn':
      case 'TopicArn':
        return arnOf(id);
      case 'QueueUrl':
        return ref(id);
      case 'QueueName':
      case 'TopicName':
        return nameOf(id);
      default:
        throw new Error(`no value for ${id}.${attribute}`);
    }
  };
  const sub = (text: string): string =>
    text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      const [id, attribute] = name.split('.');
      return attribute === undefined
        ? ref(id as string)
        : getAtt(id as string, attribute);
    });

  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first !== undefined) {
      const [name, argument] = first;
      switch (name) {
        case 'Ref':
          return ref(argument as string);
        case 'Fn::GetAtt': {
          const [id, attribute] = argument as [string, string];
          return getAtt(id, attribute);
        }
        case 'Fn::Join': {
          const [separator, parts] = argument as [string, unknown[]];
          return (resolve(parts) as unknown[]).join(separator);
        }
        case 'Fn::Sub':
          return sub(argument as string);
        case 'Fn::Select': {
          const [index, list] = argument as [number, unknown];
          return (resolve(list) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [separator, text] = argument as [string, unknown];
          return String(resolve(text)).split(separator);
        }
      }
      if (name.startsWith('Fn::')) throw new Error(`cannot resolve ${name}`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };

  return {
    account,
    region,
    partition,
    assemblyDir,
    resources,
    resolve,
    resolveString: (value) => {
      const resolved = resolve(value);
      if (typeof resolved !== 'string') {
        throw new Error(`expected a string, got ${JSON.stringify(resolved)}`);
      }
      return resolved;
    },
    idsOf: (type) =>
      Object.entries(resources)
        .filter(([, resource]) => resource.Type === type)
        .map(([id]) => id),
    arnOf,
    idOfArn: (arn) => {
      const id = Object.keys(resources).find((candidate) => {
        try {
          return arnOf(candidate) === arn;
        } catch {
          return false;
        }
      });
      if (id === undefined) throw new Error(`no resource has the ARN ${arn}`);
      return id;
    },
  };
};

/** The logical ID a `{ Ref }` or `{ Fn::GetAtt }` points at. */
export const referencedId = (value: unknown): string => {
  const reference = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = reference.Ref ?? reference['Fn::GetAtt']?.[0];
  if (id === undefined) {
    throw new Error(`not a reference: ${JSON.stringify(value)}`);
  }
  return id;
};
