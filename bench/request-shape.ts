/** One request a local endpoint received: its operation and body. */
export interface CapturedCall {
  readonly call: string;
  readonly json: unknown;
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

/**
 * Where the calls one text caused under the handler and under the bare
 * loop differ (operation, order or shape); none when the floor is fair.
 */
export const requestDifferences = (
  handler: readonly CapturedCall[],
  bare: readonly CapturedCall[]
): string[] => {
  const shape = (call: CapturedCall | undefined) =>
    call && `${call.call} ${JSON.stringify(shapeOf(call.json))}`;
  const differences: string[] = [];
  for (let i = 0; i < Math.max(handler.length, bare.length); i++) {
    const [h, b] = [shape(handler[i]), shape(bare[i])];
    if (h !== b) differences.push(`call ${i + 1}: handler ${h} / bare ${b}`);
  }
  return differences;
};
