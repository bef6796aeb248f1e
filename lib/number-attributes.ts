import { Token } from 'aws-cdk-lib';
import { ATTRIBUTE_KEY } from '../lambda/shared/settings';
import { fail } from './validation';

/**
 * Contact attributes that name the customer's number and the number they
 * texted, after Amazon Connect's own "Customer number" and "System number"
 * of voice contacts, which a chat the bridge opens does not carry.
 */
export const DEFAULT_CUSTOMER_NUMBER_ATTRIBUTE = 'customerPhoneNumber';
export const DEFAULT_SYSTEM_NUMBER_ATTRIBUTE = 'systemPhoneNumber';

/** The bridge's settings for the phone-number attributes of new chats. */
export interface NumberAttributeProps {
  /**
   * The contact attribute that holds the customer's number (E.164) in every
   * new chat, for flows to branch on and Customer Profiles to search by.
   * @default 'customerPhoneNumber'
   */
  readonly customerNumberAttribute?: string;
  /**
   * The contact attribute that holds the number the customer texted
   * (E.164) in every new chat.
   * @default 'systemPhoneNumber'
   */
  readonly systemNumberAttribute?: string;
  /**
   * Whether new chats carry the customer's number as an attribute. It is
   * personal data: with `false`, only the number texted is added.
   * @default true
   */
  readonly includeCustomerNumber?: boolean;
}

/**
 * The attribute names, as the function reads them (`NUMBER_ATTRIBUTES`):
 * `customerNumber` is null when the customer's number is left out.
 */
export interface NumberAttributes {
  readonly customerNumber: string | null;
  readonly systemNumber: string;
}

/**
 * The names with their defaults, checked: Connect's key rule, two
 * different names, and none that `contactAttributes` already sets.
 */
export const numberAttributesOf = (
  props: NumberAttributeProps,
  contactAttributes: Readonly<Record<string, string>>
): NumberAttributes => {
  const include = props.includeCustomerNumber ?? true;
  if (!include && props.customerNumberAttribute !== undefined) {
    fail(
      'customerNumberAttribute',
      'needs includeCustomerNumber=true',
      props.customerNumberAttribute
    );
  }
  const attributes = {
    customerNumber: include
      ? (props.customerNumberAttribute ?? DEFAULT_CUSTOMER_NUMBER_ATTRIBUTE)
      : null,
    systemNumber:
      props.systemNumberAttribute ?? DEFAULT_SYSTEM_NUMBER_ATTRIBUTE,
  };
  const named = [
    ['customerNumberAttribute', attributes.customerNumber],
    ['systemNumberAttribute', attributes.systemNumber],
  ] as const;
  for (const [setting, name] of named) {
    if (name === null || Token.isUnresolved(name)) continue;
    if (typeof name !== 'string' || !ATTRIBUTE_KEY.test(name)) {
      fail(
        setting,
        'must be a contact attribute name: letters, digits, "-" and "_"',
        name
      );
    }
    if (Object.hasOwn(contactAttributes, name)) {
      fail(setting, 'must not name an attribute of contactAttributes', name);
    }
  }
  if (attributes.customerNumber === attributes.systemNumber) {
    fail(
      'systemNumberAttribute',
      'must not be the same attribute as customerNumberAttribute',
      attributes.systemNumber
    );
  }
  return attributes;
};

/** The names of the attributes that carry phone numbers. */
export const numberAttributeNames = (attributes: NumberAttributes): string[] =>
  [attributes.customerNumber, attributes.systemNumber].filter(
    (name): name is string => name !== null
  );
