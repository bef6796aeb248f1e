// Imported lazily by `dead-letter.ts`. By name, so that esbuild bundles
// only this much of the SQS SDK: a namespace import keeps all of it.
export {
  ChangeMessageVisibilityBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
