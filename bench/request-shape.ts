/** What the local endpoints received for one text, bodies included. */
export interface CapturedRequests {
  readonly connect: readonly unknown[];
  readonly dynamodb: readonly { operation: string; json: unknown }[];
}

export interface RequestComparison {
  /** The same calls in the same order with the same shape. */
  readonly match: boolean;
  readonly handlerCalls: readonly string[];
  readonly bareCalls: readonly string[];
  readonly differences: readonly string[];
}

/** Members whose value is part of the request's form, not of the text. */
const LITERAL = new Set([
  'TableName',
  'ConditionExpression',
  'UpdateExpression',
  'ReturnValuesOnConditionCheckFailure',
  'Subtype',
  'DestinationId',
  'Type',
  'ContentType',
]);

/**
 * A request with its values replaced by their kind, except expressions,
 * attribute names, table names and other fixed parts: two texts' requests
 * have the same shape, and any other difference shows.
 */
export const shapeOf = (value: unknown, key = ''): unknown => {
  if (Array.isArray(value)) return value.map((item) => shapeOf(item, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((name) => [
          name,
          shapeOf((value as Record<string, unknown>)[name], name),
        ])
    );
  }
  if (typeof value === 'string') {
    return LITERAL.has(key) || key.startsWith('#') ? value : `<${key}>`;
  }
  return `<${typeof value}>`;
};

/** Compares the calls one text caused under the handler and the bare loop. */
export const compareRequests = (
  handler: CapturedRequests,
  bare: CapturedRequests
): RequestComparison => {
  const calls = (captured: CapturedRequests) => [
    ...captured.dynamodb.map(({ operation }) => `DynamoDB.${operation}`),
    ...captured.connect.map(() => 'Connect.SendChatIntegrationEvent'),
  ];
  const bodies = (captured: CapturedRequests) => [
    ...captured.dynamodb.map(({ operation, json }) => ({
      call: `DynamoDB.${operation}`,
      shape: JSON.stringify(shapeOf(json)),
    })),
    ...captured.connect.map((json) => ({
      call: 'Connect.SendChatIntegrationEvent',
      shape: JSON.stringify(shapeOf(json)),
    })),
  ];
  const handlerBodies = bodies(handler);
  const bareBodies = bodies(bare);
  const differences: string[] = [];
  const count = Math.max(handlerBodies.length, bareBodies.length);
  for (let index = 0; index < count; index++) {
    const h = handlerBodies[index];
    const b = bareBodies[index];
    if (h?.call !== b?.call || h?.shape !== b?.shape) {
      differences.push(
        `call ${index + 1}: handler ${h?.call} ${h?.shape} / bare ${b?.call} ${b?.shape}`
      );
    }
  }
  return {
    match: differences.length === 0,
    handlerCalls: calls(handler),
    bareCalls: calls(bare),
    differences,
  };
};
