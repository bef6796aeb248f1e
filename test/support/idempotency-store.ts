import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

type Item = Record<string, AttributeValue>;
type StoredItem = (key: AttributeValue | undefined) => Item;

/** A store that has seen no message yet: every lock is granted. */
export const emptyStore = (dynamodb: AwsClientStub<DynamoDBClient>): void => {
  dynamodb.on(PutItemCommand).resolves({});
  dynamodb.on(UpdateItemCommand).resolves({});
  dynamodb.on(DeleteItemCommand).resolves({});
  dynamodb.on(GetItemCommand).resolves({});
};

/**
 * A store that already holds a record under whatever key the handler tries
 * to lock. The conditional put fails the way DynamoDB fails it with
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` (the old item attached),
 * and a read returns the same item.
 */
export const storeHolding = (
  dynamodb: AwsClientStub<DynamoDBClient>,
  stored: StoredItem
): void => {
  dynamodb.on(PutItemCommand).callsFake(async (input) => {
    throw new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: { httpStatusCode: 400 },
      Item: stored(input.Item?.id),
    });
  });
  dynamodb
    .on(GetItemCommand)
    .callsFake(async (input) => ({ Item: stored(input.Key?.id) }));
  dynamodb.on(UpdateItemCommand).resolves({});
  dynamodb.on(DeleteItemCommand).resolves({});
};

const inOneHour = () => ({ N: String(Math.round(Date.now() / 1000) + 3600) });

/** What the store keeps after a forwarding succeeded (`saveSuccess`). */
export const completedRecord =
  (delivered: {
    eventType: 'MESSAGE' | 'DISCONNECT';
    contactId: string;
    newChat: boolean;
  }): StoredItem =>
  (key) => ({
    ...(key === undefined ? {} : { id: key }),
    status: { S: 'COMPLETED' },
    expiration: inOneHour(),
    data: {
      M: {
        eventType: { S: delivered.eventType },
        contactId: { S: delivered.contactId },
        newChat: { BOOL: delivered.newChat },
      },
    },
  });

/** The lock another invocation holds while it is still forwarding. */
export const inProgressRecord = (): StoredItem => (key) => ({
  ...(key === undefined ? {} : { id: key }),
  status: { S: 'INPROGRESS' },
  expiration: inOneHour(),
  in_progress_expiration: { N: String(Date.now() + 60_000) },
});
